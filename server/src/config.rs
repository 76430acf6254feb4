//! Typed configuration from the environment. Secrets have no defaults.

use anyhow::{Context, Result, bail};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub data_dir: PathBuf,
    pub addr: SocketAddr,
    pub site_root: String,
    pub public_url: String,
    pub smtp_url: Option<String>,
    pub mail_from: String,
    pub trust_proxy: bool,
    pub api_rate_per_minute: u32,
    pub max_upload_bytes: u64,
    /// Where content files go: a local directory unless an S3 bucket is configured.
    pub files_dir: PathBuf,
    pub s3: Option<app::server::storage::S3Settings>,
    /// `TRELLIS_METRICS_TOKEN`: bearer token for `/metrics` (else loopback only).
    pub metrics_token: Option<String>,
    pub xapi_url: Option<String>,
    pub xapi_username: Option<String>,
    pub xapi_password: Option<String>,
    pub campaign_rate_per_minute: i64,
    pub smtp_connections: usize,
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

impl Config {
    pub fn from_env() -> Result<Config> {
        let data_dir = PathBuf::from(var("TRELLIS_DATA_DIR").unwrap_or_else(|| "./data".into()));
        let database_url = match var("DATABASE_URL") {
            Some(url) => url,
            None => {
                std::fs::create_dir_all(&data_dir).with_context(|| {
                    format!("cannot create the data directory {}", data_dir.display())
                })?;
                format!("sqlite://{}/trellis.db", data_dir.display())
            }
        };
        if !(database_url.starts_with("sqlite:") || database_url.starts_with("postgres")) {
            bail!("DATABASE_URL must start with sqlite:// or postgres:// (got {database_url:?})");
        }
        let addr: SocketAddr = var("LEPTOS_SITE_ADDR")
            .unwrap_or_else(|| "127.0.0.1:3000".into())
            .parse()
            .context("LEPTOS_SITE_ADDR must be an address like 127.0.0.1:3000")?;
        let public_url = var("TRELLIS_PUBLIC_URL").unwrap_or_else(|| format!("http://{addr}"));
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            bail!("TRELLIS_PUBLIC_URL must start with http:// or https://");
        }
        Ok(Config {
            database_url,
            data_dir: data_dir.clone(),
            addr,
            site_root: var("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".into()),
            public_url,
            smtp_url: var("SMTP_URL"),
            mail_from: var("MAIL_FROM")
                .unwrap_or_else(|| "Trellis <no-reply@trellis.local>".into()),
            trust_proxy: var("TRELLIS_TRUST_PROXY").is_some_and(|v| v == "1" || v == "true"),
            api_rate_per_minute: match var("TRELLIS_API_RATE_PER_MINUTE") {
                Some(v) => v
                    .parse()
                    .context("TRELLIS_API_RATE_PER_MINUTE must be a whole number")?,
                None => 300,
            },
            max_upload_bytes: match var("TRELLIS_MAX_UPLOAD_MB") {
                Some(v) => {
                    let mb: u64 = v
                        .parse()
                        .context("TRELLIS_MAX_UPLOAD_MB must be a whole number of megabytes")?;
                    mb * 1024 * 1024
                }
                None => 100 * 1024 * 1024,
            },
            files_dir: var("TRELLIS_FILES_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| data_dir.join("files")),
            s3: var("TRELLIS_S3_BUCKET").map(|bucket| app::server::storage::S3Settings {
                bucket,
                endpoint: var("TRELLIS_S3_ENDPOINT"),
                region: var("TRELLIS_S3_REGION"),
                access_key_id: var("TRELLIS_S3_ACCESS_KEY_ID"),
                secret_access_key: var("TRELLIS_S3_SECRET_ACCESS_KEY"),
            }),
            metrics_token: var("TRELLIS_METRICS_TOKEN"),
            xapi_url: var("TRELLIS_XAPI_URL"),
            xapi_username: var("TRELLIS_XAPI_USERNAME"),
            xapi_password: var("TRELLIS_XAPI_PASSWORD"),
            campaign_rate_per_minute: match var("TRELLIS_CAMPAIGN_RATE_PER_MINUTE") {
                Some(v) => match v.parse::<i64>() {
                    Ok(n) if n > 0 => n,
                    _ => bail!("TRELLIS_CAMPAIGN_RATE_PER_MINUTE must be a whole number above 0"),
                },
                None => 600,
            },
            smtp_connections: match var("TRELLIS_SMTP_CONNECTIONS") {
                Some(v) => match v.parse::<usize>() {
                    Ok(n) if (1..=500).contains(&n) => n,
                    _ => bail!("TRELLIS_SMTP_CONNECTIONS must be a whole number from 1 to 500"),
                },
                None => 16,
            },
        })
    }

    pub fn app_config(&self) -> app::server::AppConfig {
        let mut c = app::server::AppConfig::for_public_url(&self.public_url);
        c.smtp_url = self.smtp_url.clone();
        c.mail_from = self.mail_from.clone();
        c.trust_proxy = self.trust_proxy;
        c.api_rate_per_minute = self.api_rate_per_minute;
        c.max_upload_bytes = self.max_upload_bytes;
        c.metrics_token = self.metrics_token.clone();
        c.xapi_url = self.xapi_url.clone();
        c.xapi_username = self.xapi_username.clone();
        c.xapi_password = self.xapi_password.clone();
        c.campaign_rate_per_minute = self.campaign_rate_per_minute;
        c.smtp_connections = self.smtp_connections;
        c
    }
}
