//! The simulated object store: what a service keeps outside its own process (a bucket),
//! so it outlives the service's crashes. It holds objects in memory for the whole run
//! and goes unreachable during the scenario's store outages (`store = "down"` ..
//! `store = "up"`): every call then fails as a network error would, and nothing stored
//! is lost.

use async_trait::async_trait;
use futures::stream::{self, BoxStream, StreamExt};
use object_store::memory::InMemory;
use object_store::path::Path;
use object_store::{
    GetOptions, GetResult, ListResult, MultipartUpload, ObjectMeta, ObjectStore, PutMultipartOptions, PutOptions, PutPayload,
    PutResult, Result,
};
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// One run's object store; clones share it.
#[derive(Clone, Debug, Default)]
pub struct SimObjectStore {
    objects: Arc<InMemory>,
    down: Arc<AtomicBool>,
}

impl SimObjectStore {
    /// Makes every call fail (`true`) or succeed again (`false`).
    pub fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
    }

    fn reachable(&self) -> Result<()> {
        if self.down.load(Ordering::SeqCst) {
            return Err(object_store::Error::Generic {
                store: "simulated",
                source: "unreachable (a store outage in the scenario)".into(),
            });
        }
        Ok(())
    }
}

impl fmt::Display for SimObjectStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "simulated object store")
    }
}

#[async_trait]
impl ObjectStore for SimObjectStore {
    async fn put_opts(&self, location: &Path, payload: PutPayload, opts: PutOptions) -> Result<PutResult> {
        self.reachable()?;
        self.objects.put_opts(location, payload, opts).await
    }

    async fn put_multipart_opts(&self, location: &Path, opts: PutMultipartOptions) -> Result<Box<dyn MultipartUpload>> {
        self.reachable()?;
        self.objects.put_multipart_opts(location, opts).await
    }

    async fn get_opts(&self, location: &Path, options: GetOptions) -> Result<GetResult> {
        self.reachable()?;
        self.objects.get_opts(location, options).await
    }

    async fn delete(&self, location: &Path) -> Result<()> {
        self.reachable()?;
        self.objects.delete(location).await
    }

    fn list(&self, prefix: Option<&Path>) -> BoxStream<'static, Result<ObjectMeta>> {
        match self.reachable() {
            Ok(()) => self.objects.list(prefix),
            Err(e) => stream::once(async move { Err(e) }).boxed(),
        }
    }

    async fn list_with_delimiter(&self, prefix: Option<&Path>) -> Result<ListResult> {
        self.reachable()?;
        self.objects.list_with_delimiter(prefix).await
    }

    async fn copy(&self, from: &Path, to: &Path) -> Result<()> {
        self.reachable()?;
        self.objects.copy(from, to).await
    }

    async fn copy_if_not_exists(&self, from: &Path, to: &Path) -> Result<()> {
        self.reachable()?;
        self.objects.copy_if_not_exists(from, to).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_outage_fails_every_call_and_loses_nothing() {
        let store = SimObjectStore::default();
        let key = Path::from("blocks/1/proof.bin");
        store.put(&key, PutPayload::from(vec![1, 2, 3])).await.unwrap();
        store.set_down(true);
        assert!(store.get(&key).await.is_err());
        assert!(store.put(&key, PutPayload::from(vec![9])).await.is_err());
        assert!(store.list(None).next().await.unwrap().is_err());
        store.set_down(false);
        assert_eq!(store.get(&key).await.unwrap().bytes().await.unwrap().as_ref(), &[1, 2, 3]);
    }
}
