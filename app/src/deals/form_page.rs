//! The registration form: new and edit pages, with the live (redacted) conflict check.

use super::api::*;
use super::pages::param_id;
use super::*;
use crate::domain::{Currency, DealStage};
use crate::i18n::use_i18n;
use crate::ui::*;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;

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
    // Back from a form posted without JavaScript: what was typed.
    let initial = returned_values::<RegisterDeal, DealInput>().unwrap_or(blank);
    view! {
        <Title text=i.t("deals.register") />
        <h1>{i.t("deals.register")}</h1>
        <DealForm initial id=None />
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
                    Ok(d) if d.can_edit => {
                        // Back from a form posted without JavaScript: what was typed wins.
                        let initial = returned_values::<RegisterDeal, DealInput>().unwrap_or(d.input);
                        view! { <DealForm initial id=Some(d.summary.id) /> }.into_any()
                    }
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
    let error = RwSignal::new(returned_error::<RegisterDeal>());
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
        let first_save = deal_id.get_untracked().is_none();
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
                Ok(id) => {
                    toast(i.t("deals.draft_saved").to_string());
                    // A new draft gets its own address, so a reload keeps it.
                    if first_save {
                        navigate(
                            &format!("/deals/{id}/edit"),
                            leptos_router::NavigateOptions {
                                replace: true,
                                ..Default::default()
                            },
                        );
                    }
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let save_draft = save.clone();
    let err = Signal::derive(move || error.get());
    let fe = move |name: &'static str| field_errors(err, name);
    let countries = crate::i18n::countries::country_options(i.locale());
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
    // The form posts to `register_deal` by itself before the app has loaded (or without
    // JavaScript); once loaded, the app saves and submits in place.
    view! {
        <form class="form wide" novalidate method="post" action=RegisterDeal::PATH on:submit=move |ev| { ev.prevent_default(); save(true); }>
            <FormAlert error=err />
            {id.map(|id| view! { <input type="hidden" name="id" value=id /> })}
            <Prefixed prefix="input">
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
                    <SelectField label="field.country" name="country" value=f.get("country") options=countries empty="field.choose_country" required=true errors=fe("country") />
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
                    <TextField label="field.value" name="value" value=f.get("value") required=true inputmode="decimal" hint="field.value_hint" errors=fe("value") />
                    <SelectField label="field.currency" name="currency" value=f.get("currency") options=currencies errors=fe("currency") />
                </div>
                <div class="field-row">
                    <TextField label="field.expected_close" name="expected_close" value=f.get("expected_close") input_type="date" required=true errors=fe("expected_close") />
                    <SelectField label="field.stage" name="stage" value=f.get("stage") options=stages errors=fe("stage") />
                </div>
                <label class="check">
                    <input type="checkbox" name=posted_name("cosell") value="true" checked=f.cosell.get_untracked() prop:checked=move || f.cosell.get() on:change=move |ev| f.cosell.set(event_target_checked(&ev)) />
                    {i.t("field.cosell")}
                </label>
                <TextArea label="field.notes" name="notes" value=f.get("notes") errors=fe("notes") />
            </fieldset>
            </Prefixed>
            <div class="actions">
                <button type="submit" class="btn primary" name="submit" value="true" disabled=move || pending.get()>
                    {move || if pending.get() { i.t("ui.working") } else { i.t("deals.submit") }}
                </button>
                <button type="submit" class="btn" name="submit" value="false" disabled=move || pending.get() on:click=move |ev| { ev.prevent_default(); save_draft(false); }>
                    {i.t("deals.save_draft")}
                </button>
            </div>
        </form>
    }
}
