//! Faster bodies for the Cairo Native runtime functions a transfer spends most of its
//! execution in: the elliptic-curve libfuncs behind the account's ECDSA check
//! (`ec_state_init`, `ec_state_add`, `ec_state_add_mul`, `ec_state_try_finalize_nz`) and
//! `pedersen` (every storage map address).
//!
//! A class compiled by Cairo Native calls them through function-pointer slots in its
//! shared library, which Cairo Native's `setup_runtime` fills with its own bodies when it
//! loads the class. Those compute on lambdaworks' generic curve types; a loaded node's
//! profile put them at 30% of its CPU. [`bind`] points the slots at the bodies below,
//! which compute the same values with pathfinder-crypto's field and curve arithmetic.
//! Inputs are read and results written exactly as Cairo Native's own bodies do (32-byte
//! little-endian felts, the top 4 bits masked off, reduced modulo the field prime), and
//! the tests hold each one equal to Cairo Native's, found in the same slots before
//! `bind` replaces them.

use cairo_native::executor::AotContractExecutor;
use kraken_starknet::felt::{from_pathfinder, to_pathfinder};
use pathfinder_crypto::algebra::curve::CURVE_G;
use pathfinder_crypto::{AffinePoint, CurveOrderMontFelt, MontFelt, ProjectivePoint};
use starknet_types_core::felt::Felt;

/// Each runtime slot this module fills: its symbol in a compiled class, and our body.
const BODIES: [(&str, *const ()); 5] = [
    ("cairo_native__libfunc__pedersen", pedersen as *const ()),
    ("cairo_native__libfunc__ec__ec_state_init", ec_state_init as *const ()),
    ("cairo_native__libfunc__ec__ec_state_add", ec_state_add as *const ()),
    ("cairo_native__libfunc__ec__ec_state_add_mul", ec_state_add_mul as *const ()),
    ("cairo_native__libfunc__ec__ec_state_try_finalize_nz", ec_state_try_finalize_nz as *const ()),
];

/// Points `executor`'s runtime slots at this module's bodies. A class that never uses a
/// libfunc has no slot for it, and keeps none.
pub fn bind(executor: &AotContractExecutor) {
    for (symbol, body) in BODIES {
        if let Some(slot) = executor.find_symbol_ptr(symbol) {
            // SAFETY: the slot is the class's function-pointer global for `symbol`, which
            // Cairo Native's `setup_runtime` writes the same way; `body` has the signature
            // Cairo Native's own body of that symbol has.
            unsafe { *slot.cast::<*const ()>() = body };
        }
    }
}

/// The slot Cairo Native's `setup_runtime` filled for `symbol` (its own body), for tests.
#[cfg(test)]
fn bound(executor: &AotContractExecutor, symbol: &str) -> Option<*const std::ffi::c_void> {
    // SAFETY: as in `bind`, the slot holds a function pointer.
    executor.find_symbol_ptr(symbol).map(|slot| unsafe { *slot.cast::<*const std::ffi::c_void>() })
}

/// A felt as Cairo Native passes it: little-endian, the top 4 bits (outside a felt252)
/// ignored, reduced modulo the prime.
fn read_felt(bytes: &[u8; 32]) -> pathfinder_crypto::Felt {
    let mut bytes = *bytes;
    bytes[31] &= 0x0F;
    to_pathfinder(&Felt::from_bytes_le(&bytes))
}

fn read(bytes: &[u8; 32]) -> MontFelt {
    MontFelt::from(read_felt(bytes))
}

fn write(value: MontFelt) -> [u8; 32] {
    from_pathfinder(value.into()).to_bytes_le()
}

fn affine(x: &[u8; 32], y: &[u8; 32]) -> AffinePoint {
    AffinePoint { x: read(x), y: read(y), infinity: false }
}

/// Writes `point` into the first two felt slots of `out` (a point, or an EC state's sum).
fn put(out: &mut [[u8; 32]], point: &AffinePoint) {
    out[0] = write(point.x);
    out[1] = write(point.y);
}

/// `point` in affine coordinates. The EC state never reaches infinity but by chance
/// (it starts at a random point), and Cairo Native's own bodies panic there too.
fn to_affine(point: &ProjectivePoint) -> AffinePoint {
    assert!(!point.infinity, "the EC state reached the point at infinity");
    AffinePoint::from(point)
}

/// `scalar × point`: from precomputed multiples when the point is the curve's generator
/// (the account's ECDSA check multiplies it once a signature), else double-and-add from
/// the top bit of the scalar's integer value.
fn multiply(point: &AffinePoint, scalar: pathfinder_crypto::Felt) -> ProjectivePoint {
    if point.x == CURVE_G.x && point.y == CURVE_G.y {
        // n·G is the point at infinity: the scalar counts modulo the curve's order n.
        return ProjectivePoint::gen_multiply_elm(CurveOrderMontFelt::from_be_bytes(scalar.to_be_bytes()));
    }
    let bytes = scalar.to_le_bytes();
    let mut product = ProjectivePoint::identity();
    for bit in (0..256).rev() {
        product.double();
        if bytes[bit / 8] >> (bit % 8) & 1 == 1 {
            product.add_affine(point);
        }
    }
    product
}

