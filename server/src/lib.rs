//! The `trellis` server: configuration, startup, router, middleware and CLI. Domain logic
//! lives in the `app` crate.

pub mod api;
pub mod api_schemas;
pub mod config;

pub mod metrics;
pub mod middleware;
pub mod openapi;
pub mod routes;
pub mod seed;
pub mod seed_campaigns;
pub mod text_guard;

use anyhow::{Context, Result};
use app::server::db::Db;
use app::server::{AppConfig, AppState};
use axum::Router;
use axum::http::{HeaderValue, header};
use axum::routing::{get, post};
use leptos::config::LeptosOptions;
use leptos_axum::{LeptosRoutes, generate_route_list};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use tokio::net::TcpListener;
use tower_http::set_header::SetResponseHeaderLayer;

pub use config::Config;

/// Connects to the database and migrates it.
pub async fn connect(database_url: &str) -> Result<Db> {
    let db = Db::connect(database_url)
        .await
        .with_context(|| format!("cannot open the database at {}", redact(database_url)))?;
    db.migrate().await.context("database migration failed")?;
    db.refresh_statistics(false)
        .await
        .context("cannot refresh the database's statistics")?;
    Ok(db)
}

/// A database URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}://…@{}", &url[..s], &url[at + 1..]),
        _ => url.to_string(),
    }
}

/// Leptos' options for a built site. A site built by `scripts/lib.sh` has content-hashed
/// file names listed in its `hash.txt`; one from `cargo leptos watch` has plain names.
pub fn leptos_options(site_root: &str, addr: SocketAddr) -> LeptosOptions {
    let hash_file = Path::new(site_root).join("hash.txt");
    // Leptos resolves the hash file against the executable's folder; an absolute path
    // stays as it is.
    let hash_file = std::path::absolute(&hash_file).unwrap_or(hash_file);
    LeptosOptions::builder()
        .output_name("trellis")
        .site_root(site_root)
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .hash_files(hash_file.is_file())
        .hash_file(hash_file.to_string_lossy().as_ref().into())
        .build()
}

/// The bundle under `/pkg`: the pre-compressed copy (brotli, else gzip) when the browser
/// takes it, the file itself otherwise. Content-hashed names never change, so browsers keep
/// them for a year; plain names (the watch loop) are revalidated every time.
fn pkg_files(opts: &LeptosOptions) -> Router {
    let dir = Path::new(opts.site_root.as_ref()).join(opts.site_pkg_dir.as_ref());
    let cache = if opts.hash_files {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    Router::new()
        .fallback_service(
            tower_http::services::ServeDir::new(dir)
                .precompressed_br()
                .precompressed_gzip(),
        )
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static(cache),
        ))
}

/// The app's routes, listed once per process. Listing them renders the app while resource
/// loading is suppressed process-wide (a global flag in leptos_server), so a page another
/// server in this process renders at that moment waits forever (leptos#4773). Tests run
/// many servers in one process; this was their rare 60-second page timeout.
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(app::App)).clone()
}

/// The largest request body accepted (forms and server functions); larger ones get 413.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The whole app as an axum router.
pub fn router(state: AppState) -> Router {
    let metrics = metrics::Metrics::default();
    let routes = route_list();
    let opts = state.leptos_options.clone();
    let opts_for_pkg = state.leptos_options.clone();
    let metrics_for_route = metrics.clone();
    let negotiate_state = state.clone();
    let metrics_token: Option<Arc<str>> = state.config.metrics_token.as_deref().map(Arc::from);
    // Uploads need a larger body limit than the rest, so they sit beside `site` with the
    // same session, origin and header layers.
    let content = app::content::routes::routes(
        state.config.max_upload_bytes,
        state.config.api_rate_per_minute,
    )
    .layer(axum::middleware::from_fn_with_state(
        state.clone(),
        middleware::session,
    ))
    .layer(axum::middleware::from_fn_with_state(
        state.clone(),
        middleware::same_origin,
    ))
    .layer(axum::middleware::from_fn(middleware::security_headers))
    .with_state(state.clone());
    let site = Router::new()
        .merge(api::routes(state.config.api_rate_per_minute))
        .route("/login", post(routes::sign_in))
        .route("/logout", post(routes::sign_out))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(routes::ready))
        .leptos_routes(&state, routes, move || app::shell(opts.clone()))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(
            app::shell,
        ))
        .layer(axum::middleware::from_fn(middleware::server_fn_status))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::session,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::same_origin,
        ))
        .layer(axum::middleware::from_fn(middleware::security_headers))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(
            MAX_BODY_BYTES,
        ))
        .with_state(state);
    Router::new()
        .nest_service("/pkg", pkg_files(&opts_for_pkg))
        .route("/i18n/{name}", get(routes::catalogue))
        .route(
            "/metrics",
            get(metrics::serve).with_state((metrics_for_route, metrics_token)),
        )
        .merge(content)
        .merge(site)
        // `/credentials/{id}` is a page, or the signed credential for JSON clients.
        .layer(axum::middleware::from_fn_with_state(
            negotiate_state,
            app::learning::rest::negotiate,
        ))
        .layer(axum::middleware::from_fn(text_guard::reject_control_chars))
        // Pages, the WASM bundle, JS and CSS go out compressed (brotli or gzip, as the
        // browser asks): the bundle shrinks to about a quarter.
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(axum::middleware::from_fn_with_state(
            metrics,
            metrics::track,
        ))
}

