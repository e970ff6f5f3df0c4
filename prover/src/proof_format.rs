//! Versioned compact binary proof format.
//!
//! Envelope: magic `KRKN`, format version (u16 BE), kind byte, body, nothing after.
//! Field elements are 32 bytes BE and must be canonical; counts are u32 BE and bounded by
//! the bytes left, so hostile input can neither panic nor make the decoder allocate much.

use crate::error::DecodeError;
use crate::field::{fe_from_bytes, fe_to_bytes, FE};
use crate::merkle::Digest;
use crate::options::ProofOptions;
use crate::proof::{QueryProof, StarkProof};

pub const MAGIC: &[u8; 4] = b"KRKN";
/// 2: Merkle batch openings per tree instead of a path per query. 3: Blake2b-256 Merkle
/// leaves and nodes instead of Keccak256 (a version-2 proof would fail every opening).
pub const FORMAT_VERSION: u16 = 3;

/// What the body of a proof file proves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProofKind {
    /// A bare STARK (example AIRs; the verifier supplies the AIR).
    Stark = 0,
    /// A Cairo execution with its public input.
    Cairo = 1,
}

#[derive(Default)]
pub struct Writer {
    pub buf: Vec<u8>,
}

impl Writer {
    pub fn envelope(kind: ProofKind) -> Self {
        let mut w = Writer::default();
        w.buf.extend_from_slice(MAGIC);
        w.u16(FORMAT_VERSION);
        w.u8(kind as u8);
        w
    }
    pub fn u8(&mut self, v: u8) {
        self.buf.push(v);
    }
    pub fn u16(&mut self, v: u16) {
        self.buf.extend_from_slice(&v.to_be_bytes());
    }
    pub fn u32(&mut self, v: u32) {
        self.buf.extend_from_slice(&v.to_be_bytes());
    }
    pub fn u64(&mut self, v: u64) {
        self.buf.extend_from_slice(&v.to_be_bytes());
    }
    pub fn bytes(&mut self, b: &[u8]) {
        self.buf.extend_from_slice(b);
    }
    pub fn fe(&mut self, x: &FE) {
        self.buf.extend_from_slice(&fe_to_bytes(x));
    }
    pub fn fes(&mut self, xs: &[FE]) {
        self.u32(xs.len() as u32);
        xs.iter().for_each(|x| self.fe(x));
    }
    pub fn digests(&mut self, ds: &[Digest]) {
        self.u32(ds.len() as u32);
        ds.iter().for_each(|d| self.bytes(d));
    }
}

pub struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Reader { data, pos: 0 }
    }
    /// Checks magic and version, returns the kind.
    pub fn envelope(&mut self) -> Result<ProofKind, DecodeError> {
        if self.take(4)? != MAGIC {
            return Err(DecodeError::BadMagic);
        }
        let v = self.u16()?;
        if v != FORMAT_VERSION {
            return Err(DecodeError::Version(v));
        }
        match self.u8()? {
            0 => Ok(ProofKind::Stark),
            1 => Ok(ProofKind::Cairo),
            t => Err(DecodeError::Tag(t)),
        }
    }
    pub fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        let end = self.pos.checked_add(n).ok_or(DecodeError::Truncated)?;
        let s = self.data.get(self.pos..end).ok_or(DecodeError::Truncated)?;
        self.pos = end;
        Ok(s)
    }
    pub fn u8(&mut self) -> Result<u8, DecodeError> {
        Ok(self.take(1)?[0])
    }
    pub fn u16(&mut self) -> Result<u16, DecodeError> {
        Ok(u16::from_be_bytes(self.array()?))
    }
    pub fn u32(&mut self) -> Result<u32, DecodeError> {
        Ok(u32::from_be_bytes(self.array()?))
    }
    pub fn u64(&mut self) -> Result<u64, DecodeError> {
        Ok(u64::from_be_bytes(self.array()?))
    }
    pub fn array<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }
    pub fn fe(&mut self) -> Result<FE, DecodeError> {
        fe_from_bytes(&self.array()?).ok_or(DecodeError::NonCanonical)
    }
    /// A count of items at least `item_size` bytes each: never more than the bytes left.
    pub fn count(&mut self, item_size: usize, what: &'static str) -> Result<usize, DecodeError> {
        let c = self.u32()? as usize;
        if c.saturating_mul(item_size.max(1)) > self.data.len() - self.pos {
            return Err(DecodeError::Length(what));
        }
        Ok(c)
    }
    pub fn fes(&mut self, what: &'static str) -> Result<Vec<FE>, DecodeError> {
        let c = self.count(32, what)?;
        (0..c).map(|_| self.fe()).collect()
    }
    pub fn digests(&mut self, what: &'static str) -> Result<Vec<Digest>, DecodeError> {
        let c = self.count(32, what)?;
        (0..c).map(|_| self.array()).collect()
    }
    pub fn finish(&self) -> Result<(), DecodeError> {
        if self.pos == self.data.len() {
            Ok(())
        } else {
            Err(DecodeError::Trailing)
        }
    }
}

