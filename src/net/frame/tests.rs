//! Frames from hostile streams: lengths past the limit, lengths the stream never
//! delivers, random bytes. Reading answers a frame, the end, or an error, allocating
//! no more than the bytes that actually arrived.

use super::*;
use crate::testing::alloc::peak_of;
use futures::executor::block_on;
use proptest::prelude::*;

/// Every frame in `stream` until its end or the first error.
fn read_all(mut stream: &[u8]) -> (Vec<Vec<u8>>, Option<io::Error>) {
    let mut frames = Vec::new();
    loop {
        match block_on(read_frame(&mut stream)) {
            Ok(Some(f)) => frames.push(f),
            Ok(None) => return (frames, None),
            Err(e) => return (frames, Some(e)),
        }
    }
}

fn header(len: u32) -> Vec<u8> {
    len.to_be_bytes().to_vec()
}

#[test]
fn a_length_past_the_limit_is_refused_before_any_body() {
    for len in [MAX_FRAME as u32 + 1, u32::MAX] {
        let stream = [header(len), vec![0; 100]].concat();
        let ((frames, err), peak) = peak_of(|| read_all(&stream));
        assert!(frames.is_empty());
        assert_eq!(err.expect("refused").kind(), io::ErrorKind::InvalidData);
        assert!(peak < 4096, "{peak}");
    }
}

#[test]
fn a_claimed_length_costs_only_the_bytes_that_arrive() {
    for len in [MAX_FRAME as u32, MAX_FRAME as u32 / 2, 1 << 20] {
        let stream = [header(len), vec![1; 10]].concat();
        let ((frames, err), peak) = peak_of(|| read_all(&stream));
        assert!(frames.is_empty());
        assert_eq!(err.expect("cut short").kind(), io::ErrorKind::UnexpectedEof);
        assert!(peak <= 2 * FIRST_CHUNK, "claiming {len} bytes cost {peak}");
    }
}

#[test]
fn a_stream_ending_inside_a_header_is_a_clean_end() {
    for cut in 0..4 {
        let (frames, err) = read_all(&header(5)[..cut]);
        assert!(frames.is_empty() && err.is_none(), "{cut}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn frames_round_trip(bodies in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..300), 0..8)) {
        let mut stream = Vec::new();
        for b in &bodies {
            block_on(write_frame(&mut stream, b)).unwrap();
        }
        let (frames, err) = read_all(&stream);
        prop_assert!(err.is_none());
        prop_assert_eq!(frames, bodies);
    }

    /// Random streams, often starting with a plausible small length.
    #[test]
    fn arbitrary_streams_never_panic(
        len in prop_oneof![0u32..600, any::<u32>()],
        rest in prop::collection::vec(any::<u8>(), 0..1024),
    ) {
        let stream = [header(len), rest].concat();
        let ((frames, _), peak) = peak_of(|| read_all(&stream));
        prop_assert!(frames.iter().all(|f| f.len() <= MAX_FRAME));
        prop_assert!(frames.iter().map(Vec::len).sum::<usize>() <= stream.len());
        prop_assert!(peak <= 2 * FIRST_CHUNK + 2 * stream.len(), "{} bytes cost {}", stream.len(), peak);
    }
}
