//! Pages of deal registration: the list, the registration form with the live (redacted)
//! conflict check, the deal page with its timeline, the review page for channel managers
//! and the rules of engagement.

use super::api::*;
use super::*;
use crate::domain::DealStatus;
use crate::error::AppError;
use crate::i18n::{I18n, format, use_i18n};
use crate::policy::Action;
use crate::shell::use_user;
use crate::ui::*;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::components::{A, Form};
use leptos_router::hooks::{use_params_map, use_query_map};

pub(super) fn status_badge(i: I18n, s: DealStatus) -> impl IntoView {
    let cls = format!("badge deal-{}", s.code());
    view! { <span class=cls>{i.t(&format!("deal_status.{}", s.code()))}</span> }
}

pub(super) fn money(i: I18n, minor: i64, currency: &str) -> String {
    if minor == 0 {
        "—".into()
    } else {
        format::money(i.locale(), minor, currency)
    }
}

pub(super) fn param_id() -> Option<i64> {
    use_params_map()
        .with_untracked(|p| p.get("id"))
        .and_then(|s| s.parse().ok())
}

#[component]
pub fn DealListPage() -> impl IntoView {
    let i = use_i18n();
    let query = use_query_map();
    let filter = move || {
        query.with(|m| DealFilter {
            q: m.get("q").unwrap_or_default(),
            status: m.get("status").unwrap_or_default(),
            mine: m.get("mine").is_some_and(|v| v == "1"),
            page: PageRequest::from_query(m),
        })
    };
    let f0 = filter();
    let only_mine = f0.mine.then(|| {
        let all = if f0.status.is_empty() {
            "/deals".to_string()
        } else {
            format!("/deals?status={}", f0.status)
        };
        view! { <p class="hint" data-testid="only-mine">{i.t("deals.only_mine")}" "<A href=all>{i.t("deals.show_all")}</A></p> }
    });
    let data = Resource::new(filter, list_deals);
    let user = use_user();
    view! {
        <Title text=i.t("deals.title") />
        <div class="page-head">
            <h1>{i.t("deals.title")}</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let u = user.await.ok().flatten();
                    let register = u.as_ref().is_some_and(|u| u.can(Action::RegisterDeals));
                    let decide = u.as_ref().is_some_and(|u| u.can(Action::DecideDeals));
                    view! {
                        {register.then(|| view! { <A href="/deals/new" attr:class="btn primary">{i.t("deals.register")}</A> })}
                        {decide.then(|| view! { <a href="/deals?status=queue" class="btn">{i.t("deals.queue")}</a> })}
                    }
                })}
            </Suspense>
        </div>
        <Form method="GET" action="" attr:class="filters" attr:role="search">
            <div class="field">
                <label for="deal-q">{i.t("deals.search")}</label>
                <input id="deal-q" type="search" name="q" value=f0.q.clone() />
            </div>
            <div class="field">
                <label for="deal-status">{i.t("field.status")}</label>
                <select id="deal-status" name="status">
                    <option value="">{i.t("filter.any")}</option>
                    <option value="queue" selected={f0.status == "queue"}>{i.t("deals.queue_statuses")}</option>
                    <option value="expiring" selected={f0.status == "expiring"}>{i.t("deals.expiring_statuses")}</option>
                    {DealStatus::ALL.iter().map(|s| {
                        let sel = f0.status == s.code();
                        view! { <option value=s.code() selected=sel>{i.t(&format!("deal_status.{}", s.code()))}</option> }
                    }).collect_view()}
                </select>
            </div>
            {f0.mine.then(|| view! { <input type="hidden" name="mine" value="1" /> })}
            <button type="submit" class="btn">{i.t("filter.apply")}</button>
        </Form>
        {only_mine}
        <Transition fallback=|| view! { <Skeleton lines=6 /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(page) if page.is_empty() && page.prev.is_none() => view! { <EmptyState title="deals.none" body="deals.none_hint" /> }.into_any(),
                    Ok(page) => deal_table(i, page).into_any(),
                    Err(e) => list_error_view(e),
                }
            })}
        </Transition>
    }
}

