#!/usr/bin/env python3
"""Searches Twins schedules for one that lets a seeded consensus bug break safety, on an
abstract model of the consensus core, then hands it to the simulator as a scenario.

Why a model: a simulated run of one schedule costs about a third of a second, and the
schedules these bugs need are five or six rounds long and rare among 10^9 to 10^11; this
model plays one in about a millisecond. It follows src/consensus/core.rs step by step
(2-chain votes and commits, timeouts carrying high QCs and the TC before, joining a
round's timeout on f + 1 others, the pacemaker's back-off and re-sends, block sync,
empty blocks proposed from the core's loop, the safety state and blocks on disk only
with a durable write) and src/testbed/round_links.rs (a message of round r reaches only
its sender's group of round r's partition; from the GST on, everyone). It leaves out
batches and CPU. The bugs (mutants of scripts/mutants.py):

  commit-any-child     commits a block once any child of it is certified, not only one
                       from the next round (commit-any-2-chain); breaks as conflicting
                       commits
  vote-before-persist  lets a vote leave before the voting state is on disk
                       (no-persist-before-vote); the search also crashes one honest
                       member right after one of its votes and restarts it; breaks as a
                       second vote of an honest member in a round, which the next leader
                       blames on it

A schedule it finds is a candidate only: scenarios/twins-commit-rule.toml and
twins-crash-after-vote.toml are ones it found, confirmed in the simulator
(tests/sim_twins.rs), where the mutants fail on every seed and the real code passes.
Copies: n0, n1, n2, n3 and n1' (n1's twin). Each find is scored on perturbed runs, and
the real rules must never break on it, or the model is wrong.

Usage: scripts/twins_model.py [--bug commit-any-child] [--rounds 6] [--groups 3]
                              [--samples 100000] [--seed 1] [--gst-ms 2500] [--out FILE]
       scripts/twins_model.py --check   (replays both shipped schedules: the bug breaks
                                         each, the real rules hold)
"""

import argparse
import heapq
import re
import pathlib
import random
import sys
import time
import tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent
NAMES = ["n0", "n1", "n2", "n3", "n1'"]
AUTHOR = [0, 1, 2, 3, 1]  # n1 and n1' sign as member 1
COPIES = {0: [0], 1: [1, 4], 2: [2], 3: [3]}
QUORUM, F = 3, 1
GENESIS_QC = (0, 0, ())  # (round, block id, voters)
START_MS = 3  # a simulated node starts consensus 3 ms into the run, and after a restart


class Block:
    def __init__(self, id, round, height, parent, qc, tc, author):
        self.id, self.round, self.height, self.parent = id, round, height, parent
        self.qc, self.tc, self.author = qc, tc, author


GENESIS = Block(0, 0, 0, None, GENESIS_QC, None, None)


