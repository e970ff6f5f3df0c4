//! How clients behave beyond sending once: some send a transaction to two nodes at once,
//! some send it again to another node when its receipt is late. Drawn from their own
//! seeded stream, so the transactions themselves are the same whatever the habits.

use std::time::Duration;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Habits {
    /// Share of transactions also sent to the next node at once.
    pub duplicate: f64,
    /// Share of transactions sent again to the next node when `resubmit_after` passes
    /// without their receipt (once per transaction).
    pub resubmit: f64,
    pub resubmit_after: Duration,
}

/// The habits of one client, drawn per transaction.
pub struct Draws {
    habits: Habits,
    rng: ChaCha20Rng,
}

impl Draws {
    pub fn new(habits: Habits, seed: u64) -> Self {
        Draws { habits, rng: ChaCha20Rng::seed_from_u64(seed ^ 0x7265_7375_626d_6974) }
    }

    pub fn resubmit_after(&self) -> Duration {
        self.habits.resubmit_after
    }

    /// Whether this transaction also goes to a second node at once.
    pub fn duplicate(&mut self) -> bool {
        self.chance(self.habits.duplicate)
    }

    /// Whether this transaction is sent again if its receipt is late.
    pub fn resubmit(&mut self) -> bool {
        self.chance(self.habits.resubmit)
    }

    /// True with probability `share`, drawing nothing when it is 0 (so runs without a
    /// habit draw the same stream as before it existed).
    fn chance(&mut self, share: f64) -> bool {
        share > 0.0 && self.rng.gen_bool(share)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_habit_never_fires_and_draws_replay_from_the_seed() {
        let mut none = Draws::new(Habits::default(), 1);
        assert!((0..1000).all(|_| !none.duplicate() && !none.resubmit()));
        let some = Habits { duplicate: 0.3, resubmit: 0.5, resubmit_after: Duration::from_secs(1) };
        let draw = |seed| {
            let mut d = Draws::new(some, seed);
            (0..1000).map(|_| (d.duplicate(), d.resubmit())).collect::<Vec<_>>()
        };
        let (a, b) = (draw(7), draw(7));
        assert_eq!(a, b);
        let dups = a.iter().filter(|(d, _)| *d).count();
        assert!((200..400).contains(&dups), "about 30% duplicated, got {dups} of 1000");
    }
}
