//! The STARK prover: commit trace (main, then aux from challenges), composition polynomial,
//! DEEP out-of-domain sampling, FRI, grinding, query decommitments.
//! Deterministic: the same AIR, trace and options always give the same proof bytes.

use crate::air::{Air, RowSet};
use crate::domain::Domain;
use crate::error::ProveError;
use crate::fft::Fft;
use crate::field::{batch_inverse, FE};
use crate::fri;
use crate::merkle::{row_pair, Commitment};
use crate::options::ProofOptions;
use crate::phases::{Laps, PhaseTimes};
use crate::proof::{fri_folds, QueryProof, StarkProof};
use crate::protocol;
use crate::transcript::grind;
use lambdaworks_math::polynomial::Polynomial;

type Poly = Polynomial<FE>;

/// Low-degree extension of a set of columns: their coefficients and coset evaluations.
struct Lde {
    coeffs: Vec<Vec<FE>>,
    evals: Vec<Vec<FE>>,
}

fn lde(columns: &[Vec<FE>], fft: &Fft) -> Lde {
    // One task per column: interpolate and extend while the column is in cache.
    let (coeffs, evals) = crate::par::map(columns, |c| {
        let coeffs = fft.interpolate(c);
        let evals = fft.extend(&coeffs);
        (coeffs, evals)
    })
    .into_iter()
    .unzip();
    Lde { coeffs, evals }
}

fn open(cols: &[Vec<FE>], j: usize) -> Vec<FE> {
    let refs: Vec<&Vec<FE>> = cols.iter().collect();
    row_pair(&refs, j)
}

fn commit(cols: &[Vec<FE>]) -> Commitment {
    let refs: Vec<&Vec<FE>> = cols.iter().collect();
    Commitment::from_columns(&refs)
}

/// Proves that `main` (columns of equal power-of-two length) satisfies `air`.
/// The trace is not checked here (see [`crate::air::check_constraints`]): a broken trace
/// yields a proof the verifier rejects, which is what the adversarial tests rely on.
pub fn prove<A: Air>(air: &A, main: &[Vec<FE>], options: &ProofOptions) -> Result<StarkProof, ProveError> {
    prove_timed(air, main, options).map(|(proof, _)| proof)
}

