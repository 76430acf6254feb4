//! REST API v1 for CRM and ERP integrations: bearer tokens, JSON in and out, RFC 9457
//! problem+json errors, a per-token rate limit. The handlers live in their features
//! (`app::deals::rest`, `app::content::routes`); this composes them with the document.

use app::server::AppState;
pub use app::server::rest::{ApiCaller, ApiJson, ApiPath, ApiQuery, Problem, RateBudget, bearer};
use axum::routing::get;
use axum::{Extension, Json, Router};

pub fn routes(per_minute: u32) -> Router<AppState> {
    app::deals::rest::routes()
        .merge(app::learning::rest::routes())
        .merge(app::campaigns::rest::routes())
        .merge(app::campaigns::web::routes())
        .merge(app::campaigns::logo::routes())
        .merge(app::campaigns::one_pager::routes())
        .route(
            "/api/v1/openapi.json",
            // Built once per process: the document only changes with the code.
            get(|| async {
                static DOC: std::sync::OnceLock<serde_json::Value> = std::sync::OnceLock::new();
                Json(DOC.get_or_init(crate::openapi::document).clone())
            }),
        )
        .layer(Extension(RateBudget(per_minute)))
}
