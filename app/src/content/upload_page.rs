//! The asset form shared by upload and edit, the upload page, and multipart sending with
//! a progress bar.

use super::pages::{kind_options, language_options, options, stage_options};
use super::*;
use crate::domain::{PartnerType, Region, Tier};
use crate::error::AppError;
use crate::i18n::{I18n, use_i18n};
use crate::policy::Action;
use crate::shell::use_user;
use crate::ui::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;

/// The metadata fields of an asset, as signals shared by the upload and edit forms.
#[derive(Clone, Copy)]
pub struct Fields {
    title: RwSignal<String>,
    description: RwSignal<String>,
    kind: RwSignal<String>,
    products: RwSignal<String>,
    stages: RwSignal<Vec<String>>,
    partner_types: RwSignal<Vec<String>>,
    tiers: RwSignal<Vec<String>>,
    regions: RwSignal<Vec<String>>,
    language: RwSignal<String>,
    tags: RwSignal<String>,
    link_url: RwSignal<String>,
    expires_on: RwSignal<String>,
    published: RwSignal<bool>,
}

impl Fields {
    pub(super) fn from(a: &AssetInput) -> Fields {
        Fields {
            title: RwSignal::new(a.title.clone()),
            description: RwSignal::new(a.description.clone()),
            kind: RwSignal::new(a.kind.clone()),
            products: RwSignal::new(a.products.clone()),
            stages: RwSignal::new(split_list(&a.stages)),
            partner_types: RwSignal::new(split_list(&a.partner_types)),
            tiers: RwSignal::new(split_list(&a.tiers)),
            regions: RwSignal::new(split_list(&a.regions)),
            language: RwSignal::new(if a.language.is_empty() {
                "en".into()
            } else {
                a.language.clone()
            }),
            tags: RwSignal::new(a.tags.clone()),
            link_url: RwSignal::new(a.link_url.clone()),
            expires_on: RwSignal::new(a.expires_on.clone()),
            published: RwSignal::new(a.published),
        }
    }

    pub(super) fn input(&self) -> AssetInput {
        AssetInput {
            title: self.title.get_untracked(),
            description: self.description.get_untracked(),
            kind: self.kind.get_untracked(),
            products: self.products.get_untracked(),
            stages: self.stages.get_untracked().join(","),
            partner_types: self.partner_types.get_untracked().join(","),
            tiers: self.tiers.get_untracked().join(","),
            regions: self.regions.get_untracked().join(","),
            language: self.language.get_untracked(),
            tags: self.tags.get_untracked(),
            link_url: self.link_url.get_untracked(),
            expires_on: self.expires_on.get_untracked(),
            published: self.published.get_untracked(),
        }
    }
}

#[component]
pub fn AssetFields(f: Fields, #[prop(into)] err: Signal<Option<AppError>>) -> impl IntoView {
    let i = use_i18n();
    let types = options(i, "ptype", PartnerType::ALL.iter().map(|t| t.code()));
    let tiers = options(i, "tier", Tier::ALL.iter().map(|t| t.code()));
    let regions = options(i, "region", Region::ALL.iter().map(|t| t.code()));
    view! {
        <TextField label="content.f_title" name="title" value=f.title required=true errors=field_errors(err, "title") />
        <TextArea label="content.f_description" name="description" value=f.description errors=field_errors(err, "description") />
        <SelectField label="content.kind" name="kind" value=f.kind options=Signal::stored(kind_options(i)) empty="content.choose" required=true errors=field_errors(err, "kind") />
        <SelectField label="content.language" name="language" value=f.language options=Signal::stored(language_options(i)) errors=field_errors(err, "language") />
        <TextField label="content.f_products" name="products" value=f.products hint="content.f_list_hint" errors=field_errors(err, "products") />
        <TextField label="content.f_tags" name="tags" value=f.tags hint="content.f_list_hint" errors=field_errors(err, "tags") />
        <CheckboxGroup label="content.f_stages" name="stages" chosen=f.stages options=stage_options(i) optional=true errors=field_errors(err, "stages") />
        <CheckboxGroup label="content.f_partner_types" name="partner_types" chosen=f.partner_types options=types optional=true hint="content.f_everyone" errors=field_errors(err, "partner_types") />
        <CheckboxGroup label="content.f_tiers" name="tiers" chosen=f.tiers options=tiers optional=true hint="content.f_everyone" errors=field_errors(err, "tiers") />
        <CheckboxGroup label="content.f_regions" name="regions" chosen=f.regions options=regions optional=true hint="content.f_everyone" errors=field_errors(err, "regions") />
        <TextField label="content.f_link" name="link_url" value=f.link_url input_type="url" hint="content.f_link_hint" errors=field_errors(err, "link_url") />
        <TextField label="content.f_expires" name="expires_on" value=f.expires_on input_type="date" errors=field_errors(err, "expires_on") />
        <label class="check">
            <input type="checkbox" name="published" value="true" prop:checked=move || f.published.get()
                on:change=move |ev| f.published.set(event_target_checked(&ev)) />
            {i.t("content.f_published")}
        </label>
    }
}

