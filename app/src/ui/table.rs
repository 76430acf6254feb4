use super::Html;
use crate::i18n::use_i18n;
use leptos::prelude::*;
use std::cmp::Ordering;
use std::sync::Arc;

/// What a column sorts by.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum SortKey {
    Num(i64),
    Text(String),
}

type ViewCell<T> = Arc<dyn Fn(&T) -> AnyView + Send + Sync>;
type HtmlCell<T> = Arc<dyn Fn(&T, &mut Html) + Send + Sync>;

/// What a cell shows: a view, or markup written as text (see [`Html`]), which is far cheaper
/// to render for a long list and hydrates without work.
pub enum Cell<T> {
    View(ViewCell<T>),
    Html(HtmlCell<T>),
}

impl<T> Clone for Cell<T> {
    fn clone(&self) -> Self {
        match self {
            Cell::View(f) => Cell::View(f.clone()),
            Cell::Html(f) => Cell::Html(f.clone()),
        }
    }
}
type Sorter<T> = Arc<dyn Fn(&T) -> SortKey + Send + Sync>;
/// The text a row is filtered by.
pub type FilterText<T> = Arc<dyn Fn(&T) -> String + Send + Sync>;

/// One column of a `DataTable`.
pub struct Column<T> {
    /// i18n key of the header; also the card label on a phone.
    pub label: &'static str,
    pub sort: Option<Sorter<T>>,
    /// The code the server sorts this column by, for a table paged on the server.
    pub server_sort: Option<&'static str>,
    pub cell: Cell<T>,
}

impl<T> Clone for Column<T> {
    fn clone(&self) -> Self {
        Column {
            label: self.label,
            sort: self.sort.clone(),
            server_sort: self.server_sort,
            cell: self.cell.clone(),
        }
    }
}

impl<T> Column<T> {
    pub fn new(label: &'static str, cell: impl Fn(&T) -> AnyView + Send + Sync + 'static) -> Self {
        Column {
            label,
            sort: None,
            server_sort: None,
            cell: Cell::View(Arc::new(cell)),
        }
    }

    /// A column whose cells are written as markup text: plain text, links and badges.
    pub fn html(label: &'static str, cell: impl Fn(&T, &mut Html) + Send + Sync + 'static) -> Self {
        Column {
            label,
            sort: None,
            server_sort: None,
            cell: Cell::Html(Arc::new(cell)),
        }
    }

    pub fn sort_by(mut self, key: impl Fn(&T) -> SortKey + Send + Sync + 'static) -> Self {
        self.sort = Some(Arc::new(key));
        self
    }

    /// Sorted on the server by the list's sort column `code` (a table given `sorted`).
    pub fn server_sort(mut self, code: &'static str) -> Self {
        self.server_sort = Some(code);
        self
    }
}

