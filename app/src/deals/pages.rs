//! Pages of deal registration: the list, the registration form with the live (redacted)
//! conflict check, the deal page with its timeline, the review page for channel managers
//! and the rules of engagement.

use super::api::*;
use super::*;
use crate::domain::{Action, Currency, DealStage, DealStatus};
use crate::error::AppError;
use crate::i18n::{I18n, format, use_i18n};
use crate::shell::use_user;
use crate::ui::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{A, Form};
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

fn status_badge(i: I18n, s: DealStatus) -> impl IntoView {
    let cls = format!("badge deal-{}", s.code());
    view! { <span class=cls>{i.t(&format!("deal_status.{}", s.code()))}</span> }
}

fn money(i: I18n, minor: i64, currency: &str) -> String {
    if minor == 0 {
        "—".into()
    } else {
        format::money(i.locale(), minor, currency)
    }
}

fn param_id() -> Option<i64> {
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
        })
    };
    let f0 = filter();
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
                    {DealStatus::ALL.iter().map(|s| {
                        let sel = f0.status == s.code();
                        view! { <option value=s.code() selected=sel>{i.t(&format!("deal_status.{}", s.code()))}</option> }
                    }).collect_view()}
                </select>
            </div>
            <button type="submit" class="btn">{i.t("filter.apply")}</button>
        </Form>
        <Transition fallback=|| view! { <Skeleton lines=6 /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(list) if list.is_empty() => view! { <EmptyState title="deals.none" body="deals.none_hint" /> }.into_any(),
                    Ok(list) => deal_table(i, list).into_any(),
                    Err(e) => error_view(e),
                }
            })}
        </Transition>
    }
}

fn deal_table(i: I18n, list: Vec<DealSummary>) -> impl IntoView {
    let vendor = list.iter().any(|d| d.verdict.is_some());
    let mut columns: Vec<Column<DealSummary>> = vec![
        Column::new("field.company", |d: &DealSummary| {
            let href = format!("/deals/{}", d.id);
            let name = d.company.clone();
            view! { <A href=href>{name}</A> }.into_any()
        })
        .sort_by(|d| SortKey::Text(d.company.to_lowercase())),
    ];
    if vendor {
        columns.push(
            Column::new("deals.partner", |d: &DealSummary| {
                d.org_name.clone().into_any()
            })
            .sort_by(|d| SortKey::Text(d.org_name.clone())),
        );
        columns.push(
            Column::new("deals.match", move |d: &DealSummary| {
                let v = d
                    .verdict
                    .map(|v| format!("{v:?}").to_lowercase())
                    .unwrap_or_default();
                let cls = format!("badge verdict-{v}");
                view! { <span class=cls>{i.t(&format!("verdict.{v}"))}</span> }.into_any()
            })
            .sort_by(|d| SortKey::Num(d.verdict.map(|v| v as i64).unwrap_or(-1))),
        );
    }
    columns.push(
        Column::new("field.status", move |d: &DealSummary| {
            status_badge(i, d.status).into_any()
        })
        .sort_by(|d| SortKey::Num(d.status as i64)),
    );
    columns.push(
        Column::new("field.value", move |d: &DealSummary| {
            money(i, d.value_minor, &d.currency).into_any()
        })
        .sort_by(|d| SortKey::Num(d.value_minor)),
    );
    columns.push(
        Column::new("field.expected_close", |d: &DealSummary| {
            d.expected_close.clone().into_any()
        })
        .sort_by(|d| SortKey::Text(d.expected_close.clone())),
    );
    columns.push(
        Column::new("deals.updated", move |d: &DealSummary| {
            format::date(i.locale(), d.updated_at).into_any()
        })
        .sort_by(|d| SortKey::Num(d.updated_at)),
    );
    let filter_text: FilterText<DealSummary> =
        std::sync::Arc::new(|d: &DealSummary| format!("{} {}", d.company, d.org_name));
    view! { <DataTable rows=list columns caption="deals.title" filter_text /> }
}

/// The registration form's state.
#[derive(Clone, Copy)]
struct DealFields {
    s: [RwSignal<String>; 16],
    cosell: RwSignal<bool>,
}

const FIELD_NAMES: [&str; 16] = [
    "company",
    "domain",
    "street",
    "city",
    "region",
    "postcode",
    "country",
    "contact_name",
    "contact_email",
    "contact_phone",
    "products",
    "value",
    "currency",
    "expected_close",
    "stage",
    "notes",
];

