//! `/campaigns/brand`: the organisation's brand kit (logo, colours, sender details) that
//! every launched campaign carries.

use super::BrandKit;
use super::api::*;
use crate::i18n::use_i18n;
use crate::ui::*;
use leptos::prelude::*;
use leptos_meta::Title;

/// `/campaigns/brand`.
#[component]
pub fn BrandKitPage() -> impl IntoView {
    let i = use_i18n();
    let data = Resource::new(|| (), |_| get_brand_kit());
    let save = ServerAction::<SaveBrandKit>::new();
    let err = action_error(save);
    Effect::new(move |_| {
        if let Some(Ok(())) = save.value().get() {
            toast(i.t("campaign.brand_saved").to_string());
        }
    });
    view! {
        <Title text=i.t("campaign.brand_kit") />
        <h1>{i.t("campaign.brand_kit")}</h1>
        <Suspense fallback=|| view! { <Skeleton lines=6 /> }>
            {move || Suspend::new(async move {
                let kit = match data.await { Ok(k) => k, Err(e) => return error_view(e) };
                let f = |v: &str| RwSignal::new(v.to_string());
                let (name, logo, color, address, phone, website, sender, email, signature) = (
                    f(&kit.display_name), f(&kit.logo_url), f(&kit.primary_color), f(&kit.postal_address),
                    f(&kit.phone), f(&kit.website), f(&kit.sender_name), f(&kit.sender_email), f(&kit.signature),
                );
                let fe = move |n: &'static str| field_errors(err, n);
                view! {
                    <form class="form" data-testid="brand-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
                        ev.prevent_default();
                        save.dispatch(SaveBrandKit { input: BrandKit {
                            display_name: name.get_untracked(), logo_url: logo.get_untracked(),
                            primary_color: color.get_untracked(), postal_address: address.get_untracked(),
                            phone: phone.get_untracked(), website: website.get_untracked(),
                            sender_name: sender.get_untracked(), sender_email: email.get_untracked(),
                            signature: signature.get_untracked(),
                        }});
                    }>
                        <FormAlert error=err />
                        <TextField label="brand.display_name" name="display_name" value=name required=true errors=fe("display_name") />
                        <LogoUpload logo />
                        <TextField label="brand.logo_url" name="logo_url" value=logo input_type="url" errors=fe("logo_url") hint="brand.logo_url_hint" />
                        <TextField label="brand.primary_color" name="primary_color" value=color errors=fe("primary_color") hint="brand.color_hint" />
                        <TextArea label="brand.postal_address" name="postal_address" value=address errors=fe("postal_address") />
                        <TextField label="brand.phone" name="phone" value=phone input_type="tel" errors=fe("phone") />
                        <TextField label="brand.website" name="website" value=website errors=fe("website") />
                        <TextField label="brand.sender_name" name="sender_name" value=sender required=true errors=fe("sender_name") />
                        <TextField label="brand.sender_email" name="sender_email" value=email input_type="email" required=true errors=fe("sender_email") />
                        <TextArea label="brand.signature" name="signature" value=signature errors=fe("signature") />
                        <SubmitButton label="ui.save" pending=save.pending() />
                    </form>
                }.into_any()
            })}
        </Suspense>
    }
}

/// The logo: a file sent at once (checked on the server by its bytes and size); on
/// success its address goes into the brand kit and into `logo`.
#[component]
fn LogoUpload(logo: RwSignal<String>) -> impl IntoView {
    let i = use_i18n();
    let input = NodeRef::<leptos::html::Input>::new();
    let err = RwSignal::new(None::<crate::error::AppError>);
    let busy = RwSignal::new(false);
    let upload = move |_| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let Some(el) = input.get() else { return };
            let Some(file) = el.files().and_then(|f| f.get(0)) else {
                err.set(Some(crate::error::AppError::field("logo", "err.required")));
                return;
            };
            let Ok(form) = web_sys::FormData::new() else {
                return;
            };
            if form.append_with_blob("logo", &file).is_err() {
                return;
            }
            busy.set(true);
            let Ok(xhr) = web_sys::XmlHttpRequest::new() else {
                return;
            };
            if xhr.open("POST", "/campaigns/brand/logo").is_err() {
                return;
            }
            let x = xhr.clone();
            let done = wasm_bindgen::closure::Closure::once(move || {
                busy.set(false);
                let body = x.response_text().ok().flatten().unwrap_or_default();
                match x.status().unwrap_or(0) {
                    201 => {
                        err.set(None);
                        if let Ok(v) = serde_json::from_str::<serde_json::Value>(&body)
                            && let Some(url) = v["logo_url"].as_str()
                        {
                            logo.set(url.to_string());
                            toast(i.t("brand.logo_saved").to_string());
                        }
                    }
                    status => err
                        .set(Some(serde_json::from_str(&body).unwrap_or(
                            crate::error::AppError::Transport(format!("HTTP {status}")),
                        ))),
                }
            });
            xhr.set_onloadend(Some(done.as_ref().unchecked_ref()));
            done.forget();
            let _ = xhr.send_with_opt_form_data(Some(&form));
        }
    };
    view! {
        <div class="field" class:has-error=move || err.with(Option::is_some)>
            <label for="f-logo">{i.t("brand.logo")}</label>
            {move || (!logo.get().is_empty()).then(|| view! { <img class="logo-preview" src=logo.get() alt=i.t("brand.logo_alt") height="48" /> })}
            <input id="f-logo" type="file" accept="image/png,image/jpeg,image/gif,image/webp" node_ref=input aria-describedby="f-logo-hint f-logo-err" />
            <p class="hint" id="f-logo-hint">{i.t("brand.logo_hint")}</p>
            <ul class="field-errors" id="f-logo-err" role="alert">
                {move || err.get().map(|e| {
                    let keys = e.field_messages("logo");
                    if keys.is_empty() {
                        view! { <li>{error_text(&e)}</li> }.into_any()
                    } else {
                        keys.into_iter().map(|k| view! { <li>{i.t(&k)}</li> }).collect_view().into_any()
                    }
                })}
            </ul>
            <button type="button" class="btn" data-testid="upload-logo" disabled=move || busy.get() on:click=upload>
                {move || i.t(if busy.get() { "ui.working" } else { "brand.upload_logo" })}
            </button>
        </div>
    }
}