class Copy:
    """One node copy: the core's state and handlers (names as in core.rs)."""

    def __init__(self, world, index):
        self.w, self.index, self.me = world, index, AUTHOR[index]
        self.round, self.last_voted, self.timed_out, self.proposed = 1, 0, 0, 0
        self.high_qc, self.last_tc, self.my_timeout = GENESIS_QC, None, None
        self.tree, self.tip, self.waiting = {0: GENESIS}, GENESIS, {}
        self.votes, self.certified, self.timeouts = {}, set(), {}
        self.consecutive, self.deadline, self.sent_round = 0, world.base, 0
        # What survives a crash: the safety state and the blocks as of the last durable
        # write (a vote, timeout or proposal writes the state; a commit is made durable).
        self.disk, self.durable_tree, self.dirty, self.wrote = (0, GENESIS_QC, 0), dict(self.tree), False, False
        self.down, self.votes_cast = False, 0

    def end_step(self):
        if self.dirty:
            self.disk = (self.last_voted, self.high_qc, self.proposed)
        if self.dirty or self.wrote:
            self.durable_tree = dict(self.tree)
        self.dirty = self.wrote = False

    def crash(self):
        self.down, self.deadline = True, float("inf")

    def restart(self):
        """As Core::spawn: back in the round it last voted or timed out in."""
        self.down = False
        self.last_voted, self.high_qc, self.proposed = self.disk
        self.tree = dict(self.durable_tree)
        self.round = max(self.last_voted, self.high_qc[0] + 1, self.tip.round + 1)
        self.timed_out, self.last_tc, self.my_timeout = 0, None, None
        self.votes, self.certified, self.timeouts, self.waiting = {}, set(), {}, {}
        self.consecutive, self.deadline, self.sent_round = 0, self.w.now + self.w.base, 0
        self.try_propose()

    # -- network (round_links.rs): a message of no round follows the last round sent
    def send(self, author, msg, round):
        if round is None:
            round = self.sent_round
        else:
            self.sent_round = max(self.sent_round, round)
        for to in COPIES[author]:
            if self.w.connects(self.index, to, round):
                self.w.deliver(self.index, to, msg)

    def broadcast(self, msg, round):
        for author in range(4):
            if author != self.me:
                self.send(author, msg, round)

    def handle(self, sender, msg):
        kind = msg[0]
        if kind == "propose":
            b = msg[1]
            if b.height > self.tip.height and b.id not in self.tree and self.w.leader(b.round) == b.author:
                self.accept(b, sender)
        elif kind == "vote":
            if self.collects(*msg[1:]):
                self.count_vote(*msg[1:])
        elif kind == "timeout":
            self.on_timeout(msg[1])
        elif kind == "sync-request":
            chain, b = [], self.tree.get(msg[1])
            while b is not None and b.id != 0:
                chain.append(b)
                b = self.tree.get(b.parent)
            if chain:
                self.send(AUTHOR[sender], ("sync-reply", chain), None)
        elif kind == "propose-deadline":
            self.propose_now()
        elif kind == "sync-reply":
            for b in reversed(msg[1]):
                self.accept(b, sender)

    # -- blocks
    def accept(self, b, sender):
        work = [b]
        while work:
            b = work.pop()
            if b.id in self.tree or b.height <= self.tip.height:
                continue
            parent = self.tree.get(b.parent)
            if parent is None:
                self.waiting.setdefault(b.parent, []).append(b)
                self.send(AUTHOR[sender], ("sync-request", b.parent), None)
                continue
            if parent.height + 1 != b.height or parent.round >= b.round:
                continue
            self.tree[b.id] = b
            self.process_block(b)
            work.extend(self.waiting.pop(b.id, []))

    def process_block(self, b):
        self.process_qc(b.qc)
        if b.tc is not None:
            self.process_tc(b.tc)
        if b.round == self.round and self.safe_to_vote(b):
            self.vote(b)
        self.try_commit(self.high_qc)
        self.try_propose()

    def safe_to_vote(self, b):
        extends = b.round == b.qc[0] + 1 or (b.tc is not None and b.round == b.tc[0] + 1 and b.qc[0] >= b.tc[1])
        return b.round > self.last_voted and extends

    def vote(self, b):
        self.last_voted = max(self.last_voted, b.round)
        self.dirty |= self.w.bug != "vote-before-persist"
        self.votes_cast += 1
        self.w.voted(self)
        next_leader = self.w.leader(b.round + 1)
        if next_leader != self.me:
            self.send(next_leader, ("vote", b.round, b.id, self.me), b.round)
        elif self.collects(b.round, b.id, self.me):
            self.count_vote(b.round, b.id, self.me)

    def collects(self, round, block, author):
        if round + 1 < self.round or self.votes.get(round, {}).get(author) == block or (round, block) in self.certified:
            return False
        return self.w.leader(round + 1) == self.me

    def count_vote(self, round, block, author):
        if self.votes.setdefault(round, {}).setdefault(author, block) != block:
            if author != 1:  # n1 is the byzantine identity: blaming it is fine
                self.w.broken(f"{NAMES[self.index]} got a second vote of honest n{author} in round {round}")
            return
        voters = tuple(sorted(a for a, d in self.votes[round].items() if d == block))
        if len(voters) == QUORUM:
            self.certified.add((round, block))
            self.process_qc((round, block, voters))
            self.try_propose()

    def process_qc(self, qc):
        if qc[0] > self.high_qc[0]:
            self.high_qc = qc
            if qc[1] not in self.tree:
                holders = [a for a in qc[2] if a != self.me]
                if holders:
                    self.send(holders[qc[0] % len(holders)], ("sync-request", qc[1]), None)
        self.try_commit(qc)
        if qc[0] + 1 > self.round:
            self.consecutive = 0
            self.enter_round(qc[0] + 1)

    def process_tc(self, tc):
        if tc[0] + 1 > self.round:
            self.last_tc = tc
            self.enter_round(tc[0] + 1)

    def enter_round(self, round):
        self.round = round
        self.deadline = self.w.now + self.timer()
        for r in [r for r in self.votes if r < round - 1]:
            del self.votes[r]
        self.try_propose()

    # -- timeouts (pacemaker.rs: base, then doubling from the second consecutive timeout)
    def timer(self):
        return min(self.w.base << min(max(self.consecutive - 1, 0), 10), self.w.max_timeout)

    def local_timeout(self):
        self.deadline = self.w.now + self.w.base
        if self.timed_out == self.round:
            self.broadcast(("timeout", self.my_timeout), self.round)
            return
        self.consecutive += 1
        self.timed_out = self.round
        self.dirty = True
        self.last_voted = max(self.last_voted, self.round)
        self.my_timeout = (self.round, self.high_qc, self.tc_before(), self.me)
        self.broadcast(("timeout", self.my_timeout), self.round)
        self.add_timeout(self.my_timeout)

    def on_timeout(self, t):
        round, high_qc, tc, author = t
        counts = round >= self.round and author not in self.timeouts.get(round, {})
        if not (counts or high_qc[0] > self.high_qc[0] or (tc is not None and tc[0] >= self.round)):
            return
        self.process_qc(high_qc)
        if tc is not None:
            self.process_tc(tc)
        if counts and round >= self.round:
            self.add_timeout(t)

    def add_timeout(self, t):
        round, high_qc, _, author = t
        signers = self.timeouts.setdefault(round, {})
        fresh = author not in signers
        signers.setdefault(author, high_qc[0])
        if fresh and len(signers) == QUORUM:
            self.process_tc((round, max(signers.values()), tuple(sorted(signers.items()))))
        elif round == self.round and len(signers) > F and self.timed_out < round:
            self.local_timeout()

    # -- proposing and committing
    def try_propose(self):
        """With payload a leader proposes at once; an empty block waits for the core's
        loop (its proposal deadline), so a copy that enters several rounds in one step
        proposes only in the last."""
        if self.proposed < self.round and self.w.leader(self.round) == self.me:
            if self.w.load:
                self.propose_now()
            else:
                self.w.deliver_at(self.w.now + 1, self.index, ("propose-deadline",))

    def propose_now(self):
        if self.proposed >= self.round or self.w.leader(self.round) != self.me:
            return
        qc = self.high_qc
        parent = self.tree.get(qc[1])
        if parent is None or self.path_to_tip(parent) is None:
            return
        tc = self.tc_before()
        if (qc[0] + 1 != self.round and tc is None) or (tc is not None and qc[0] < tc[1]):
            return
        self.proposed = self.round
        self.dirty = True
        b = self.w.new_block(self.round, parent.height + 1, parent.id, qc, tc, self.index)
        self.broadcast(("propose", b), b.round)
        self.accept(b, self.index)

    def tc_before(self):
        """The TC of the round before ours, which our timeout and proposal carry."""
        return self.last_tc if self.last_tc is not None and self.last_tc[0] + 1 == self.round else None

    def path_to_tip(self, b):
        """`b` and its ancestors above the committed tip, newest first; None if `b` is
        not on the committed chain (as BlockTree::path_to_tip)."""
        path = []
        while b is not None and b.height > self.tip.height:
            path.append(b)
            b = self.tree.get(b.parent)
        return path if b is not None and b.id == self.tip.id else None

    def try_commit(self, qc):
        child = self.tree.get(qc[1])
        b0 = self.tree.get(child.parent) if child is not None and child.id != 0 else None
        if b0 is None or not self.w.commits_on(b0, child) or b0.height <= self.tip.height:
            return
        path = self.path_to_tip(b0)
        if path is None:
            return  # refuses a block off its committed chain, as core.rs does
        for b in reversed(path):
            self.w.committed(self.index, b)
        self.tip, self.wrote = b0, True