/// A table whose headers sort and whose filter box narrows the rows. On a phone each row
/// becomes a card, labelled by the column headers.
#[component]
pub fn DataTable<T>(
    rows: Vec<T>,
    columns: Vec<Column<T>>,
    /// i18n key of the caption (read by screen readers).
    caption: &'static str,
    /// Text a row is filtered by; no filter box without it.
    #[prop(optional)]
    filter_text: Option<FilterText<T>>,
    /// For a list paged on the server: the sort applied (a column code) and whether it is
    /// descending. The rows are shown in the order given; a header is a link to the first
    /// page sorted by its column.
    #[prop(optional)]
    sorted: Option<(String, bool)>,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
{
    let i = use_i18n();
    if let Some(sorted) = sorted {
        return server_sorted(i, rows, columns, caption, sorted).into_any();
    }
    // The sort is in the address too (`?sort=<caption>.<column>.<a|d>`), so a header is a
    // link that sorts without JavaScript; with it, a click sorts in place.
    let location = leptos_router::hooks::use_location();
    let (path, search) = (
        location.pathname.get_untracked(),
        location.search.get_untracked(),
    );
    let sort = RwSignal::new(sort_from_query(&search, caption));
    let href_for = move |idx: usize, asc: bool| sort_href(&path, &search, caption, idx, asc);
    let q = RwSignal::new(String::new());
    let columns = Arc::new(columns);
    let rows = Arc::new(rows);
    let has_filter = filter_text.is_some();
    let headers = {
        let columns = columns.clone();
        move || {
            columns
                .iter()
                .enumerate()
                .map(|(idx, c)| {
                    let label = i.t(c.label);
                    let aria = move || match sort.get() {
                        Some((s, true)) if s == idx => "ascending",
                        Some((s, false)) if s == idx => "descending",
                        _ => "none",
                    };
                    if c.sort.is_some() {
                        let next = move |s: Option<(usize, bool)>| match s {
                            Some((c, asc)) if c == idx => (idx, !asc),
                            _ => (idx, true),
                        };
                        let href = {
                            let href_for = href_for.clone();
                            move || {
                                let (n, asc) = next(sort.get());
                                href_for(n, asc)
                            }
                        };
                        view! {
                            <th scope="col" aria-sort=aria>
                                <a
                                    class="sort"
                                    href=href
                                    rel="nofollow"
                                    on:click=move |ev| {
                                        ev.prevent_default();
                                        sort.update(|s| *s = Some(next(*s)));
                                    }
                                >
                                    {label}
                                    <span aria-hidden="true" class="sort-mark">
                                        {move || match sort.get() {
                                            Some((s, true)) if s == idx => "▲",
                                            Some((s, false)) if s == idx => "▼",
                                            _ => "↕",
                                        }}
                                    </span>
                                </a>
                            </th>
                        }
                        .into_any()
                    } else {
                        view! { <th scope="col">{label}</th> }.into_any()
                    }
                })
                .collect_view()
        }
    };
    let body = {
        let columns = columns.clone();
        move || {
            let needle = q.get().to_lowercase();
            let mut visible: Vec<&T> = rows
                .iter()
                .filter(|r| {
                    needle.is_empty()
                        || filter_text
                            .as_ref()
                            .is_none_or(|f| f(r).to_lowercase().contains(&needle))
                })
                .collect();
            if let Some((idx, asc)) = sort.get()
                && let Some(key) = columns.get(idx).and_then(|c| c.sort.clone())
            {
                visible.sort_by(|a, b| {
                    let o = key(a).cmp(&key(b));
                    if asc { o } else { o.reverse() }
                });
            } else {
                visible.sort_by(|_, _| Ordering::Equal);
            }
            visible
                .into_iter()
                .map(|r| row_view(i, &columns, r))
                .collect_view()
        }
    };
    view! {
        <div class="data-table">
            {has_filter
                .then(|| {
                    view! {
                        <label class="table-filter">
                            <span>{i.t("ui.filter_rows")}</span>
                            <input type="search" on:input=move |ev| q.set(event_target_value(&ev)) />
                        </label>
                    }
                })}
            <table>
                <caption class="visually-hidden">{i.t(caption)}</caption>
                <thead>
                    <tr>{headers}</tr>
                </thead>
                <tbody>{body}</tbody>
            </table>
        </div>
    }
    .into_any()
}

/// A table paged and sorted on the server: rows in the order given, headers that link to
/// the list sorted by their column (first page, filters kept).
fn server_sorted<T: 'static>(
    i: crate::i18n::I18n,
    rows: Vec<T>,
    columns: Vec<Column<T>>,
    caption: &'static str,
    (sort, desc): (String, bool),
) -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    let (path, search) = (
        location.pathname.get_untracked(),
        location.search.get_untracked(),
    );
    let headers = columns
        .iter()
        .map(|c| {
            let label = i.t(c.label);
            let Some(code) = c.server_sort else {
                return view! { <th scope="col">{label}</th> }.into_any();
            };
            let current = (sort == code).then_some(desc);
            // A click on the sorted column turns it round; on another, sorts by it in its
            // natural direction (the server's default for it).
            let set: Vec<(&str, &str)> = match current {
                Some(d) => vec![("sort", code), ("dir", if d { "a" } else { "d" })],
                None => vec![("sort", code)],
            };
            let href = super::page_href(&path, &search, &["after", "before", "dir"], &set);
            let (aria, mark) = match current {
                Some(false) => ("ascending", "▲"),
                Some(true) => ("descending", "▼"),
                None => ("none", "↕"),
            };
            view! {
                <th scope="col" aria-sort=aria>
                    <a class="sort" href=href rel="nofollow">
                        {label}
                        <span aria-hidden="true" class="sort-mark">{mark}</span>
                    </a>
                </th>
            }
            .into_any()
        })
        .collect_view();
    // Columns all written as text make the whole body one string: the rows of a long page
    // cost a fraction of their views, and the browser hydrates them without walking them.
    let body = match rows_html(i, &columns, &rows) {
        Some(html) => view! { <tbody inner_html=html></tbody> }.into_any(),
        None => {
            let body = rows.iter().map(|r| row_view(i, &columns, r)).collect_view();
            view! { <tbody>{body}</tbody> }.into_any()
        }
    };
    view! {
        <div class="data-table">
            <table>
                <caption class="visually-hidden">{i.t(caption)}</caption>
                <thead>
                    <tr>{headers}</tr>
                </thead>
                {body}
            </table>
        </div>
    }
}

/// The rows as markup, when every column is written as text; `None` if one is a view.
fn rows_html<T>(i: crate::i18n::I18n, columns: &[Column<T>], rows: &[T]) -> Option<String> {
    let cells: Vec<(&str, &HtmlCell<T>)> = columns
        .iter()
        .map(|c| match &c.cell {
            Cell::Html(f) => Some((i.t(c.label), f)),
            Cell::View(_) => None,
        })
        .collect::<Option<_>>()?;
    let mut h = Html::with_capacity(rows.len() * 96 * cells.len().max(1));
    for r in rows {
        h.open("tr");
        for (label, cell) in &cells {
            h.open_with("td", "data-label", label);
            cell(r, &mut h);
            h.close("td");
        }
        h.close("tr");
    }
    Some(h.into_string())
}

