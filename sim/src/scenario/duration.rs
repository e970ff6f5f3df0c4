//! Human-written durations in scenario files: `"250ms"`, `"10s"`, `"1.5s"`, `"2m"`, `"1h"`, `"500us"`.

use super::quantity;
use std::time::Duration;

/// Parses a duration written as a non-negative number followed by a unit
/// (`us`, `ms`, `s`, `m` or `h`). Returns a message fit for a scenario error otherwise.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let units = [
        ("us", 1.0),
        ("ms", 1e3),
        ("s", 1e6),
        ("m", 60e6),
        ("h", 3600e6),
    ];
    let us = quantity::parse(text, "duration", &units, "too long")?;
    Ok(Duration::from_micros(us))
}

/// Formats a duration the way scenario files write it: whole seconds, else milliseconds,
/// else microseconds.
pub fn format_duration(d: Duration) -> String {
    let us = d.as_micros();
    if us == 0 {
        "0s".to_string()
    } else if us.is_multiple_of(1_000_000) {
        format!("{}s", us / 1_000_000)
    } else if us.is_multiple_of(1000) {
        format!("{}ms", us / 1000)
    } else {
        format!("{us}us")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_units() {
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_duration("500us"), Ok(Duration::from_micros(500)));
        assert_eq!(parse_duration(" 0s "), Ok(Duration::ZERO));
    }

    #[test]
    fn rejects_bad_text() {
        assert!(parse_duration("10").unwrap_err().contains("no unit"));
        assert!(parse_duration("ms").unwrap_err().contains("number"));
        assert!(parse_duration("10 parsecs")
            .unwrap_err()
            .contains("unknown unit"));
        assert!(parse_duration("-1s").is_err());
        let huge = format!("{}h", "9".repeat(400));
        assert!(parse_duration(&huge).unwrap_err().contains("too long"));
        // u64::MAX microseconds is 5124095576.03 hours.
        assert!(parse_duration("5124095577h")
            .unwrap_err()
            .contains("too long"));
        assert!(parse_duration("5124095576h").is_ok());
    }

    #[test]
    fn formats_round_trip() {
        for text in ["0s", "250ms", "10s", "120s", "1500ms", "7us"] {
            assert_eq!(format_duration(parse_duration(text).unwrap()), text);
        }
    }
}
