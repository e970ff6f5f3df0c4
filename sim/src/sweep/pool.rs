//! A sweep over worker processes. Each worker is a process of its own ([`super::serve`]
//! in a re-invoked binary): madsim runs one simulation per thread, so processes give the
//! runs a core each, and a seed that kills its process fails alone instead of ending the
//! sweep. Seeds go out one at a time, in seed order, to whichever worker is free, so the
//! seeds a spent time budget leaves are the last ones; results come back as JSON lines.
//!
//! A worker retires after `retire_after` seeds and a fresh one takes its place. Until
//! 2026-12-06 every run left about 15 MB behind in its process (madsim left the nodes'
//! tasks pending, and a cycle through the runtime's handle kept them; the world now tears
//! a run down, see `world::simulate`); retiring bounds any such leak to come.

use super::plan::Plan;
use super::progress::Progress;
use super::results::{SeedResult, SweepOutcome};
use super::worker::READY;
use crate::scenario::Scenario;
use std::io::{self, BufRead, BufReader, Write};
use std::iter::Peekable;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Sender};

/// What a worker's reader thread reports: a line it printed, or `None` once its stdout
/// closed (it exited).
type Report = (usize, Option<String>);

/// Seeds a worker serves before it retires, for callers without a reason to choose.
pub const RETIRE_AFTER: usize = 50;

/// Runs `plan` on `jobs` workers, each started by `command` (stdin and stdout are set
/// here; stderr is left to the caller, so a worker's complaints reach the terminal) and
/// retired after `retire_after` seeds.
pub fn sweep_pool(
    scenario: &Scenario,
    plan: &Plan,
    jobs: usize,
    retire_after: usize,
    mut command: impl FnMut() -> Command,
) -> io::Result<SweepOutcome> {
    let retire_after = retire_after.max(1);
    let mut progress = Progress::new(scenario, plan);
    let mut queue = plan.seeds().peekable();
    let (tx, rx) = channel();
    let mut workers = Vec::new();
    while workers.len() < jobs && has_work(&mut queue, &progress) {
        let mut worker = Worker::spawn(command(), workers.len(), retire_after, tx.clone())?;
        worker.next(&mut queue, &progress);
        workers.push(worker);
    }
    let mut live = workers.len();
    while live > 0 {
        let (slot, line) = rx.recv().expect("this function holds a sender");
        let worker = &mut workers[slot];
        match line {
            Some(line) if !worker.ready && line == READY => worker.ready = true,
            Some(line) => match worker.result(&line) {
                Ok(result) => {
                    progress.record(result);
                    worker.next(&mut queue, &progress);
                }
                Err(lost) => {
                    progress.extend(lost);
                    // Its reader then sees the pipe close and reports the exit.
                    worker.kill();
                }
            },
            None if !worker.ready => {
                let status = worker.child.wait()?;
                return Err(io::Error::other(format!(
                    "a sweep worker exited before it was ready ({status}); its stderr says why"
                )));
            }
            None => {
                live -= 1;
                progress.extend(worker.exited());
                // A worker exits early by dying or retiring: replace it.
                if has_work(&mut queue, &progress) {
                    *worker = Worker::spawn(command(), slot, retire_after, tx.clone())?;
                    worker.next(&mut queue, &progress);
                    live += 1;
                }
            }
        }
    }
    Ok(progress.finish(scenario, plan, queue.collect()))
}

fn has_work(queue: &mut Peekable<impl Iterator<Item = u64>>, progress: &Progress) -> bool {
    progress.may_start() && queue.peek().is_some()
}

/// One worker process and the seed it is running.
struct Worker {
    child: Child,
    /// Closed (None) to tell the worker to exit once its seed is done.
    stdin: Option<ChildStdin>,
    /// It said [`READY`].
    ready: bool,
    running: Option<u64>,
    /// Seeds it may still be given before it retires.
    seeds_left: usize,
}

impl Worker {
    fn spawn(mut command: Command, slot: usize, seeds: usize, reports: Sender<Report>) -> io::Result<Worker> {
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| {
                io::Error::new(
                    e.kind(),
                    format!("could not start a sweep worker {command:?}: {e}"),
                )
            })?;
        let stdout = child.stdout.take().expect("stdout is piped");
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if reports.send((slot, Some(line))).is_err() {
                    return;
                }
            }
            let _ = reports.send((slot, None));
        });
        Ok(Worker {
            stdin: child.stdin.take(),
            child,
            ready: false,
            running: None,
            seeds_left: seeds,
        })
    }

    /// Hands the worker the next seed, or closes its input (it then exits) when there is
    /// none, the budget is spent or the worker has served its seeds.
    fn next(&mut self, queue: &mut Peekable<impl Iterator<Item = u64>>, progress: &Progress) {
        self.running = queue.next_if(|_| self.seeds_left > 0 && progress.may_start());
        match (self.running, &mut self.stdin) {
            (Some(seed), Some(stdin)) => {
                self.seeds_left -= 1;
                // A failed write means the worker died; its reader reports that.
                let _ = writeln!(stdin, "{seed}").and_then(|()| stdin.flush());
            }
            _ => self.stdin = None,
        }
    }

    /// The result in `line`, or the running seed lost when the line is not its result.
    fn result(&mut self, line: &str) -> Result<SeedResult, Option<SeedResult>> {
        match serde_json::from_str::<SeedResult>(line) {
            Ok(result) if Some(result.seed) == self.running => Ok(result),
            _ => Err(self.lose(format!(
                "the worker answered {line:?} instead of this seed's result"
            ))),
        }
    }

    /// Waits for the exited worker; the seed it was running, if any, is lost.
    fn exited(&mut self) -> Option<SeedResult> {
        let status = match self.child.wait() {
            Ok(status) => status.to_string(),
            Err(e) => format!("status unknown: {e}"),
        };
        self.lose(format!(
            "the worker process died running this seed ({status}); its stderr says why"
        ))
    }

    fn lose(&mut self, detail: String) -> Option<SeedResult> {
        self.running
            .take()
            .map(|seed| SeedResult::lost(seed, "worker", detail))
    }

    fn kill(&mut self) {
        self.stdin = None;
        let _ = self.child.kill();
    }
}