class World:
    """One run of a schedule ([(leader, group of each copy)] per round) with `bug` seeded
    (None: the real rules). `load`: leaders have payload (a first batch at 30 ms, every
    copy's block its own); without it every block is empty, so twin copies that build
    the same block sign the same bytes. `crash`: ("after-vote", copy, k, delay, down)
    crashes a member `delay` ms after its k-th vote for `down` ms; ("at", copy, crash_ms,
    restart_ms) at those scenario times. Times are the simulator's less 3 ms: nodes start
    consensus 3 ms into a run, and 3 ms after a restart."""

    def __init__(self, plans, bug, seed, gst_ms, latency=(8, 12), fetch_ms=0, load=True, crash=None):
        self.plans, self.bug, self.gst, self.load = plans, bug, gst_ms - START_MS, load
        self.latency, self.fetch_ms = latency, fetch_ms
        self.base, self.max_timeout, self.end = 200, 800, self.gst + 1500
        self.rng, self.now, self.queue, self.seq = random.Random(seed), 0, [], 0
        self.made, self.heights, self.failure = {}, {}, None
        self.crash, self.crashed_at = crash, None
        self.copies = [Copy(self, i) for i in range(5)]
        self.first_payload = 30 if load else 0
        if crash and crash[0] == "at":
            self.schedule_crash(crash[1], crash[2] - START_MS, crash[3])

    def schedule_crash(self, copy, at, restart_at):
        self.crashed_at = (at + START_MS, restart_at)
        self.deliver_at(at, copy, ("crash",))
        self.deliver_at(restart_at, copy, ("restart",))

    def voted(self, copy):
        c = self.crash
        if c and c[0] == "after-vote" and c[1] == copy.index and c[2] == copy.votes_cast:
            at = self.now + c[3]
            self.schedule_crash(copy.index, at, at + c[4])

    def leader(self, round):
        return self.plans[round - 1][0] if 1 <= round <= len(self.plans) else round % 4

    def connects(self, a, b, round):
        if self.now >= self.gst or not 1 <= round <= len(self.plans):
            return True
        groups = self.plans[round - 1][1]
        return groups[a] == groups[b]

    def commits_on(self, b0, child):
        return b0.round < child.round if self.bug == "commit-any-child" else b0.round + 1 == child.round

    def deliver(self, sender, to, msg):
        delay = self.rng.randint(*self.latency)
        if msg[0] == "propose" and self.fetch_ms:
            delay += self.rng.randint(0, self.fetch_ms)
        self.deliver_at(self.now + delay, to, msg, sender)

    def deliver_at(self, at, to, msg, sender=None):
        self.seq += 1
        heapq.heappush(self.queue, (at, self.seq, to, sender, msg))

    def new_block(self, round, height, parent, qc, tc, copy):
        key = (round, height, parent, qc[:2], tc, AUTHOR[copy] if not self.load else copy)
        if key not in self.made:
            self.made[key] = Block(len(self.made) + 1, round, height, parent, qc, tc, AUTHOR[copy])
        return self.made[key]

    def committed(self, copy, b):
        first = self.heights.setdefault(b.height, (b.id, copy))
        if first[0] != b.id:
            self.broken(f"{NAMES[first[1]]} and {NAMES[copy]} committed different blocks at height {b.height}")

    def broken(self, what):
        if self.failure is None:
            self.failure = f"{what} at {self.now + START_MS} ms"

    def run(self):
        """How safety first broke, or None."""
        kicked = False
        while self.now < self.end and self.failure is None:
            next_timer = min(c.deadline for c in self.copies)
            next_message = self.queue[0][0] if self.queue else next_timer
            if not kicked and self.first_payload <= min(next_timer, next_message):
                self.now, kicked = self.first_payload, True
                for c in self.copies:
                    c.try_propose()
                    c.end_step()
            elif self.queue and next_message <= next_timer:
                self.now, _, to, sender, msg = heapq.heappop(self.queue)
                copy = self.copies[to]
                if msg[0] == "crash":
                    copy.crash()
                elif msg[0] == "restart":
                    copy.restart()
                elif not copy.down:
                    copy.handle(sender, msg)
                copy.end_step()
            else:
                self.now = next_timer
                copy = next(c for c in self.copies if c.deadline <= self.now)
                copy.local_timeout()
                copy.end_step()
        return self.failure


