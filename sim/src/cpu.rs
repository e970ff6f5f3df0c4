//! A host's cores on the simulated clock, shared in round-robin time slices. The system
//! asks for CPU time as it works; the request runs in slices of at most `SLICE`, each on
//! the core that frees up first, from the later of now and that core's free time, and
//! completes when its last slice has run. Between two slices of a long request the
//! requests made meanwhile get their turn, so work waits behind the slices already
//! queued, as a task woken on a busy Linux machine waits for the ones running. Slices
//! queue in the order they are asked for, so the schedule is deterministic, and nothing
//! is held across a crash: the killed node's last slice simply finishes on its core.
//! A core is booked for exactly the work asked, but the task asking waits at least 1 ms
//! (madsim's shortest sleep), so short work looks slower to its task than it is.

use std::sync::Mutex;
use std::time::Duration;

use madsim::time::{sleep_until, Instant};

/// The longest a piece of work runs before others waiting get a core (Linux gives each
/// of a few busy tasks a few milliseconds).
pub const SLICE: Duration = Duration::from_millis(2);

/// The cores of one simulated host.
#[derive(Debug)]
pub struct Cores {
    /// When each core is free again; `None` until it first works.
    free_at: Mutex<Vec<Option<Instant>>>,
}

impl Cores {
    pub fn new(cores: usize) -> Cores {
        assert!(cores > 0, "a host has at least one core");
        Cores { free_at: Mutex::new(vec![None; cores]) }
    }

    /// Completes once `work` of CPU time has run on the host's cores.
    pub async fn run(&self, work: Duration) {
        let mut left = work;
        while !left.is_zero() {
            let slice = left.min(SLICE);
            self.run_slice(slice).await;
            left -= slice;
        }
    }

    async fn run_slice(&self, work: Duration) {
        let done = {
            let now = Instant::now();
            let mut free_at = self.free_at.lock().expect("cores");
            let core = (0..free_at.len()).min_by_key(|i| free_at[*i].unwrap_or(now).max(now)).expect("at least one core");
            let done = free_at[core].unwrap_or(now).max(now) + work;
            free_at[core] = Some(done);
            done
        };
        sleep_until(done).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// Runs `jobs` (start ms, at least 1: madsim's shortest sleep, work ms) on `cores`
    /// cores; returns when each finished, ms.
    fn finish_times(cores: usize, jobs: &[(u64, u64)]) -> Vec<u128> {
        let rt = madsim::runtime::Runtime::with_seed_and_config(1, madsim::Config::default());
        let jobs = jobs.to_vec();
        rt.block_on(async move {
            let host = Arc::new(Cores::new(cores));
            let start = Instant::now();
            let handles: Vec<_> = jobs
                .into_iter()
                .map(|(at, work)| {
                    let host = host.clone();
                    madsim::task::spawn(async move {
                        madsim::time::sleep(Duration::from_millis(at)).await;
                        host.run(Duration::from_millis(work)).await;
                        (Instant::now() - start).as_millis()
                    })
                })
                .collect();
            let mut ends = Vec::new();
            for h in handles {
                ends.push(h.await.expect("job"));
            }
            ends
        })
    }

    #[test]
    fn work_queues_for_the_first_free_core() {
        // Two run at once on two cores; the third waits for one.
        assert_eq!(finish_times(2, &[(1, 2), (1, 2), (1, 2)]), [3, 3, 5]);
    }

    #[test]
    fn a_short_job_waits_for_a_slice_not_for_the_whole_long_job() {
        // The long job holds the one core for a slice at a time: the short one, asked for
        // at 2 ms, runs right after the first slice, and the long one ends 1 ms later.
        assert_eq!(finish_times(1, &[(1, 20), (2, 1)]), [22, 4]);
    }

    #[test]
    fn runs_replay_exactly() {
        let jobs = [(1, 7), (1, 3), (2, 11), (2, 1), (5, 4)];
        assert_eq!(finish_times(2, &jobs), finish_times(2, &jobs));
    }
}