/// Sends a multipart form with the browser's XMLHttpRequest, reporting upload progress,
/// then calls `done` with the status and body.
#[cfg(feature = "hydrate")]
pub(super) fn send_form(
    form: &web_sys::HtmlFormElement,
    url: &str,
    progress: RwSignal<Option<(f64, f64)>>,
    done: impl FnOnce(u16, String) + 'static,
) -> Result<(), wasm_bindgen::JsValue> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    let data = web_sys::FormData::new_with_form(form)?;
    let xhr = web_sys::XmlHttpRequest::new()?;
    xhr.open("POST", url)?;
    let on_progress =
        Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
            if e.length_computable() {
                progress.set(Some((e.loaded(), e.total())));
            }
        });
    xhr.upload()?
        .set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    on_progress.forget();
    let x = xhr.clone();
    let on_end = Closure::once(move || {
        done(
            x.status().unwrap_or(0),
            x.response_text().ok().flatten().unwrap_or_default(),
        );
    });
    xhr.set_onloadend(Some(on_end.as_ref().unchecked_ref()));
    on_end.forget();
    xhr.send_with_opt_form_data(Some(&data))
}

/// Handles the end of an upload: to the asset on success, the errors on the form otherwise.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub(super) fn finish_upload(
    status: u16,
    body: String,
    err: RwSignal<Option<AppError>>,
    busy: RwSignal<bool>,
    go: impl Fn(&str),
) {
    busy.set(false);
    if status == 201 {
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(&body)
            && let Some(id) = v["id"].as_i64()
        {
            go(&format!("/content/{id}"));
        }
    } else {
        err.set(Some(
            serde_json::from_str::<AppError>(&body)
                .unwrap_or(AppError::Transport(format!("HTTP {status}"))),
        ));
    }
}

#[component]
pub(super) fn UploadProgress(
    progress: RwSignal<Option<(f64, f64)>>,
    busy: RwSignal<bool>,
) -> impl IntoView {
    let i = use_i18n();
    move || {
        busy.get().then(|| {
            let (done, total) = progress.get().unwrap_or((0.0, 1.0));
            let pct = (done / total.max(1.0) * 100.0).round() as i64;
            view! {
                <div class="progress" data-testid="upload-progress">
                    <progress max="100" value=pct aria-label=i.t("content.uploading")></progress>
                    <p>{i.tf("content.upload_pct", &[("pct", &pct.to_string())])}</p>
                </div>
            }
        })
    }
}

#[component]
pub fn AssetNewPage() -> impl IntoView {
    let i = use_i18n();
    let f = Fields::from(&AssetInput::default());
    let err = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let progress = RwSignal::new(None::<(f64, f64)>);
    let ready = RwSignal::new(false);
    Effect::new(move |_| ready.set(true));
    let navigate = use_navigate();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        err.set(None);
        busy.set(true);
        progress.set(None);
        let go = {
            let navigate = navigate.clone();
            move |to: &str| navigate(to, Default::default())
        };
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let form = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok());
            let go2 = go.clone();
            let sent = form.map(|form| {
                send_form(&form, "/content/upload", progress, move |status, body| {
                    finish_upload(status, body, err, busy, go2)
                })
            });
            if !matches!(sent, Some(Ok(()))) {
                finish_upload(0, String::new(), err, busy, go);
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = go;
    };
    let user = use_user();
    let page = move || {
        let on_submit = on_submit.clone();
        Suspend::new(async move {
            let ok = user
                .await
                .ok()
                .flatten()
                .is_some_and(|u| u.can(Action::ManageContent));
            if !ok {
                return view! { <ErrorPage code=403 /> }.into_any();
            }
            upload_form(i, f, err, busy, progress, ready, on_submit).into_any()
        })
    };
    view! {
        <Title text=i.t("content.upload_title") />
        <Suspense fallback=|| view! { <Skeleton lines=6 /> }>{page}</Suspense>
    }
}

pub(super) fn upload_form(
    i: I18n,
    f: Fields,
    err: RwSignal<Option<AppError>>,
    busy: RwSignal<bool>,
    progress: RwSignal<Option<(f64, f64)>>,
    ready: RwSignal<bool>,
    on_submit: impl FnMut(leptos::ev::SubmitEvent) + 'static,
) -> impl IntoView {
    view! {
        <h1>{i.t("content.upload_title")}</h1>
        <p class="lead">{i.t("content.upload_intro")}</p>
        <form class="form" method="post" action="/content/upload" enctype="multipart/form-data" on:submit=on_submit>
            <FormAlert error=err />
            <AssetFields f=f err=err />
            <div class="field" class:has-error=move || !field_errors(err.into(), "file").get().is_empty()>
                <label for="f-file">{i.t("content.f_file")}</label>
                <input id="f-file" type="file" name="file" aria-describedby="f-file-err f-file-hint"
                    accept=".pdf,.png,.jpg,.jpeg,.gif,.webp,.svg,.zip,.docx,.xlsx,.pptx,.doc,.xls,.ppt" />
                <p class="hint" id="f-file-hint">{i.t("content.f_file_hint")}</p>
                <ul class="field-errors" id="f-file-err">
                    {move || field_errors(err.into(), "file").get().into_iter().map(|k| view! { <li>{i.t(&k)}</li> }).collect_view()}
                </ul>
            </div>
            <UploadProgress progress busy />
            <button type="submit" class="btn primary" disabled=move || busy.get() || !ready.get()>{i.t("content.upload_save")}</button>
        </form>
    }
}
