//! Content analytics: views and downloads per asset and per partner as bar charts,
//! unopened assets and failed searches.

use super::api::*;
use super::*;
use crate::i18n::{I18n, use_i18n};
use crate::ui::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// Horizontal bars of views and downloads, values written beside each bar.
fn bar_chart(i: I18n, title: &str, bars: &[Bar], link: bool) -> impl IntoView {
    let max = bars
        .iter()
        .map(|b| b.views.max(b.downloads))
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let row_h = 34.0;
    let height = (bars.len() as f64 * row_h + 30.0).max(60.0);
    let label = format!(
        "{title}: {}",
        bars.iter()
            .map(|b| format!("{} {} / {}", b.label, b.views, b.downloads))
            .collect::<Vec<_>>()
            .join("; ")
    );
    view! {
        <figure class="chart">
            <figcaption>{title.to_string()}</figcaption>
            <p class="legend"><span class="swatch views"></span>{i.t("content.views")}<span class="swatch downloads"></span>{i.t("content.downloads")}</p>
            <svg viewBox=format!("0 0 640 {height}") role="img" aria-label=label preserveAspectRatio="xMinYMin meet">
                {bars.iter().enumerate().map(|(n, b)| {
                    let y = n as f64 * row_h + 4.0;
                    let wv = b.views as f64 / max * 300.0;
                    let wd = b.downloads as f64 / max * 300.0;
                    let name: String = b.label.chars().take(32).collect();
                    view! {
                        <g>
                            <text x="0" y=y + 16.0 class="bar-label">{name}</text>
                            <rect x="260" y=y width=wv.max(1.0) height="12" class="bar views"></rect>
                            <text x=266.0 + wv y=y + 11.0 class="bar-value">{b.views}</text>
                            <rect x="260" y=y + 14.0 width=wd.max(1.0) height="12" class="bar downloads"></rect>
                            <text x=266.0 + wd y=y + 25.0 class="bar-value">{b.downloads}</text>
                        </g>
                    }
                }).collect_view()}
            </svg>
            {link.then(|| view! {
                <ul class="chart-links">
                    {bars.iter().filter_map(|b| b.id.map(|id| (id, b.label.clone()))).map(|(id, label)| {
                        let href = format!("/content/{id}");
                        view! { <li><A href=href>{label}</A></li> }
                    }).collect_view()}
                </ul>
            })}
        </figure>
    }
}

#[component]
pub fn AnalyticsPage() -> impl IntoView {
    let i = use_i18n();
    let data = Resource::new(|| (), |_| content_analytics());
    view! {
        <Title text=i.t("content.analytics") />
        <h1>{i.t("content.analytics")}</h1>
        <Suspense fallback=|| view! { <Skeleton lines=8 /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(a) => view! {
                        <div class="charts">
                            {if a.top_assets.is_empty() {
                                view! { <EmptyState title="content.no_activity" /> }.into_any()
                            } else {
                                view! {
                                    {bar_chart(i, i.t("content.top_assets"), &a.top_assets, true)}
                                    {bar_chart(i, i.t("content.by_partner"), &a.by_partner, false)}
                                }.into_any()
                            }}
                        </div>
                        <section aria-labelledby="unopened-h">
                            <h2 id="unopened-h">{i.t("content.unopened")}</h2>
                            {if a.unopened.is_empty() {
                                view! { <p>{i.t("content.unopened_none")}</p> }.into_any()
                            } else {
                                view! { <ul>{a.unopened.into_iter().map(|(id, t)| view! { <li><A href=format!("/content/{id}")>{t}</A></li> }).collect_view()}</ul> }.into_any()
                            }}
                        </section>
                        <section aria-labelledby="failed-h">
                            <h2 id="failed-h">{i.t("content.failed_searches")}</h2>
                            {if a.failed_searches.is_empty() {
                                view! { <p>{i.t("content.failed_none")}</p> }.into_any()
                            } else {
                                view! {
                                    <table class="failed-searches">
                                        <thead><tr><th scope="col">{i.t("content.query")}</th><th scope="col">{i.t("content.times")}</th></tr></thead>
                                        <tbody>{a.failed_searches.into_iter().map(|(q, n)| view! {
                                            <tr><td data-label=i.t("content.query")>{q}</td><td data-label=i.t("content.times")>{n}</td></tr>
                                        }).collect_view()}</tbody>
                                    </table>
                                }.into_any()
                            }}
                        </section>
                    }.into_any(),
                    Err(e) => error_view(e),
                }
            })}
        </Suspense>
    }
}
