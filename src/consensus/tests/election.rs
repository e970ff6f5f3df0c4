//! Leader reputation on hand-built chains: who it avoids, that it agrees with itself
//! however a node learned the chain, and its fallbacks.

use super::committee;
use crate::consensus::election::{weighted_choice, Election, LeaderElection, ACTIVE, FAILED};
use crate::consensus::messages::{Block, QuorumCert};
use crate::storage::{Store, Table};
use crate::types::{Author, Committee, KeyPair, Round, Signature};
use std::sync::Arc;

fn memory_store() -> Store {
    Store::open_backend(redb::backends::InMemoryBackend::new()).unwrap()
}

/// A chain being built block by block, each by the leader the election names.
struct Chain {
    committee: Arc<Committee>,
    keys: Vec<KeyPair>,
    store: Store,
    election: Election,
    blocks: Vec<Block>,
}

impl Chain {
    fn new(n: usize) -> Self {
        let (committee, keys) = committee(n);
        let committee = Arc::new(committee);
        let store = memory_store();
        let election = Election::new(committee.clone(), LeaderElection::Reputation, store.clone());
        Chain { committee, keys, store, election, blocks: vec![Block::genesis()] }
    }

    fn tip(&self) -> &Block {
        self.blocks.last().unwrap()
    }

    fn leader(&mut self, round: Round) -> Author {
        let parent = self.tip().digest();
        self.election.leader(round, &parent).unwrap().expect("the tip is stored")
    }

    /// The elected leader's block for `round` on the tip, its QC signed by `voters`.
    fn extend(&mut self, round: Round, voters: &[Author]) -> Author {
        let author = self.leader(round);
        let parent = self.tip().clone();
        let qc = QuorumCert { block: parent.digest(), round: parent.round, votes: voters.iter().map(|a| (*a, Signature([0; 64]))).collect() };
        let b = Block::new_signed(round, parent.height + 1, qc, None, vec![], author, &self.keys[author as usize]);
        self.store.put(Table::Blocks, &b.digest().0, &b).unwrap();
        self.blocks.push(b);
        author
    }
}

#[test]
fn a_chain_at_genesis_falls_back_to_round_robin_and_the_round_robin_policy_ignores_history() {
    let mut chain = Chain::new(4);
    assert_eq!(chain.leader(1), chain.committee.round_robin_leader(1));
    for r in 1..=20 {
        chain.extend(r, &[0, 1, 2]);
    }
    let mut plain = Election::new(chain.committee.clone(), LeaderElection::RoundRobin, chain.store.clone());
    for r in 21..30 {
        assert_eq!(plain.leader(r, &chain.tip().digest()).unwrap(), Some(chain.committee.round_robin_leader(r)));
    }
}

#[test]
fn a_leader_whose_round_left_no_block_is_not_chosen_again_soon() {
    let mut chain = Chain::new(4);
    let mut round = 0;
    for _ in 0..60 {
        round += 1;
        chain.extend(round, &[0, 1, 2, 3]);
    }
    // The next leader is down: its round ends by timeout, and nothing it leads counts.
    let dead = chain.leader(round + 1);
    let parent = chain.tip().digest();
    assert_ne!(chain.election.leader(round + 2, &parent).unwrap(), Some(dead), "chosen again right after its timeout");
    round += 1;
    let mut led_by_dead = 0;
    for _ in 0..40 {
        round += 1;
        let voters: Vec<Author> = (0..4).filter(|a| *a != dead).collect();
        if chain.extend(round, &voters) == dead {
            led_by_dead += 1;
        }
    }
    assert_eq!(led_by_dead, 0, "a failed member led {led_by_dead} of the next 40 rounds");
}

#[test]
fn a_dead_member_is_tried_ever_more_rarely_and_a_recovered_one_is_soon_back() {
    let mut chain = Chain::new(4);
    let mut round = 0;
    for _ in 0..40 {
        round += 1;
        chain.extend(round, &[]);
    }
    // Member 2 is down for 800 rounds: each round it is elected leaves no block.
    let mut tried = 0;
    for _ in 0..800 {
        round += 1;
        if chain.leader(round) == 2 {
            tried += 1;
        } else {
            chain.extend(round, &[]);
        }
    }
    // Out 40, 80, 160, 320, then 400 blocks after each failure in a row: 5 tries, not 200.
    assert!((3..=7).contains(&tried), "a dead member was elected {tried} times in 800 rounds");
    // Back up, it leads again within the wait its streak earned (at most 400 blocks).
    let mut back = None;
    for i in 0..600 {
        round += 1;
        if chain.extend(round, &[]) == 2 {
            back = Some(i);
            break;
        }
    }
    assert!(back.is_some_and(|i| i <= 400), "a recovered member waited {back:?} blocks");
}

