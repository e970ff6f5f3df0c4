//! A number followed by a unit (`"1.5s"`, `"64KiB"`): the shared syntax of durations and
//! sizes in scenario files.

/// Parses `text` as a non-negative number followed by one of `units` (name, scale) and
/// returns number × scale. `kind` names the quantity in the error messages.
pub fn parse(text: &str, kind: &str, units: &[(&str, f64)]) -> Result<f64, String> {
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
    Ok(value * scale)
}
