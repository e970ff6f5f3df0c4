//! The scenario `kraken twins` sweeps: a base scenario (its network, load, node settings,
//! duration and GST) with the committee, the Twins identities and the `[twins] generate`
//! table its flags ask for written in. The text is edited as TOML (`toml_edit`), so the
//! base's comments stay, and the result is checked like any scenario file.

use toml_edit::{Array, DocumentMut, InlineTable, Item, Value};

/// What the flags change; `None` keeps the base's value.
#[derive(Clone, Debug, Default)]
pub struct TwinsFlags {
    pub nodes: Option<usize>,
    pub twins: Option<Vec<String>>,
    pub rounds: Option<usize>,
    pub partitions: Option<usize>,
    pub leaders: Option<Vec<String>>,
    pub apart: Option<bool>,
}

impl TwinsFlags {
    /// A name for the generated scenario that says what it enumerates, e.g.
    /// `twins-n4-r2-p2` (given the base's values for what the flags leave out).
    pub fn name(doc: &DocumentMut) -> String {
        let int = |table: &str, key: &str| doc.get(table).and_then(|t| t.get(key)).and_then(Item::as_integer);
        let generate = doc.get("twins").and_then(|t| t.get("generate"));
        let field = |key| generate.and_then(|g| g.get(key)).and_then(Item::as_integer);
        format!(
            "twins-n{}-r{}-p{}",
            int("committee", "size").unwrap_or(4),
            field("rounds").unwrap_or(0),
            field("partitions").unwrap_or(2)
        )
    }

    /// `base` with the flags applied and `[scenario] name` set to [`name`](Self::name):
    /// the name and the text.
    pub fn apply(&self, base: &str) -> Result<(String, String), String> {
        let mut doc: DocumentMut = base.parse().map_err(|e| format!("the base scenario: {e}"))?;
        if let Some(n) = self.nodes {
            doc["committee"]["size"] = toml_edit::value(n as i64);
        }
        if let Some(twins) = &self.twins {
            doc["twins"]["nodes"] = toml_edit::value(strings(twins));
        }
        let generate = doc["twins"]["generate"].or_insert(Item::Value(Value::InlineTable(InlineTable::new())));
        let Some(table) = generate.as_table_like_mut() else {
            return Err("the base scenario's twins.generate is not a table".into());
        };
        if let Some(rounds) = self.rounds {
            table.insert("rounds", toml_edit::value(rounds as i64));
        }
        if let Some(partitions) = self.partitions {
            table.insert("partitions", toml_edit::value(partitions as i64));
        }
        if let Some(leaders) = &self.leaders {
            table.insert("leaders", toml_edit::value(strings(leaders)));
        }
        if let Some(apart) = self.apart {
            table.insert("apart", toml_edit::value(apart));
        }
        let name = Self::name(&doc);
        doc["scenario"]["name"] = toml_edit::value(name.clone());
        Ok((name, doc.to_string()))
    }
}

fn strings(items: &[String]) -> Array {
    items.iter().map(String::as_str).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    const BASE: &str = "# kept\n[scenario]\nduration = \"6s\"\n[twins]\nnodes = [\"n1\"]\ngenerate = { rounds = 2, leaders = [\"n1\"] }\ngst = \"2s\"\n[checks]\nliveness_within = \"4s\"\n";

    #[test]
    fn flags_override_the_base_and_name_the_scenario() {
        let (name, text) = TwinsFlags::default().apply(BASE).unwrap();
        assert_eq!(name, "twins-n4-r2-p2");
        assert!(text.starts_with("# kept\n"), "{text}");
        let s = Scenario::from_str(&text, "x.toml").unwrap();
        assert_eq!(s.name, "twins-n4-r2-p2");
        let generator = s.rounds.unwrap().generator.unwrap();
        assert_eq!((generator.rounds, generator.leaders, generator.apart), (2, vec![1], false));

        let flags = TwinsFlags { nodes: Some(5), twins: Some(vec!["n0".into()]), rounds: Some(3), partitions: Some(3), leaders: Some(vec!["n0".into(), "n2".into()]), apart: Some(true) };
        let s = Scenario::from_str(&flags.apply(BASE).unwrap().1, "x.toml").unwrap();
        assert_eq!((s.name.as_str(), s.committee_size, s.twins.clone()), ("twins-n5-r3-p3", 5, vec![0]));
        let generator = s.rounds.unwrap().generator.unwrap();
        assert_eq!((generator.rounds, generator.max_groups, generator.leaders, generator.apart), (3, 3, vec![0, 2], true));
        // A base without a generator gets one from the flags.
        let bare = "[scenario]\nduration = \"6s\"\n[twins]\nnodes = [\"n1\"]\ngst = \"2s\"\n[checks]\nliveness_within = \"4s\"\n";
        let s = Scenario::from_str(&TwinsFlags { rounds: Some(1), ..Default::default() }.apply(bare).unwrap().1, "x.toml").unwrap();
        assert_eq!(s.rounds.unwrap().generator.unwrap().rounds, 1);
    }
}