def partitions(groups):
    """Every partition of the five copies into at most `groups` groups, some group
    holding a quorum of distinct members (else no round could end)."""
    out = []

    def assign(prefix, used):
        if len(prefix) == 5:
            members = {}
            for copy, g in enumerate(prefix):
                members.setdefault(g, set()).add(AUTHOR[copy])
            if any(len(m) >= QUORUM for m in members.values()):
                out.append(tuple(prefix))
            return
        for g in range(min(used + 1, groups)):
            assign(prefix + [g], max(used, g + 1))

    assign([], 0)
    return out


def score(plans, bug, gst, crash, runs):
    """How many of `runs` perturbed runs break safety: with load, link delays and batch
    fetches vary; without (a crash schedule, timed to 10 ms links), the crash and the
    restart move by a few milliseconds."""
    if crash is None:
        return sum(1 for s in range(runs) if World(plans, bug, s, gst, fetch_ms=50).run())
    _, copy, at, restart = crash
    nudges = [(dc, dr) for dc in (-1, 0, 1, 2, 4, 8) for dr in (-8, -2, 0, 2, 8)][:runs]
    return sum(1 for dc, dr in nudges if World(plans, bug, 0, gst, latency=(10, 10), load=False, crash=("at", copy, at + dc, restart + dr)).run())


