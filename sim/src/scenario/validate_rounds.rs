//! `[twins] rounds` and `[twins] generate` as written to round schedules
//! ([`RoundPlan`]s, or a [`RoundsGenerator`]), each error naming its key and line.

use super::raw::{RawGenerate, RawTwins};
use super::rounds::{RoundPlan, RoundSchedule, RoundsGenerator};
use super::validate::Ctx;
use super::{format_duration, Checks, NodeCopy, ScenarioError};
use std::time::Duration;

type Result<T> = std::result::Result<T, ScenarioError>;

/// Most rounds a schedule may fix: past a few, a scenario is better written as timed
/// `[[faults]]`.
const MAX_SCHEDULED_ROUNDS: usize = 64;
/// Most rounds a generated schedule has: the enumeration grows as choices^rounds.
const MAX_GENERATED_ROUNDS: i64 = 8;
/// Most node copies `generate` partitions: Bell(8) = 4140 partitions already.
const MAX_GENERATED_COPIES: usize = 8;

/// The schedule, if `[twins]` gives rounds or generates them. The GST defaults to the
/// latest time that leaves `checks.liveness_within` to judge liveness in.
pub(super) fn rounds(ctx: &Ctx<'_>, raw: &RawTwins, copies: &[NodeCopy], duration: Duration, checks: &Checks) -> Result<Option<RoundSchedule>> {
    if raw.rounds.is_empty() && raw.generate.is_none() {
        if raw.gst.is_some() {
            return Err(ctx.err("twins.gst", "a GST needs a round schedule (twins.rounds or twins.generate)"));
        }
        return Ok(None);
    }
    if raw.generate.is_some() && !raw.rounds.is_empty() {
        return Err(ctx.err("twins.generate", "give either twins.rounds or twins.generate, not both"));
    }
    if raw.rounds.len() > MAX_SCHEDULED_ROUNDS {
        return Err(ctx.err("twins.rounds", format!("{} rounds are more than the {MAX_SCHEDULED_ROUNDS} a schedule may fix", raw.rounds.len())));
    }
    let mut plans = Vec::new();
    for (i, round) in raw.rounds.iter().enumerate() {
        let key = format!("twins.rounds[{i}]");
        let leader = ctx.identity(&format!("{key}.leader"), &round.leader)?;
        let partition = match &round.partition {
            Some(groups) => covering(ctx, &format!("{key}.partition"), groups, copies)?,
            None => vec![copies.to_vec()],
        };
        plans.push(RoundPlan { leader, partition });
    }
    let generator = raw.generate.as_ref().map(|g| generator(ctx, g, copies)).transpose()?;
    let gst = match &raw.gst {
        Some(text) => ctx.duration("twins.gst", text)?,
        None if duration > checks.liveness_within => duration - checks.liveness_within,
        None => {
            return Err(ctx.err(
                "twins",
                format!(
                    "the run lasts {} and liveness_within = {}: no time is left before the GST for the rounds (set twins.gst, or a longer duration)",
                    format_duration(duration),
                    format_duration(checks.liveness_within)
                ),
            ))
        }
    };
    if gst.is_zero() || gst >= duration {
        return Err(ctx.err("twins.gst", format!("the GST must fall within the run (0s, {})", format_duration(duration))));
    }
    Ok(Some(RoundSchedule { plans, generator, gst }))
}

/// A partition that puts every copy in exactly one group.
fn covering(ctx: &Ctx<'_>, key: &str, raw: &[Vec<String>], copies: &[NodeCopy]) -> Result<Vec<Vec<NodeCopy>>> {
    let groups = ctx.groups(key, raw)?;
    if groups.is_empty() {
        return Err(ctx.err(key, "give at least one group (or leave the partition out for a connected round)"));
    }
    if let Some(missing) = copies.iter().find(|c| !groups.iter().flatten().any(|g| g == *c)) {
        return Err(ctx.err(key, format!("{missing} is in no group (every node copy must be in exactly one group)")));
    }
    Ok(groups)
}

fn generator(ctx: &Ctx<'_>, raw: &RawGenerate, copies: &[NodeCopy]) -> Result<RoundsGenerator> {
    if !(1..=MAX_GENERATED_ROUNDS).contains(&raw.rounds) {
        return Err(ctx.err("twins.generate.rounds", format!("{} rounds: give 1 to {MAX_GENERATED_ROUNDS}", raw.rounds)));
    }
    if copies.len() > MAX_GENERATED_COPIES {
        return Err(ctx.err(
            "twins.generate",
            format!("{} node copies are more than the {MAX_GENERATED_COPIES} the generator partitions (their partitions grow past millions)", copies.len()),
        ));
    }
    let max_groups = raw.partitions.unwrap_or(2);
    if !(1..=copies.len() as i64).contains(&max_groups) {
        return Err(ctx.err("twins.generate.partitions", format!("{max_groups} groups: give 1 to {} (one per node copy)", copies.len())));
    }
    let committee = copies.iter().filter(|c| !c.twin).count();
    let leaders = match &raw.leaders {
        Some(names) => {
            let mut leaders = ctx.identities("twins.generate.leaders", names)?;
            if leaders.is_empty() {
                return Err(ctx.err("twins.generate.leaders", "give at least one leader (or leave the key out: every identity)"));
            }
            leaders.sort_unstable();
            leaders
        }
        None => (0..committee).collect(),
    };
    let partitions = RoundsGenerator::partitions(copies, committee, max_groups as usize, raw.apart);
    if partitions.is_empty() {
        return Err(ctx.err(
            "twins.generate",
            "no partition fits: none of at most that many groups keeps every Twins pair apart and a quorum together",
        ));
    }
    let generator = RoundsGenerator { rounds: raw.rounds as usize, max_groups: max_groups as usize, apart: raw.apart, leaders, partitions };
    if generator.count().is_none() {
        return Err(ctx.err("twins.generate.rounds", format!("{}^{} schedules do not fit in a seed: fewer rounds", generator.choices(), raw.rounds)));
    }
    Ok(generator)
}
