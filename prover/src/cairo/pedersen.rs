//! Starknet's Pedersen hash as the AIR proves it (the `pedersen` builtin), shared by the
//! AIR (its constant points) and the trace builder (the rows of one instance).
//!
//! `H(x, y)` is the x coordinate of `shift + x_low·P1 + x_high·P2 + y_low·P3 + y_high·P4`
//! on the STARK curve, where `low` is the low 248 bits and `high` the next 4. One instance
//! takes [`PD_ROWS`] = 512 rows: row `i` of the first half adds bit `i` of x times its
//! point (`2^i·P1`, or `2^(i-248)·P2` from bit 248 on) to a running sum that starts at
//! the shift point, and the second half does the same for y with P3 and P4, continuing
//! the sum. Rows 252..255 of each half carry no bit. The points are public constants: the
//! AIR reads them from periodic columns of period 512.
//!
//! The points come from lambdaworks' Pedersen tables (`POINTS_Pk[c·15 + d - 1]` is
//! `d·2^(4c)·Pk`), so they are the very constants its `PedersenStarkCurve::hash` uses.

use super::layout::{PD_BITS, PD_HALF, PD_ROWS};
use crate::field::FE;
use lambdaworks_crypto::hash::pedersen::{Pedersen, PedersenStarkCurve};
use lambdaworks_math::elliptic_curve::short_weierstrass::curves::stark_curve::StarkCurve;
use lambdaworks_math::elliptic_curve::short_weierstrass::point::ShortWeierstrassProjectivePoint as Point;
use std::sync::OnceLock;

/// Bits of an input taken by the first point (`low`); the rest (4 bits) by the second.
const LOW_BITS: usize = 248;

fn affine(p: &Point<StarkCurve>) -> (FE, FE) {
    let a = p.to_affine();
    (*a.x(), *a.y())
}

/// `2^j·Pk` from a lookup table of 4-bit windows (`table[c·15 + d - 1] = d·2^(4c)·Pk`).
fn power_of_two_multiple(table: &[Point<StarkCurve>], j: usize) -> (FE, FE) {
    affine(&table[(j / 4) * 15 + (1 << (j % 4)) - 1])
}

/// The lookup tables, read through the `Pedersen` trait (their own trait is private).
struct Tables {
    shift: (FE, FE),
    x_point: Vec<(FE, FE)>,
    y_point: Vec<(FE, FE)>,
}

fn tables<P: Pedersen<EC = StarkCurve>>() -> Tables {
    let bits = |low: &[Point<StarkCurve>], high: &[Point<StarkCurve>]| -> Vec<(FE, FE)> {
        (0..PD_BITS)
            .map(|j| if j < LOW_BITS { power_of_two_multiple(low, j) } else { power_of_two_multiple(high, j - LOW_BITS) })
            .collect()
    };
    Tables {
        shift: affine(&P::SHIFT_POINT),
        x_point: bits(&P::POINTS_P1, &P::POINTS_P2),
        y_point: bits(&P::POINTS_P3, &P::POINTS_P4),
    }
}

/// The shift point (where every hash starts) and the periodic point columns.
pub struct PedersenConstants {
    pub shift: (FE, FE),
    /// x and y of the point added on each row of an instance block (zero on rows that
    /// carry no bit), `PD_ROWS` values each.
    pub point_x: Vec<FE>,
    pub point_y: Vec<FE>,
}

/// The constants, computed once (about a thousand affine conversions).
pub fn constants() -> &'static PedersenConstants {
    static C: OnceLock<PedersenConstants> = OnceLock::new();
    C.get_or_init(|| {
        let t = tables::<PedersenStarkCurve>();
        let mut point_x = vec![FE::zero(); PD_ROWS];
        let mut point_y = vec![FE::zero(); PD_ROWS];
        for (half, points) in [&t.x_point, &t.y_point].into_iter().enumerate() {
            for (j, (px, py)) in points.iter().enumerate() {
                point_x[half * PD_HALF + j] = *px;
                point_y[half * PD_HALF + j] = *py;
            }
        }
        PedersenConstants { shift: t.shift, point_x, point_y }
    })
}

/// The low 252 bits, little-endian, of a 256-bit big-endian integer.
#[cfg(feature = "prover")]
pub fn bits_of(b: &[u8; 32]) -> [bool; PD_BITS] {
    std::array::from_fn(|j| (b[31 - j / 8] >> (j % 8)) & 1 == 1)
}

/// The bits of a field element's canonical integer.
#[cfg(feature = "prover")]
pub fn canonical_bits(v: &FE) -> [bool; PD_BITS] {
    bits_of(&crate::field::fe_to_bytes(v))
}

/// The columns of one instance block, `PD_ROWS` rows each, and the hash it computes.
#[cfg(feature = "prover")]
pub struct InstanceRows {
    /// Suffix of the input being decomposed: `s_i = sum_{j >= i} b_j 2^(j-i)` (zero from
    /// row 252 of each half), so bit `i` is `s_i - 2 s_(i+1)`.
    pub suffix: Vec<FE>,
    /// The running sum before the row's addition, and the slope of that addition (zero
    /// when the row's bit is 0).
    pub sum_x: Vec<FE>,
    pub sum_y: Vec<FE>,
    pub slope: Vec<FE>,
    /// Bit 251 of the half's input, bit 251 · bit 196 and bit 251 · bit 196 · bit 192, each
    /// constant over the half: the witnesses of the check that the integer is below p.
    pub top: Vec<FE>,
    pub mid: Vec<FE>,
    pub low: Vec<FE>,
    pub hash: FE,
}