def search(args):
    crashes = args.bug == "vote-before-persist"
    choices = [(leader, p) for leader in range(4) for p in partitions(args.groups)]
    rng = random.Random(args.seed)
    best, start = None, time.monotonic()
    print(f"{len(choices)} choices a round, {len(choices) ** args.rounds:.1e} schedules of {args.rounds} rounds; sampling {args.samples}", file=sys.stderr)
    for i in range(args.samples):
        plans = [rng.choice(choices) for _ in range(args.rounds)]
        if crashes:
            after_vote = ("after-vote", rng.choice([0, 2, 3]), rng.randint(1, args.rounds + 2), rng.randint(1, 5), rng.randint(1, 100))
            world = World(plans, args.bug, 0, args.gst_ms, latency=(10, 10), load=False, crash=after_vote)
            if not world.run() or world.crashed_at is None:
                continue
            crash = ("at", after_vote[1], *world.crashed_at)
        elif World(plans, args.bug, rng.randrange(1 << 30), args.gst_ms).run():
            crash = None
        else:
            continue
        hits = score(plans, args.bug, args.gst_ms, crash, 30)
        if score(plans, None, args.gst_ms, crash, 30):
            sys.exit(f"the real rules broke on {plans} {crash}: the model is wrong (or the protocol is)")
        print(f"schedule {i}: breaks in {hits}/30 perturbed runs", file=sys.stderr)
        if best is None or hits > best[0]:
            best = (hits, plans, crash)
        if hits == 30:
            break
    elapsed = time.monotonic() - start
    print(f"{i + 1} schedules in {elapsed:.0f} s ({(i + 1) / elapsed:.0f}/s)", file=sys.stderr)
    if best is None:
        sys.exit("no schedule found")
    hits, plans, crash = best
    text = f"# {args.bug}: breaks in {hits}/30 perturbed model runs; " + (
        "10 ms links, no load until the GST, empty_block_ms = 0\n" if crash else "8-12 ms links, light load, empty_block_ms = 0\n"
    )
    text += f'gst = "{args.gst_ms}ms"\n{rounds_toml(plans)}'
    if crash:
        text += f'\n[[faults]]\nat = "{crash[2]}ms"\ncrash = "{NAMES[crash[1]]}"\n\n[[faults]]\nat = "{crash[3]}ms"\nrestart = "{NAMES[crash[1]]}"\n'
    if args.out:
        pathlib.Path(args.out).write_text(text)
    print(text, end="")