/// [`prove`], also returning the time of each phase (`vm` and `trace` left at zero).
pub fn prove_timed<A: Air>(
    air: &A,
    main: &[Vec<FE>],
    options: &ProofOptions,
) -> Result<(StarkProof, PhaseTimes), ProveError> {
    options.validate().map_err(|e| ProveError::Options(e.to_string()))?;
    let n = air.trace_length();
    if !n.is_power_of_two() || main.len() != air.num_main() || main.iter().any(|c| c.len() != n) {
        return Err(ProveError::Trace("trace shape does not match the AIR".into()));
    }
    let log_n = n.trailing_zeros();
    if log_n <= options.fri_final_log as u32 {
        return Err(ProveError::Options("trace shorter than the FRI final layer".into()));
    }
    let degree = air.constraint_degree().max(1);
    if degree > options.blowup() {
        return Err(ProveError::Options(format!("constraint degree {degree} exceeds blowup")));
    }
    if !air.transition_rows().iter().all(|r| r.fits(n))
        || !air.periodic_columns().iter().all(|c| c.len().is_power_of_two() && c.len() <= n)
    {
        return Err(ProveError::Trace("row sets or periodic columns do not fit the trace length".into()));
    }
    let d = Domain::new(log_n, options.blowup_log as u32).ok_or(ProveError::Options("domain".into()))?;
    let mut t = protocol::start(air, options, log_n);
    let mut times = PhaseTimes::default();
    let mut laps = Laps::start();
    let fft = Fft::new(&d);

    // Round 1: main trace, then aux trace from the challenges.
    let main_lde = lde(main, &fft);
    times.lde = laps.lap();
    let main_c = commit(&main_lde.evals);
    times.main_commit = laps.lap();
    t.append_bytes(&main_c.root);
    let challenges: Vec<FE> = (0..air.num_challenges()).map(|_| t.challenge()).collect();
    let aux = air.build_aux(main, &challenges);
    if aux.len() != air.num_aux() || aux.iter().any(|c| c.len() != n) {
        return Err(ProveError::Trace("aux trace shape does not match the AIR".into()));
    }
    let aux_lde = lde(&aux, &fft);
    let aux_c = if aux.is_empty() {
        None
    } else {
        let c = commit(&aux_lde.evals);
        t.append_bytes(&c.root);
        Some(c)
    };
    times.aux = laps.lap();

    // Round 2: composition polynomial, split into `degree` parts of degree < n.
    let alpha = t.challenge();
    let cols: Vec<&Vec<FE>> = main_lde.evals.iter().chain(aux_lde.evals.iter()).collect();
    // The composition has degree < degree·n, so it is evaluated on the sub-coset of the
    // smallest power-of-two size that determines it: every `step`-th LDE point.
    let step = d.blowup / degree.next_power_of_two();
    let comp_evals = composition_on_lde(air, &d, &cols, &challenges, &alpha, step)?;
    times.composition = laps.lap();
    let comp_poly = Polynomial::interpolate_offset_fft::<crate::field::F>(&comp_evals, &d.h)
        .map_err(|e| ProveError::Trace(format!("{e:?}")))?;
    let parts: Vec<Poly> = comp_poly
        .break_in_parts(degree)
        .into_iter()
        .map(|p| {
            let c = p.coefficients();
            Polynomial::new(&c[..c.len().min(n)])
        })
        .collect();
    let comp_lde = crate::par::map(&parts, |p| fft.extend(p.coefficients()));
    let comp_c = commit(&comp_lde);
    t.append_bytes(&comp_c.root);
    times.comp_commit = laps.lap();

    // Round 3: out-of-domain sample.
    let z = protocol::sample_z(&mut t, &d, degree);
    let zg = z * d.g;
    let all_coeffs: Vec<&Vec<FE>> = main_lde.coeffs.iter().chain(aux_lde.coeffs.iter()).collect();
    let ood_cur = crate::par::map(&all_coeffs, |c| fri::eval_poly(c, &z));
    let ood_next = crate::par::map(&all_coeffs, |c| fri::eval_poly(c, &zg));
    let zd = z.pow(degree as u64);
    let ood_comp: Vec<FE> = parts.iter().map(|p| p.evaluate(&zd)).collect();
    t.append_fes(&ood_cur);
    t.append_fes(&ood_next);
    t.append_fes(&ood_comp);
    times.ood = laps.lap();

    // Round 4: DEEP composition polynomial, then FRI.
    let gammas = protocol::powers(&t.challenge(), degree + 2 * cols.len());
    let deep = deep_on_lde(&d, &cols, &comp_lde, &ood_cur, &ood_next, &ood_comp, &z, &zd, &gammas);
    times.deep = laps.lap();
    let folds = fri_folds(log_n, options.fri_final_log as u32) as usize;
    let mut layers: Vec<Vec<FE>> = vec![deep];
    let mut layer_commits: Vec<Commitment> = Vec::new();
    let mut fri_roots = Vec::new();
    let mut zeta = t.challenge();
    for k in 0..folds {
        let next = fri::fold_layer(&layers[k], &d, k as u32, &zeta);
        if k + 1 < folds {
            let c = Commitment::from_columns(&[&next]);
            t.append_bytes(&c.root);
            fri_roots.push(c.root);
            layer_commits.push(c);
            zeta = t.challenge();
        }
        layers.push(next);
    }
    let last = &layers[folds];
    let offset = d.h.pow(1u64 << folds);
    let final_poly = Polynomial::interpolate_offset_fft::<crate::field::F>(last, &offset)
        .map_err(|e| ProveError::Trace(format!("{e:?}")))?;
    let final_len = 1usize << (log_n as usize - folds);
    let mut fri_final: Vec<FE> = final_poly.coefficients().iter().take(final_len).cloned().collect();
    fri_final.resize(final_len, FE::zero());
    t.append_fes(&fri_final);
    times.fri = laps.lap();

    // Grinding, then queries.
    let nonce = grind(&t.grinding_seed(), options.grinding_bits);
    t.append_bytes(&nonce.to_be_bytes());
    let idx = protocol::query_indices(&mut t, options.queries as usize, d.m / 2);
    // Each query's leaf position in every FRI layer tree, and the sibling it opens there.
    let mut fri_positions = vec![Vec::with_capacity(idx.len()); layer_commits.len()];
    let queries = idx
        .iter()
        .map(|&i| {
            let mut fri = Vec::with_capacity(layer_commits.len());
            let mut p = i;
            for (k, positions) in fri_positions.iter_mut().enumerate() {
                let layer = &layers[k + 1];
                let half = layer.len() / 2;
                let j = p % half;
                fri.push(layer[if p < half { j + half } else { j }]);
                positions.push(j);
                p = j;
            }
            QueryProof {
                main: open(&main_lde.evals, i),
                aux: aux_c.as_ref().map(|_| open(&aux_lde.evals, i)),
                comp: open(&comp_lde, i),
                fri,
            }
        })
        .collect();
    let main_nodes = main_c.batch_nodes(&idx);
    let aux_nodes = aux_c.as_ref().map(|c| c.batch_nodes(&idx)).unwrap_or_default();
    let comp_nodes = comp_c.batch_nodes(&idx);
    let fri_nodes = layer_commits.iter().zip(&fri_positions).map(|(c, js)| c.batch_nodes(js)).collect();
    times.queries = laps.lap();

    let proof = StarkProof {
        log_trace_length: log_n as u8,
        options: *options,
        main_root: main_c.root,
        aux_root: aux_c.map(|c| c.root),
        comp_root: comp_c.root,
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
    };
    Ok((proof, times))
}

