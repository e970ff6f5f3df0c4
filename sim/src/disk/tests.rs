use super::*;

fn losing(torn_writes: bool) -> DiskSpec {
    DiskSpec {
        lose_unsynced: true,
        torn_writes,
    }
}

fn read_all(h: &DiskHandle) -> Vec<u8> {
    let mut buf = vec![0; h.len().unwrap() as usize];
    h.read(0, &mut buf).unwrap();
    buf
}

#[test]
fn reads_back_writes_and_grows() {
    let disk = SimDisk::new();
    let h = disk.handle();
    assert!(h.is_empty().unwrap());
    h.write(4, b"abc").unwrap();
    assert_eq!(h.len().unwrap(), 7);
    let mut buf = [9u8; 7];
    h.read(0, &mut buf).unwrap();
    assert_eq!(&buf, b"\0\0\0\0abc");
    h.set_len(5).unwrap();
    assert_eq!(disk.snapshot(), b"\0\0\0\0a");
    h.sync().unwrap();
}

#[test]
fn read_past_end_fails() {
    let h = SimDisk::new().handle();
    h.write(0, b"ab").unwrap();
    let mut buf = [0u8; 3];
    assert_eq!(
        h.read(0, &mut buf).unwrap_err().kind(),
        io::ErrorKind::UnexpectedEof
    );
}

#[test]
fn fencing_fails_old_handles_and_keeps_even_unsynced_bytes() {
    let disk = SimDisk::new();
    let old = disk.handle();
    old.write(0, b"kept").unwrap();
    disk.fence();
    assert_eq!(disk.generation(), 1);
    assert!(old.write(0, b"lost").is_err());
    assert!(old.read(0, &mut [0u8; 4]).is_err());
    assert!(old.len().is_err() && old.set_len(0).is_err() && old.sync().is_err());
    // The process ended, the machine did not: the next process finds the bytes and
    // its sync makes them durable.
    let new = disk.handle();
    assert_eq!(read_all(&new), b"kept");
    new.sync().unwrap();
    assert!(disk.crash().is_empty());
    assert_eq!(disk.snapshot(), b"kept");
}

#[test]
fn a_crash_loses_what_was_not_synced() {
    let disk = SimDisk::new();
    let h = disk.handle();
    h.write(0, b"synced").unwrap();
    h.sync().unwrap();
    h.write(0, b"SYNCED, then more").unwrap();
    let report = disk.crash();
    assert_eq!((report.lost_writes, report.lost_bytes), (1, 17));
    assert_eq!(report.torn, None);
    assert!(h.read(0, &mut [0u8; 1]).is_err(), "the crash fences");
    assert_eq!(read_all(&disk.handle()), b"synced");
}

#[test]
fn without_lose_unsynced_a_crash_keeps_every_write() {
    let disk = SimDisk::with_spec(
        DiskSpec {
            lose_unsynced: false,
            torn_writes: false,
        },
        0,
    );
    disk.handle().write(0, b"never synced").unwrap();
    assert!(disk.crash().is_empty());
    assert_eq!(disk.snapshot(), b"never synced");
}

#[test]
fn torn_writes_are_drawn_from_the_seed() {
    let kept = |seed| {
        let disk = SimDisk::with_spec(losing(true), seed);
        let h = disk.handle();
        h.write(0, &[1; 4096]).unwrap();
        h.sync().unwrap();
        h.write(0, &[2; 4096]).unwrap();
        h.write(4096, &[3; 4096]).unwrap();
        let torn = disk.crash().torn.expect("the last write is torn");
        assert_eq!((torn.offset, torn.len), (4096, 4096));
        let bytes = disk.snapshot();
        assert_eq!(bytes.len() as u64, 4096 + torn.kept);
        assert!(
            bytes[..4096].iter().all(|&b| b == 1),
            "earlier writes are lost"
        );
        assert!(bytes[4096..].iter().all(|&b| b == 3));
        torn.kept
    };
    assert_eq!(kept(7), kept(7));
    let draws: std::collections::BTreeSet<u64> = (0..8).map(kept).collect();
    assert!(draws.len() > 1, "every seed tore at {draws:?}");
}

#[test]
fn an_injected_error_fails_writes_and_syncs_until_healed() {
    let disk = SimDisk::new();
    let h = disk.handle();
    h.write(0, b"abc").unwrap();
    disk.fail();
    for err in [
        h.write(0, b"x").unwrap_err(),
        h.set_len(1).unwrap_err(),
        h.sync().unwrap_err(),
    ] {
        assert!(err.to_string().contains("EIO"), "{err}");
    }
    assert_eq!(read_all(&h), b"abc", "reads still work");
    disk.heal();
    h.write(0, b"x").unwrap();
    h.sync().unwrap();
    assert_eq!(disk.snapshot(), b"xbc");
}

#[test]
fn a_full_disk_refuses_to_grow_past_its_free_space() {
    let disk = SimDisk::new();
    let h = disk.handle();
    h.write(0, &[0; 100]).unwrap();
    disk.fill(10);
    h.write(50, &[1; 50]).unwrap();
    h.write(100, &[1; 10]).unwrap();
    let err = h.write(110, b"!").unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::StorageFull, "{err}");
    assert!(err.to_string().contains("disk full"), "{err}");
    assert_eq!(
        h.set_len(111).unwrap_err().kind(),
        io::ErrorKind::StorageFull
    );
    h.set_len(20).unwrap();
    h.sync().unwrap();
    disk.heal();
    h.write(1000, b"!").unwrap();
}

#[test]
fn a_power_cut_crashes_inside_the_next_sync() {
    let disk = SimDisk::with_spec(losing(true), 3);
    let h = disk.handle();
    h.write(0, b"durable").unwrap();
    h.sync().unwrap();
    let seen: Arc<Mutex<Option<CrashReport>>> = Arc::default();
    let slot = seen.clone();
    disk.arm_power_cut(Box::new(move |report| *slot.lock().unwrap() = Some(report)));
    h.write(0, b"DURABLE").unwrap();
    h.write(7, b" and more").unwrap();
    assert!(seen.lock().unwrap().is_none(), "writes do not cut");
    assert!(h.sync().unwrap_err().to_string().contains("power cut"));
    let report = seen.lock().unwrap().take().expect("on_cut called");
    assert_eq!(report.lost_writes, 2);
    let torn = report.torn.expect("torn");
    assert_eq!(torn.offset, 7);
    assert!(h.len().is_err(), "the cut fences the dead process's handle");
    let mut expected = b"durable".to_vec();
    expected.extend_from_slice(&b" and more"[..torn.kept as usize]);
    assert_eq!(read_all(&disk.handle()), expected);
    assert!(disk.disarm_power_cut().is_none(), "a cut happens once");
}