/// The object store for content files: S3 when a bucket is configured, else a directory.
pub fn files(config: &Config) -> Result<app::server::storage::Files> {
    Ok(match &config.s3 {
        Some(s3) => app::server::storage::Files::s3(s3)
            .with_context(|| format!("cannot use the S3 bucket {}", s3.bucket))?,
        None => app::server::storage::Files::local(&config.files_dir)
            .with_context(|| format!("cannot use {} for files", config.files_dir.display()))?,
    })
}

/// Builds the state for a configuration: database connected and migrated.
pub async fn state(config: &Config, addr: SocketAddr) -> Result<AppState> {
    let db = connect(&config.database_url).await?;
    let mut app_config: AppConfig = config.app_config();
    if config.public_url.is_empty() {
        app_config.public_url = format!("http://{addr}");
    }
    let files = files(config)?;
    Ok(AppState {
        db,
        config: Arc::new(app_config),
        leptos_options: leptos_options(&config.site_root, addr),
        files,
    })
}

/// Every kind of job this server runs, from the features that queue them.
pub fn job_registry() -> app::server::jobs::Registry {
    app::server::jobs::Registry::new()
        .on(app::server::mail::SEND_JOB, app::server::mail::run_send_job)
        .on(
            app::deals::jobs::EXPIRE_JOB,
            app::deals::jobs::run_expire_job,
        )
        .on(
            app::deals::imports::IMPORT_JOB,
            app::deals::imports::run_import_job,
        )
        .on(
            app::learning::jobs::REMIND_JOB,
            app::learning::jobs::run_remind_job,
        )
        .on(
            app::learning::xapi::SEND_JOB,
            app::learning::xapi::run_send_job,
        )
        .on(
            app::campaigns::sending::SEND_JOB,
            app::campaigns::sending::run_send_job,
        )
}

/// Background work on every server: the job queue's worker (email, pipeline uploads, the
/// sweeps); the deal expiry sweep and credential reminders queued once per ten-minute slot (a dedupe key per slot,
/// so N servers queue it once); forgetting old API rate windows and jobs finished over a
/// week ago. Each step is a claimed job or a guarded update, so N servers running them at
/// once is harmless.
pub fn spawn_workers(state: &AppState) {
    app::server::jobs::Worker::new(job_registry()).spawn(state.clone());
    let db = state.db.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
        loop {
            tick.tick().await;
            let slot = app::server::now() / 600;
            // Periodic sweeps: the deal expiry and the credential expiry reminders.
            for kind in [
                app::deals::jobs::EXPIRE_JOB,
                app::learning::jobs::REMIND_JOB,
            ] {
                let queued = app::server::jobs::enqueue(
                    &db.pool,
                    kind,
                    &serde_json::json!({ "slot": slot }),
                    app::server::jobs::Enqueue {
                        max_attempts: 3,
                        dedupe_key: Some(format!("{kind}:{slot}")),
                        ..Default::default()
                    },
                )
                .await;
                if let Err(e) = queued {
                    tracing::warn!(error = ?e, kind, "queueing a periodic sweep failed");
                }
            }
            if let Err(e) = app::auth::tokens::prune_rate_windows(&db).await {
                tracing::warn!(error = ?e, "pruning rate windows failed");
            }
            if let Err(e) = app::server::jobs::prune_done(&db, 7 * 24 * 3600).await {
                tracing::warn!(error = ?e, "pruning finished jobs failed");
            }
        }
    });
}

/// Serves on a bound listener until the process ends. TCP_NODELAY matters: without it every
/// streamed page waits ~40 ms for Nagle and delayed ACKs.
pub async fn serve(listener: TcpListener, app: Router) -> Result<()> {
    use axum::serve::ListenerExt;
    // The browser's text catalogues are built and compressed off the request path (about
    // 0.1 s of brotli), so the first page does not wait for them.
    tokio::task::spawn_blocking(|| {
        for locale in app::i18n::Locale::ALL {
            app::i18n::catalogue(locale);
        }
    });
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown())
    .await
    .context("server failed")
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