unsafe extern "C" fn pedersen(dst: &mut [u8; 32], lhs: &[u8; 32], rhs: &[u8; 32]) {
    let hash = pathfinder_crypto::hash::pedersen_hash(read_felt(lhs), read_felt(rhs));
    *dst = from_pathfinder(hash).to_bytes_le();
}

/// The EC state starts at a random point of the curve (as Cairo's own runner does), so
/// that no input can drive a sum through the point at infinity: a random multiple of the
/// generator, from its precomputed multiples (Cairo Native draws a random x and takes a
/// square root, which the field's 2-adicity of 192 makes slow).
unsafe extern "C" fn ec_state_init(state: &mut [[u8; 32]; 4]) {
    let mut rng = rand::thread_rng();
    let start = loop {
        let k = CurveOrderMontFelt::random(&mut rng);
        let point = ProjectivePoint::gen_multiply_elm(k);
        if !point.infinity {
            break AffinePoint::from(&point);
        }
    };
    put(state, &start);
    state[2] = state[0];
    state[3] = state[1];
}

unsafe extern "C" fn ec_state_add(state: &mut [[u8; 32]; 4], point: &[[u8; 32]; 2]) {
    let mut sum = ProjectivePoint::from(&affine(&state[0], &state[1]));
    sum.add_affine(&affine(&point[0], &point[1]));
    put(state, &to_affine(&sum));
}

unsafe extern "C" fn ec_state_add_mul(state: &mut [[u8; 32]; 4], scalar: &[u8; 32], point: &[[u8; 32]; 2]) {
    let mut sum = multiply(&affine(&point[0], &point[1]), read_felt(scalar));
    sum.add_affine(&affine(&state[0], &state[1]));
    put(state, &to_affine(&sum));
}

