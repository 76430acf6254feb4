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

/// One step of a waterfall: its words, its factor ("×40") and its weight in log2 odds.
pub struct Step {
    pub text: String,
    pub factor: String,
    pub bits: f64,
}

/// The waterfall of evidence behind a match probability: from the prior odds, each step
/// moves the log odds by its weight, ending at the result. Each step is a list item with
/// its words and a bar from where the odds stood to where they stand after it; the dashed
/// line is even odds (50%).
pub fn waterfall(
    prior: Step,
    steps: Vec<Step>,
    result: String,
    testid: &'static str,
) -> impl IntoView {
    let mut at = prior.bits;
    let mut spans = vec![(0.0_f64.min(at), 0.0_f64.max(at))];
    for s in &steps {
        spans.push((at.min(at + s.bits), at.max(at + s.bits)));
        at += s.bits;
    }
    let lo = spans.iter().map(|s| s.0).fold(0.0, f64::min);
    let hi = spans.iter().map(|s| s.1).fold(0.0, f64::max);
    let range = (hi - lo).max(1.0);
    let x = move |v: f64| (v - lo) / range * 100.0;
    let even = x(0.0);
    let bar = move |from: f64, to: f64, class: &'static str| {
        let (a, b) = (x(from.min(to)), x(from.max(to)));
        view! {
            <svg class="wf-bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
                <line x1=even x2=even y1="0" y2="10" class="wf-even"></line>
                <rect x=a y="1" width=(b - a).max(0.6) height="8" class=class></rect>
            </svg>
        }
    };
    let mut at = prior.bits;
    let rows = steps
        .into_iter()
        .map(|s| {
            let from = at;
            at += s.bits;
            let class = if s.bits < 0.0 { "against" } else { "for" };
            view! {
                <li class=class>
                    <span class="wf-text">{s.text}</span>
                    <span class="wf-x">{s.factor}</span>
                    {bar(from, at, if s.bits < 0.0 { "wf-against" } else { "wf-for" })}
                </li>
            }
        })
        .collect_view();
    view! {
        <ol class="reasons waterfall" data-testid=testid>
            <li class="prior">
                <span class="wf-text">{prior.text}</span>
                <span class="wf-x">{prior.factor}</span>
                {bar(0.0, prior.bits, "wf-prior")}
            </li>
            {rows}
            <li class="result">
                <span class="wf-text">{result}</span>
                {bar(0.0, at, "wf-result")}
            </li>
        </ol>
    }
}