/// A function on the LDE coset stored with period `values.len()` (which divides `m`).
struct OnCoset {
    values: Vec<FE>,
}

impl OnCoset {
    fn at(&self, i: usize) -> &FE {
        &self.values[i % self.values.len()]
    }
}

/// `1/Z(x)` on the LDE coset for a row set. `x^n - 1` repeats with period `blowup` and
/// `x^(n/period)` with period `period·blowup`, so cyclic zerofiers are stored that short.
fn inverse_zerofier(d: &Domain, points: &[FE], rows: RowSet) -> OnCoset {
    let inv_xn_minus_1 = || {
        let mut v: Vec<FE> = points[..d.blowup].iter().map(|x| x.pow(d.n as u64) - FE::one()).collect();
        batch_inverse(&mut v);
        v
    };
    // prod over the cycle's rows of (x^(n/period) - g^(o·n/period)), on one period of the coset.
    let cycle = |period: usize, first: usize, count: usize| -> Vec<FE> {
        points[..period * d.blowup]
            .iter()
            .map(|x| d.cycle_zerofier(&x.pow((d.n / period) as u64), period, first, count))
            .collect()
    };
    let values = match rows {
        RowSet::AllBut(e) => {
            let per = inv_xn_minus_1();
            let roots: Vec<FE> = (1..=e).map(|j| d.g.pow((d.n - j) as u64)).collect();
            let idx: Vec<usize> = (0..d.m).collect();
            crate::par::map(&idx, |&i| {
                let mut f = per[i % d.blowup];
                for r in &roots {
                    f *= points[i] - r;
                }
                f
            })
        }
        RowSet::Only(r) => {
            let gr = d.g.pow(r as u64);
            let mut v: Vec<FE> = points.iter().map(|x| x - gr).collect();
            batch_inverse(&mut v);
            v
        }
        RowSet::Cycle { period, first, count } => {
            let mut v = cycle(period, first, count);
            batch_inverse(&mut v);
            v
        }
        RowSet::OffCycle { period, first, count } => {
            let per = inv_xn_minus_1();
            let c = cycle(period, first, count);
            c.iter().enumerate().map(|(i, c)| c * per[i % d.blowup]).collect()
        }
    };
    OnCoset { values }
}

