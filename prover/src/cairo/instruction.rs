//! Cairo instruction encoding (whitepaper §4.4): three 16-bit biased offsets and 15 flags.

use crate::field::FE;

pub const OFFSET_BIAS: u64 = 1 << 15;

/// Flag indices, in bit order.
pub const DST_REG: usize = 0;
pub const OP0_REG: usize = 1;
pub const OP1_IMM: usize = 2;
pub const OP1_FP: usize = 3;
pub const OP1_AP: usize = 4;
pub const RES_ADD: usize = 5;
pub const RES_MUL: usize = 6;
pub const PC_JUMP_ABS: usize = 7;
pub const PC_JUMP_REL: usize = 8;
pub const PC_JNZ: usize = 9;
pub const AP_ADD: usize = 10;
pub const AP_ADD1: usize = 11;
pub const OPCODE_CALL: usize = 12;
pub const OPCODE_RET: usize = 13;
pub const OPCODE_ASSERT_EQ: usize = 14;

/// `jmp rel 0`: the proof-mode end loop (its immediate 0 follows it).
pub const JMP_REL_0: u64 = 0x010780017fff7fff;
/// `ap += imm` and `call rel imm`: the proof-mode start code is
/// `__start__: ap += k; call rel main; __end__: jmp rel 0`.
pub const AP_ADD_IMM: u64 = 0x040780017fff7fff;
pub const CALL_REL: u64 = 0x1104800180018000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decoded {
    /// Biased offsets (in [0, 2^16)): dst, op0, op1.
    pub off: [u64; 3],
    pub flags: [bool; 15],
}

impl Decoded {
    pub fn flag(&self, i: usize) -> bool {
        self.flags[i]
    }
}

/// Decodes an instruction word; None if it is not a valid encoding (>= 2^63).
pub fn decode(word: &FE) -> Option<Decoded> {
    let v = fe_to_u64(word)?;
    if v >> 63 != 0 {
        return None;
    }
    let off = [v & 0xffff, (v >> 16) & 0xffff, (v >> 32) & 0xffff];
    let f = v >> 48;
    let mut flags = [false; 15];
    for (i, fl) in flags.iter_mut().enumerate() {
        *fl = (f >> i) & 1 == 1;
    }
    Some(Decoded { off, flags })
}

/// The value as u64 if it is below 2^64.
pub fn fe_to_u64(x: &FE) -> Option<u64> {
    let b = crate::field::fe_to_bytes(x);
    if b[..24].iter().any(|&c| c != 0) {
        return None;
    }
    Some(u64::from_be_bytes(b[24..].try_into().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::fe;

    #[test]
    fn decodes_jmp_rel_0() {
        let d = decode(&fe(JMP_REL_0)).unwrap();
        assert!(d.flag(PC_JUMP_REL) && d.flag(OP1_IMM) && d.flag(DST_REG) && d.flag(OP0_REG));
        assert!(!d.flag(PC_JNZ) && !d.flag(AP_ADD));
        assert_eq!(d.off, [OFFSET_BIAS - 1, OFFSET_BIAS - 1, OFFSET_BIAS + 1]);
        assert!(decode(&fe(1 << 63)).is_none());
        assert!(decode(&-fe(1)).is_none());
    }
}
