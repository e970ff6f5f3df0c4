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
