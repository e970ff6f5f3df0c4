//! The Sierra contract class and its class hash.

use serde::Deserialize;
use serde_json::value::RawValue;
use starknet_types_core::felt::Felt;
use starknet_types_core::hash::StarkHash;

use super::{ClassError, EntryPoints};
use crate::felt::{short_string, starknet_keccak};
use crate::Poseidon;

/// An entry point of a Sierra class.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct SierraEntryPoint {
    /// `sn_keccak` of the function name.
    pub selector: Felt,
    /// Index of the function in the Sierra program.
    pub function_idx: u64,
}

/// A Sierra contract class (`<name>.contract_class.json` as `starknet-compile` writes it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SierraClass {
    /// The Sierra program, as felts.
    pub sierra_program: Vec<Felt>,
    /// The class format version, `"0.1.0"`.
    pub contract_class_version: String,
    /// Entry points by kind.
    pub entry_points: EntryPoints<SierraEntryPoint>,
    /// The ABI as a JSON string; its `sn_keccak` enters the class hash.
    pub abi: String,
}

#[derive(Deserialize)]
struct Artifact<'a> {
    sierra_program: Vec<Felt>,
    contract_class_version: String,
    entry_points_by_type: EntryPoints<SierraEntryPoint>,
    #[serde(borrow)]
    abi: &'a RawValue,
}

impl SierraClass {
    /// Parses a compiler artifact. The ABI string is the artifact's ABI JSON with the
    /// whitespace between tokens removed (key order kept), the form a declare
    /// transaction built from the artifact carries.
    pub fn from_json(text: &str) -> Result<Self, ClassError> {
        let artifact: Artifact = serde_json::from_str(text)?;
        Ok(SierraClass {
            sierra_program: artifact.sierra_program,
            contract_class_version: artifact.contract_class_version,
            entry_points: artifact.entry_points_by_type,
            abi: minify_json(artifact.abi.get()),
        })
    }

    /// The class hash.
    pub fn class_hash(&self) -> Felt {
        let hash = Poseidon::hash_array(&[
            short_string(&format!("CONTRACT_CLASS_V{}", self.contract_class_version)),
            entry_points_hash(&self.entry_points.external),
            entry_points_hash(&self.entry_points.l1_handler),
            entry_points_hash(&self.entry_points.constructor),
            starknet_keccak(self.abi.as_bytes()),
            Poseidon::hash_array(&self.sierra_program),
        ]);
        below_address_bound(hash)
    }
}

fn entry_points_hash(entry_points: &[SierraEntryPoint]) -> Felt {
    let flat: Vec<Felt> = entry_points
        .iter()
        .flat_map(|e| [e.selector, Felt::from(e.function_idx)])
        .collect();
    Poseidon::hash_array(&flat)
}

/// Class hashes live in the address range: `hash mod (2^251 - 256)`. A Poseidon output is
/// below the field prime, which is below twice the bound, so one subtraction suffices.
fn below_address_bound(hash: Felt) -> Felt {
    let bound = Felt::from_hex_unchecked(
        "0x7ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff00",
    );
    if hash.to_bytes_be() >= bound.to_bytes_be() {
        hash - bound
    } else {
        hash
    }
}

/// `json` without whitespace outside string literals.
fn minify_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in json.chars() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !c.is_whitespace() {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minify_keeps_strings() {
        assert_eq!(
            minify_json("[ {\"a b\": \"x \\\" y\" ,\n \"c\":1} ]"),
            "[{\"a b\":\"x \\\" y\",\"c\":1}]"
        );
    }
}