impl DealFields {
    fn new(v: &DealInput) -> Self {
        let vals = [
            &v.company,
            &v.domain,
            &v.street,
            &v.city,
            &v.region,
            &v.postcode,
            &v.country,
            &v.contact_name,
            &v.contact_email,
            &v.contact_phone,
            &v.products,
            &v.value,
            &v.currency,
            &v.expected_close,
            &v.stage,
            &v.notes,
        ];
        DealFields {
            s: vals.map(|x| RwSignal::new(x.clone())),
            cosell: RwSignal::new(v.cosell),
        }
    }

    fn get(&self, name: &str) -> RwSignal<String> {
        let idx = FIELD_NAMES.iter().position(|n| *n == name).unwrap_or(0);
        self.s[idx]
    }

    fn input(&self, tracked: bool) -> DealInput {
        let g = |i: usize| {
            if tracked {
                self.s[i].get()
            } else {
                self.s[i].get_untracked()
            }
        };
        DealInput {
            company: g(0),
            domain: g(1),
            street: g(2),
            city: g(3),
            region: g(4),
            postcode: g(5),
            country: g(6),
            contact_name: g(7),
            contact_email: g(8),
            contact_phone: g(9),
            products: g(10),
            value: g(11),
            currency: g(12),
            expected_close: g(13),
            stage: g(14),
            notes: g(15),
            cosell: if tracked {
                self.cosell.get()
            } else {
                self.cosell.get_untracked()
            },
        }
    }
}

#[component]
pub fn DealNewPage() -> impl IntoView {
    let i = use_i18n();
    let blank = DealInput {
        currency: "USD".into(),
        stage: "qualify".into(),
        ..Default::default()
    };
    view! {
        <Title text=i.t("deals.register") />
        <h1>{i.t("deals.register")}</h1>
        <DealForm initial=blank id=None />
    }
}

#[component]
pub fn DealEditPage() -> impl IntoView {
    let i = use_i18n();
    let id = param_id().unwrap_or(0);
    let deal = Resource::new(move || id, get_deal);
    view! {
        <Title text=i.t("deals.edit") />
        <h1>{i.t("deals.edit")}</h1>
        <Suspense fallback=|| view! { <Skeleton lines=8 /> }>
            {move || Suspend::new(async move {
                match deal.await {
                    Ok(d) if d.can_edit => view! { <DealForm initial=d.input id=Some(d.summary.id) /> }.into_any(),
                    Ok(_) => view! { <ErrorPage code=403 /> }.into_any(),
                    Err(e) => error_view(e),
                }
            })}
        </Suspense>
    }
}

