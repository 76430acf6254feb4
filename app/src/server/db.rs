//! One code path for SQLite and Postgres: sqlx's `Any` driver with `$n` placeholders (both
//! backends accept them) and integer epoch-second times. Only the migrations differ.

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
    /// The match model as last read, and when (see `deals::model_store`).
    pub match_model: ModelCache,
}

pub type ModelCache = std::sync::Arc<
    std::sync::Mutex<
        Option<(
            std::time::Instant,
            std::sync::Arc<crate::deals::model::Model>,
        )>,
    >,
>;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Db {
    /// Connects to `url` (`sqlite://…` or `postgres://…`). SQLite files are created when
    /// missing and run in WAL mode with a busy timeout, so concurrent writers wait instead
    /// of failing.
    pub async fn connect(url: &str) -> Result<Db, sqlx::Error> {
        install_default_drivers();
        let backend = if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            return Err(sqlx::Error::Configuration(
                "DATABASE_URL must start with sqlite:// or postgres://".into(),
            ));
        };
        let pool = match backend {
            Backend::Sqlite => {
                let url = if url.contains("mode=") {
                    url.to_string()
                } else if url.contains('?') {
                    format!("{url}&mode=rwc")
                } else {
                    format!("{url}?mode=rwc")
                };
                AnyPoolOptions::new()
                    .max_connections(8)
                    .acquire_timeout(Duration::from_secs(10))
                    // A file on this machine cannot drop a connection, so the pool's ping
                    // before each checkout only costs a round trip to the connection's
                    // worker thread: about 8 % of a list page's server time in a profile.
                    .test_before_acquire(false)
                    .after_connect(|conn, _meta| {
                        Box::pin(async move {
                            conn.execute("PRAGMA journal_mode = WAL").await?;
                            conn.execute("PRAGMA busy_timeout = 5000").await?;
                            conn.execute("PRAGMA foreign_keys = ON").await?;
                            conn.execute("PRAGMA synchronous = NORMAL").await?;
                            Ok(())
                        })
                    })
                    .connect(&url)
                    .await?
            }
            Backend::Postgres => {
                AnyPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect(url)
                    .await?
            }
        };
        Ok(Db {
            pool,
            backend,
            match_model: Default::default(),
        })
    }

    /// Applies pending migrations. On Postgres sqlx holds an advisory lock meanwhile, so
    /// several servers starting at once migrate exactly once.
    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&self.pool).await,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await,
        }
    }

    /// Refreshes the planner's statistics where they are missing or stale, so each query
    /// picks its index by the tables' real sizes. SQLite analyses, on a sample, the tables
    /// that need it; Postgres leaves it to autovacuum unless `full`. `full` analyses every
    /// table completely, after a bulk load.
    pub async fn refresh_statistics(&self, full: bool) -> Result<(), sqlx::Error> {
        let statements: &[&str] = match (self.backend, full) {
            // The limit is per connection, and this one may have sampled before.
            (Backend::Sqlite, true) => &["PRAGMA analysis_limit = 0", "ANALYZE"],
            (Backend::Postgres, true) => &["ANALYZE"],
            (Backend::Sqlite, false) => {
                &["PRAGMA analysis_limit = 1000", "PRAGMA optimize = 0x10002"]
            }
            (Backend::Postgres, false) => return Ok(()),
        };
        let mut conn = self.pool.acquire().await?;
        for statement in statements {
            conn.execute(*statement).await?;
        }
        Ok(())
    }

    /// A cheap round trip, for readiness checks.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
    }
}
