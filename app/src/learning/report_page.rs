//! `/learning/reports`: pass rates per course and certified people per partner as bar
//! charts, credentials expiring in the next 30, 60 and 90 days, and the CSV export.

use super::LearningReport;
use super::api::get_learning_report;
use crate::i18n::{I18n, format, use_i18n};
use crate::ui::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

fn report_view(i: I18n, r: LearningReport) -> impl IntoView {
    let pass_rates: Vec<(String, i64, String)> = r
        .courses
        .iter()
        .map(|c| {
            let shown = i.tf(
                "report.pass_rate_value",
                &[
                    ("rate", &c.pass_rate.to_string()),
                    ("passed", &c.passed.to_string()),
                    ("learners", &c.learners.to_string()),
                ],
            );
            (c.title.clone(), c.pass_rate, shown)
        })
        .collect();
    let max_people = r.by_partner.iter().map(|o| o.people).max().unwrap_or(1);
    let certified: Vec<(String, i64, String)> = r
        .by_partner
        .iter()
        .map(|o| (o.org_name.clone(), o.people, o.people.to_string()))
        .collect();
    view! {
        <ul class="stats" data-testid="expiring">
            {[30, 60, 90].into_iter().zip(r.expiring).map(|(days, n)| view! {
                <li class="card"><strong>{n}</strong>" "{i.tf("report.expiring_in", &[("days", &days.to_string())])}</li>
            }).collect_view()}
        </ul>
        <div class="charts">
            {if pass_rates.is_empty() {
                view! { <p class="hint">{i.t("report.no_courses")}</p> }.into_any()
            } else {
                bars(i.t("report.pass_rates").to_string(), pass_rates, 100, "pass-rates").into_any()
            }}
            {if certified.is_empty() {
                view! { <p class="hint">{i.t("report.no_certified")}</p> }.into_any()
            } else {
                bars(i.t("report.certified_people").to_string(), certified, max_people, "certified").into_any()
            }}
        </div>
        <h2>{i.t("report.gaps")}</h2>
        {if r.gaps.is_empty() {
            view! { <p class="hint" data-testid="no-gaps">{i.t("report.no_gaps")}</p> }.into_any()
        } else {
            view! {
                <div class="table-wrap"><table class="data" data-testid="gaps">
                    <thead><tr>
                        <th>{i.t("credential.org")}</th>
                        <th>{i.t("field.tier")}</th>
                        <th>{i.t("credential.certification")}</th>
                        <th>{i.t("report.certified_of_required")}</th>
                    </tr></thead>
                    <tbody>{r.gaps.into_iter().map(|g| view! {
                        <tr>
                            <td>{g.org_name}</td>
                            <td>{i.t(&format!("tier.{}", g.tier))}</td>
                            <td>{g.certification}</td>
                            <td>{format!("{} / {}", g.certified, g.required)}</td>
                        </tr>
                    }).collect_view()}</tbody>
                </table></div>
            }.into_any()
        }}
        {team_view(i, r.team)}
        {(!r.expiring_soon.is_empty()).then(|| view! {
            <h2>{i.t("report.expiring_list")}</h2>
            <div class="table-wrap"><table class="data">
                <thead><tr>
                    <th>{i.t("credential.holder")}</th>
                    <th>{i.t("credential.org")}</th>
                    <th>{i.t("credential.certification")}</th>
                    <th>{i.t("credential.until")}</th>
                </tr></thead>
                <tbody>{r.expiring_soon.into_iter().map(|c| view! {
                    <tr>
                        <td>{c.holder_name}</td>
                        <td>{c.org_name}</td>
                        <td>{c.certification}</td>
                        <td>{format::date(i.locale(), c.valid_until)}</td>
                    </tr>
                }).collect_view()}</tbody>
            </table></div>
        })}
    }
}

/// Each person: lessons completed, courses passed, certifications held and the first
/// expiry.
fn team_view(i: I18n, team: Vec<super::PersonProgress>) -> impl IntoView {
    view! {
        <h2>{i.t("report.team")}</h2>
        {if team.is_empty() {
            view! { <p class="hint">{i.t("report.no_team")}</p> }.into_any()
        } else {
            view! {
                <div class="table-wrap"><table class="data" data-testid="team-progress">
                    <thead><tr>
                        <th>{i.t("credential.holder")}</th>
                        <th>{i.t("credential.org")}</th>
                        <th class="num">{i.t("report.lessons_done")}</th>
                        <th class="num">{i.t("report.courses_passed")}</th>
                        <th class="num">{i.t("report.certified_now")}</th>
                        <th>{i.t("report.next_expiry")}</th>
                    </tr></thead>
                    <tbody>{team.into_iter().map(|p| view! {
                        <tr data-testid="team-member">
                            <td>{p.name}<br /><span class="hint">{p.email}</span></td>
                            <td>{p.org_name}</td>
                            <td class="num">{p.lessons_done}</td>
                            <td class="num">{p.courses_passed}</td>
                            <td class="num">{p.certified}</td>
                            <td>{p.next_expiry.map(|t| format::date(i.locale(), t)).unwrap_or_else(|| "—".into())}</td>
                        </tr>
                    }).collect_view()}</tbody>
                </table></div>
            }.into_any()
        }}
    }
}

/// `/learning/reports`.
#[component]
pub fn LearningReportPage() -> impl IntoView {
    let i = use_i18n();
    let data = Resource::new(|| (), |_| get_learning_report());
    view! {
        <Title text=i.t("report.title") />
        <div class="page-head">
            <h1>{i.t("report.title")}</h1>
            <A href="/learning" attr:class="btn">{i.t("learning.back")}</A>
        </div>
        <p><a class="btn" href="/learning/credentials.csv" download="">{i.t("report.csv")}</a></p>
        <Suspense fallback=|| view! { <Skeleton lines=6 /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(r) => report_view(i, r).into_any(),
                    Err(e) => error_view(e),
                }
            })}
        </Suspense>
    }
}
