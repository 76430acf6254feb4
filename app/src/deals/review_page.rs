//! The channel manager's review page (matches, the rules' recommendation, the decision)
//! and the rules of engagement form.

use super::api::*;
use super::pages::{money, param_id};
use super::*;
use crate::domain::{Currency, DealStatus};
use crate::i18n::{I18n, format, use_i18n};
use crate::ui::*;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;

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
                    Ok(r) => view! { <ReviewView r refetch=Callback::new(move |_| review.refetch()) /> }.into_any(),
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

/// Where the other record is and its status, the status in the reader's language when it
/// is one of ours (a pipeline stage is shown as the CRM wrote it).
fn match_detail(i: I18n, place: &str, status: Option<&str>) -> String {
    let status = status.map(|s| match crate::domain::DealStatus::parse(s) {
        Ok(d) => i.t(&format!("deal_status.{}", d.code())).to_string(),
        Err(_) => s.to_string(),
    });
    [Some(place.to_string()), status]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · ")
}

#[component]
fn ReviewView(r: ReviewView, refetch: Callback<()>) -> impl IntoView {
    let i = use_i18n();
    let id = r.deal.summary.id;
    let decision = RwSignal::new(match r.recommendation.action {
        RecAction::Reject => "reject".to_string(),
        RecAction::Approve | RecAction::ApproveCosell => "approve".to_string(),
        RecAction::Review => String::new(),
    });
    // A decision posted without JavaScript that failed comes back with what was chosen.
    let returned = returned_values::<DecideDeal, DecisionInput>().filter(|v| v.deal_id == id);
    if let Some(v) = &returned {
        decision.set(v.decision.clone());
    }
    let reason = RwSignal::new(returned.map(|v| v.reason).unwrap_or_default());
    let action = ServerAction::<DecideDeal>::new();
    let err = form_error(action);
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            // On to the next registration in the queue, or back to this one when none waits.
            let navigate = navigate.clone();
            leptos::task::spawn_local(async move {
                match next_in_queue(id).await {
                    Ok(Some(next)) => {
                        toast(i.t("deals.decided_next").to_string());
                        navigate(&format!("/deals/{next}/review"), Default::default());
                    }
                    _ => {
                        toast(i.t("deals.decided").to_string());
                        navigate(&format!("/deals/{id}"), Default::default());
                    }
                }
            });
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
                    <dt>{i.t("deals.address")}</dt><dd>{format!("{} {} {} {}", inp.street, inp.postcode, inp.city, crate::i18n::countries::country_name(i.locale(), &inp.country).unwrap_or(&inp.country))}</dd>
                    <dt>{i.t("deals.contact")}</dt><dd>{format!("{} {} {}", inp.contact_name, inp.contact_email, inp.contact_phone)}</dd>
                    <dt>{i.t("field.value")}</dt><dd>{money(i, r.deal.summary.value_minor, &r.deal.summary.currency)}</dd>
                    <dt>{i.t("field.cosell")}</dt><dd>{i.t(if inp.cosell { "ui.yes" } else { "ui.no" })}</dd>
                    <dt>{i.t("field.products")}</dt><dd>{inp.products.clone()}</dd>
                    <dt>{i.t("field.expected_close")}</dt><dd>{crate::i18n::format::iso_date(i.locale(), &inp.expected_close)}</dd>
                    <dt>{i.t("field.notes")}</dt><dd class="notes" data-testid="deal-notes">{inp.notes.clone()}</dd>
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
                                let pct = format::decimal(i.locale(), m.score * 100.0, 0);
                                let kind = i.t(&format!("match_kind.{}", m.kind));
                                let ext = m.external_id.clone().map(|e| format!(" · {e}")).unwrap_or_default();
                                view! {
                                    <li class="match" data-testid="match">
                                        <p class="meta"><span class="badge">{kind}</span>{ext}" · "<strong>{pct}</strong></p>
                                        <p class="label">{m.label.clone()}</p>
                                        <p class="hint">{match_detail(i, &m.detail, m.status.as_deref())}</p>
                                        {evidence(i, m)}
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
        {(r.deal.can_decide && r.deal.summary.status == DealStatus::Submitted).then(|| {
            let start = ServerAction::<StartDealReview>::new();
            let start_err = action_error(start);
            Effect::new(move |_| {
                if let Some(Ok(())) = start.value().get() {
                    toast(i.t("deals.review_started").to_string());
                    refetch.run(());
                }
            });
            view! {
                <section class="panel start-review">
                    <FormAlert error=start_err />
                    <button type="button" class="btn secondary" disabled=move || start.pending().get()
                        on:click=move |_| { start.dispatch(StartDealReview { id }); }>
                        {i.t("deals.start_review")}
                    </button>
                </section>
            }
        })}
        {r.deal.can_decide.then(|| view! {
            <form class="form" method="post" action=DecideDeal::PATH on:submit=move |ev| {
                ev.prevent_default();
                action.dispatch(DecideDeal { input: DecisionInput { deal_id: id, decision: decision.get_untracked(), reason: reason.get_untracked() } });
            }>
                <FormAlert error=err />
                <input type="hidden" name="input[deal_id]" value=id />
                <fieldset class="field">
                    <legend>{i.t("deals.decision")}</legend>
                    {["approve", "reject", "request_info"].into_iter().map(|d| view! {
                        <label class="check">
                            <input type="radio" name="input[decision]" value=d checked=decision.get_untracked() == d prop:checked=move || decision.get() == d on:change=move |_| decision.set(d.to_string()) />
                            {i.t(&format!("decision.{d}"))}
                        </label>
                    }).collect_view()}
                    <ul class="field-errors">{move || field_errors(err, "decision").get().into_iter().map(|k| view! { <li>{i.t(&k)}</li> }).collect_view()}</ul>
                </fieldset>
                <Prefixed prefix="input">
                    <TextArea label="deals.reason" name="reason" value=reason errors=field_errors(err, "reason") />
                </Prefixed>
                <SubmitButton label="deals.record_decision" pending=action.pending() posts=true />
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
        <p class="lead">{move || {
            let (v, at) = version.get();
            // Defaults that nobody saved yet have no date to speak of.
            if at <= 0 {
                i.t("rules.never_set").to_string()
            } else {
                i.tf("rules.version", &[("version", &v.to_string()), ("date", &format::date(i.locale(), at))])
            }
        }}</p>
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

/// A match's evidence as a waterfall: the prior odds, each comparison's factor in words,
/// and the probability they add up to.
fn evidence(i: I18n, m: &MatchView) -> impl IntoView {
    use crate::ui::{Step, waterfall};
    let prior_p = 1.0 / (1.0 + 2f64.powf(-m.prior_bits));
    let one_in = (1.0 / prior_p.max(1e-12)).round() as i64;
    let prior = Step {
        text: i.tf(
            "match.prior",
            &[("n", &format::integer(i.locale(), one_in))],
        ),
        factor: String::new(),
        bits: m.prior_bits,
    };
    let steps = m
        .reasons
        .iter()
        .map(|x| Step {
            text: format!("{} · {}", x.text(i), i.t(x.strength())),
            factor: x.factor(i).unwrap_or_default(),
            bits: x.weight,
        })
        .collect();
    let pct = format::decimal(i.locale(), m.score * 100.0, 0);
    view! {
        <p class="wf-title">{i.t("match.waterfall")}</p>
        {waterfall(prior, steps, i.tf("match.result", &[("pct", &pct)]), "waterfall")}
        <p class="hint">{i.t("match.waterfall_hint")}</p>
    }
}