def rounds_toml(plans):
    lines = []
    for leader, groups in plans:
        members = {}
        for copy, g in enumerate(groups):
            members.setdefault(g, []).append(f'"{NAMES[copy]}"')
        partition = ", ".join(f"[{', '.join(m)}]" for m in members.values())
        lines.append(f'  {{ leader = "n{leader}", partition = [{partition}] }},')
    return "rounds = [\n" + "\n".join(lines) + "\n]\n"


def ms(text):
    value, unit = re.fullmatch(r"(\d+)(ms|s)", text).groups()
    return int(value) * (1000 if unit == "s" else 1)


def scenario(path):
    """A shipped Twins scenario as the model's arguments (what it uses of the file)."""
    raw = tomllib.loads(path.read_text())
    twins, network, load = raw["twins"], raw["network"]["latency"], raw["load"]
    plans = []
    for r in twins["rounds"]:
        groups = [None] * 5
        for g, names in enumerate(r.get("partition", [NAMES])):
            for name in names:
                groups[NAMES.index(name)] = g
        plans.append((int(r["leader"][1:]), tuple(groups)))
    faults = raw.get("faults", [])
    crashes = [(NAMES.index(f["crash"]), ms(f["at"])) for f in faults if "crash" in f]
    restarts = [ms(f["at"]) for f in faults if "restart" in f]
    crash = ("at", crashes[0][0], crashes[0][1], restarts[0]) if crashes else None
    rate = load["phases"][0]["rate"] if "phases" in load else load["rate"]
    return dict(plans=plans, gst_ms=ms(twins["gst"]), latency=(ms(network["min"]), ms(network["max"])), load=rate > 0, crash=crash)


def check():
    ok = True
    for name, bug in [("twins-commit-rule.toml", "commit-any-child"), ("twins-crash-after-vote.toml", "vote-before-persist")]:
        a = scenario(ROOT / "scenarios" / name)
        run = lambda seed, bug: World(a["plans"], bug, seed, a["gst_ms"], latency=a["latency"], load=a["load"], crash=a["crash"]).run()
        broken = sum(1 for s in range(20) if run(s, bug))
        held = sum(1 for s in range(20) if not run(s, None))
        print(f"{name} in the model: {bug} breaks safety in {broken}/20 runs, the real rules hold in {held}/20")
        ok &= broken == 20 and held == 20
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bug", choices=["commit-any-child", "vote-before-persist"], default="commit-any-child")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--groups", type=int, default=3, help="most groups in a round's partition")
    parser.add_argument("--samples", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--gst-ms", type=int, default=2500)
    parser.add_argument("--out", help="write the best schedule's [twins] keys (and crash) here")
    parser.add_argument("--check", action="store_true", help="replay the shipped schedules in the model")
    args = parser.parse_args()
    if args.check:
        sys.exit(0 if check() else 1)
    search(args)


if __name__ == "__main__":
    main()
