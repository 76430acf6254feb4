//! The home page's cards, by role. Every count links to the list it summarises.

use super::api::home_dashboard;
use super::{
    Activity, Dashboard, DealsGlance, DealsScope, ProgrammeGlance, QueueGlance, TeamGlance,
};
use crate::auth::CurrentUser;
use crate::i18n::{I18n, format, use_i18n};
use crate::policy::Action;
use crate::shell::use_user;
use crate::tasks::pages::MyTasksCard;
use crate::ui::{ErrorPage, Skeleton, error_view, link_bars};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn HomePage() -> impl IntoView {
    let i = use_i18n();
    let user = use_user();
    let data = Resource::new(|| (), |_| home_dashboard());
    view! {
        <Title text=i.t("home.title") />
        <Suspense fallback=|| view! { <Skeleton lines=6 /> }>
            {move || Suspend::new(async move {
                match (user.await, data.await) {
                    (Ok(Some(u)), Ok(d)) => home(i, u, d).into_any(),
                    (Ok(Some(_)), Err(e)) => error_view(e),
                    _ => view! { <ErrorPage code=401 /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn home(i: I18n, u: CurrentUser, d: Dashboard) -> impl IntoView {
    let hello = i.tf("home.hello", &[("name", &u.name)]);
    let org_href = if u.vendor {
        format!("/partners/{}", u.org_slug)
    } else {
        "/org".to_string()
    };
    let mine = d
        .deals
        .as_ref()
        .is_some_and(|g| g.scope == DealsScope::Mine);
    view! {
        <div class="home-head">
            <div>
                <h1>{hello}</h1>
                <p class="lead">{u.org_name.clone()}</p>
            </div>
            {d.can_register.then(|| view! {
                <a class="btn primary big" href="/deals/new" data-testid="register-deal">{i.t("home.register_deal")}</a>
            })}
        </div>
        <div class="dash">
            <MyTasksCard tasks=d.tasks />
            {d.queue.map(|q| queue_card(i, q))}
            {d.deals.map(|g| deals_card(i, g))}
            {d.team.map(|t| team_card(i, t))}
            {d.programme.map(|p| programme_card(i, p))}
            {(!d.activity.is_empty()).then(|| activity_card(i, d.activity))}
        </div>
        <nav class="cards" aria-label=i.t("home.shortcuts")>
            {u.can(Action::ViewAllPartners).then(|| view! {
                <a class="card" href="/partners">
                    <h2>{i.t("nav.partners")}</h2>
                    <p>{i.t("home.partners_card")}</p>
                </a>
            })}
            <a class="card" href=org_href>
                <h2>{if u.vendor { i.t("nav.vendor_team") } else { i.t("nav.my_org") }}</h2>
                <p>{i.t("home.org_card")}</p>
            </a>
            {d.can_market.then(|| view! {
                <a class="card" href="/campaigns">
                    <h2>{i.t("nav.campaigns")}</h2>
                    <p>{i.t("home.campaigns_card")}</p>
                </a>
            })}
            {(!mine).then(|| view! {
                <a class="card" href="/content">
                    <h2>{i.t("nav.content")}</h2>
                    <p>{i.t("home.content_card")}</p>
                </a>
            })}
            {u.can(Action::Administer).then(|| view! {
                <a class="card" href="/admin/audit">
                    <h2>{i.t("nav.audit")}</h2>
                    <p>{i.t("home.audit_card")}</p>
                </a>
            })}
        </nav>
    }
}

fn deals_card(i: I18n, g: DealsGlance) -> impl IntoView {
    let (title, extra) = match g.scope {
        DealsScope::Mine => ("home.my_deals", "&mine=1"),
        DealsScope::Org => ("home.org_deals", ""),
        DealsScope::Managed => ("home.managed_deals", ""),
        DealsScope::All => ("home.all_deals", ""),
    };
    let rows: Vec<(String, i64, String)> = g
        .by_status
        .iter()
        .map(|s| {
            (
                i.t(&format!("deal_status.{}", s.status.code())).to_string(),
                s.count,
                format!("/deals?status={}{extra}", s.status.code()),
            )
        })
        .collect();
    let empty = rows.is_empty();
    let value = g
        .open_value
        .iter()
        .map(|m| format::money(i.locale(), m.minor, &m.currency))
        .collect::<Vec<_>>()
        .join(" · ");
    let expiring_href = format!("/deals?status=expiring{extra}");
    view! {
        <section class="card" aria-labelledby="deals-h" data-testid="home-deals">
            <h2 id="deals-h">{i.t(title)}</h2>
            {if empty {
                view! { <p class="hint">{i.t("home.no_deals")}</p> }.into_any()
            } else {
                link_bars(rows, "deals-by-status").into_any()
            }}
            {(!value.is_empty()).then(|| view! {
                <p class="stat"><span class="hint">{i.t("home.open_value")}</span>" "<strong>{value}</strong></p>
            })}
            {(g.expiring_total > 0).then(|| view! {
                <div data-testid="home-expiring">
                    <h3><a href=expiring_href>{i.tf("home.expiring", &[("n", &g.expiring_total.to_string()), ("days", &super::EXPIRING_DAYS.to_string())])}</a></h3>
                    <ul class="plain">
                        {g.expiring.into_iter().map(|e| view! {
                            <li>
                                <a href=format!("/deals/{}", e.id)>{e.company}</a>
                                " · "<span class="hint">{i.tf("home.protected_until", &[("date", &format::date(i.locale(), e.protected_until))])}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                </div>
            })}
        </section>
    }
}

fn queue_card(i: I18n, q: QueueGlance) -> impl IntoView {
    let rows = vec![
        (
            i.t("deal_status.submitted").to_string(),
            q.submitted,
            "/deals?status=submitted".to_string(),
        ),
        (
            i.t("deal_status.under_review").to_string(),
            q.under_review,
            "/deals?status=under_review".to_string(),
        ),
        (
            i.t("deal_status.info_requested").to_string(),
            q.info_requested,
            "/deals?status=info_requested".to_string(),
        ),
    ];
    let waiting = q.submitted + q.under_review;
    let oldest = q
        .oldest_wait_days
        .map(|days| i.tf("home.oldest_days", &[("n", &days.to_string())]));
    view! {
        <section class="card" aria-labelledby="queue-h" data-testid="home-queue">
            <h2 id="queue-h">{i.t("home.queue")}</h2>
            <p class="stat"><strong data-testid="queue-count">{waiting}</strong>" "{i.t("home.waiting")}</p>
            {link_bars(rows, "queue-by-status")}
            {oldest.map(|o| view! { <p class="hint">{o}</p> })}
            {(q.overdue > 0).then(|| view! {
                <p class="alert warning" data-testid="decisions-due">
                    {i.tf("home.decisions_due", &[("n", &q.overdue.to_string()), ("days", &super::DECISION_DUE_DAYS.to_string())])}
                </p>
            })}
            <a class="btn" href="/deals?status=queue">{i.t("home.open_queue")}</a>
        </section>
    }
}

fn team_card(i: I18n, t: TeamGlance) -> impl IntoView {
    let tier = t
        .tier
        .map(|t| i.t(&format!("tier.{}", t.code())).to_string())
        .unwrap_or_else(|| i.t("home.no_tier").to_string());
    view! {
        <section class="card" aria-labelledby="team-h" data-testid="home-team">
            <h2 id="team-h">{i.t("home.team")}</h2>
            <ul class="plain">
                <li><a href="/org">{i.tf("home.team_active", &[("n", &t.active.to_string())])}</a></li>
                <li data-testid="home-invited"><a href="/org">{i.tf("home.team_invited", &[("n", &t.invited.to_string())])}</a></li>
            </ul>
            <h3>{i.tf("home.tier", &[("tier", &tier)])}</h3>
            <p class="hint">{i.t("home.tier_requirements")}</p>
        </section>
    }
}

fn programme_card(i: I18n, p: ProgrammeGlance) -> impl IntoView {
    let rows: Vec<(String, i64, String)> = p
        .partners_by_tier
        .iter()
        .map(|(t, n)| match t {
            Some(t) => (
                i.t(&format!("tier.{}", t.code())).to_string(),
                *n,
                format!("/partners?tier={}", t.code()),
            ),
            None => (i.t("home.no_tier").to_string(), *n, "/partners".to_string()),
        })
        .collect();
    view! {
        <section class="card" aria-labelledby="prog-h" data-testid="home-programme">
            <h2 id="prog-h">{i.t("home.programme")}</h2>
            <p class="stat"><a href="/partners"><strong>{p.partners_total}</strong>" "{i.t("home.active_partners")}</a></p>
            {link_bars(rows, "partners-by-tier")}
            <ul class="plain">
                <li><a href="/learning/reports">{i.tf("home.valid_credentials", &[("n", &p.valid_credentials.to_string())])}</a></li>
                <li><a href="/campaigns">{i.tf("home.launches_30d", &[("n", &p.launches_30d.to_string()), ("leads", &p.leads_30d.to_string())])}</a></li>
            </ul>
        </section>
    }
}

fn activity_card(i: I18n, list: Vec<Activity>) -> impl IntoView {
    view! {
        <section class="card wide" aria-labelledby="act-h" data-testid="home-activity">
            <h2 id="act-h">{i.t("home.activity")}</h2>
            <ul class="plain activity">
                {list.into_iter().map(|a| {
                    let what = crate::deals::pages::event_label(i, &a.kind, a.to_status.map(|s| s.code()), false);
                    view! {
                        <li>
                            <a href=format!("/deals/{}", a.deal_id)>{a.company}</a>
                            " · "{a.partner}" · "{what}
                            <span class="hint">" · "{a.actor}", "{format::date_time(i.locale(), a.at)}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}