/// The state minus its random start: false when that is the point at infinity.
unsafe extern "C" fn ec_state_try_finalize_nz(point: &mut [[u8; 32]; 2], state: &[[u8; 32]; 4]) -> bool {
    let (sum, start) = (affine(&state[0], &state[1]), affine(&state[2], &state[3]));
    if sum == start {
        return false;
    }
    let mut result = ProjectivePoint::from(&sum);
    let mut negated = start;
    negated.negate();
    result.add_affine(&negated);
    put(point, &to_affine(&result));
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::class::CompiledClass;
    use crate::engine::compile_native;
    use crate::genesis::artifacts;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha20Rng;
    use std::ffi::c_void;
    use starknet_types_core::curve::AffinePoint as Point;

    type PedersenFn = unsafe extern "C" fn(&mut [u8; 32], &[u8; 32], &[u8; 32]);
    type AddFn = unsafe extern "C" fn(&mut [[u8; 32]; 4], &[[u8; 32]; 2]);
    type AddMulFn = unsafe extern "C" fn(&mut [[u8; 32]; 4], &[u8; 32], &[[u8; 32]; 2]);
    type FinalizeFn = unsafe extern "C" fn(&mut [[u8; 32]; 2], &[[u8; 32]; 4]) -> bool;

    /// Cairo Native's own bodies, as its loader bound them into freshly compiled genesis
    /// classes (the account verifies ECDSA signatures, the token hashes map addresses),
    /// before `bind` replaced them: symbol → body.
    fn cairo_natives() -> std::collections::HashMap<&'static str, *const c_void> {
        let mut found = std::collections::HashMap::new();
        for (sierra, casm) in [artifacts::ACCOUNT, artifacts::ERC20] {
            let class = CompiledClass::from_artifacts(sierra, casm).unwrap();
            let executor = compile_native(&class).unwrap();
            for (symbol, ours) in BODIES {
                if let Some(theirs) = bound(&executor, symbol) {
                    assert_ne!(theirs, ours as *const c_void, "{symbol}: a fresh class is bound to Cairo Native's body");
                    found.insert(symbol, theirs);
                }
            }
            bind(&executor);
            for (symbol, ours) in BODIES {
                if let Some(now) = bound(&executor, symbol) {
                    assert_eq!(now, ours as *const c_void, "{symbol}: bind points the slot at ours");
                }
            }
        }
        for (symbol, _) in BODIES {
            assert!(found.contains_key(symbol), "no genesis class uses {symbol}");
        }
        found
    }

    /// Felts where arithmetic goes wrong: 0, 1, p - 1, p and above (reduced), all ones.
    fn edge_felts() -> Vec<[u8; 32]> {
        let p_minus_1 = (Felt::ZERO - Felt::ONE).to_bytes_le();
        let mut p = p_minus_1;
        p[0] += 1;
        vec![[0; 32], Felt::ONE.to_bytes_le(), p_minus_1, p, [0xFF; 32]]
    }

    /// A random point of the curve, found with starknet-types-core.
    fn point(rng: &mut ChaCha20Rng) -> [[u8; 32]; 2] {
        loop {
            let mut x: [u8; 32] = rng.gen();
            x[31] &= 0x07;
            if let Some(p) = Point::new_from_x(&Felt::from_bytes_le(&x), rng.gen()) {
                return [p.x().to_bytes_le(), p.y().to_bytes_le()];
            }
        }
    }

    fn state(rng: &mut ChaCha20Rng) -> [[u8; 32]; 4] {
        let ([x, y], [sx, sy]) = (point(rng), point(rng));
        [x, y, sx, sy]
    }

    #[test]
    fn each_body_computes_what_cairo_natives_own_does() {
        let theirs = cairo_natives();
        // SAFETY (every call below): each pointer is the body Cairo Native binds to that
        // symbol, with the signature its runtime declares; the inputs are valid points.
        let (their_pedersen, their_add, their_add_mul, their_finalize): (PedersenFn, AddFn, AddMulFn, FinalizeFn) = unsafe {
            (
                std::mem::transmute(theirs["cairo_native__libfunc__pedersen"]),
                std::mem::transmute(theirs["cairo_native__libfunc__ec__ec_state_add"]),
                std::mem::transmute(theirs["cairo_native__libfunc__ec__ec_state_add_mul"]),
                std::mem::transmute(theirs["cairo_native__libfunc__ec__ec_state_try_finalize_nz"]),
            )
        };
        let mut rng = ChaCha20Rng::seed_from_u64(7);
        let mut felts = edge_felts();
        // Every bit random, the top 4 included: both sides must ignore them and reduce.
        felts.extend((0..40).map(|_| rng.gen::<[u8; 32]>()));

        for a in &felts {
            for b in felts.iter().step_by(3) {
                let (mut mine, mut expected) = ([0; 32], [0; 32]);
                unsafe {
                    pedersen(&mut mine, a, b);
                    their_pedersen(&mut expected, a, b);
                }
                assert_eq!(mine, expected, "pedersen({a:?}, {b:?})");
            }
        }

        // The generator has its own path (precomputed multiples, the scalar modulo the
        // curve's order): the order itself and scalars above it are among the cases.
        let generator = [Point::generator().x().to_bytes_le(), Point::generator().y().to_bytes_le()];
        let order = Felt::from_hex("0x800000000000010ffffffffffffffffb781126dcae7b2321e66a241adc64d2f").unwrap();
        felts.extend([order - Felt::ONE, order, order + Felt::ONE, order + order - Felt::ONE].map(|f| f.to_bytes_le()));
        for scalar in &felts {
            for p in [point(&mut rng), generator] {
                let start = state(&mut rng);
                let (mut mine, mut expected) = (start, start);
                unsafe {
                    ec_state_add_mul(&mut mine, scalar, &p);
                    their_add_mul(&mut expected, scalar, &p);
                }
                assert_eq!(mine, expected, "ec_state_add_mul(_, {scalar:?}, {p:?})");
            }
        }
        // Adding the state to itself doubles it.
        let start = state(&mut rng);
        let itself = [start[0], start[1]];
        let (mut mine, mut expected) = (start, start);
        unsafe {
            ec_state_add_mul(&mut mine, &Felt::ONE.to_bytes_le(), &itself);
            their_add_mul(&mut expected, &Felt::ONE.to_bytes_le(), &itself);
        }
        assert_eq!(mine, expected, "ec_state_add_mul doubling");

        for added in [point(&mut rng), point(&mut rng), itself] {
            let (mut mine, mut expected) = (start, start);
            unsafe {
                ec_state_add(&mut mine, &added);
                their_add(&mut expected, &added);
            }
            assert_eq!(mine, expected, "ec_state_add");
        }

        for s in [state(&mut rng), state(&mut rng), [start[0], start[1], start[0], start[1]]] {
            let (mut mine, mut expected) = ([[0; 32]; 2], [[0; 32]; 2]);
            let (ok_mine, ok_theirs) = unsafe { (ec_state_try_finalize_nz(&mut mine, &s), their_finalize(&mut expected, &s)) };
            assert_eq!((ok_mine, mine), (ok_theirs, expected), "ec_state_try_finalize_nz");
        }
    }

    #[test]
    fn the_state_starts_at_a_random_point_of_the_curve_and_finalizes_to_nothing() {
        let (mut a, mut b) = ([[0; 32]; 4], [[0; 32]; 4]);
        unsafe {
            ec_state_init(&mut a);
            ec_state_init(&mut b);
        }
        assert_ne!(a, b, "two starts are two random points");
        for s in [a, b] {
            assert_eq!((s[0], s[1]), (s[2], s[3]), "the state starts at its own start");
            assert!(Point::new(Felt::from_bytes_le(&s[0]), Felt::from_bytes_le(&s[1])).is_ok(), "on the curve");
            let mut out = [[0; 32]; 2];
            assert!(!unsafe { ec_state_try_finalize_nz(&mut out, &s) }, "nothing added: the point at infinity");
        }
    }
}