pub fn write_stark(w: &mut Writer, p: &StarkProof) {
    w.u8(p.log_trace_length);
    w.bytes(&p.options.to_bytes());
    w.bytes(&p.main_root);
    match &p.aux_root {
        Some(r) => {
            w.u8(1);
            w.bytes(r);
        }
        None => w.u8(0),
    }
    w.bytes(&p.comp_root);
    w.fes(&p.ood_cur);
    w.fes(&p.ood_next);
    w.fes(&p.ood_comp);
    w.digests(&p.fri_roots);
    w.fes(&p.fri_final);
    w.u64(p.nonce);
    w.u32(p.queries.len() as u32);
    for q in &p.queries {
        w.fes(&q.main);
        match &q.aux {
            Some(a) => {
                w.u8(1);
                w.fes(a);
            }
            None => w.u8(0),
        }
        w.fes(&q.comp);
        w.fes(&q.fri);
    }
    w.digests(&p.main_nodes);
    w.digests(&p.aux_nodes);
    w.digests(&p.comp_nodes);
    w.u32(p.fri_nodes.len() as u32);
    for nodes in &p.fri_nodes {
        w.digests(nodes);
    }
}

fn flag(r: &mut Reader) -> Result<bool, DecodeError> {
    match r.u8()? {
        0 => Ok(false),
        1 => Ok(true),
        t => Err(DecodeError::Tag(t)),
    }
}

pub fn read_stark(r: &mut Reader) -> Result<StarkProof, DecodeError> {
    let log_trace_length = r.u8()?;
    let ob: [u8; 5] = r.array()?;
    let options = ProofOptions {
        blowup_log: ob[0],
        queries: u16::from_be_bytes([ob[1], ob[2]]),
        grinding_bits: ob[3],
        fri_final_log: ob[4],
    };
    let main_root = r.array()?;
    let aux_root = if flag(r)? { Some(r.array()?) } else { None };
    let comp_root = r.array()?;
    let ood_cur = r.fes("ood trace")?;
    let ood_next = r.fes("ood trace next")?;
    let ood_comp = r.fes("ood composition")?;
    let fri_roots = r.digests("fri roots")?;
    let fri_final = r.fes("fri final")?;
    let nonce = r.u64()?;
    // A query is at least 17 bytes even when empty.
    let nq = r.count(17, "queries")?;
    let mut queries = Vec::with_capacity(nq);
    for _ in 0..nq {
        let main = r.fes("main opening")?;
        let aux = if flag(r)? { Some(r.fes("aux opening")?) } else { None };
        let comp = r.fes("composition opening")?;
        let fri = r.fes("fri siblings")?;
        queries.push(QueryProof { main, aux, comp, fri });
    }
    let main_nodes = r.digests("main opening nodes")?;
    let aux_nodes = r.digests("aux opening nodes")?;
    let comp_nodes = r.digests("composition opening nodes")?;
    let layers = r.count(4, "fri layers")?;
    let fri_nodes = (0..layers).map(|_| r.digests("fri opening nodes")).collect::<Result<_, _>>()?;
    Ok(StarkProof {
        log_trace_length,
        options,
        main_root,
        aux_root,
        comp_root,
        ood_cur,
        ood_next,
        ood_comp,
        fri_roots,
        fri_final,
        nonce,
        queries,
        main_nodes,
        aux_nodes,
        comp_nodes,
        fri_nodes,
    })
}

/// A bare STARK proof as bytes.
pub fn encode_stark(p: &StarkProof) -> Vec<u8> {
    let mut w = Writer::envelope(ProofKind::Stark);
    write_stark(&mut w, p);
    w.buf
}

pub fn decode_stark(bytes: &[u8]) -> Result<StarkProof, DecodeError> {
    let mut r = Reader::new(bytes);
    if r.envelope()? != ProofKind::Stark {
        return Err(DecodeError::Tag(1));
    }
    let p = read_stark(&mut r)?;
    r.finish()?;
    Ok(p)
}