#[test]
fn every_member_active_spreads_the_rounds() {
    let mut chain = Chain::new(4);
    let mut led = [0usize; 4];
    for r in 1..=400 {
        led[chain.extend(r, &[0, 1, 2, 3]) as usize] += 1;
    }
    assert!(led.iter().all(|&n| (60..=140).contains(&n)), "rounds led per member: {led:?}");
}

#[test]
fn every_node_computes_the_same_leaders_whatever_it_has_cached() {
    let mut chain = Chain::new(4);
    let mut round = 0;
    for i in 0..150u64 {
        // Every seventh round times out, so failures enter the windows.
        round += if i % 7 == 3 { 2 } else { 1 };
        chain.extend(round, &[0, 1, 2]);
    }
    // A node that restarts with the blocks but none of the election's entries (they are
    // recomputed), one that kept them, and one that holds only the chain's blocks.
    let digests: Vec<_> = chain.blocks.iter().map(Block::digest).collect();
    let mut restarted = Election::new(chain.committee.clone(), LeaderElection::Reputation, chain.store.clone());
    let bare = memory_store();
    for b in &chain.blocks[1..] {
        bare.put(Table::Blocks, &b.digest().0, b).unwrap();
    }
    let mut cold = Election::new(chain.committee.clone(), LeaderElection::Reputation, bare);
    for (i, d) in digests.iter().enumerate().rev().step_by(13) {
        let round = chain.blocks[i].round + 3;
        let expected = chain.election.leader(round, d).unwrap();
        assert!(expected.is_some());
        assert_eq!(restarted.leader(round, d).unwrap(), expected, "block {i}");
        assert_eq!(cold.leader(round, d).unwrap(), expected, "block {i}");
    }
}

#[test]
fn the_same_blocks_with_other_certificate_signers_elect_the_same_leaders() {
    let mut chain = Chain::new(4);
    for r in 1..=60 {
        chain.extend(r, if r % 2 == 0 { &[0, 1, 2] } else { &[1, 2, 3] });
    }
    // Another node holds the same blocks (same digests) with other quorums in their QCs,
    // as a relay may deliver them.
    let other = memory_store();
    for b in &chain.blocks[1..] {
        let mut b = b.clone();
        b.qc.votes = [0, 2, 3].iter().map(|a| (*a, Signature([0; 64]))).collect();
        other.put(Table::Blocks, &b.digest().0, &b).unwrap();
    }
    let mut theirs = Election::new(chain.committee.clone(), LeaderElection::Reputation, other);
    let tip = chain.tip().digest();
    for round in 61..80 {
        assert_eq!(theirs.leader(round, &tip).unwrap(), chain.election.leader(round, &tip).unwrap(), "round {round}");
    }
}

#[test]
fn an_unknown_parent_or_a_round_not_after_it_names_no_leader() {
    let mut chain = Chain::new(4);
    for r in 1..=5 {
        chain.extend(r, &[0, 1, 2]);
    }
    let tip = chain.tip().digest();
    assert_eq!(chain.election.leader(5, &tip).unwrap(), None);
    assert_eq!(chain.election.leader(9, &crate::types::Digest::of(b"nobody has this")).unwrap(), None);
}

#[test]
fn weights_set_how_often_a_member_is_drawn() {
    let weights = [ACTIVE, ACTIVE, ACTIVE, 10];
    let mut drawn = [0u32; 4];
    for round in 0..30_000 {
        drawn[weighted_choice(&weights, round) as usize] += 1;
    }
    // Expected 10 in 3,010: about 100 of 30,000.
    assert!((40..=200).contains(&drawn[3]), "a member of weight 10 drawn {} times", drawn[3]);
    assert!(drawn[..3].iter().all(|&n| (9_000..=11_000).contains(&n)), "{drawn:?}");
    assert_eq!(weighted_choice(&[FAILED, 0, 0, 0], 7), 0);
}
