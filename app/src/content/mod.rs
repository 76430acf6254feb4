//! The content library: sales plays, battlecards, datasheets and kits that partners find by
//! facets and full-text search, preview, download and favourite; marketers upload versions
//! and target them by partner type, tier and region; analytics show what gets used.
//!
//! Visibility is decided on the server for every path (listing, search, preview, download,
//! API) from the caller's organisation as it is now, so a tier change applies at once.

#[cfg(feature = "ssr")]
pub mod analytics;
pub mod analytics_page;
pub mod api;
pub mod collection_pages;
#[cfg(feature = "ssr")]
pub mod collections;
#[cfg(feature = "ssr")]
pub mod files;
#[cfg(feature = "ssr")]
pub mod find;
#[cfg(feature = "ssr")]
pub mod http;
#[cfg(feature = "ssr")]
pub mod indexing;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod routes;
#[cfg(feature = "ssr")]
pub mod search;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod store;
pub mod upload_page;
#[cfg(feature = "ssr")]
pub mod validate;
#[cfg(feature = "ssr")]
pub mod visibility;

use crate::domain::code_enum;
use serde::{Deserialize, Serialize};

code_enum!(
    /// What an asset is for.
    AssetKind {
        SalesPlay = "sales_play",
        Battlecard = "battlecard",
        Datasheet = "datasheet",
        Deck = "deck",
        MarketingKit = "marketing_kit",
        CaseStudy = "case_study",
        TrainingAid = "training_aid",
    }
);

/// Content languages offered in the library's facets.
pub const LANGUAGES: [&str; 8] = ["en", "de", "fr", "es", "it", "nl", "pt", "ja"];

/// The metadata of an asset as a form sends it (lists comma-separated).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AssetInput {
    pub title: String,
    pub description: String,
    pub kind: String,
    pub products: String,
    pub stages: String,
    pub partner_types: String,
    pub tiers: String,
    pub regions: String,
    pub language: String,
    pub tags: String,
    pub link_url: String,
    /// `YYYY-MM-DD` or empty.
    pub expires_on: String,
    pub published: bool,
}

/// A line in the library: enough to choose, with why it matched a search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssetSummary {
    pub id: i64,
    pub title: String,
    pub description: String,
    pub kind: AssetKind,
    pub language: String,
    pub products: Vec<String>,
    pub stages: Vec<String>,
    pub tags: Vec<String>,
    pub published: bool,
    pub expires_at: Option<i64>,
    pub updated_at: i64,
    pub content_type: String,
    pub size_bytes: i64,
    pub link_url: String,
    pub favorite: bool,
    /// Where the query matched: `title`, `tags`, `description`, `text`.
    pub matched_in: Vec<String>,
    /// A short passage of the text around the first match.
    pub snippet: String,
    /// For a partial match, the query words this asset holds.
    #[serde(default)]
    pub matched_words: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VersionView {
    pub id: i64,
    pub version_no: i64,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub created_at: i64,
    pub created_by: String,
    pub current: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssetDetail {
    pub summary: AssetSummary,
    pub input: AssetInput,
    /// Vendor staff see every version; partners only the current one.
    pub versions: Vec<VersionView>,
    pub can_edit: bool,
    /// Whether the browser can show the file inline (images and PDFs).
    pub previewable: bool,
}

/// A search of the library: free text plus facets, all optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContentQuery {
    pub q: String,
    pub kind: String,
    pub product: String,
    pub stage: String,
    pub language: String,
    /// Only the caller's favourites.
    pub favorites: bool,
    /// Only the assets of one of the caller's collections (0: any).
    pub collection: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchResult {
    pub items: Vec<AssetSummary>,
    /// Words of the query that were corrected: (typed, used).
    pub corrected: Vec<(String, String)>,
    /// No asset holds every word: these hold some (each lists which in `matched_words`).
    #[serde(default)]
    pub partial: bool,
    /// The query named this kind, and the results are of it.
    #[serde(default)]
    pub kind_from_query: Option<AssetKind>,
}

/// The values of the library's facets that do not depend on the query, loaded once per
/// visit to the library page rather than with every search.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LibraryFacets {
    /// Product names present in the caller's visible library.
    pub products: Vec<String>,
    /// The caller's collections, for the collection facet.
    pub collections: Vec<Collection>,
}

/// One of a user's collections.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Collection {
    pub id: i64,
    pub name: String,
    /// How many of its assets the user can see now (in lists).
    pub items: i64,
    /// Whether it holds the asset being looked at (on an asset page).
    pub contains: bool,
}

/// Counts for one bar of an analytics chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bar {
    pub label: String,
    pub id: Option<i64>,
    pub views: i64,
    pub downloads: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Analytics {
    pub top_assets: Vec<Bar>,
    pub by_partner: Vec<Bar>,
    /// Published assets nobody opened in 90 days.
    pub unopened: Vec<(i64, String)>,
    /// Searches that found nothing: (query, times).
    pub failed_searches: Vec<(String, i64)>,
}

/// Splits a comma-separated list into trimmed, non-empty, de-duplicated items.
pub fn split_list(raw: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in raw.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        if !out.iter().any(|o| o.eq_ignore_ascii_case(item)) {
            out.push(item.to_string());
        }
    }
    out
}
