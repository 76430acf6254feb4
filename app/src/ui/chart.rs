//! Charts drawn as SVG on the server: readable before the app loads, and described in
//! words for screen readers.

use leptos::prelude::*;

/// Horizontal bars with the value written beside each; `max` is the full width.
pub fn bars(
    title: String,
    rows: Vec<(String, i64, String)>,
    max: i64,
    testid: &'static str,
) -> impl IntoView {
    let row_h = 24.0;
    let height = (rows.len() as f64 * row_h + 12.0).max(40.0);
    let max = max.max(1) as f64;
    let label = format!(
        "{title}: {}",
        rows.iter()
            .map(|(name, _, shown)| format!("{name} {shown}"))
            .collect::<Vec<_>>()
            .join("; ")
    );
    view! {
        <figure class="chart" data-testid=testid>
            <figcaption>{title}</figcaption>
            <svg viewBox=format!("0 0 640 {height}") role="img" aria-label=label preserveAspectRatio="xMinYMin meet">
                {rows.into_iter().enumerate().map(|(n, (name, value, shown))| {
                    let y = n as f64 * row_h + 4.0;
                    let w = value as f64 / max * 300.0;
                    let name: String = name.chars().take(32).collect();
                    view! {
                        <g>
                            <text x="0" y=y + 13.0 class="bar-label">{name}</text>
                            <rect x="260" y=y width=w.max(1.0) height="16" class="bar views"></rect>
                            <text x=266.0 + w y=y + 13.0 class="bar-value">{shown}</text>
                        </g>
                    }
                }).collect_view()}
            </svg>
        </figure>
    }
}

/// A bar per row, each row a link to the list it counts: the label, a bar sized against
/// the largest value, and the count. A list a screen reader reads as it is.
pub fn link_bars(rows: Vec<(String, i64, String)>, testid: &'static str) -> impl IntoView {
    let max = rows.iter().map(|r| r.1).max().unwrap_or(1).max(1) as f64;
    view! {
        <ul class="link-bars" data-testid=testid>
            {rows.into_iter().map(|(label, value, href)| {
                let w = (value as f64 / max * 100.0).max(1.0);
                view! {
                    <li>
                        <a href=href>
                            <span class="lb-label">{label}</span>
                            <svg class="lb-bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
                                <rect x="0" y="0" width=w height="10"></rect>
                            </svg>
                            <span class="lb-value">{value}</span>
                        </a>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}
