//! Human-written sizes in scenario files: `"512B"`, `"64KiB"`, `"1.5MiB"`, `"2GiB"`.

use super::quantity;

/// Parses a size written as a non-negative number followed by a unit (`B`, `KiB`, `MiB`
/// or `GiB`), rounded to whole bytes. Returns a message fit for a scenario error otherwise.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let units = [
        ("B", 1.0),
        ("KiB", 1024.0),
        ("MiB", 1024.0 * 1024.0),
        ("GiB", 1024.0 * 1024.0 * 1024.0),
    ];
    quantity::parse(text, "size", &units, "too large")
}

/// Formats a size the way scenario files write it: the largest unit that divides it.
pub fn format_size(bytes: u64) -> String {
    [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)]
        .into_iter()
        .find(|&(_, unit)| bytes != 0 && bytes.is_multiple_of(unit))
        .map_or_else(
            || format!("{bytes}B"),
            |(name, unit)| format!("{}{name}", bytes / unit),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_units() {
        assert_eq!(parse_size("512B"), Ok(512));
        assert_eq!(parse_size("64KiB"), Ok(65536));
        assert_eq!(parse_size("1.5MiB"), Ok(1_572_864));
        assert_eq!(parse_size("2GiB"), Ok(2 << 30));
        assert_eq!(parse_size(" 0B "), Ok(0));
    }

    #[test]
    fn rejects_bad_text() {
        assert!(parse_size("64").unwrap_err().contains("no unit"));
        assert!(parse_size("KiB").unwrap_err().contains("number"));
        assert!(parse_size("64KB")
            .unwrap_err()
            .contains("unknown unit \"KB\""));
        assert!(parse_size("-1B").is_err());
        let huge = format!("{}GiB", "9".repeat(20));
        assert!(parse_size(&huge).unwrap_err().contains("too large"));
    }

    #[test]
    fn formats_round_trip() {
        for text in ["0B", "512B", "64KiB", "1536KiB", "3MiB", "2GiB", "1000B"] {
            assert_eq!(format_size(parse_size(text).unwrap()), text);
        }
    }
}
