//! Lists paged on the server: the page a list page asks for (sort, direction, a keyset
//! cursor), the page it gets back (the rows shown, a capped count, links to the neighbours),
//! and the pager under the table. Only the rows shown travel to the browser; the links are
//! plain addresses, so paging works without JavaScript and with it navigates in place.

use crate::i18n::{format, use_i18n};
use leptos::prelude::*;
use leptos_router::components::A;
use serde::{Deserialize, Serialize};

/// Rows on a page unless the caller asks for another size.
pub const PAGE_SIZE: i64 = 25;
/// The most rows one page may hold.
pub const MAX_PAGE_SIZE: i64 = 200;
/// Counts stop here: beyond it a list says "more than 1,000" (a count reads at most this
/// many index entries, so a list of 100,000 costs what one of 1,000 does).
pub const COUNT_CAP: i64 = 1_000;

/// The page a list asks for. Empty fields mean the list's defaults: its default sort, the
/// first page, `PAGE_SIZE` rows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PageRequest {
    /// The sort column's code (each list names its own).
    pub sort: String,
    /// `a` ascending, `d` descending, empty for the column's natural direction.
    pub dir: String,
    /// Rows after this cursor (the next page).
    pub after: String,
    /// Rows before this cursor (the previous page).
    pub before: String,
    /// Rows per page; 0 for the default.
    pub size: i64,
}

impl PageRequest {
    /// The page an address asks for: `sort`, `dir`, `after`, `before`, `size`.
    pub fn from_query(m: &leptos_router::params::ParamsMap) -> Self {
        PageRequest {
            sort: m.get("sort").unwrap_or_default(),
            dir: m.get("dir").unwrap_or_default(),
            after: m.get("after").unwrap_or_default(),
            before: m.get("before").unwrap_or_default(),
            // Not a number: refused as out of range, like a size too large.
            size: m.get("size").map_or(0, |v| v.parse().unwrap_or(-1)),
        }
    }

    /// The same request with this many rows per page.
    pub fn sized(mut self, size: i64) -> Self {
        self.size = size;
        self
    }
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    pub rows: Vec<T>,
    /// Rows matching the filters, counted up to `COUNT_CAP`.
    pub total: i64,
    /// More rows match than `total` says.
    pub more: bool,
    /// Cursor of the previous page (`before=`), if there is one.
    pub prev: Option<String>,
    /// Cursor of the next page (`after=`), if there is one.
    pub next: Option<String>,
    /// The sort applied (a column code) and whether it is descending.
    pub sort: String,
    pub desc: bool,
}

impl<T> Page<T> {
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The same page with each row turned into another.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            rows: self.rows.into_iter().map(f).collect(),
            total: self.total,
            more: self.more,
            prev: self.prev,
            next: self.next,
            sort: self.sort,
            desc: self.desc,
        }
    }
}

/// The address of this page with `set` replacing parameters and `drop` removed.
pub fn page_href(path: &str, search: &str, drop: &[&str], set: &[(&str, &str)]) -> String {
    let mut params: Vec<String> = search
        .trim_start_matches('?')
        .split('&')
        .filter(|kv| {
            let key = kv.split('=').next().unwrap_or("");
            !kv.is_empty() && !drop.contains(&key) && !set.iter().any(|(k, _)| *k == key)
        })
        .map(str::to_string)
        .collect();
    for (k, v) in set {
        params.push(format!("{k}={}", crate::auth::pages::urlencode(v)));
    }
    if params.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", params.join("&"))
    }
}

/// The count above a paged table: "234 partners" or "More than 1,000 partners".
/// `key` names a text with `{total}`; `key_more`, the same for a capped count.
pub fn page_count<T>(page: &Page<T>, key: &'static str, key_more: &'static str) -> String {
    let i = use_i18n();
    let total = format::integer(i.locale(), page.total);
    i.tf(if page.more { key_more } else { key }, &[("total", &total)])
}

/// The page parameters of an address, each of which a forged or stale link may spoil.
const PAGE_FIELDS: [&str; 5] = ["after", "before", "sort", "dir", "size"];

/// What a paged list shows when it cannot be listed: a spoiled page link says so, with a
/// link to the first page (filters kept); any other error as usual.
pub fn list_error_view(e: crate::error::AppError) -> AnyView {
    let Some(msg) = PAGE_FIELDS
        .iter()
        .find_map(|f| e.field_messages(f).into_iter().next())
    else {
        return super::error_view(e);
    };
    let i = use_i18n();
    let location = leptos_router::hooks::use_location();
    let first = page_href(
        &location.pathname.get_untracked(),
        &location.search.get_untracked(),
        &PAGE_FIELDS,
        &[],
    );
    view! {
        <div class="alert error" role="alert">
            {i.t(&msg)}" "<A href=first>{i.t("ui.first_page")}</A>
        </div>
    }
    .into_any()
}

/// Links to the previous and next pages, and back to the first, under a paged table.
#[component]
pub fn Pager(prev: Option<String>, next: Option<String>) -> impl IntoView {
    let i = use_i18n();
    if prev.is_none() && next.is_none() {
        return ().into_any();
    }
    let location = leptos_router::hooks::use_location();
    let (path, search) = (
        location.pathname.get_untracked(),
        location.search.get_untracked(),
    );
    let first = page_href(&path, &search, &["after", "before"], &[]);
    let prev_href = prev.map(|c| page_href(&path, &search, &["after"], &[("before", &c)]));
    let next_href = next.map(|c| page_href(&path, &search, &["before"], &[("after", &c)]));
    // Only the links that lead somewhere: on the first page there is no way back.
    view! {
        <nav class="pager" aria-label=i.t("ui.pages")>
            {prev_href.map(|h| view! {
                <A href=first attr:class="btn secondary">{i.t("ui.first_page")}</A>
                <A href=h attr:class="btn secondary" attr:rel="prev">{i.t("ui.prev_page")}</A>
            })}
            {next_href.map(|h| view! {
                <A href=h attr:class="btn secondary" attr:rel="next">{i.t("ui.next_page")}</A>
            })}
        </nav>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::page_href;

    #[test]
    fn page_links_keep_the_filters_and_replace_the_cursor() {
        assert_eq!(
            page_href(
                "/partners",
                "?q=acme&after=3.tab&tier=gold",
                &["after"],
                &[("before", "2.t61")]
            ),
            "/partners?q=acme&tier=gold&before=2.t61"
        );
        assert_eq!(
            page_href("/deals", "?after=9.i4", &["after", "before"], &[]),
            "/deals"
        );
        assert_eq!(
            page_href("/deals", "", &[], &[("sort", "a b")]),
            "/deals?sort=a%20b"
        );
    }
}
