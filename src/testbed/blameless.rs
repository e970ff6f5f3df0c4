//! The `blameless` checker: no node drops a message as invalid and blames an honest
//! member for it. Honest code never builds an invalid message, so such a drop is a bug
//! in the sender (a vote for two blocks in one round, a certificate short of a quorum)
//! or in the receiver's checks. Byzantine members (Twins identities, `[byzantine]`
//! nodes) may be blamed at will.

use super::observer::dropped;
use kraken_sim::checkers::{Checker, Verdict};
use kraken_sim::history::History;

pub struct Blameless;

impl Checker for Blameless {
    fn name(&self) -> &str {
        "blameless"
    }

    fn check(&self, h: &History) -> Verdict {
        let mut drops = 0;
        for event in &h.events {
            let Some((from, why)) = dropped(event) else { continue };
            let member = format!("n{from}");
            if h.is_honest(&member) {
                let at = event.t_us as f64 / 1e6;
                return Verdict::fail(self.name(), format!("{} dropped a message of honest {member} at {at:.3}s: {why}", event.node));
            }
            drops += 1;
        }
        Verdict::pass(self.name(), format!("no honest member blamed ({drops} messages of byzantine members dropped)"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kraken_sim::events::EventKind;
    use kraken_sim::history::build::{event, history};

    fn drop_from(from: u64) -> kraken_sim::events::Event {
        let detail = serde_json::json!({ "from": from, "reason": "invalid vote: a second vote in round 7" });
        event(1_500, "n0", EventKind::Note { what: "message_dropped".into(), detail })
    }

    #[test]
    fn blaming_a_twinned_member_is_fine_and_an_honest_one_fails() {
        let ok = Blameless.check(&history(4, &[1], 10, 0, vec![drop_from(1)]));
        assert!(ok.passed, "{ok:?}");
        let bad = Blameless.check(&history(4, &[1], 10, 0, vec![drop_from(1), drop_from(2)]));
        assert!(!bad.passed);
        assert_eq!(bad.detail, "n0 dropped a message of honest n2 at 1.500s: invalid vote: a second vote in round 7");
    }
}