fn deal_table(i: I18n, page: Page<DealSummary>) -> impl IntoView {
    let vendor = page.rows.iter().any(|d| d.verdict.is_some());
    let count = page_count(&page, "deals.count", "deals.count_more");
    let mut columns: Vec<Column<DealSummary>> = vec![
        Column::html("field.company", |d: &DealSummary, h| {
            h.link(&format!("/deals/{}", d.id), &d.company);
        })
        .server_sort("company"),
    ];
    if vendor {
        columns.push(
            Column::html("deals.partner", |d: &DealSummary, h| {
                h.text(&d.org_name);
            })
            .server_sort("partner"),
        );
        columns.push(
            Column::html("deals.match", move |d: &DealSummary, h| {
                let v = d
                    .verdict
                    .map(|v| format!("{v:?}").to_lowercase())
                    .unwrap_or_default();
                h.span(&format!("badge verdict-{v}"), i.t(&format!("verdict.{v}")));
            })
            .server_sort("match"),
        );
    }
    columns.push(
        Column::html("field.status", move |d: &DealSummary, h| {
            let code = d.status.code();
            h.span(
                &format!("badge deal-{code}"),
                i.t(&format!("deal_status.{code}")),
            );
        })
        .server_sort("status"),
    );
    columns.push(
        Column::html("field.value", move |d: &DealSummary, h| {
            h.text(&money(i, d.value_minor, &d.currency));
        })
        .server_sort("value"),
    );
    columns.push(
        Column::html("field.expected_close", move |d: &DealSummary, h| {
            h.text(&format::iso_date(i.locale(), &d.expected_close));
        })
        .server_sort("close"),
    );
    columns.push(
        Column::html("deals.updated", move |d: &DealSummary, h| {
            h.text(&format::date(i.locale(), d.updated_at));
        })
        .server_sort("updated"),
    );
    // One search box: the form's, which searches on the server.
    let sorted = (page.sort.clone(), page.desc);
    view! {
        <p class="count" role="status">{count}</p>
        <DataTable rows=page.rows columns caption="deals.title" sorted />
        <Pager prev=page.prev next=page.next />
    }
}

#[component]
pub fn DealPage() -> impl IntoView {
    let i = use_i18n();
    let id = param_id().unwrap_or(0);
    let message = ServerAction::<PostDealMessage>::new();
    let close = ServerAction::<CloseDeal>::new();
    let correct = ServerAction::<CorrectDealOutcome>::new();
    // The outcome form's state outlives the refetch after an attempt, so a refused one
    // (a loss without a reason) keeps what was chosen and typed.
    let outcome = OutcomeState {
        choice: RwSignal::new(String::new()),
        reason: RwSignal::new(String::new()),
    };
    let submit = ServerAction::<SubmitDeal>::new();
    let extend = ServerAction::<RequestDealExtension>::new();
    // Like the outcome's, the extension form's text and openness outlive the refetch.
    let extension = ExtensionState {
        reason: RwSignal::new(String::new()),
        open: RwSignal::new(false),
    };
    Effect::new(move |_| {
        if let Some(Ok(())) = extend.value().get() {
            extension.reason.set(String::new());
            extension.open.set(false);
            toast(i.t("deals.extension_requested").to_string());
        }
    });
    let grant = ServerAction::<GrantDealExtension>::new();
    let deal = Resource::new(
        move || {
            (
                id,
                message.version().get(),
                close.version().get(),
                correct.version().get(),
                submit.version().get(),
                extend.version().get(),
                grant.version().get(),
            )
        },
        |(id, ..)| get_deal(id),
    );
    let user = use_user();
    view! {
        <Suspense fallback=|| view! { <Skeleton lines=10 /> }>
            {move || Suspend::new(async move {
                let vendor = user.await.ok().flatten().is_some_and(|u| u.vendor);
                match deal.await {
                    Ok(d) => {
                        let deal_id = d.summary.id;
                        view! {
                            <DealView d vendor message close correct outcome submit extend extension grant />
                            <crate::content::pages::ForThisDeal deal_id />
                        }
                        .into_any()
                    }
                    Err(e) => error_view(e),
                }
            })}
        </Suspense>
    }
}