/// A periodic column on the LDE coset: its polynomial `p(x^(n/period))` evaluated on one
/// period (`period·blowup` points) of the coset.
fn periodic_on_coset(d: &Domain, values: &[FE]) -> Result<OnCoset, ProveError> {
    let period = values.len();
    let p = Polynomial::interpolate_fft::<crate::field::F>(values).map_err(|e| ProveError::Trace(format!("{e:?}")))?;
    let offset = d.h.pow((d.n / period) as u64);
    let values = Polynomial::evaluate_offset_fft::<crate::field::F>(&p, d.blowup, Some(period), &offset)
        .map_err(|e| ProveError::Trace(format!("{e:?}")))?;
    Ok(OnCoset { values })
}

/// Evaluates the composition polynomial on every `step`-th LDE point (the coset
/// `h·<w^step>`).
fn composition_on_lde<A: Air>(
    air: &A,
    d: &Domain,
    cols: &[&Vec<FE>],
    challenges: &[FE],
    alpha: &FE,
    step: usize,
) -> Result<Vec<FE>, ProveError> {
    let rowsets = air.transition_rows();
    let boundaries = air.boundaries(challenges);
    let nt = rowsets.len();
    let coeffs = protocol::powers(alpha, nt + boundaries.len());
    let points = fri::coset_points(&d.h, &d.w, d.m);
    let periodic: Vec<OnCoset> =
        air.periodic_columns().iter().map(|c| periodic_on_coset(d, c)).collect::<Result<_, _>>()?;

    // 1/Z for each distinct row set (constraints sharing a zerofier are summed first and
    // divided once).
    let mut distinct: Vec<RowSet> = rowsets.clone();
    distinct.sort_unstable();
    distinct.dedup();
    let group: Vec<usize> = rowsets.iter().map(|r| distinct.binary_search(r).unwrap_or(0)).collect();
    let inv_z: Vec<OnCoset> = distinct.iter().map(|rs| inverse_zerofier(d, &points, *rs)).collect();
    let mut rows: Vec<usize> = boundaries.iter().map(|b| b.row).collect();
    rows.sort_unstable();
    rows.dedup();
    // 1/(x - g^row) for each boundary row.
    let inv_bound: Vec<OnCoset> = rows.iter().map(|&r| inverse_zerofier(d, &points, RowSet::Only(r))).collect();
    let bound_row: Vec<usize> = boundaries.iter().map(|b| rows.binary_search(&b.row).unwrap_or(0)).collect();
    let width = cols.len();
    // The next row of a point is `blowup` LDE points on, `next` points of the sub-coset.
    let next_at = d.blowup / step;
    Ok(crate::par::map_chunks(d.m / step, COMPOSITION_BLOCK, |r| {
        let block = row_block(cols, r.start, step, r.len() + next_at);
        let mut per = vec![FE::zero(); periodic.len()];
        let mut out = vec![FE::zero(); nt];
        let mut sums = vec![FE::zero(); distinct.len()];
        r.enumerate()
            .map(|(j, s)| {
                let i = s * step;
                let cur = &block[j * width..(j + 1) * width];
                let next = &block[(j + next_at) * width..(j + next_at + 1) * width];
                for (v, p) in per.iter_mut().zip(&periodic) {
                    *v = *p.at(i);
                }
                out.fill(FE::zero());
                air.eval_transition(cur, next, &per, challenges, &mut out);
                sums.fill(FE::zero());
                for k in 0..nt {
                    sums[group[k]] += coeffs[k] * out[k];
                }
                let mut acc = FE::zero();
                for (g, s) in sums.iter().enumerate() {
                    acc += s * inv_z[g].at(i);
                }
                for (bi, b) in boundaries.iter().enumerate() {
                    acc += coeffs[nt + bi] * (cur[b.col] - b.value) * inv_bound[bound_row[bi]].at(i);
                }
                acc
            })
            .collect()
    }))
}