/// The rows that hash the integers spelled by `x_bits` and `y_bits` (the canonical bits
/// of the inputs, unless a test forges them).
#[cfg(feature = "prover")]
pub fn instance_rows(x_bits: &[bool; PD_BITS], y_bits: &[bool; PD_BITS]) -> InstanceRows {
    let c = constants();
    let mut r = InstanceRows {
        suffix: Vec::with_capacity(PD_ROWS),
        sum_x: Vec::with_capacity(PD_ROWS),
        sum_y: Vec::with_capacity(PD_ROWS),
        slope: Vec::with_capacity(PD_ROWS),
        top: Vec::with_capacity(PD_ROWS),
        mid: Vec::with_capacity(PD_ROWS),
        low: Vec::with_capacity(PD_ROWS),
        hash: FE::zero(),
    };
    let (mut sx, mut sy) = c.shift;
    let bit = |b: bool| if b { FE::one() } else { FE::zero() };
    for (half, bits) in [x_bits, y_bits].into_iter().enumerate() {
        // Suffixes from the top: s_252 = 0, s_i = 2 s_(i+1) + b_i.
        let mut suffix = vec![FE::zero(); PD_HALF];
        for i in (0..PD_BITS).rev() {
            suffix[i] = suffix[i + 1].double() + bit(bits[i]);
        }
        let top = bit(bits[PD_BITS - 1]);
        let mid = top * bit(bits[196]);
        let low = mid * bit(bits[192]);
        for (i, s) in suffix.into_iter().enumerate() {
            let row = half * PD_HALF + i;
            r.suffix.push(s);
            r.sum_x.push(sx);
            r.sum_y.push(sy);
            r.top.push(top);
            r.mid.push(mid);
            r.low.push(low);
            if i < PD_BITS && bits[i] {
                let (px, py) = (&c.point_x[row], &c.point_y[row]);
                // The sum never equals ±P here: that would be a discrete-log relation
                // between the shift point and the generators.
                let slope = (sy - py) * (sx - px).inv().unwrap_or_else(|_| FE::zero());
                let nx = slope.square() - sx - px;
                let ny = slope * (sx - nx) - sy;
                r.slope.push(slope);
                sx = nx;
                sy = ny;
            } else {
                r.slope.push(FE::zero());
            }
        }
    }
    r.hash = sx;
    r
}

/// `H(x, y)` by lambdaworks (what cairo-vm's builtin also computes), for the tests.
#[cfg(test)]
pub fn hash(x: &FE, y: &FE) -> FE {
    PedersenStarkCurve::hash(x, y)
}

#[cfg(all(test, feature = "prover"))]
mod tests {
    use super::*;
    use crate::field::fe;
    use lambdaworks_math::traits::ByteConversion;

    #[test]
    fn instance_rows_compute_the_pedersen_hash() {
        let big = FE::zero() - fe(1); // p - 1: bits 251, 196 and 192 set
        let cases = [(fe(0), fe(0)), (fe(1), fe(2)), (big, fe(7)), (fe(12345), big), (big, big)];
        for (x, y) in cases {
            let rows = instance_rows(&canonical_bits(&x), &canonical_bits(&y));
            assert_eq!(rows.hash, hash(&x, &y), "H({x:?}, {y:?})");
            assert_eq!(rows.suffix[0], x);
            assert_eq!(rows.suffix[PD_HALF], y);
            assert_eq!(rows.suffix.len(), PD_ROWS);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]
        /// Any two field elements (from 32 random bytes, reduced): the rows hash like
        /// lambdaworks, the suffix starts at the input, and the below-p witnesses are the
        /// products of bits 251, 196 and 192.
        #[test]
        fn rows_hash_any_inputs(a in proptest::prelude::any::<[u8; 32]>(), b in proptest::prelude::any::<[u8; 32]>()) {
            let reduce = |bytes: &[u8; 32]| FE::from_bytes_be(bytes).unwrap_or_else(|_| {
                let mut c = *bytes;
                c[0] &= 0x07; // below 2^251 < p
                FE::from_bytes_be(&c).unwrap()
            });
            let (x, y) = (reduce(&a), reduce(&b));
            let rows = instance_rows(&canonical_bits(&x), &canonical_bits(&y));
            proptest::prop_assert_eq!(&rows.hash, &hash(&x, &y));
            proptest::prop_assert_eq!(&rows.suffix[0], &x);
            proptest::prop_assert_eq!(&rows.suffix[PD_HALF], &y);
            for (half, v) in [&x, &y].into_iter().enumerate() {
                let bits = canonical_bits(v);
                let r = half * PD_HALF;
                let top = bits[251];
                proptest::prop_assert_eq!(rows.top[r] == FE::one(), top);
                proptest::prop_assert_eq!(rows.mid[r] == FE::one(), top && bits[196]);
                proptest::prop_assert_eq!(rows.low[r] == FE::one(), top && bits[196] && bits[192]);
            }
        }
    }

    #[test]
    fn known_vector() {
        // The Starknet test vector (also in lambdaworks and starknet-crypto).
        let x = crate::field::felt_from_str("0x03d937c035c878245caf64531a5756109c53068da139362728feb561405371cb").unwrap();
        let y = crate::field::felt_from_str("0x0208a0a10250e382e1e4bbe2880906c2791bf6275695e02fbbc6aeff9cd8b31a").unwrap();
        let want = crate::field::felt_from_str("0x030e480bed5fe53fa909cc0f8c4d99b8f9f2c016be4c41e13a4848797979c662").unwrap();
        let rows = instance_rows(&canonical_bits(&x), &canonical_bits(&y));
        assert_eq!(rows.hash, want);
    }
}