/// What the extension form holds across the deal's refetch: the reason and whether it is open.
#[derive(Clone, Copy)]
struct ExtensionState {
    reason: RwSignal<String>,
    open: RwSignal<bool>,
}

/// The partner's request for more protection time, with its own reason field.
#[component]
fn ExtensionForm(
    id: i64,
    extend: ServerAction<RequestDealExtension>,
    state: ExtensionState,
) -> impl IntoView {
    let i = use_i18n();
    let reason = state.reason;
    let err = action_error(extend);
    view! {
        <details class="card" data-testid="extension-form" prop:open=move || state.open.get()>
            // The page owns the open state (the details are drawn again after each attempt).
            <summary on:click=move |ev| {
                ev.prevent_default();
                state.open.update(|o| *o = !*o);
            }>{i.t("deals.request_extension")}</summary>
            <form class="form" on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                extend.dispatch(RequestDealExtension { id, reason: reason.get_untracked() });
            }>
                <FormAlert error=err />
                <TextArea label="deals.extension_reason" name="reason" value=reason errors=field_errors(err, "reason") />
                <SubmitButton label="deals.request_extension" pending=extend.pending() />
            </form>
        </details>
    }
}

#[component]
fn DealView(
    d: DealDetail,
    vendor: bool,
    message: ServerAction<PostDealMessage>,
    close: ServerAction<CloseDeal>,
    correct: ServerAction<CorrectDealOutcome>,
    outcome: OutcomeState,
    submit: ServerAction<SubmitDeal>,
    extend: ServerAction<RequestDealExtension>,
    extension: ExtensionState,
    grant: ServerAction<GrantDealExtension>,
) -> impl IntoView {
    let i = use_i18n();
    let loc = i.locale();
    let id = d.summary.id;
    // A message posted without JavaScript that failed comes back with its text.
    let typed = returned_values::<PostDealMessage, serde_json::Value>()
        .and_then(|v| v["body"].as_str().map(str::to_string))
        .unwrap_or_default();
    let body = RwSignal::new(typed);
    let internal = RwSignal::new(false);
    let msg_err = form_error(message);
    let act_err = Signal::derive(move || {
        submit
            .value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| grant.value().get().and_then(|r| r.err()))
    });
    let can_extend = d.can_close && d.extensions_left > 0;
    let can_grant = vendor && d.summary.status == DealStatus::Approved && d.extensions_left > 0;
    Effect::new(move |_| {
        if let Some(Ok(())) = message.value().get() {
            body.set(String::new());
        }
    });
    let inp = d.input.clone();
    let contact = [
        inp.contact_name.clone(),
        inp.contact_email.clone(),
        inp.contact_phone.clone(),
    ]
    .into_iter()
    .filter(|s| !s.is_empty())
    .collect::<Vec<_>>()
    .join(" · ");
    let address = [
        inp.street.clone(),
        format!("{} {}", inp.postcode, inp.city).trim().to_string(),
        inp.region.clone(),
        crate::i18n::countries::country_name(i.locale(), &inp.country)
            .map(str::to_string)
            .unwrap_or_else(|| inp.country.clone()),
    ]
    .into_iter()
    .filter(|s| !s.is_empty())
    .collect::<Vec<_>>()
    .join(", ");
    view! {
        <Title text=d.summary.company.clone() />
        <div class="page-head">
            <h1>{d.summary.company.clone()}</h1>
            <div class="actions">
                {d.can_edit.then(|| view! {
                    <A href=format!("/deals/{id}/edit") attr:class="btn">{i.t("deals.edit")}</A>
                    <button class="btn primary" on:click=move |_| { submit.dispatch(SubmitDeal { id }); }>{i.t("deals.submit")}</button>
                })}
                {d.can_decide.then(|| view! { <A href=format!("/deals/{id}/review") attr:class="btn primary">{i.t("deals.review")}</A> })}
                {can_grant.then(|| view! {
                    <button class="btn" on:click=move |_| { grant.dispatch(GrantDealExtension { id }); }>{i.t("deals.grant_extension")}</button>
                })}
            </div>
        </div>
        <FormAlert error=act_err />
        {can_extend.then(|| view! { <ExtensionForm id extend state=extension /> })}
        {d.can_close.then(|| view! {
            <OutcomeForm summary="deals.report_outcome" current=None state=outcome
                pending=close.pending() err=action_error(close)
                on_confirm=Callback::new(move |(won, reason): (bool, String)| { close.dispatch(CloseDeal { id, won, reason }); }) />
        })}
        {d.can_correct.then(|| view! {
            <OutcomeForm summary="deals.correct_outcome" current=Some(d.summary.status == DealStatus::Won) state=outcome
                pending=correct.pending() err=action_error(correct)
                on_confirm=Callback::new(move |(won, reason): (bool, String)| { correct.dispatch(CorrectDealOutcome { id, won, reason }); }) />
        })}
        <dl class="facts">
            <dt>{i.t("field.status")}</dt><dd data-testid="deal-status">{status_badge(i, d.summary.status)}</dd>
            {vendor.then(|| view! { <dt>{i.t("deals.partner")}</dt><dd>{d.summary.org_name.clone()}</dd> })}
            <dt>{i.t("field.value")}</dt><dd>{money(i, d.summary.value_minor, &d.summary.currency)}</dd>
            <dt>{i.t("field.expected_close")}</dt><dd>{format::iso_date(loc, &d.summary.expected_close)}</dd>
            <dt>{i.t("field.stage")}</dt><dd>{i.t(&format!("stage.{}", d.summary.stage.code()))}</dd>
            <dt>{i.t("field.products")}</dt><dd>{inp.products.clone()}</dd>
            <dt>{i.t("field.domain")}</dt><dd>{inp.domain.clone()}</dd>
            <dt>{i.t("deals.contact")}</dt><dd>{contact}</dd>
            <dt>{i.t("deals.address")}</dt><dd>{address}</dd>
            <dt>{i.t("field.cosell")}</dt><dd>{i.t(if inp.cosell { "ui.yes" } else { "ui.no" })}</dd>
            {(!inp.notes.is_empty()).then(|| view! {
                <dt>{i.t("field.notes")}</dt><dd class="notes" data-testid="deal-notes">{inp.notes.clone()}</dd>
            })}
            {d.protected_until.map(|t| view! {
                <dt>{i.t("deals.protected_until")}</dt>
                <dd>{format::date(loc, t)}" "<span class="hint">{i.tf("deals.extensions", &[("used", &d.extensions.to_string()), ("left", &d.extensions_left.to_string())])}</span></dd>
            })}
            {(!d.decision_reason.is_empty()).then(|| view! { <dt>{i.t("deals.decision_reason")}</dt><dd>{d.decision_reason.clone()}</dd> })}
        </dl>
        <section aria-labelledby="timeline-h">
            <h2 id="timeline-h">{i.t("deals.timeline")}</h2>
            <ol class="timeline">
                {d.events.iter().map(|e| {
                    let what = event_label(i, &e.kind, e.to_status.map(|s| s.code()), e.internal);
                    let cls = if e.internal { "event internal" } else { "event" };
                    view! {
                        <li class=cls>
                            <p class="meta"><time>{format::date_time(loc, e.at)}</time>" · "{e.actor.clone()}</p>
                            <p class="what">{what}</p>
                            {(!e.body.is_empty()).then(|| view! { <p class="body">{e.body.clone()}</p> })}
                        </li>
                    }
                }).collect_view()}
            </ol>
            <form class="form" method="post" action=PostDealMessage::PATH on:submit=move |ev| {
                ev.prevent_default();
                message.dispatch(PostDealMessage { id, body: body.get_untracked(), internal: internal.get_untracked() });
            }>
                <FormAlert error=msg_err />
                <input type="hidden" name="id" value=id />
                <TextArea label="deals.message" name="body" value=body errors=field_errors(msg_err, "body") />
                {vendor.then(|| view! {
                    <label class="check"><input type="checkbox" name="internal" value="true" on:change=move |ev| internal.set(event_target_checked(&ev)) />{i.t("deals.internal_note")}</label>
                })}
                <SubmitButton label="deals.send" pending=message.pending() posts=true />
            </form>
        </section>
    }
}

