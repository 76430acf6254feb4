//! Server functions of the content library: thin; the caller, the state, then the service.

use super::*;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::{auth::caller, server::respond, server::state::app_state};

/// Searches (or browses) the library within the caller's visibility, with the product
/// facet's values.
#[server(endpoint = "search_content")]
pub async fn search_content(query: ContentQuery) -> Result<SearchResult, AppError> {
    respond(
        async {
            let (db, c) = (app_state()?.db, caller()?);
            let mut r = service::find(&db, &c, &query, 50).await?;
            r.products = service::products(&db, &c).await?;
            Ok(r)
        }
        .await,
    )
}

#[server(endpoint = "get_asset")]
pub async fn get_asset(id: i64) -> Result<AssetDetail, AppError> {
    respond(async { service::detail(&app_state()?.db, &caller()?, id).await }.await)
}

#[server(endpoint = "update_asset")]
pub async fn update_asset(id: i64, input: AssetInput) -> Result<(), AppError> {
    respond(
        async {
            let v = service::validate(&input)?;
            service::update(&app_state()?.db, &caller()?, id, &v).await
        }
        .await,
    )
}

#[server(endpoint = "restore_asset_version")]
pub async fn restore_asset_version(id: i64, version_no: i64) -> Result<(), AppError> {
    respond(async { service::restore(&app_state()?.db, &caller()?, id, version_no).await }.await)
}

#[server(endpoint = "set_asset_favorite")]
pub async fn set_asset_favorite(id: i64, on: bool) -> Result<(), AppError> {
    respond(async { service::set_favorite(&app_state()?.db, &caller()?, id, on).await }.await)
}

#[server(endpoint = "content_analytics")]
pub async fn content_analytics() -> Result<Analytics, AppError> {
    respond(async { service::analytics(&app_state()?.db, &caller()?).await }.await)
}

#[server(endpoint = "content_for_deal")]
pub async fn content_for_deal(deal_id: i64) -> Result<Vec<AssetSummary>, AppError> {
    respond(async { service::for_deal(&app_state()?.db, &caller()?, deal_id).await }.await)
}