#[component]
fn DealForm(initial: DealInput, id: Option<i64>) -> impl IntoView {
    let i = use_i18n();
    let f = DealFields::new(&initial);
    let deal_id = RwSignal::new(id);
    let error = RwSignal::new(None::<AppError>);
    let pending = RwSignal::new(false);
    let verdict = RwSignal::new(None::<RedactedVerdict>);
    let generation = StoredValue::new(0u64);
    let navigate = use_navigate();
    // The live check: 400 ms after the customer fields stop changing.
    Effect::new(move |_| {
        let input = f.input(true);
        let round = generation.get_value() + 1;
        generation.set_value(round);
        if input.company.trim().chars().count() < 2 {
            verdict.set(None);
            return;
        }
        set_timeout(
            move || {
                if generation.get_value() != round {
                    return;
                }
                leptos::task::spawn_local(async move {
                    if let Ok(v) = check_deal(input, deal_id.get_untracked()).await
                        && generation.get_value() == round
                    {
                        verdict.set(Some(v));
                    }
                });
            },
            std::time::Duration::from_millis(400),
        );
    });
    let save = move |submit: bool| {
        let input = f.input(false);
        let navigate = navigate.clone();
        pending.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let saved = save_deal_draft(deal_id.get_untracked(), input).await;
            let result = match saved {
                Ok(id) => {
                    deal_id.set(Some(id));
                    if submit {
                        submit_deal(id).await.map(|_| id)
                    } else {
                        Ok(id)
                    }
                }
                Err(e) => Err(e),
            };
            pending.set(false);
            match result {
                Ok(id) if submit => {
                    toast(i.t("deals.submitted").to_string());
                    navigate(&format!("/deals/{id}"), Default::default());
                }
                Ok(_) => toast(i.t("deals.draft_saved").to_string()),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let save_draft = save.clone();
    let err = Signal::derive(move || error.get());
    let fe = move |name: &'static str| field_errors(err, name);
    let currencies: Vec<(String, String)> = Currency::ALL
        .iter()
        .map(|c| (c.code().to_string(), c.code().to_string()))
        .collect();
    let stages: Vec<(String, String)> = DealStage::ALL
        .iter()
        .map(|s| {
            (
                s.code().to_string(),
                i.t(&format!("stage.{}", s.code())).to_string(),
            )
        })
        .collect();
    let ready = RwSignal::new(false);
    Effect::new(move |_| ready.set(true));
    view! {
        <form class="form wide" novalidate on:submit=move |ev| { ev.prevent_default(); save(true); }>
            <FormAlert error=err />
            <fieldset class="group">
                <legend>{i.t("deals.customer")}</legend>
                <TextField label="field.company" name="company" value=f.get("company") required=true errors=fe("company") />
                <div class="check-result" role="status" aria-live="polite">
                    {move || match verdict.get() {
                        Some(RedactedVerdict::MayBeRegistered) => view! { <div class="alert warning" data-testid="conflict-warning">{i.t("deals.may_be_registered")}</div> }.into_any(),
                        Some(RedactedVerdict::Clear) => view! { <p class="hint ok">{i.t("deals.looks_clear")}</p> }.into_any(),
                        None => ().into_any(),
                    }}
                </div>
                <div class="field-row">
                    <TextField label="field.domain" name="domain" value=f.get("domain") hint="field.domain_hint" errors=fe("domain") />
                    <TextField label="field.country" name="country" value=f.get("country") required=true hint="field.country_hint" autocomplete="country" errors=fe("country") />
                </div>
                <TextField label="field.street" name="street" value=f.get("street") autocomplete="street-address" errors=fe("street") />
                <div class="field-row">
                    <TextField label="field.postcode" name="postcode" value=f.get("postcode") autocomplete="postal-code" errors=fe("postcode") />
                    <TextField label="field.city" name="city" value=f.get("city") errors=fe("city") />
                    <TextField label="field.region_state" name="region" value=f.get("region") errors=fe("region") />
                </div>
            </fieldset>
            <fieldset class="group">
                <legend>{i.t("deals.contact")}</legend>
                <TextField label="field.contact_name" name="contact_name" value=f.get("contact_name") required=true errors=fe("contact_name") />
                <div class="field-row">
                    <TextField label="field.contact_email" name="contact_email" value=f.get("contact_email") input_type="email" errors=fe("contact_email") />
                    <TextField label="field.contact_phone" name="contact_phone" value=f.get("contact_phone") input_type="tel" errors=fe("contact_phone") />
                </div>
            </fieldset>
            <fieldset class="group">
                <legend>{i.t("deals.opportunity")}</legend>
                <TextField label="field.products" name="products" value=f.get("products") required=true errors=fe("products") />
                <div class="field-row">
                    <TextField label="field.value" name="value" value=f.get("value") required=true hint="field.value_hint" errors=fe("value") />
                    <SelectField label="field.currency" name="currency" value=f.get("currency") options=currencies errors=fe("currency") />
                </div>
                <div class="field-row">
                    <TextField label="field.expected_close" name="expected_close" value=f.get("expected_close") input_type="date" required=true errors=fe("expected_close") />
                    <SelectField label="field.stage" name="stage" value=f.get("stage") options=stages errors=fe("stage") />
                </div>
                <label class="check">
                    <input type="checkbox" name="cosell" prop:checked=move || f.cosell.get() on:change=move |ev| f.cosell.set(event_target_checked(&ev)) />
                    {i.t("field.cosell")}
                </label>
                <TextArea label="field.notes" name="notes" value=f.get("notes") errors=fe("notes") />
            </fieldset>
            <div class="actions">
                <button type="submit" class="btn primary" disabled=move || pending.get() || !ready.get()>
                    {move || if pending.get() { i.t("ui.working") } else { i.t("deals.submit") }}
                </button>
                <button type="button" class="btn" disabled=move || pending.get() || !ready.get() on:click=move |_| save_draft(false)>
                    {i.t("deals.save_draft")}
                </button>
            </div>
        </form>
    }
}

#[component]
pub fn DealPage() -> impl IntoView {
    let id = param_id().unwrap_or(0);
    let message = ServerAction::<PostDealMessage>::new();
    let close = ServerAction::<CloseDeal>::new();
    let submit = ServerAction::<SubmitDeal>::new();
    let extend = ServerAction::<RequestDealExtension>::new();
    let grant = ServerAction::<GrantDealExtension>::new();
    let deal = Resource::new(
        move || {
            (
                id,
                message.version().get(),
                close.version().get(),
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
                            <DealView d vendor message close submit extend grant />
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

#[component]
fn DealView(
    d: DealDetail,
    vendor: bool,
    message: ServerAction<PostDealMessage>,
    close: ServerAction<CloseDeal>,
    submit: ServerAction<SubmitDeal>,
    extend: ServerAction<RequestDealExtension>,
    grant: ServerAction<GrantDealExtension>,
) -> impl IntoView {
    let i = use_i18n();
    let loc = i.locale();
    let id = d.summary.id;
    let body = RwSignal::new(String::new());
    let internal = RwSignal::new(false);
    let msg_err = action_error(message);
    let act_err = Signal::derive(move || {
        close
            .value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| submit.value().get().and_then(|r| r.err()))
            .or_else(|| extend.value().get().and_then(|r| r.err()))
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
        inp.country.clone(),
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
                {d.can_close.then(|| view! {
                    <button class="btn" on:click=move |_| { close.dispatch(CloseDeal { id, won: true }); }>{i.t("deals.mark_won")}</button>
                    <button class="btn" on:click=move |_| { close.dispatch(CloseDeal { id, won: false }); }>{i.t("deals.mark_lost")}</button>
                })}
                {can_extend.then(|| view! {
                    <button class="btn" on:click=move |_| {
                        extend.dispatch(RequestDealExtension { id, reason: body.get_untracked() });
                    }>{i.t("deals.request_extension")}</button>
                })}
                {can_grant.then(|| view! {
                    <button class="btn" on:click=move |_| { grant.dispatch(GrantDealExtension { id }); }>{i.t("deals.grant_extension")}</button>
                })}
            </div>
        </div>
        <FormAlert error=act_err />
        <dl class="facts">
            <dt>{i.t("field.status")}</dt><dd data-testid="deal-status">{status_badge(i, d.summary.status)}</dd>
            {vendor.then(|| view! { <dt>{i.t("deals.partner")}</dt><dd>{d.summary.org_name.clone()}</dd> })}
            <dt>{i.t("field.value")}</dt><dd>{money(i, d.summary.value_minor, &d.summary.currency)}</dd>
            <dt>{i.t("field.expected_close")}</dt><dd>{d.summary.expected_close.clone()}</dd>
            <dt>{i.t("field.stage")}</dt><dd>{i.t(&format!("stage.{}", d.summary.stage.code()))}</dd>
            <dt>{i.t("field.products")}</dt><dd>{inp.products.clone()}</dd>
            <dt>{i.t("deals.contact")}</dt><dd>{contact}</dd>
            <dt>{i.t("deals.address")}</dt><dd>{address}</dd>
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
            <form class="form" on:submit=move |ev| {
                ev.prevent_default();
                message.dispatch(PostDealMessage { id, body: body.get_untracked(), internal: internal.get_untracked() });
            }>
                <FormAlert error=msg_err />
                <TextArea label="deals.message" name="body" value=body errors=field_errors(msg_err, "body") />
                {vendor.then(|| view! {
                    <label class="check"><input type="checkbox" on:change=move |ev| internal.set(event_target_checked(&ev)) />{i.t("deals.internal_note")}</label>
                })}
                <SubmitButton label="deals.send" pending=message.pending() />
            </form>
        </section>
    }
}

#[component]
pub fn DealReviewPage() -> impl IntoView {
    let i = use_i18n();
    let id = param_id().unwrap_or(0);
    let review = Resource::new(move || id, get_deal_review);
    view! {
        <Title text=i.t("deals.review") />
        <Suspense fallback=|| view! { <Skeleton lines=10 /> }>
            {move || Suspend::new(async move {
                match review.await {
                    Ok(r) => view! { <ReviewView r /> }.into_any(),
                    Err(e) => error_view(e),
                }
            })}
        </Suspense>
    }
}

/// A recommendation's reason in the reader's language, money formatted for their locale.
fn reason_text(i: I18n, r: &RecReason) -> String {
    let (key, mut args) = r.text();
    if let RecReason::BelowMinimum { minor, currency } = r {
        args.push(("amount", format::money(i.locale(), *minor, currency)));
    }
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    i.tf(key, &args)
}

#[component]
fn ReviewView(r: ReviewView) -> impl IntoView {
    let i = use_i18n();
    let id = r.deal.summary.id;
    let decision = RwSignal::new(match r.recommendation.action {
        RecAction::Reject => "reject".to_string(),
        RecAction::Approve | RecAction::ApproveCosell => "approve".to_string(),
        RecAction::Review => String::new(),
    });
    let reason = RwSignal::new(String::new());
    let action = ServerAction::<DecideDeal>::new();
    let err = action_error(action);
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            toast(i.t("deals.decided").to_string());
            navigate(&format!("/deals/{id}"), Default::default());
        }
    });
    let inp = r.deal.input.clone();
    let verdict = format!("{:?}", r.verdict).to_lowercase();
    let verdict_cls = format!("badge verdict-{verdict}");
    view! {
        <div class="page-head">
            <h1>{i.tf("deals.review_of", &[("company", &r.deal.summary.company)])}</h1>
            <span class=verdict_cls>{i.t(&format!("verdict.{verdict}"))}</span>
        </div>
        <div class="review-grid">
            <section class="panel" aria-labelledby="reg-h">
                <h2 id="reg-h">{i.tf("deals.registration_by", &[("org", &r.deal.summary.org_name)])}</h2>
                <dl class="facts">
                    <dt>{i.t("field.company")}</dt><dd>{inp.company.clone()}</dd>
                    <dt>{i.t("field.domain")}</dt><dd>{inp.domain.clone()}</dd>
                    <dt>{i.t("deals.address")}</dt><dd>{format!("{} {} {} {}", inp.street, inp.postcode, inp.city, inp.country)}</dd>
                    <dt>{i.t("deals.contact")}</dt><dd>{format!("{} {} {}", inp.contact_name, inp.contact_email, inp.contact_phone)}</dd>
                    <dt>{i.t("field.value")}</dt><dd>{money(i, r.deal.summary.value_minor, &r.deal.summary.currency)}</dd>
                    <dt>{i.t("field.cosell")}</dt><dd>{i.t(if inp.cosell { "ui.yes" } else { "ui.no" })}</dd>
                </dl>
            </section>
            <section class="panel" aria-labelledby="matches-h">
                <h2 id="matches-h">{i.t("deals.matches")}</h2>
                {if r.matches.is_empty() {
                    view! { <EmptyState title="deals.no_matches" /> }.into_any()
                } else {
                    view! {
                        <ul class="matches">
                            {r.matches.iter().map(|m| {
                                let pct = format!("{:.0}%", m.score * 100.0);
                                let kind = i.t(&format!("match_kind.{}", m.kind));
                                let ext = m.external_id.clone().map(|e| format!(" · {e}")).unwrap_or_default();
                                view! {
                                    <li class="match" data-testid="match">
                                        <p class="meta"><span class="badge">{kind}</span>{ext}" · "<strong>{pct}</strong></p>
                                        <p class="label">{m.label.clone()}</p>
                                        <p class="hint">{m.detail.clone()}</p>
                                        <ul class="reasons">
                                            {m.reasons.iter().map(|x| {
                                                let cls = if x.weight < 0.0 { "against" } else { "for" };
                                                view! { <li class=cls>{x.detail.clone()}</li> }
                                            }).collect_view()}
                                        </ul>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
        </div>
        <section class="panel recommendation" aria-labelledby="rec-h">
            <h2 id="rec-h">{i.tf("deals.recommendation", &[("action", i.t(&format!("rec.{}", r.recommendation.action.code())))])}</h2>
            <ul>{r.recommendation.reasons.iter().map(|x| view! { <li>{reason_text(i, x)}</li> }).collect_view()}</ul>
            <p class="hint">{i.tf("deals.rules_version", &[("version", &r.recommendation.roe_version.to_string())])}</p>
        </section>
        {r.deal.can_decide.then(|| view! {
            <form class="form" on:submit=move |ev| {
                ev.prevent_default();
                action.dispatch(DecideDeal { input: DecisionInput { deal_id: id, decision: decision.get_untracked(), reason: reason.get_untracked() } });
            }>
                <FormAlert error=err />
                <fieldset class="field">
                    <legend>{i.t("deals.decision")}</legend>
                    {["approve", "reject", "request_info"].into_iter().map(|d| view! {
                        <label class="check">
                            <input type="radio" name="decision" value=d prop:checked=move || decision.get() == d on:change=move |_| decision.set(d.to_string()) />
                            {i.t(&format!("decision.{d}"))}
                        </label>
                    }).collect_view()}
                    <ul class="field-errors">{move || field_errors(err, "decision").get().into_iter().map(|k| view! { <li>{i.t(&k)}</li> }).collect_view()}</ul>
                </fieldset>
                <TextArea label="deals.reason" name="reason" value=reason errors=field_errors(err, "reason") />
                <SubmitButton label="deals.record_decision" pending=action.pending() />
            </form>
        })}
    }
}

#[component]
pub fn RulesPage() -> impl IntoView {
    let i = use_i18n();
    let rules = Resource::new(|| (), |_| get_rules());
    view! {
        <Title text=i.t("rules.title") />
        <h1>{i.t("rules.title")}</h1>
        <Suspense fallback=|| view! { <Skeleton lines=8 /> }>
            {move || Suspend::new(async move {
                match rules.await {
                    Ok(r) => view! { <RulesForm r /> }.into_any(),
                    Err(e) => error_view(e),
                }
            })}
        </Suspense>
    }
}

#[component]
fn RulesForm(r: Rules) -> impl IntoView {
    let i = use_i18n();
    let text = |v: i64| RwSignal::new(v.to_string());
    let (protection, extension, max_ext) = (
        text(r.protection_days),
        text(r.extension_days),
        text(r.max_extensions),
    );
    let min_deal = RwSignal::new(if r.min_deal_minor == 0 {
        String::new()
    } else {
        format!("{}", r.min_deal_minor / 100)
    });
    let currency = RwSignal::new(r.min_deal_currency.clone());
    let flags = [
        r.first_to_register,
        r.named_accounts_direct_only,
        r.cosell_allowed,
        r.auto_expire,
    ]
    .map(RwSignal::new);
    let action = ServerAction::<SetRules>::new();
    let err = action_error(action);
    let version = RwSignal::new((r.version, r.created_at));
    Effect::new(move |_| {
        if let Some(Ok(nr)) = action.value().get() {
            version.set((nr.version, nr.created_at));
            toast(i.t("rules.saved").to_string());
        }
    });
    let currencies: Vec<(String, String)> = Currency::ALL
        .iter()
        .map(|c| (c.code().to_string(), c.code().to_string()))
        .collect();
    let flag_keys = [
        "rules.first_to_register",
        "rules.named_direct",
        "rules.cosell",
        "rules.auto_expire",
    ];
    view! {
        <p class="lead">{move || i.tf("rules.version", &[("version", &version.get().0.to_string()), ("date", &format::date(i.locale(), version.get().1))])}</p>
        <form class="form" novalidate on:submit=move |ev| {
            ev.prevent_default();
            action.dispatch(SetRules { input: RulesInput {
                protection_days: protection.get_untracked(),
                extension_days: extension.get_untracked(),
                max_extensions: max_ext.get_untracked(),
                first_to_register: flags[0].get_untracked(),
                named_accounts_direct_only: flags[1].get_untracked(),
                cosell_allowed: flags[2].get_untracked(),
                min_deal: min_deal.get_untracked(),
                min_deal_currency: currency.get_untracked(),
                auto_expire: flags[3].get_untracked(),
            } });
        }>
            <FormAlert error=err />
            <div class="field-row">
                <TextField label="rules.protection_days" name="protection_days" value=protection input_type="number" required=true errors=field_errors(err, "protection_days") />
                <TextField label="rules.extension_days" name="extension_days" value=extension input_type="number" errors=field_errors(err, "extension_days") />
                <TextField label="rules.max_extensions" name="max_extensions" value=max_ext input_type="number" errors=field_errors(err, "max_extensions") />
            </div>
            <div class="field-row">
                <TextField label="rules.min_deal" name="min_deal" value=min_deal errors=field_errors(err, "min_deal") />
                <SelectField label="field.currency" name="min_deal_currency" value=currency options=currencies errors=field_errors(err, "min_deal_currency") />
            </div>
            {flags.into_iter().zip(flag_keys).map(|(flag, key)| view! {
                <label class="check">
                    <input type="checkbox" prop:checked=move || flag.get() on:change=move |ev| flag.set(event_target_checked(&ev)) />
                    {i.t(key)}
                </label>
            }).collect_view()}
            <SubmitButton label="rules.save" pending=action.pending() />
        </form>
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
