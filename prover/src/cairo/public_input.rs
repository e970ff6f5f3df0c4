//! The public input of a Cairo proof: program bytecode, inputs, outputs, registers, segment
//! pointers and the AIR layout. From it the verifier derives the public memory.
//!
//! Memory map (cairo-vm proof mode, Cairo 0): the program at address 1; the execution
//! segment right after it, starting with `[exec+2, 0, builtin bases...]`; initial
//! fp = ap = exec + 2. main's implicit arguments (builtin pointers) come back at
//! `[final_ap - k, final_ap)`. The output segment holds `[n_inputs, inputs..., outputs...]`.

use super::instruction::{AP_ADD_IMM, CALL_REL, JMP_REL_0};
use super::layout::Layout;
use crate::error::{DecodeError, VerifyError};
use crate::field::{fe, FE};
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
    /// Present iff the program uses the range_check builtin (and the layout has it).
    pub range_check: Option<Segment>,
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

    fn builtin_count(&self) -> u64 {
        1 + self.range_check.is_some() as u64
    }

    /// Sanity of the claimed memory map; everything else is enforced by the AIR.
    pub fn validate(&self) -> Result<(), VerifyError> {
        let plen = self.program.len() as u64;
        if plen < 2 || plen > 1 << 24 || self.inputs.len() > 1 << 20 || self.outputs.len() > 1 << 20 {
            return Err(err("sizes out of range"));
        }
        // Keep every address computation below far from u64 overflow.
        const LIMIT: u64 = 1 << 40;
        let addrs = [self.initial_pc, self.initial_ap, self.final_pc, self.final_ap, self.output_base];
        let rc_addrs = self.range_check.map(|r| [r.base, r.stop]).unwrap_or([0, 0]);
        if addrs.iter().chain(rc_addrs.iter()).any(|&a| a > LIMIT) {
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
        let stack_top = self.initial_ap + self.builtin_count();
        if self.final_ap < stack_top || self.output_base < self.final_ap.max(stack_top) {
            return Err(err("segments out of order (execution < output)"));
        }
        if self.output_stop() > 1 << 40 {
            return Err(err("output segment out of range"));
        }
        if let Some(rc) = self.range_check {
            if rc.base < self.output_stop() || rc.stop < rc.base || rc.stop > 1 << 40 {
                return Err(err("range_check segment out of order"));
            }
        }
        if self.layout.rc_builtin != self.range_check.is_some() {
            return Err(err("layout and builtins disagree"));
        }
        if self.layout.mem_extra < 1 || self.layout.mem_extra > 16 || self.layout.rc_fill > 16 {
            return Err(err("layout out of range"));
        }
        if self.rc_min > self.rc_max || self.rcb_min > self.rcb_max {
            return Err(err("range-check bounds inverted"));
        }
        if !self.layout.rc_builtin && (self.layout.rcb_fill != 0 || self.rcb_min != 0 || self.rcb_max != 0) {
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
            m.push((PROGRAM_BASE + i as u64, w.clone()));
        }
        let exec = self.exec_base();
        m.push((exec, fe(exec + 2)));
        m.push((exec + 1, FE::zero()));
        m.push((exec + 2, fe(self.output_base)));
        let k = self.builtin_count();
        m.push((self.final_ap - k, fe(self.output_stop())));
        if let Some(rc) = self.range_check {
            m.push((exec + 3, fe(rc.base)));
            m.push((self.final_ap - 1, fe(rc.stop)));
        }
        for (i, c) in self.output_cells().into_iter().enumerate() {
            m.push((self.output_base + i as u64, c));
        }
        m
    }

    /// Program hash: Pedersen hash chain over [len, words...], as cairo-lang's
    /// `compute_hash_chain` computes it.
    pub fn program_hash(&self) -> FE {
        program_hash(&self.program)
    }

    pub fn write(&self, w: &mut Writer) {
        w.u8(self.layout.mem_extra as u8);
        w.u8(self.layout.rc_fill as u8);
        w.u8(self.layout.rc_builtin as u8);
        w.u8(self.layout.rcb_fill as u8);
        w.fes(&self.program);
        w.fes(&self.inputs);
        w.fes(&self.outputs);
        for v in [self.initial_pc, self.initial_ap, self.final_pc, self.final_ap, self.output_base] {
            w.u64(v);
        }
        match self.range_check {
            Some(s) => {
                w.u8(1);
                w.u64(s.base);
                w.u64(s.stop);
            }
            None => w.u8(0),
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
        let rc_builtin = match r.u8()? {
            0 => false,
            1 => true,
            t => return Err(DecodeError::Tag(t)),
        };
        let rcb_fill = r.u8()? as usize;
        let program = r.fes("program")?;
        let inputs = r.fes("inputs")?;
        let outputs = r.fes("outputs")?;
        let (initial_pc, initial_ap, final_pc, final_ap, output_base) = (r.u64()?, r.u64()?, r.u64()?, r.u64()?, r.u64()?);
        let range_check = match r.u8()? {
            0 => None,
            1 => Some(Segment { base: r.u64()?, stop: r.u64()? }),
            t => return Err(DecodeError::Tag(t)),
        };
        Ok(CairoPublicInput {
            layout: Layout { mem_extra, rc_fill, rc_builtin, rcb_fill },
            program,
            inputs,
            outputs,
            initial_pc,
            initial_ap,
            final_pc,
            final_ap,
            output_base,
            range_check,
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

/// Pedersen hash chain h(len, h(w0, h(w1, ... h(w_{k-1}, w_k)))).
pub fn program_hash(program: &[FE]) -> FE {
    let mut data = vec![fe(program.len() as u64)];
    data.extend(program.iter().cloned());
    let mut it = data.iter().rev();
    let mut acc = it.next().cloned().unwrap_or_else(FE::zero);
    for x in it {
        acc = PedersenStarkCurve::hash(x, &acc);
    }
    acc
}
