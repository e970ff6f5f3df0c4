//! Maps TOML key paths (`faults[2].crash`) to source lines and back, so that every
//! scenario error names the key and the line it comes from.

use std::ops::Range;
use toml_edit::{ImDocument, Item, Value};

/// Spans of every key and array element of one TOML document, by dotted key path.
pub struct Locator {
    text: String,
    entries: Vec<(String, Range<usize>)>,
}

impl Locator {
    /// Indexes `text`; a document that does not parse yields an empty index (the
    /// deserializer then reports the syntax error with its own span).
    pub fn new(text: &str) -> Self {
        let mut entries = Vec::new();
        if let Ok(doc) = ImDocument::parse(text) {
            walk_table(doc.as_table(), "", &mut entries);
        }
        Locator {
            text: text.to_string(),
            entries,
        }
    }

    /// 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        self.text.as_bytes()[..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1
    }

    /// Line of `path`, or of its nearest present ancestor (a missing key is reported at
    /// the table that should hold it); line 1 when nothing matches.
    pub fn line_of_path(&self, path: &str) -> usize {
        let mut path = path;
        loop {
            if let Some((_, span)) = self.entries.iter().find(|(p, _)| p == path) {
                return self.line_of(span.start);
            }
            match path.rfind(['.', '[']) {
                Some(cut) => path = &path[..cut],
                None => return 1,
            }
        }
    }

    /// The innermost key path whose span contains `offset` ("" when none).
    pub fn path_at(&self, offset: usize) -> &str {
        self.entries
            .iter()
            .filter(|(_, span)| span.start <= offset && offset < span.end.max(span.start + 1))
            .min_by_key(|(_, span)| span.end - span.start)
            .map(|(path, _)| path.as_str())
            .unwrap_or("")
    }
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

fn walk_table(
    table: &dyn toml_edit::TableLike,
    prefix: &str,
    out: &mut Vec<(String, Range<usize>)>,
) {
    for (name, item) in table.iter() {
        let path = join(prefix, name);
        let key_span = table.get_key_value(name).and_then(|(key, _)| key.span());
        let item_span = item_span(item);
        let span = match (key_span, item_span) {
            (Some(k), Some(v)) => k.start.min(v.start)..k.end.max(v.end),
            (Some(s), None) | (None, Some(s)) => s,
            (None, None) => continue,
        };
        out.push((path.clone(), span));
        walk_item(item, &path, out);
    }
}

fn item_span(item: &Item) -> Option<Range<usize>> {
    match item {
        Item::Table(t) => t.span(),
        Item::ArrayOfTables(a) => a.span(),
        Item::Value(v) => v.span(),
        Item::None => None,
    }
}

fn walk_item(item: &Item, path: &str, out: &mut Vec<(String, Range<usize>)>) {
    match item {
        Item::Table(t) => walk_table(t, path, out),
        Item::ArrayOfTables(array) => {
            for (i, table) in array.iter().enumerate() {
                let element = format!("{path}[{i}]");
                if let Some(span) = table.span() {
                    out.push((element.clone(), span));
                }
                walk_table(table, &element, out);
            }
        }
        Item::Value(value) => walk_value(value, path, out),
        Item::None => {}
    }
}

fn walk_value(value: &Value, path: &str, out: &mut Vec<(String, Range<usize>)>) {
    match value {
        Value::InlineTable(t) => walk_table(t, path, out),
        Value::Array(array) => {
            for (i, element) in array.iter().enumerate() {
                let element_path = format!("{path}[{i}]");
                if let Some(span) = element.span() {
                    out.push((element_path.clone(), span));
                }
                walk_value(element, &element_path, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "[scenario]\nname = \"x\"\n\n[[faults]]\nat = \"1s\"\ncrash = \"n1\"\n\n[[faults]]\nat = \"2s\"\npartition = [[\"n0\"], [\"n1\", \"n2\"]]\n";

    #[test]
    fn finds_lines_of_paths() {
        let loc = Locator::new(DOC);
        assert_eq!(loc.line_of_path("scenario.name"), 2);
        assert_eq!(loc.line_of_path("faults[0].crash"), 6);
        assert_eq!(loc.line_of_path("faults[1].partition[1][0]"), 10);
        // A missing key is reported at its table.
        assert_eq!(loc.line_of_path("faults[1].restart"), 8);
        assert_eq!(loc.line_of_path("nothing.here"), 1);
    }

    #[test]
    fn finds_path_at_offset() {
        let loc = Locator::new(DOC);
        let offset = DOC.find("\"n1\"").unwrap();
        assert_eq!(loc.path_at(offset), "faults[0].crash");
    }
}
