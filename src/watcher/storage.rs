//! Where the real prover's proofs go, set as the original stack's prover was:
//! `PROVER_STORAGE=fs` (default; the `--store` directory) or `s3`, with `S3_BUCKET_NAME`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`, and
//! `AWS_ENDPOINT_URL` for an S3-compatible server. object_store speaks S3 (signed
//! requests, retries with backoff on transient failures); every object is one PUT, so a
//! reader never sees half of one. The store is tried once at start, so a missing bucket,
//! a refused key or an unreachable endpoint is an error naming the setting, not a
//! prover that retries forever.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{anyhow, bail};
use futures::TryStreamExt;
use object_store::aws::AmazonS3Builder;
use object_store::path::Path as Key;
use object_store::{BackoffConfig, ObjectStore, RetryConfig};

use super::store::ProofStore;

/// `--storage` if given, else `PROVER_STORAGE`, else `fs`: the proofs in the directory
/// `dir`, or in the S3 bucket the environment names.
pub async fn open_store(flag: Option<&str>, dir: &std::path::Path) -> anyhow::Result<ProofStore> {
    let (kind, from) = match flag {
        Some(kind) => (kind.to_string(), "--storage"),
        None => (std::env::var("PROVER_STORAGE").unwrap_or_else(|_| "fs".into()), "PROVER_STORAGE"),
    };
    match kind.as_str() {
        "fs" => ProofStore::local(dir),
        "s3" => open(&S3Settings::from_env()?).await,
        other => bail!("{from}={other}: fs or s3"),
    }
}

/// The S3 settings, read from the environment.
#[derive(Clone, Debug)]
pub struct S3Settings {
    pub bucket: String,
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: String,
    /// An S3-compatible server's URL (`http://` allowed); AWS when unset.
    pub endpoint: Option<String>,
}

impl S3Settings {
    /// From `S3_BUCKET_NAME`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`
    /// (default `us-east-1`) and `AWS_ENDPOINT_URL`.
    pub fn from_env() -> anyhow::Result<S3Settings> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let required = |name: &str| var(name).ok_or_else(|| anyhow!("PROVER_STORAGE=s3 needs {name}, which is not set"));
        Ok(S3Settings {
            bucket: required("S3_BUCKET_NAME")?,
            region: var("AWS_REGION").unwrap_or_else(|| "us-east-1".into()),
            access_key_id: required("AWS_ACCESS_KEY_ID")?,
            secret_access_key: required("AWS_SECRET_ACCESS_KEY")?,
            endpoint: var("AWS_ENDPOINT_URL"),
        })
    }

    /// Where the proofs go, for messages.
    pub fn place(&self) -> String {
        match &self.endpoint {
            Some(url) => format!("s3://{} at {url}", self.bucket),
            None => format!("s3://{} ({})", self.bucket, self.region),
        }
    }
}

/// How long a request is retried before the store is said to be down: the prover keeps
/// the proof and tries again later, so a long outage costs nothing but time.
const RETRY: RetryConfig = RetryConfig {
    backoff: BackoffConfig { init_backoff: Duration::from_millis(100), max_backoff: Duration::from_secs(5), base: 2.0 },
    max_retries: 6,
    retry_timeout: Duration::from_secs(30),
};

/// The bucket as a proof store, tried once: a bad setting is an error naming it.
pub async fn open(settings: &S3Settings) -> anyhow::Result<ProofStore> {
    let mut builder = AmazonS3Builder::new()
        .with_bucket_name(&settings.bucket)
        .with_region(&settings.region)
        .with_access_key_id(&settings.access_key_id)
        .with_secret_access_key(&settings.secret_access_key)
        .with_retry(RETRY);
    if let Some(url) = &settings.endpoint {
        builder = builder.with_endpoint(url).with_allow_http(url.starts_with("http://"));
    }
    let s3 = builder.build().map_err(|e| anyhow!("the S3 settings (S3_BUCKET_NAME, AWS_REGION, AWS_ENDPOINT_URL): {e}"))?;
    // Listing a key that holds nothing touches the bucket, the key and the endpoint.
    let probe: Result<Vec<_>, _> = s3.list(Some(&Key::from("blocks/0"))).try_collect().await;
    if let Err(e) = probe {
        bail!("{}: {}", settings.place(), explain(&e.to_string(), settings));
    }
    Ok(ProofStore::new(Arc::new(s3) as Arc<dyn ObjectStore>, settings.place()))
}

/// Which setting an S3 error points at.
fn explain(error: &str, settings: &S3Settings) -> String {
    let has = |words: &[&str]| words.iter().any(|w| error.contains(w));
    // A status code is a whole token: the retry summary's "in 2.0403s" is not a 403.
    let status = |code: &str| error.split(|c: char| !c.is_ascii_alphanumeric()).any(|token| token == code);
    if has(&["NoSuchBucket", "bucket does not exist"]) {
        format!("S3_BUCKET_NAME={}: no such bucket ({error})", settings.bucket)
    } else if has(&["SignatureDoesNotMatch", "InvalidAccessKeyId", "AccessDenied", "Forbidden"]) || status("403") {
        format!("AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY: the server refused the credentials of key {} ({error})", settings.access_key_id)
    } else if has(&["error sending request", "connect", "Connection refused", "dns error", "timed out"]) {
        let endpoint = settings.endpoint.as_deref().unwrap_or("AWS");
        format!("AWS_ENDPOINT_URL={endpoint}: unreachable ({error})")
    } else {
        error.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_retry_time_with_403_in_it_is_not_a_refused_credential() {
        let settings = S3Settings {
            bucket: "proofs".into(),
            region: "us-east-1".into(),
            access_key_id: "AKTEST".into(),
            secret_access_key: "s".into(),
            endpoint: Some("http://127.0.0.1:9".into()),
        };
        let unreachable = "Error performing GET http://127.0.0.1:9/proofs in 2.040339735s, after 6 retries - HTTP error: error sending request";
        assert!(explain(unreachable, &settings).starts_with("AWS_ENDPOINT_URL=http://127.0.0.1:9: unreachable"));
        let refused = "Error performing GET http://127.0.0.1:9/proofs: Client error with status 403 Forbidden";
        assert!(explain(refused, &settings).starts_with("AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY"));
    }
}
