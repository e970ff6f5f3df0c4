//! The `[nemesis]` table as written to a checked [`NemesisSpec`], each error naming its
//! key and line.

use super::nemesis::{NemesisKind, NemesisSpec};
use super::raw::RawNemesis;
use super::validate::Ctx;
use super::{format_duration, Checks, Latency, ScenarioError};
use std::collections::BTreeMap;
use std::time::Duration;

/// Most faults a nemesis may draw in one run, on average: the whole schedule is drawn
/// before the run and kept in its report.
pub const MAX_NEMESIS_FAULTS: f64 = 100_000.0;

pub(super) fn nemesis(
    ctx: &Ctx<'_>,
    raw: &RawNemesis,
    duration: Duration,
    checks: &Checks,
) -> Result<NemesisSpec, ScenarioError> {
    let start = match &raw.start {
        Some(text) => ctx.duration("nemesis.start", text)?,
        None => Duration::ZERO,
    };
    let quiet = match &raw.quiet {
        Some(text) => ctx.duration("nemesis.quiet", text)?,
        None => checks.liveness_within,
    };
    if start + quiet >= duration {
        return Err(ctx.err(
            if raw.quiet.is_some() { "nemesis.quiet" } else { "nemesis" },
            format!(
                "start {} plus quiet period {} leave no time for faults in a run of {}",
                format_duration(start),
                format_duration(quiet),
                format_duration(duration)
            ),
        ));
    }
    if !checks.safety_only && quiet < checks.liveness_within {
        return Err(ctx.err(
            "nemesis.quiet",
            format!(
                "a quiet period of {} is shorter than liveness_within = {}: liveness could not be judged (or set checks.safety_only)",
                format_duration(quiet),
                format_duration(checks.liveness_within)
            ),
        ));
    }

    let f = (ctx.size - 1) / 3;
    let faulty = match raw.faulty {
        None if checks.safety_only => ctx.size,
        None => f,
        Some(n) if n < 1 => {
            return Err(ctx.err("nemesis.faulty", format!("{n}: at least 1 node must be allowed to be faulty")))
        }
        Some(n) if n as usize > ctx.size => {
            return Err(ctx.err(
                "nemesis.faulty",
                format!("{n} faulty nodes but the committee has {}", ctx.size),
            ))
        }
        Some(n) if n as usize > f && !checks.safety_only => {
            return Err(ctx.err(
                "nemesis.faulty",
                format!(
                    "{n} faulty nodes but a committee of {} tolerates f = {f}: liveness could not be judged (set checks.safety_only = true)",
                    ctx.size
                ),
            ))
        }
        Some(n) => n as usize,
    };

    let length = match &raw.length {
        Some(range) => ctx.range("nemesis.length", range)?,
        None => (Duration::from_secs(1), Duration::from_secs(5)),
    };
    if length.0 < Duration::from_millis(1) {
        return Err(ctx.err("nemesis.length.min", "a fault lasts at least 1ms"));
    }

    let mut rates = BTreeMap::new();
    for (name, &rate) in &raw.rates {
        let key = format!("nemesis.rates.{name}");
        let kind = NemesisKind::ALL
            .into_iter()
            .find(|k| k.name() == name)
            .ok_or_else(|| {
                let names: Vec<&str> = NemesisKind::ALL.iter().map(|k| k.name()).collect();
                ctx.err(&key, format!("unknown fault kind (use {})", names.join(", ")))
            })?;
        if !(rate.is_finite() && rate >= 0.0) {
            return Err(ctx.err(&key, format!("rate {rate} is not a non-negative number of faults per minute")));
        }
        if rate > 0.0 {
            rates.insert(kind, rate);
        }
    }
    let total: f64 = rates.values().sum();
    if total <= 0.0 {
        return Err(ctx.err("nemesis.rates", "give at least one kind a rate above 0 (faults per minute)"));
    }
    let drawn = total * (duration - start - quiet).as_secs_f64() / 60.0;
    if drawn > MAX_NEMESIS_FAULTS {
        return Err(ctx.err(
            "nemesis.rates",
            format!("the nemesis would draw about {drawn:.0} faults, more than the simulator's {MAX_NEMESIS_FAULTS}"),
        ));
    }

    let loss = match raw.loss {
        Some(loss) => ctx.loss("nemesis.loss", loss)?,
        None => 0.2,
    };
    let latency = match &raw.latency {
        Some(range) => ctx.latency("nemesis.latency", range)?,
        None => Latency {
            min: Duration::from_millis(50),
            max: Duration::from_millis(500),
        },
    };
    Ok(NemesisSpec {
        start,
        quiet,
        faulty,
        length,
        rates,
        loss,
        latency,
    })
}
