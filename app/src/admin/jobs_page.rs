//! The job queue for vendor admins: how many jobs are in each state (a chart), the newest
//! that are not done with their last error, and a retry for dead ones.

use super::api::{RetryJob, list_jobs};
use super::{JobView, JobsOverview};
use crate::i18n::{I18n, format, use_i18n};
use crate::ui::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

const STATES: [&str; 5] = ["queued", "running", "failed", "dead", "done"];

#[component]
pub fn JobsPage() -> impl IntoView {
    let i = use_i18n();
    let query = use_query_map();
    let state = move || query.with(|m| m.get("state").unwrap_or_default());
    let retry = ServerAction::<RetryJob>::new();
    let data = Resource::new(
        move || (state(), retry.version().get()),
        |(s, _)| list_jobs(s),
    );
    let err = action_error(retry);
    view! {
        <Title text=i.t("jobs.title") />
        <h1>{i.t("jobs.title")}</h1>
        <p class="lead">{i.t("jobs.intro")}</p>
        <nav class="filters" aria-label=i.t("jobs.filter")>
            <A href="/admin/jobs">{i.t("jobs.not_done")}</A>
            {STATES.into_iter().map(|s| {
                let href = format!("/admin/jobs?state={s}");
                view! { " · " <A href=href>{i.t(&format!("jobs.state_{s}"))}</A> }
            }).collect_view()}
        </nav>
        <FormAlert error=err />
        <Transition fallback=|| view! { <Skeleton lines=6 /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(o) => overview(i, o, retry).into_any(),
                    Err(e) => error_view(e),
                }
            })}
        </Transition>
    }
}

fn overview(i: I18n, o: JobsOverview, retry: ServerAction<RetryJob>) -> impl IntoView {
    let count = |s: &str| {
        o.counts
            .iter()
            .find(|(k, _)| k == s)
            .map(|(_, n)| *n)
            .unwrap_or(0)
    };
    let bars: Vec<(&'static str, i64)> = STATES.iter().map(|s| (*s, count(s))).collect();
    let jobs = o.jobs;
    view! {
        {state_chart(i, bars)}
        {if jobs.is_empty() {
            view! { <EmptyState title="jobs.none" /> }.into_any()
        } else {
            view! {
                <ul class="jobs">
                    {jobs.into_iter().map(|j| job_item(i, j, retry)).collect_view()}
                </ul>
            }.into_any()
        }}
    }
}

/// Jobs per state as horizontal bars, each with its number.
fn state_chart(i: I18n, bars: Vec<(&'static str, i64)>) -> impl IntoView {
    let max = bars.iter().map(|(_, n)| *n).max().unwrap_or(1).max(1) as f64;
    let label = bars
        .iter()
        .map(|(s, n)| format!("{} {n}", i.t(&format!("jobs.state_{s}"))))
        .collect::<Vec<_>>()
        .join("; ");
    view! {
        <figure class="chart">
            <figcaption>{i.t("jobs.by_state")}</figcaption>
            <svg viewBox="0 0 640 190" role="img" aria-label=label preserveAspectRatio="xMinYMin meet">
                {bars.into_iter().enumerate().map(|(n, (s, count))| {
                    let y = n as f64 * 36.0 + 4.0;
                    let w = count as f64 / max * 300.0;
                    view! {
                        <g>
                            <text x="0" y=y + 16.0 class="bar-label">{i.t(&format!("jobs.state_{s}"))}</text>
                            <rect x="180" y=y + 4.0 width=w.max(1.0) height="14" class=format!("bar job-{s}")></rect>
                            <text x=186.0 + w y=y + 16.0 class="bar-value">{count}</text>
                        </g>
                    }
                }).collect_view()}
            </svg>
        </figure>
    }
}

fn job_item(i: I18n, j: JobView, retry: ServerAction<RetryJob>) -> impl IntoView {
    let id = j.id;
    let dead = j.state == "dead";
    let progress = (j.progress_total > 0).then(|| {
        view! {
            <progress max=j.progress_total value=j.progress_done>
                {format!("{} / {}", j.progress_done, j.progress_total)}
            </progress>
        }
    });
    view! {
        <li class="job" data-testid="job">
            <p class="meta">
                <code>{j.kind.clone()}</code>
                " · #" {j.id} " · "
                <span class=format!("badge job-{}", j.state)>{i.t(&format!("jobs.state_{}", j.state))}</span>
                " · "
                {i.t("jobs.attempts")} " " {j.attempts} "/" {j.max_attempts}
                " · "
                {format::date_time(i.locale(), j.updated_at)}
            </p>
            {progress}
            {j.last_error.map(|e| view! { <pre class="error">{e}</pre> })}
            {dead.then(|| view! {
                <button class="btn" type="button" on:click=move |_| { retry.dispatch(RetryJob { id }); }>
                    {i.t("jobs.retry")}
                </button>
            })}
        </li>
    }
}