/// One row: a cell per column, each labelled for the card it becomes on a phone.
fn row_view<T>(i: crate::i18n::I18n, columns: &[Column<T>], r: &T) -> impl IntoView + use<T> {
    let cells = columns
        .iter()
        .map(|c| match &c.cell {
            Cell::View(f) => view! { <td data-label=i.t(c.label)>{f(r)}</td> }.into_any(),
            Cell::Html(f) => {
                let mut h = Html::default();
                f(r, &mut h);
                view! { <td data-label=i.t(c.label) inner_html=h.into_string()></td> }.into_any()
            }
        })
        .collect_view();
    view! { <tr>{cells}</tr> }
}

/// The sort a table's address asks for: `sort=<caption>.<column>.<a|d>`.
fn sort_from_query(search: &str, caption: &str) -> Option<(usize, bool)> {
    search.trim_start_matches('?').split('&').find_map(|kv| {
        let v = kv.strip_prefix("sort=")?;
        let (table, rest) = v.rsplit_once('.').and_then(|(head, dir)| {
            let (table, col) = head.rsplit_once('.')?;
            Some((table, (col, dir)))
        })?;
        if table != caption {
            return None;
        }
        let col = rest.0.parse().ok()?;
        match rest.1 {
            "a" => Some((col, true)),
            "d" => Some((col, false)),
            _ => None,
        }
    })
}

/// The address of the page sorted by column `idx`, other parameters kept.
fn sort_href(path: &str, search: &str, caption: &str, idx: usize, asc: bool) -> String {
    let mut params: Vec<String> = search
        .trim_start_matches('?')
        .split('&')
        .filter(|kv| !kv.is_empty() && !kv.starts_with("sort="))
        .map(str::to_string)
        .collect();
    params.push(format!(
        "sort={caption}.{idx}.{}",
        if asc { "a" } else { "d" }
    ));
    format!("{path}?{}", params.join("&"))
}

#[cfg(test)]
mod tests {
    use super::{Column, rows_html, sort_from_query, sort_href};
    use crate::i18n::{I18n, Locale};
    use leptos::prelude::IntoAny;

    #[test]
    fn text_columns_write_the_rows_as_escaped_markup() {
        let columns: Vec<Column<(String, i64)>> = vec![
            Column::html("field.company", |r: &(String, i64), h| {
                h.link(&format!("/partners/{}", r.1), &r.0);
            }),
            Column::html("field.status", |r: &(String, i64), h| {
                h.span("badge", &r.1.to_string());
            }),
        ];
        let rows = vec![("A<b> & \"c\"".to_string(), 7), ("Zoë".to_string(), 8)];
        let en = rows_html(I18n(Locale::En), &columns, &rows).expect("all text columns");
        assert_eq!(
            en,
            "<tr><td data-label=\"Company\"><a href=\"/partners/7\">A&lt;b&gt; &amp; &quot;c&quot;</a></td>\
             <td data-label=\"Status\"><span class=\"badge\">7</span></td></tr>\
             <tr><td data-label=\"Company\"><a href=\"/partners/8\">Zoë</a></td>\
             <td data-label=\"Status\"><span class=\"badge\">8</span></td></tr>"
        );
        // The labels are the reader's language.
        let de = rows_html(I18n(Locale::De), &columns, &rows).expect("all text columns");
        assert!(de.starts_with("<tr><td data-label=\"Firma\">"), "{de}");
        assert!(de.contains("<td data-label=\"Status\">"), "{de}");
        assert!(rows_html(I18n(Locale::En), &columns, &[]).is_some_and(|h| h.is_empty()));
    }

    #[test]
    fn a_view_column_keeps_the_rows_as_views() {
        let columns: Vec<Column<i64>> = vec![
            Column::html("field.name", |r: &i64, h| {
                h.text(&r.to_string());
            }),
            Column::new("field.status", |r: &i64| r.to_string().into_any()),
        ];
        assert!(rows_html(I18n(Locale::En), &columns, &[1, 2]).is_none());
    }

    #[test]
    fn a_sort_travels_in_the_address() {
        let href = sort_href(
            "/deals",
            "?status=queue&sort=deals.table.1.a",
            "deals.table",
            2,
            false,
        );
        assert_eq!(href, "/deals?status=queue&sort=deals.table.2.d");
        let search = href.split_once('?').expect("query").1;
        assert_eq!(sort_from_query(search, "deals.table"), Some((2, false)));
        assert_eq!(sort_from_query(search, "partners.table"), None);
        assert_eq!(sort_from_query("sort=deals.table.x.a", "deals.table"), None);
        assert_eq!(sort_from_query("sort=deals.table.1.z", "deals.table"), None);
        assert_eq!(sort_from_query("", "deals.table"), None);
    }
}
