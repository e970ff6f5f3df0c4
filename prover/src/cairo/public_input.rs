//! The public input of a Cairo proof: program bytecode, inputs, outputs, registers, segment
//! pointers and the AIR layout. From it the verifier derives the public memory.
//!
//! Memory map (cairo-vm proof mode, Cairo 0): the program at address 1; the execution
//! segment right after it, starting with `[exec+2, 0, builtin bases...]`; initial
//! fp = ap = exec + 2. main's implicit arguments (builtin pointers: output, then the
//! others in Cairo's order) come back at `[final_ap - k, final_ap)`. The builtin segments
//! follow the execution segment in that order. The output segment holds
//! `[n_inputs, inputs..., outputs...]`; it is all public memory (the output builtin has no
//! columns, so it is not in the builtin registry).

use super::builtins::{self, range_check, BUILTINS};
use super::instruction::{AP_ADD_IMM, CALL_REL, JMP_REL_0};
use super::layout::Layout;
use crate::error::{DecodeError, VerifyError};
use crate::field::{fe, from_lambdaworks, to_lambdaworks, FE};
use crate::proof_format::{Reader, Writer};
use lambdaworks_crypto::hash::pedersen::{Pedersen, PedersenStarkCurve};

/// Address of the first program word.
pub const PROGRAM_BASE: u64 = 1;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segment {
    pub base: u64,
    pub stop: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CairoPublicInput {
    pub layout: Layout,
    pub program: Vec<FE>,
    pub inputs: Vec<FE>,
    pub outputs: Vec<FE>,
    pub initial_pc: u64,
    pub initial_ap: u64,
    pub final_pc: u64,
    pub final_ap: u64,
    pub output_base: u64,
    /// Each builtin's segment, by position in [`BUILTINS`]: present iff the program uses
    /// the builtin (and the layout has it).
    pub segments: [Option<Segment>; BUILTINS.len()],
    pub rc_min: u16,
    pub rc_max: u16,
    /// Bounds of the range_check builtin's 16-bit parts (0 without the builtin).
    pub rcb_min: u16,
    pub rcb_max: u16,
    /// Cairo steps executed (before padding to the trace length).
    pub steps: u64,
}

fn err(s: &str) -> VerifyError {
    VerifyError::PublicInput(s.to_string())
}

impl CairoPublicInput {
    pub fn exec_base(&self) -> u64 {
        PROGRAM_BASE + self.program.len() as u64
    }

    /// The output segment's cells, following Kraken's convention.
    pub fn output_cells(&self) -> Vec<FE> {
        let mut v = vec![fe(self.inputs.len() as u64)];
        v.extend(self.inputs.iter().cloned());
        v.extend(self.outputs.iter().cloned());
        v
    }

    pub fn output_stop(&self) -> u64 {
        self.output_base + self.output_cells().len() as u64
    }

    /// The segment of builtin `name`, if the program uses it.
    pub fn segment(&self, name: &str) -> Option<Segment> {
        builtins::index(name).and_then(|i| self.segments[i])
    }

    /// The segment of the registered builtin `name`, to change the claim.
    #[cfg(test)]
    pub(crate) fn segment_mut(&mut self, name: &str) -> &mut Option<Segment> {
        let i = builtins::index(name).unwrap_or_else(|| panic!("{name} is not a registered builtin"));
        &mut self.segments[i]
    }

    /// Instances of builtin `name` used: (stop - base) / cells.
    pub fn instances(&self, name: &str) -> u64 {
        builtins::index(name).map_or(0, |i| self.instances_at(i))
    }

    fn instances_at(&self, i: usize) -> u64 {
        self.segments[i].map_or(0, |s| s.stop.saturating_sub(s.base) / BUILTINS[i].cells() as u64)
    }

    /// The builtins main takes, in order (output is always first).
    pub fn builtins(&self) -> Vec<&'static str> {
        let used = builtins::cairo_order().into_iter().filter(|&i| self.segments[i].is_some());
        std::iter::once("output").chain(used.map(|i| BUILTINS[i].name())).collect()
    }

    /// The builtin segments after output, in memory order.
    fn memory_segments(&self) -> Vec<Segment> {
        builtins::cairo_order().into_iter().filter_map(|i| self.segments[i]).collect()
    }

    fn builtin_count(&self) -> u64 {
        self.builtins().len() as u64
    }

    /// The shortest trace this public input fits in: each builtin's instances take `rows()`
    /// rows each.
    pub fn min_trace_length(&self) -> u64 {
        (0..BUILTINS.len()).map(|i| self.instances_at(i) * BUILTINS[i].rows() as u64).max().unwrap_or(0)
    }

    /// Sanity of the claimed memory map; everything else is enforced by the AIR.
    pub fn validate(&self) -> Result<(), VerifyError> {
        let plen = self.program.len() as u64;
        if !(2..=1 << 24).contains(&plen) || self.inputs.len() > 1 << 20 || self.outputs.len() > 1 << 20 {
            return Err(err("sizes out of range"));
        }
        // Keep every address computation below far from u64 overflow.
        const LIMIT: u64 = 1 << 40;
        let addrs = [self.initial_pc, self.initial_ap, self.final_pc, self.final_ap, self.output_base];
        let seg_addrs: Vec<u64> = self.memory_segments().iter().flat_map(|s| [s.base, s.stop]).collect();
        if addrs.iter().chain(seg_addrs.iter()).any(|&a| a > LIMIT) {
            return Err(err("address out of range"));
        }
        if self.initial_pc != PROGRAM_BASE {
            return Err(err("execution must start at the program's first word (__start__)"));
        }
        if self.initial_ap != self.exec_base() + 2 {
            return Err(err("initial ap must be the execution base + 2"));
        }
        // The run must end in the proof-mode loop `jmp rel 0` inside the program.
        let fpc = self.final_pc;
        if fpc < PROGRAM_BASE || fpc + 1 >= PROGRAM_BASE + plen {
            return Err(err("final pc outside the program"));
        }
        let i = (fpc - PROGRAM_BASE) as usize;
        if self.program[i] != fe(JMP_REL_0) || self.program[i + 1] != FE::zero() {
            return Err(err("final pc is not the `jmp rel 0` end loop"));
        }
        // And it is `__end__` of the canonical start code, right after `call main`, so a
        // claim is always about main having returned.
        let start_ok = plen >= 6
            && i == 4
            && self.program[0] == fe(AP_ADD_IMM)
            && self.program[2] == fe(CALL_REL);
        if !start_ok {
            return Err(err("program does not begin with the proof-mode start code (ap += k; call main; jmp rel 0)"));
        }
        // `ap += k` skips main's implicit arguments: k must be the number of builtins
        // claimed, or some builtin pointer would escape the public memory.
        if self.program[1] != fe(self.builtin_count()) {
            return Err(err("the start code's `ap += k` does not match the claimed builtins"));
        }
        let stack_top = self.initial_ap + self.builtin_count();
        if self.final_ap < stack_top || self.output_base < self.final_ap.max(stack_top) {
            return Err(err("segments out of order (execution < output)"));
        }
        if self.output_stop() > 1 << 40 {
            return Err(err("output segment out of range"));
        }
        let mut prev_stop = self.output_stop();
        for s in self.memory_segments() {
            if s.base < prev_stop || s.stop < s.base || s.stop > 1 << 40 {
                return Err(err("builtin segments out of order"));
            }
            prev_stop = s.stop;
        }
        for (b, s) in BUILTINS.iter().zip(self.segments) {
            if s.is_some_and(|s| (s.stop - s.base) % b.cells() as u64 != 0) {
                return Err(err(&format!("{} segment is not a whole number of instances", b.name())));
            }
        }
        if self.layout.builtins != self.segments.map(|s| s.is_some()) {
            return Err(err("layout and builtins disagree"));
        }
        if self.layout.mem_extra < 1 || self.layout.mem_extra > 16 || self.layout.rc_fill > 16 {
            return Err(err("layout out of range"));
        }
        if self.rc_min > self.rc_max || self.rcb_min > self.rcb_max {
            return Err(err("range-check bounds inverted"));
        }
        if !self.layout.has(range_check::NAME) && (self.layout.rcb_fill != 0 || self.rcb_min != 0 || self.rcb_max != 0) {
            return Err(err("builtin range-check fields without the builtin"));
        }
        if self.layout.rcb_fill > 16 {
            return Err(err("layout out of range"));
        }
        Ok(())
    }

    /// Public memory: (address, value) cells the verifier knows.
    pub fn public_memory(&self) -> Vec<(u64, FE)> {
        let mut m: Vec<(u64, FE)> = Vec::new();
        for (i, w) in self.program.iter().enumerate() {
            m.push((PROGRAM_BASE + i as u64, *w));
        }
        let exec = self.exec_base();
        m.push((exec, fe(exec + 2)));
        m.push((exec + 1, FE::zero()));
        m.push((exec + 2, fe(self.output_base)));
        let k = self.builtin_count();
        m.push((self.final_ap - k, fe(self.output_stop())));
        for (i, s) in self.memory_segments().into_iter().enumerate() {
            m.push((exec + 3 + i as u64, fe(s.base)));
            m.push((self.final_ap - k + 1 + i as u64, fe(s.stop)));
        }
        for (i, c) in self.output_cells().into_iter().enumerate() {
            m.push((self.output_base + i as u64, c));
        }
        m
    }

    /// Program hash over the builtins main runs with and the bytecode (see [`program_hash`]).
    pub fn program_hash(&self) -> FE {
        program_hash(&self.builtins(), &self.program)
    }

    pub fn write(&self, w: &mut Writer) {
        w.u8(self.layout.mem_extra as u8);
        w.u8(self.layout.rc_fill as u8);
        // Builtin flags: bit i for the builtin at position i of the registry (older proofs
        // only used bit 0, range_check).
        let l = &self.layout;
        w.u8(l.builtins.iter().enumerate().fold(0, |flags, (i, &on)| flags | (on as u8) << i));
        w.u8(self.layout.rcb_fill as u8);
        w.fes(&self.program);
        w.fes(&self.inputs);
        w.fes(&self.outputs);
        for v in [self.initial_pc, self.initial_ap, self.final_pc, self.final_ap, self.output_base] {
            w.u64(v);
        }
        for (i, seg) in self.segments.into_iter().enumerate() {
            if segment_written(&l.builtins, i) {
                match seg {
                    Some(s) => {
                        w.u8(1);
                        w.u64(s.base);
                        w.u64(s.stop);
                    }
                    None => w.u8(0),
                }
            }
        }
        w.u16(self.rc_min);
        w.u16(self.rc_max);
        w.u16(self.rcb_min);
        w.u16(self.rcb_max);
        w.u64(self.steps);
    }

    pub fn read(r: &mut Reader) -> Result<Self, DecodeError> {
        let mem_extra = r.u8()? as usize;
        let rc_fill = r.u8()? as usize;
        let flags = r.u8()?;
        if u16::from(flags) >> BUILTINS.len() != 0 {
            return Err(DecodeError::Tag(flags));
        }
        let builtins: [bool; BUILTINS.len()] = std::array::from_fn(|i| flags & (1 << i) != 0);
        let rcb_fill = r.u8()? as usize;
        let program = r.fes("program")?;
        let inputs = r.fes("inputs")?;
        let outputs = r.fes("outputs")?;
        let (initial_pc, initial_ap, final_pc, final_ap, output_base) = (r.u64()?, r.u64()?, r.u64()?, r.u64()?, r.u64()?);
        let mut segments = [None; BUILTINS.len()];
        for (i, seg) in segments.iter_mut().enumerate() {
            if segment_written(&builtins, i) {
                *seg = match r.u8()? {
                    0 => None,
                    1 => Some(Segment { base: r.u64()?, stop: r.u64()? }),
                    t => return Err(DecodeError::Tag(t)),
                };
            }
        }
        Ok(CairoPublicInput {
            layout: Layout { mem_extra, rc_fill, rcb_fill, builtins },
            program,
            inputs,
            outputs,
            initial_pc,
            initial_ap,
            final_pc,
            final_ap,
            output_base,
            segments,
            rc_min: r.u16()?,
            rc_max: r.u16()?,
            rcb_min: r.u16()?,
            rcb_max: r.u16()?,
            steps: r.u64()?,
        })
    }

    /// Canonical bytes, bound into the transcript.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer::default();
        self.write(&mut w);
        w.buf
    }
}

