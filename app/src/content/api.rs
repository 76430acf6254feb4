//! Server functions of the content library: thin; the caller, the state, then the service.

use super::*;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::collections;
#[cfg(feature = "ssr")]
use crate::{auth::caller, server::respond, server::state::app_state};

/// Searches (or browses) the library within the caller's visibility.
#[server(endpoint = "search_content")]
pub async fn search_content(query: ContentQuery) -> Result<SearchResult, AppError> {
    respond(
        async {
            let (db, c) = (app_state()?.db, caller()?);
            find::find(&db, &c, &query, 50).await
        }
        .await,
    )
}

/// The product names and collections the library page offers as facets. They do not
/// change with the query (reading every visible asset's products on each search was the
/// dearest part of a search on a large library).
#[server(endpoint = "content_facets")]
pub async fn content_facets() -> Result<LibraryFacets, AppError> {
    respond(
        async {
            let (db, c) = (app_state()?.db, caller()?);
            Ok(LibraryFacets {
                products: service::products(&db, &c).await?,
                collections: collections::list(&db, &c).await?,
            })
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
    respond(async { service::update(&app_state()?.db, &caller()?, id, &input).await }.await)
}

#[server(endpoint = "restore_asset_version")]
pub async fn restore_asset_version(id: i64, version_no: i64) -> Result<(), AppError> {
    respond(async { service::restore(&app_state()?.db, &caller()?, id, version_no).await }.await)
}

#[server(endpoint = "set_asset_favorite")]
pub async fn set_asset_favorite(id: i64, on: bool) -> Result<(), AppError> {
    use leptos::server_fn::ServerFn;
    let r = async { service::set_favorite(&app_state()?.db, &caller()?, id, on).await }.await;
    crate::server::nojs::respond_form(SetAssetFavorite::PATH, r, &(), |_| None)
}

#[server(endpoint = "content_analytics")]
pub async fn content_analytics() -> Result<Analytics, AppError> {
    respond(async { service::analytics(&app_state()?.db, &caller()?).await }.await)
}

#[server(endpoint = "content_for_deal")]
pub async fn content_for_deal(deal_id: i64) -> Result<Vec<AssetSummary>, AppError> {
    respond(async { service::for_deal(&app_state()?.db, &caller()?, deal_id).await }.await)
}

/// The caller's collections, each saying whether it holds `asset` (0: none).
#[server(endpoint = "asset_collections")]
pub async fn asset_collections(asset: i64) -> Result<Vec<Collection>, AppError> {
    respond(
        async {
            let (db, c) = (app_state()?.db, caller()?);
            if asset == 0 {
                collections::list(&db, &c).await
            } else {
                collections::for_asset(&db, &c, asset).await
            }
        }
        .await,
    )
}

/// Creates a collection, with a first asset when `asset` is not 0.
#[server(endpoint = "create_collection")]
pub async fn create_collection(name: String, asset: i64) -> Result<i64, AppError> {
    respond(
        async {
            let first = (asset != 0).then_some(asset);
            collections::create(&app_state()?.db, &caller()?, &name, first).await
        }
        .await,
    )
}

#[server(endpoint = "delete_collection")]
pub async fn delete_collection(id: i64) -> Result<(), AppError> {
    respond(async { collections::delete(&app_state()?.db, &caller()?, id).await }.await)
}

#[server(endpoint = "set_collection_item")]
pub async fn set_collection_item(collection: i64, asset: i64, on: bool) -> Result<(), AppError> {
    respond(
        async { collections::set_item(&app_state()?.db, &caller()?, collection, asset, on).await }
            .await,
    )
}