/// LDE points per block of the composition evaluation.
const COMPOSITION_BLOCK: usize = 64;

/// The LDE columns at points `(start + j)·stride` for `j < rows` (wrapping around),
/// row-major: a point's current and next rows are then contiguous, and each column is read
/// a block at a time.
fn row_block(cols: &[&Vec<FE>], start: usize, stride: usize, rows: usize) -> Vec<FE> {
    let width = cols.len();
    let mut block = vec![FE::zero(); rows * width];
    for (c, col) in cols.iter().enumerate() {
        let mask = col.len() - 1;
        for j in 0..rows {
            block[j * width + c] = col[((start + j) * stride) & mask];
        }
    }
    block
}

fn dot<'a>(coeffs: impl Iterator<Item = &'a FE>, values: &[FE]) -> FE {
    coeffs.zip(values).fold(FE::zero(), |acc, (c, v)| acc + c * v)
}

/// Points per block of the DEEP evaluation: each column is read a block at a time.
const DEEP_BLOCK: usize = 512;

/// The DEEP polynomial on every LDE point:
/// `sum_k γ_k (H_k(x) - H_k(z^d))/(x - z^d) + sum_c γ (t_c(x) - t_c(z))/(x - z) + γ' (t_c(x) - t_c(zg))/(x - zg)`,
/// with each numerator's constant part summed once, and each block's denominators inverted together.
#[allow(clippy::too_many_arguments)]
fn deep_on_lde(
    d: &Domain,
    cols: &[&Vec<FE>],
    comp: &[Vec<FE>],
    ood_cur: &[FE],
    ood_next: &[FE],
    ood_comp: &[FE],
    z: &FE,
    zd: &FE,
    gammas: &[FE],
) -> Vec<FE> {
    let nc = comp.len();
    let (g_comp, g_cols) = gammas.split_at(nc);
    let comp_at_zd = dot(g_comp.iter(), ood_comp);
    let cur_at_z = dot(g_cols.iter().step_by(2), ood_cur);
    let next_at_zg = dot(g_cols.iter().skip(1).step_by(2), ood_next);
    let zg = z * d.g;
    crate::par::map_chunks(d.m, DEEP_BLOCK, |r| {
        let points = fri::coset_points(&(d.h * d.w.pow(r.start as u64)), &d.w, r.len());
        let mut dens: Vec<FE> = [zd, z, &zg].iter().flat_map(|p| points.iter().map(move |x| x - *p)).collect();
        batch_inverse(&mut dens);
        let (inv_zd, rest) = dens.split_at(r.len());
        let (inv_z, inv_zg) = rest.split_at(r.len());
        let (mut cs, mut a, mut b) = (vec![FE::zero(); r.len()], vec![FE::zero(); r.len()], vec![FE::zero(); r.len()]);
        for (g, h) in g_comp.iter().zip(comp) {
            for (acc, v) in cs.iter_mut().zip(&h[r.clone()]) {
                *acc += g * v;
            }
        }
        for (g, col) in g_cols.chunks_exact(2).zip(cols) {
            for ((a, b), v) in a.iter_mut().zip(b.iter_mut()).zip(&col[r.clone()]) {
                *a += g[0] * v;
                *b += g[1] * v;
            }
        }
        (0..r.len())
            .map(|j| (cs[j] - comp_at_zd) * inv_zd[j] + (a[j] - cur_at_z) * inv_z[j] + (b[j] - next_at_zg) * inv_zg[j])
            .collect()
    })
}
