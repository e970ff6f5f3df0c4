//! Data parallelism: rayon in the real build with the `parallel` feature, plain iteration
//! otherwise (the madsim simulator forbids OS threads). Same results either way.

#[cfg(all(feature = "parallel", not(madsim)))]
pub fn map<T: Sync, R: Send>(xs: &[T], f: impl Fn(&T) -> R + Sync + Send) -> Vec<R> {
    use rayon::prelude::*;
    xs.par_iter().map(f).collect()
}

#[cfg(not(all(feature = "parallel", not(madsim))))]
pub fn map<T, R>(xs: &[T], f: impl Fn(&T) -> R) -> Vec<R> {
    xs.iter().map(f).collect()
}

/// Sets the number of proving threads for this process (first call wins; 0 = one per
/// core) and returns how many proving uses: always 1 without rayon.
#[cfg(all(feature = "parallel", not(madsim)))]
pub fn use_threads(n: usize) -> usize {
    // An error means the pool already exists; its size stands.
    let _ = rayon::ThreadPoolBuilder::new().num_threads(n).build_global();
    rayon::current_num_threads()
}

#[cfg(not(all(feature = "parallel", not(madsim))))]
pub fn use_threads(_: usize) -> usize {
    1
}

/// `f` on consecutive ranges of `0..len` (`chunk` indices each, the last maybe shorter),
/// results concatenated: for per-index work that is cheaper a block at a time (streaming
/// through columns, batch inversions, reused buffers).
pub fn map_chunks<R: Send>(
    len: usize,
    chunk: usize,
    f: impl Fn(std::ops::Range<usize>) -> Vec<R> + Sync + Send,
) -> Vec<R> {
    let starts: Vec<usize> = (0..len).step_by(chunk.max(1)).collect();
    map(&starts, |&s| f(s..(s + chunk).min(len))).into_iter().flatten().collect()
}
