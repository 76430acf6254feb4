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

type Cell<T> = Arc<dyn Fn(&T) -> AnyView + Send + Sync>;
type Sorter<T> = Arc<dyn Fn(&T) -> SortKey + Send + Sync>;
/// The text a row is filtered by.
pub type FilterText<T> = Arc<dyn Fn(&T) -> String + Send + Sync>;

/// One column of a `DataTable`.
pub struct Column<T> {
    /// i18n key of the header; also the card label on a phone.
    pub label: &'static str,
    pub sort: Option<Sorter<T>>,
    pub cell: Cell<T>,
}

impl<T> Clone for Column<T> {
    fn clone(&self) -> Self {
        Column {
            label: self.label,
            sort: self.sort.clone(),
            cell: self.cell.clone(),
        }
    }
}

impl<T> Column<T> {
    pub fn new(label: &'static str, cell: impl Fn(&T) -> AnyView + Send + Sync + 'static) -> Self {
        Column {
            label,
            sort: None,
            cell: Arc::new(cell),
        }
    }

    pub fn sort_by(mut self, key: impl Fn(&T) -> SortKey + Send + Sync + 'static) -> Self {
        self.sort = Some(Arc::new(key));
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
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
{
    let i = use_i18n();
    let sort = RwSignal::new(None::<(usize, bool)>);
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
                        view! {
                            <th scope="col" aria-sort=aria>
                                <button
                                    class="sort"
                                    on:click=move |_| {
                                        sort.update(|s| {
                                            *s = match *s {
                                                Some((c, asc)) if c == idx => Some((idx, !asc)),
                                                _ => Some((idx, true)),
                                            }
                                        })
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
                                </button>
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
                .map(|r| {
                    let cells = columns
                        .iter()
                        .map(|c| view! { <td data-label=i.t(c.label)>{(c.cell)(r)}</td> })
                        .collect_view();
                    view! { <tr>{cells}</tr> }
                })
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
}