/// Reporting an outcome, or correcting one: won or lost, the reason (required for a loss
/// and for any correction), then a deliberate confirmation. Nothing changes on one tap.
/// What the outcome form holds: the chosen outcome (`won`, `lost` or empty) and the reason.
#[derive(Clone, Copy)]
struct OutcomeState {
    choice: RwSignal<String>,
    reason: RwSignal<String>,
}

#[component]
fn OutcomeForm(
    summary: &'static str,
    /// The outcome on record when correcting (`Some(true)` for won).
    current: Option<bool>,
    state: OutcomeState,
    #[prop(into)] pending: Signal<bool>,
    err: Signal<Option<AppError>>,
    on_confirm: Callback<(bool, String)>,
) -> impl IntoView {
    let i = use_i18n();
    let OutcomeState { choice, reason } = state;
    if choice.get_untracked().is_empty()
        && let Some(won) = current
    {
        // Correcting means the other outcome.
        choice.set(if won { "lost" } else { "won" }.to_string());
    }
    let confirming = RwSignal::new(false);
    view! {
        <details class="panel outcome" open=err.get_untracked().is_some()>
            <summary>{i.t(summary)}</summary>
            <form class="form" on:submit=move |ev| {
                ev.prevent_default();
                let c = choice.get_untracked();
                if c.is_empty() {
                    return;
                }
                if !confirming.get_untracked() {
                    confirming.set(true);
                    return;
                }
                confirming.set(false);
                on_confirm.run((c == "won", reason.get_untracked()));
            }>
                <FormAlert error=err />
                <fieldset class="field">
                    <legend>{i.t("deals.outcome")}</legend>
                    {["won", "lost"].into_iter().map(|o| view! {
                        <label class="check">
                            <input type="radio" name="outcome" value=o prop:checked=move || choice.get() == o
                                on:change=move |_| { choice.set(o.to_string()); confirming.set(false); } />
                            {i.t(&format!("deal_status.{o}"))}
                        </label>
                    }).collect_view()}
                    <ul class="field-errors">{move || field_errors(err, "won").get().into_iter().map(|k| view! { <li>{i.t(&k)}</li> }).collect_view()}</ul>
                </fieldset>
                <TextArea label="deals.outcome_reason" name="outcome_reason" value=reason errors=field_errors(err, "reason") />
                {move || confirming.get().then(|| view! {
                    <p class="alert warning" role="status">{i.tf("deals.confirm_outcome_q", &[("outcome", i.t(&format!("deal_status.{}", choice.get())))])}</p>
                })}
                <button type="submit" class="btn primary" disabled=move || pending.get() || choice.get().is_empty()>
                    {move || i.t(if confirming.get() { "deals.confirm_outcome" } else { "deals.record_outcome" })}
                </button>
            </form>
        </details>
    }
}

/// What a timeline event was, in words: a status change, a message or an extension.
pub fn event_label(i: I18n, kind: &str, to_status: Option<&str>, internal: bool) -> String {
    match (kind, to_status) {
        ("extension_requested", _) => i.t("deals.event_extension_requested").to_string(),
        ("extension_granted", _) => i.t("deals.event_extension_granted").to_string(),
        ("message", _) | (_, None) => i
            .t(if internal {
                "deals.event_note"
            } else {
                "deals.event_message"
            })
            .to_string(),
        (_, Some(to)) => i.tf(
            "deals.event_status",
            &[("status", i.t(&format!("deal_status.{to}")))],
        ),
    }
}
