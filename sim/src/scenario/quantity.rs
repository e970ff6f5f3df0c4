//! A number followed by a unit (`"1.5s"`, `"64KiB"`): the shared syntax of durations and
//! sizes in scenario files.

/// Parses `text` as a non-negative number followed by one of `units` (name, scale) and
/// returns number × scale, rounded to a whole base unit. `kind` names the quantity in
/// the error messages; `too_big` says what a value beyond `u64` is.
pub fn parse(text: &str, kind: &str, units: &[(&str, f64)], too_big: &str) -> Result<u64, String> {
    let text = text.trim();
    let names: Vec<&str> = units.iter().map(|(name, _)| *name).collect();
    let hint = match names.split_last() {
        Some((last, rest)) => format!("use {} or {last}", rest.join(", ")),
        None => String::new(),
    };
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .ok_or_else(|| format!("{kind} {text:?} has no unit ({hint})"))?;
    let (number, unit) = text.split_at(split);
    let value: f64 = number
        .parse()
        .map_err(|_| format!("{kind} {text:?} does not start with a number"))?;
    let scale = units
        .iter()
        .find(|(name, _)| *name == unit)
        .map(|(_, scale)| *scale)
        .ok_or_else(|| format!("{kind} {text:?} has unknown unit {unit:?} ({hint})"))?;
    let base = (value * scale).round();
    // `as u64` would silently turn "1e30h" into 584,000 years.
    if base >= u64::MAX as f64 {
        return Err(format!("{kind} {text:?} is {too_big}"));
    }
    Ok(base as u64)
}
