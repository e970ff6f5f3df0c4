//! Where proofs go: an `object_store` (a local directory today; S3 and memory are the
//! same interface). Keys are stable for other tools: `blocks/<first>/proof.bin` (the
//! proof) and `blocks/<first>/proof.json` (its [`ProofRecord`]), `<first>` being the
//! first block the proof covers, in decimal. The record is written after the proof, so a
//! record's presence means both are whole; each write is atomic (the local store writes
//! a temporary file and renames it), so no reader sees half a proof.

use std::collections::BTreeMap;
use std::sync::Arc;

use anyhow::Context;
use futures::TryStreamExt;
use object_store::path::Path as Key;
use object_store::{ObjectStore, PutPayload};

use super::record::ProofRecord;

#[derive(Clone)]
pub struct ProofStore {
    objects: Arc<dyn ObjectStore>,
    /// Where it is, for messages.
    pub place: String,
}

fn key(first: u64, file: &str) -> Key {
    Key::from(format!("blocks/{first}/{file}"))
}

impl ProofStore {
    /// Proofs in `objects`; `place` names it in messages.
    pub fn new(objects: Arc<dyn ObjectStore>, place: String) -> ProofStore {
        ProofStore { objects, place }
    }

    /// Proofs in the directory `dir` (created if missing).
    #[cfg(not(madsim))]
    pub fn local(dir: &std::path::Path) -> anyhow::Result<ProofStore> {
        std::fs::create_dir_all(dir).with_context(|| format!("--store {}: cannot create the directory", dir.display()))?;
        let objects = object_store::local::LocalFileSystem::new_with_prefix(dir)
            .with_context(|| format!("--store {}", dir.display()))?;
        Ok(ProofStore { objects: Arc::new(objects), place: dir.display().to_string() })
    }

    /// Stores a proof and then its record.
    pub async fn put(&self, record: &ProofRecord, proof: Vec<u8>) -> anyhow::Result<()> {
        let first = record.first_block;
        self.objects.put(&key(first, "proof.bin"), PutPayload::from(proof)).await.with_context(|| format!("{}: storing the proof of block {first}", self.place))?;
        let json = serde_json::to_vec_pretty(record)?;
        self.objects.put(&key(first, "proof.json"), PutPayload::from(json)).await.with_context(|| format!("{}: storing the record of block {first}", self.place))?;
        Ok(())
    }

    /// The stored proofs: first block → last block, read from their records.
    pub async fn stored(&self) -> anyhow::Result<BTreeMap<u64, u64>> {
        let mut out = BTreeMap::new();
        for first in self.firsts().await? {
            if let Some(record) = self.record(first).await? {
                out.insert(record.first_block, record.last_block);
            }
        }
        Ok(out)
    }

    /// The first block of every stored proof, from the keys alone (no record is read).
    pub async fn firsts(&self) -> anyhow::Result<Vec<u64>> {
        let prefix = Key::from("blocks");
        let metas: Vec<_> = self.objects.list(Some(&prefix)).try_collect().await.with_context(|| format!("{}: listing proofs", self.place))?;
        Ok(metas
            .iter()
            .filter(|m| m.location.filename() == Some("proof.json"))
            .filter_map(|m| m.location.parts().nth(1)?.as_ref().parse().ok())
            .collect())
    }

    /// The record of the proof starting at `first`, if stored.
    pub async fn record(&self, first: u64) -> anyhow::Result<Option<ProofRecord>> {
        match self.record_at(&key(first, "proof.json")).await {
            Ok(r) => Ok(Some(r)),
            Err(e) if e.downcast_ref::<object_store::Error>().is_some_and(|e| matches!(e, object_store::Error::NotFound { .. })) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The proof starting at `first`, if stored.
    pub async fn proof(&self, first: u64) -> anyhow::Result<Option<Vec<u8>>> {
        match self.objects.get(&key(first, "proof.bin")).await {
            Ok(got) => Ok(Some(got.bytes().await?.to_vec())),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(anyhow::Error::new(e).context(format!("{}: reading the proof of block {first}", self.place))),
        }
    }

    async fn record_at(&self, location: &Key) -> anyhow::Result<ProofRecord> {
        let bytes = self.objects.get(location).await?.bytes().await?;
        serde_json::from_slice(&bytes).with_context(|| format!("{}: {location} is not a proof record", self.place))
    }
}
