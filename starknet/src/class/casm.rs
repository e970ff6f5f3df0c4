//! The compiled (CASM) class and its compiled class hash.

use serde::Deserialize;
use starknet_types_core::felt::Felt;
use starknet_types_core::hash::StarkHash;

use super::{ClassError, EntryPoints};
use crate::felt::short_string;
use crate::Poseidon;

/// An entry point of a compiled class.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct CompiledEntryPoint {
    /// `sn_keccak` of the function name.
    pub selector: Felt,
    /// Offset of the function in the bytecode.
    pub offset: u64,
    /// Builtins the function uses, by name.
    pub builtins: Vec<String>,
}

/// How the bytecode splits into segments for hashing: a length (one leaf) or a list.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum BytecodeSegments {
    /// A leaf of this many words.
    Leaf(usize),
    /// Consecutive segments.
    Node(Vec<BytecodeSegments>),
}

/// A compiled class (`<name>.compiled_contract_class.json` as `starknet-sierra-compile`
/// writes it).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct CompiledClass {
    /// The CASM bytecode.
    pub bytecode: Vec<Felt>,
    /// The segment layout; absent means one leaf over the whole bytecode.
    #[serde(default)]
    pub bytecode_segment_lengths: Option<BytecodeSegments>,
    /// Entry points by kind.
    #[serde(rename = "entry_points_by_type")]
    pub entry_points: EntryPoints<CompiledEntryPoint>,
}

impl CompiledClass {
    /// Parses a compiler artifact.
    pub fn from_json(text: &str) -> Result<Self, ClassError> {
        Ok(serde_json::from_str(text)?)
    }

    /// The compiled class hash (the Poseidon form, `COMPILED_CLASS_V1`).
    ///
    /// Panics if the segment lengths do not add up to the bytecode length.
    pub fn compiled_class_hash(&self) -> Felt {
        let layout = self
            .bytecode_segment_lengths
            .clone()
            .unwrap_or(BytecodeSegments::Leaf(self.bytecode.len()));
        let (bytecode_hash, used) = segment_hash(&self.bytecode, &layout);
        assert_eq!(
            used,
            self.bytecode.len(),
            "bytecode segment lengths do not cover the bytecode"
        );
        Poseidon::hash_array(&[
            short_string("COMPILED_CLASS_V1"),
            entry_points_hash(&self.entry_points.external),
            entry_points_hash(&self.entry_points.l1_handler),
            entry_points_hash(&self.entry_points.constructor),
            bytecode_hash,
        ])
    }
}

fn entry_points_hash(entry_points: &[CompiledEntryPoint]) -> Felt {
    let flat: Vec<Felt> = entry_points
        .iter()
        .flat_map(|e| {
            let builtins: Vec<Felt> = e.builtins.iter().map(|b| short_string(b)).collect();
            [
                e.selector,
                Felt::from(e.offset),
                Poseidon::hash_array(&builtins),
            ]
        })
        .collect();
    Poseidon::hash_array(&flat)
}

/// The hash of the segment tree `layout` laid over the start of `words`, and how many
/// words it covers.
fn segment_hash(words: &[Felt], layout: &BytecodeSegments) -> (Felt, usize) {
    match layout {
        BytecodeSegments::Leaf(len) => (Poseidon::hash_array(&words[..*len]), *len),
        BytecodeSegments::Node(children) => {
            let mut chain = Vec::with_capacity(2 * children.len());
            let mut offset = 0;
            for child in children {
                let (hash, len) = segment_hash(&words[offset..], child);
                chain.extend([Felt::from(len), hash]);
                offset += len;
            }
            (Poseidon::hash_array(&chain) + Felt::ONE, offset)
        }
    }
}
