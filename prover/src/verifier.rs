//! The STARK verifier: replays the transcript, checks the out-of-domain composition
//! identity, the proof of work, every Merkle batch opening and FRI folding chain.
//! Small and dependency-light so it builds for wasm32.

use crate::air::Air;
use crate::domain::Domain;
use crate::error::VerifyError;
use crate::field::FE;
use crate::fri::{eval_poly, fold_pair, layer_point, two_inv};
use crate::merkle::{leaf_digest, verify_batch, Digest};
use crate::proof::{fri_folds, StarkProof};
use crate::protocol;
use crate::transcript::grinding_ok;

/// What a verifier demands beyond a proof's own options.
#[derive(Clone, Copy, Debug)]
pub struct VerifierPolicy {
    pub min_security_bits: u32,
}

impl Default for VerifierPolicy {
    /// Accepts ~100-bit proofs and stronger.
    fn default() -> Self {
        VerifierPolicy { min_security_bits: 100 }
    }
}

fn shape(ok: bool, what: &'static str) -> Result<(), VerifyError> {
    if ok {
        Ok(())
    } else {
        Err(VerifyError::Shape(what))
    }
}

/// Verifies `proof` against `air` (which carries the public input).
pub fn verify<A: Air>(air: &A, proof: &StarkProof, policy: &VerifierPolicy) -> Result<(), VerifyError> {
    let o = &proof.options;
    o.validate()?;
    if o.security_bits() < policy.min_security_bits {
        return Err(VerifyError::InsufficientSecurity { got: o.security_bits(), min: policy.min_security_bits });
    }
    let n = air.trace_length();
    let log_n = proof.log_trace_length as u32;
    shape(n.is_power_of_two() && n == 1usize.checked_shl(log_n).unwrap_or(0), "trace length")?;
    shape(log_n > o.fri_final_log as u32, "trace shorter than FRI final layer")?;
    let degree = air.constraint_degree().max(1);
    shape(degree <= o.blowup(), "constraint degree exceeds blowup")?;
    let d = Domain::new(log_n, o.blowup_log as u32).ok_or(VerifyError::Shape("domain"))?;
    let (nm, na) = (air.num_main(), air.num_aux());
    let width = nm + na;
    let folds = fri_folds(log_n, o.fri_final_log as u32) as usize;
    shape(proof.aux_root.is_some() == (na > 0), "aux commitment")?;
    shape(proof.ood_cur.len() == width && proof.ood_next.len() == width, "ood trace values")?;
    shape(proof.ood_comp.len() == degree, "ood composition values")?;
    shape(proof.fri_roots.len() == folds - 1, "fri layer count")?;
    shape(proof.fri_final.len() == 1 << (log_n as usize - folds), "fri final layer")?;
    // Exactly as many queries as the options demand (and the security level counts).
    shape(proof.queries.len() == o.queries as usize, "query count")?;

    // Replay the transcript.
    let mut t = protocol::start(air, o, log_n);
    t.append_bytes(&proof.main_root);
    let challenges: Vec<FE> = (0..air.num_challenges()).map(|_| t.challenge()).collect();
    if let Some(r) = &proof.aux_root {
        t.append_bytes(r);
    }
    let alpha = t.challenge();
    t.append_bytes(&proof.comp_root);
    let z = protocol::sample_z(&mut t, &d, degree);
    t.append_fes(&proof.ood_cur);
    t.append_fes(&proof.ood_next);
    t.append_fes(&proof.ood_comp);
    let gammas = protocol::powers(&t.challenge(), degree + 2 * width);
    let mut zetas = vec![t.challenge()];
    for r in &proof.fri_roots {
        t.append_bytes(r);
        zetas.push(t.challenge());
    }
    t.append_fes(&proof.fri_final);
    if !grinding_ok(&t.grinding_seed(), proof.nonce, o.grinding_bits) {
        return Err(VerifyError::Grinding);
    }
    t.append_bytes(&proof.nonce.to_be_bytes());
    let idx = protocol::query_indices(&mut t, o.queries as usize, d.m / 2);

    // Out-of-domain check: C(z) from the trace values equals sum z^i H_i(z^d).
    let exemptions = air.transition_rows();
    let boundaries = air.boundaries(&challenges);
    let coeffs = protocol::powers(&alpha, exemptions.len() + boundaries.len());
    let periodic = air.periodic_columns();
    shape(periodic.iter().all(|c| c.len().is_power_of_two() && c.len() <= n), "periodic column")?;
    shape(exemptions.iter().all(|rows| rows.fits(n)), "constraint rows")?;
    let periodic_z: Vec<FE> = periodic.iter().map(|c| d.periodic_at(c, &z)).collect();
    let mut out = vec![FE::zero(); exemptions.len()];
    air.eval_transition(&proof.ood_cur, &proof.ood_next, &periodic_z, &challenges, &mut out);
    let mut c_z = FE::zero();
    for (k, e) in exemptions.iter().enumerate() {
        let zf = d.zerofier(&z, *e);
        let zf_inv = zf.inv().map_err(|_| VerifyError::OodMismatch)?;
        c_z += coeffs[k] * out[k] * zf_inv;
    }
    for (bi, b) in boundaries.iter().enumerate() {
        shape(b.col < width && b.row < n, "boundary")?;
        let den = (z - d.g.pow(b.row as u64)).inv().map_err(|_| VerifyError::OodMismatch)?;
        c_z += coeffs[exemptions.len() + bi] * (proof.ood_cur[b.col] - b.value) * den;
    }
    let zd = z.pow(degree as u64);
    let h_z = proof.ood_comp.iter().rev().fold(FE::zero(), |acc, h| acc * z + h);
    if c_z != h_z {
        return Err(VerifyError::OodMismatch);
    }

    // Queries: each one's leaves are collected per tree (the FRI layers' from its folding
    // chain) and every tree's batch opening is checked at the end.
    shape(proof.fri_nodes.len() == folds - 1, "fri openings")?;
    shape(proof.aux_root.is_some() || proof.aux_nodes.is_empty(), "aux opening")?;
    let zg = z * d.g;
    let depth0 = d.log_m as usize - 1;
    let ti = two_inv();
    let leaf = |i: usize, values: &[FE]| (i, leaf_digest(values.iter()));
    let (mut main_leaves, mut aux_leaves, mut comp_leaves) = (Vec::new(), Vec::new(), Vec::new());
    let mut fri_leaves: Vec<Vec<(usize, Digest)>> = vec![Vec::new(); folds - 1];
    for (q, &i) in proof.queries.iter().zip(idx.iter()) {
        shape(q.main.len() == 2 * nm, "main opening")?;
        shape(q.comp.len() == 2 * degree, "composition opening")?;
        shape(q.fri.len() == folds - 1, "fri steps")?;
        main_leaves.push(leaf(i, &q.main));
        let aux_vals: &[FE] = match (&q.aux, &proof.aux_root) {
            (Some(a), Some(_)) => {
                shape(a.len() == 2 * na, "aux opening")?;
                aux_leaves.push(leaf(i, a));
                a
            }
            (None, None) => &[],
            _ => return Err(VerifyError::Shape("aux opening")),
        };
        comp_leaves.push(leaf(i, &q.comp));
        // DEEP polynomial at x and -x, from the opened rows.
        let x = d.lde_point(i);
        let deep_at = |half: usize, x: &FE| -> Result<FE, VerifyError> {
            let inv = |p: &FE| (x - p).inv().map_err(|_| VerifyError::Fri(0));
            let mut cs = FE::zero();
            for (k, (gamma, ood)) in gammas.iter().zip(&proof.ood_comp).enumerate() {
                cs += gamma * (q.comp[half * degree + k] - ood);
            }
            let (mut a, mut b) = (FE::zero(), FE::zero());
            for c in 0..width {
                let v = if c < nm { &q.main[half * nm + c] } else { &aux_vals[half * na + c - nm] };
                a += gammas[degree + 2 * c] * (v - proof.ood_cur[c]);
                b += gammas[degree + 2 * c + 1] * (v - proof.ood_next[c]);
            }
            Ok(cs * inv(&zd)? + a * inv(&z)? + b * inv(&zg)?)
        };
        let p_pos = deep_at(0, &x)?;
        let p_neg = deep_at(1, &(-&x))?;
        let x_inv = x.inv().map_err(|_| VerifyError::Fri(0))?;
        let mut f = fold_pair(&p_pos, &p_neg, &x_inv, &zetas[0], &ti);
        let mut p = i;
        for (k, sibling) in q.fri.iter().enumerate() {
            let layer = k + 1;
            let half = d.m >> (layer + 1);
            let j = p % half;
            let pair = if p < half { [f, *sibling] } else { [*sibling, f] };
            fri_leaves[k].push(leaf(j, &pair));
            let xk_inv = layer_point(&d, layer as u32, j).inv().map_err(|_| VerifyError::Fri(layer))?;
            f = fold_pair(&pair[0], &pair[1], &xk_inv, &zetas[layer], &ti);
            p = j;
        }
        if f != eval_poly(&proof.fri_final, &layer_point(&d, folds as u32, p)) {
            return Err(VerifyError::Fri(folds));
        }
    }
    if !verify_batch(&proof.main_root, depth0, &main_leaves, &proof.main_nodes) {
        return Err(VerifyError::Merkle("main trace"));
    }
    if let Some(root) = &proof.aux_root {
        if !verify_batch(root, depth0, &aux_leaves, &proof.aux_nodes) {
            return Err(VerifyError::Merkle("aux trace"));
        }
    }
    if !verify_batch(&proof.comp_root, depth0, &comp_leaves, &proof.comp_nodes) {
        return Err(VerifyError::Merkle("composition"));
    }
    for (k, leaves) in fri_leaves.iter().enumerate() {
        if !verify_batch(&proof.fri_roots[k], depth0 - (k + 1), leaves, &proof.fri_nodes[k]) {
            return Err(VerifyError::Merkle("fri layer"));
        }
    }
    Ok(())
}
