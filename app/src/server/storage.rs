//! Object storage for every feature's files: a local directory by default, any
//! S3-compatible store when configured. Keys are internal ids, never names a user chose.

use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt};
use std::sync::Arc;

/// Where files live.
#[derive(Clone)]
pub struct Files {
    pub store: Arc<dyn ObjectStore>,
}

impl std::fmt::Debug for Files {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Files({})", self.store)
    }
}

/// Settings for an S3-compatible store.
#[derive(Debug, Clone, Default)]
pub struct S3Settings {
    pub bucket: String,
    pub endpoint: Option<String>,
    pub region: Option<String>,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
}

impl Files {
    /// A directory on this machine (created if missing).
    pub fn local(dir: &std::path::Path) -> Result<Files, object_store::Error> {
        std::fs::create_dir_all(dir).map_err(|e| object_store::Error::Generic {
            store: "local",
            source: Box::new(e),
        })?;
        Ok(Files {
            store: Arc::new(object_store::local::LocalFileSystem::new_with_prefix(dir)?),
        })
    }

    /// An S3-compatible bucket (AWS, MinIO, R2, …). Credentials not given here come from
    /// the usual `AWS_*` environment variables.
    pub fn s3(s: &S3Settings) -> Result<Files, object_store::Error> {
        let mut b = object_store::aws::AmazonS3Builder::from_env().with_bucket_name(&s.bucket);
        if let Some(e) = &s.endpoint {
            b = b.with_endpoint(e).with_allow_http(e.starts_with("http://"));
        }
        if let Some(r) = &s.region {
            b = b.with_region(r);
        }
        if let Some(k) = &s.access_key_id {
            b = b.with_access_key_id(k);
        }
        if let Some(k) = &s.secret_access_key {
            b = b.with_secret_access_key(k);
        }
        Ok(Files {
            store: Arc::new(b.build()?),
        })
    }

    pub async fn delete(&self, key: &str) {
        if let Err(e) = self.store.delete(&ObjectPath::from(key)).await {
            tracing::warn!(key, error = %e, "could not delete an object");
        }
    }
}