/// Whether the bytes hold builtin i's segment: only with its layout flag, so proofs without
/// a builtin keep the bytes they had before it existed; range_check's, which predates the
/// flags, always. A public input whose flag and segment disagree fails `validate`.
fn segment_written(flags: &[bool; BUILTINS.len()], i: usize) -> bool {
    flags[i] || BUILTINS[i].name() == range_check::NAME
}

/// The program hash a proof's claim names: a Pedersen hash chain (cairo-lang's
/// `compute_hash_chain`) over a header and the bytecode,
/// `[n_builtins, builtin names as short strings..., len, words...]`.
///
/// The header matters for soundness: the same bytecode can run with different builtins
/// behind main's pointers (say bitwise or range_check), and a hash of the bytecode alone
/// would let a proof that treats a bitwise segment as range-checked cells claim false
/// bitwise results under the real program's hash. SHARP's bootloader binds the builtin
/// list into its program hash for the same reason.
pub fn program_hash(builtins: &[&str], program: &[FE]) -> FE {
    let mut data = vec![fe(builtins.len() as u64)];
    data.extend(builtins.iter().map(|name| short_string(name)));
    data.push(fe(program.len() as u64));
    data.extend(program.iter().cloned());
    let mut it = data.iter().rev();
    let mut acc = it.next().cloned().unwrap_or_else(FE::zero);
    for x in it {
        acc = from_lambdaworks(&PedersenStarkCurve::hash(&to_lambdaworks(x), &to_lambdaworks(&acc)));
    }
    acc
}

/// An ASCII string of at most 31 bytes as a field element (big-endian), as Cairo writes
/// short string literals.
fn short_string(s: &str) -> FE {
    assert!(s.len() <= 31 && s.is_ascii(), "builtin names are short ASCII strings");
    s.bytes().fold(FE::zero(), |acc, b| acc * fe(256) + fe(b as u64))
}
