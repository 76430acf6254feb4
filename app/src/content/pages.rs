//! Content library pages: the library (search and facets, works without JavaScript), an
//! asset (preview, download, favourite; versions and editing for marketers), the upload
//! form with a progress bar, the analytics charts, and "for this deal" on deal pages.

use super::api::*;
use super::*;
use crate::domain::{Action, DealStage, PartnerType, Region, Tier};
use crate::error::AppError;
use crate::i18n::{I18n, format, use_i18n};
use crate::shell::use_user;
use crate::ui::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{A, Form};
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

/// (code, label) pairs for a select or checkboxes; labels are the i18n keys `prefix.code`.
fn options(
    i: I18n,
    prefix: &str,
    codes: impl IntoIterator<Item = &'static str>,
) -> Vec<(String, String)> {
    codes
        .into_iter()
        .map(|c| (c.to_string(), i.t(&format!("{prefix}.{c}")).to_string()))
        .collect()
}

fn kind_options(i: I18n) -> Vec<(String, String)> {
    options(i, "kind", AssetKind::ALL.iter().map(|k| k.code()))
}

fn stage_options(i: I18n) -> Vec<(String, String)> {
    options(i, "stage", DealStage::ALL.iter().map(|s| s.code()))
}

fn language_options(i: I18n) -> Vec<(String, String)> {
    options(i, "lang", LANGUAGES)
}

fn size_text(i: I18n, bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!(
            "{} MB",
            format::decimal(i.locale(), bytes as f64 / 1_048_576.0, 1)
        )
    } else {
        format!("{} KB", format::integer(i.locale(), (bytes + 1023) / 1024))
    }
}

/// The type of a file in words.
fn type_text(content_type: &str, link: &str) -> &'static str {
    match content_type {
        "application/pdf" => "PDF",
        t if t.starts_with("image/") => "Image",
        "application/zip" => "Zip / Office",
        "application/x-ole-storage" => "Office",
        _ if !link.is_empty() => "Link",
        _ => "File",
    }
}

#[component]
fn FavoriteButton(id: i64, on: bool) -> impl IntoView {
    let i = use_i18n();
    let state = RwSignal::new(on);
    let toggle = ServerAction::<SetAssetFavorite>::new();
    Effect::new(move |_| {
        if let Some(Err(e)) = toggle.value().get() {
            state.update(|s| *s = !*s);
            toast(error_text(&e));
        }
    });
    view! {
        <button type="button" class="btn link favorite" aria-pressed=move || state.get().to_string()
            data-testid="favorite"
            on:click=move |_| {
                let next = !state.get_untracked();
                state.set(next);
                toggle.dispatch(SetAssetFavorite { id, on: next });
            }>
            <span aria-hidden="true">{move || if state.get() { "★" } else { "☆" }}</span>
            " "{move || i.t(if state.get() { "content.saved" } else { "content.save" })}
        </button>
    }
}

fn result_card(i: I18n, a: AssetSummary) -> impl IntoView {
    let href = format!("/content/{}", a.id);
    let reasons: Vec<&'static str> = a
        .matched_in
        .iter()
        .map(|m| i.t(&format!("content.matched_{m}")))
        .collect();
    view! {
        <li class="asset-card" data-testid="asset">
            <div class="asset-head">
                <A href=href attr:class="asset-title">{a.title.clone()}</A>
                <FavoriteButton id=a.id on=a.favorite />
            </div>
            <p class="meta">
                <span class="badge">{i.t(&format!("kind.{}", a.kind.code()))}</span>
                " "{type_text(&a.content_type, &a.link_url)}
                {(a.size_bytes > 0).then(|| format!(" · {}", size_text(i, a.size_bytes)))}
                " · "{a.language.to_uppercase()}
                {(!a.published).then(|| view! { " · "<span class="badge">{i.t("content.draft")}</span> })}
            </p>
            {(!reasons.is_empty()).then(|| view! {
                <p class="why" data-testid="why">{i.tf("content.matched_in", &[("where", &reasons.join(", "))])}</p>
            })}
            {if a.snippet.is_empty() {
                (!a.description.is_empty()).then(|| view! { <p class="desc">{a.description.clone()}</p> }).into_any()
            } else {
                view! { <p class="snippet">{a.snippet.clone()}</p> }.into_any()
            }}
        </li>
    }
}

#[component]
pub fn LibraryPage() -> impl IntoView {
    let i = use_i18n();
    let query = use_query_map();
    let filter = move || {
        query.with(|m| ContentQuery {
            q: m.get("q").unwrap_or_default(),
            kind: m.get("kind").unwrap_or_default(),
            product: m.get("product").unwrap_or_default(),
            stage: m.get("stage").unwrap_or_default(),
            language: m.get("language").unwrap_or_default(),
            favorites: m.get("fav").is_some_and(|v| v == "1"),
            collection: m
                .get("collection")
                .and_then(|v| v.parse().ok())
                .unwrap_or(0),
        })
    };
    let f0 = filter();
    let data = Resource::new(filter, search_content);
    let facets = Resource::new(|| (), |_| content_facets());
    let user = use_user();
    let select = move |name: &'static str,
                       label: &'static str,
                       opts: Vec<(String, String)>,
                       chosen: String| {
        let id = format!("c-{name}");
        view! {
            <div class="field">
                <label for=id.clone()>{i.t(label)}</label>
                <select id=id name=name>
                    <option value="">{i.t("content.any")}</option>
                    {opts.into_iter().map(|(v, l)| {
                        let sel = v == chosen;
                        view! { <option value=v selected=sel>{l}</option> }
                    }).collect_view()}
                </select>
            </div>
        }
    };
    view! {
        <Title text=i.t("content.title") />
        <div class="page-head">
            <h1>{i.t("content.title")}</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let can = user.await.ok().flatten().is_some_and(|u| u.can(Action::ManageContent));
                    can.then(|| view! {
                        <A href="/content/new" attr:class="btn primary">{i.t("content.upload")}</A>
                        <A href="/content/analytics" attr:class="btn">{i.t("content.analytics")}</A>
                    })
                })}
            </Suspense>
            <A href="/content/collections" attr:class="btn">{i.t("collections.title")}</A>
        </div>
        <Form method="GET" action="" attr:class="filters library-filters" attr:role="search">
            <div class="field search-field">
                <label for="c-q">{i.t("content.search")}</label>
                <input id="c-q" type="search" name="q" value=f0.q.clone() autocomplete="off" enterkeyhint="search" />
            </div>
            {select("kind", "content.kind", kind_options(i), f0.kind.clone())}
            {select("stage", "content.stage", stage_options(i), f0.stage.clone())}
            {select("language", "content.language", language_options(i), f0.language.clone())}
            <div class="field">
                <label for="c-product">{i.t("content.product")}</label>
                <input id="c-product" name="product" value=f0.product.clone() list="c-products" />
                <datalist id="c-products">
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            facets.await.map(|f| f.products.into_iter().map(|p| view! { <option value=p></option> }).collect_view()).ok()
                        })}
                    </Suspense>
                </datalist>
            </div>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let list = facets.await.map(|f| f.collections).unwrap_or_default();
                    let chosen = f0.collection;
                    (!list.is_empty() || chosen != 0).then(|| view! {
                        <div class="field">
                            <label for="c-collection">{i.t("collections.facet")}</label>
                            <select id="c-collection" name="collection">
                                <option value="">{i.t("content.any")}</option>
                                {list.into_iter().map(|c| {
                                    let sel = c.id == chosen;
                                    view! { <option value=c.id.to_string() selected=sel>{c.name}</option> }
                                }).collect_view()}
                            </select>
                        </div>
                    })
                })}
            </Suspense>
            <label class="check"><input type="checkbox" name="fav" value="1" checked=f0.favorites />{i.t("content.favorites")}</label>
            <button type="submit" class="btn primary">{i.t("content.find")}</button>
        </Form>
        <Suspense fallback=|| view! { <Skeleton lines=6 /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(r) if r.items.is_empty() => view! { <EmptyState title="content.none" body="content.none_hint" /> }.into_any(),
                    Ok(r) => {
                        let corrected = (!r.corrected.is_empty()).then(|| {
                            let typed = r.corrected.iter().map(|(a, _)| a.as_str()).collect::<Vec<_>>().join(" ");
                            let used = r.corrected.iter().map(|(_, b)| b.as_str()).collect::<Vec<_>>().join(" ");
                            view! { <p class="alert warning" data-testid="corrected">{i.tf("content.corrected", &[("typed", &typed), ("used", &used)])}</p> }
                        });
                        view! {
                            {corrected}
                            <p class="hint" aria-live="polite">{i.tf("content.count", &[("n", &r.items.len().to_string())])}</p>
                            <ul class="asset-list">{r.items.into_iter().map(|a| result_card(i, a)).collect_view()}</ul>
                        }.into_any()
                    }
                    Err(e) => error_view(e),
                }
            })}
        </Suspense>
    }
}

/// The metadata fields of an asset, as signals shared by the upload and edit forms.
#[derive(Clone, Copy)]
struct Fields {
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
    fn from(a: &AssetInput) -> Fields {
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

    fn input(&self) -> AssetInput {
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
fn AssetFields(f: Fields, #[prop(into)] err: Signal<Option<AppError>>) -> impl IntoView {
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
fn send_form(
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
fn finish_upload(
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
fn UploadProgress(progress: RwSignal<Option<(f64, f64)>>, busy: RwSignal<bool>) -> impl IntoView {
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

fn upload_form(
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

fn param_id() -> Option<i64> {
    use_params_map()
        .with_untracked(|p| p.get("id"))
        .and_then(|s| s.parse().ok())
}

#[component]
pub fn AssetPage() -> impl IntoView {
    let i = use_i18n();
    let Some(id) = param_id() else {
        return view! { <ErrorPage code=404 /> }.into_any();
    };
    let restore = ServerAction::<RestoreAssetVersion>::new();
    let update = ServerAction::<UpdateAsset>::new();
    let reload = RwSignal::new(0u32);
    let data = Resource::new(
        move || {
            (
                restore.version().get(),
                update.version().get(),
                reload.get(),
            )
        },
        move |_| get_asset(id),
    );
    view! {
        <Suspense fallback=|| view! { <Skeleton lines=8 /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(d) => asset_view(i, d, restore, update, reload).into_any(),
                    Err(e) => error_view(e),
                }
            })}
        </Suspense>
    }
    .into_any()
}

fn asset_view(
    i: I18n,
    d: AssetDetail,
    restore: ServerAction<RestoreAssetVersion>,
    update: ServerAction<UpdateAsset>,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let a = d.summary.clone();
    let id = a.id;
    let file = format!("/content/{id}/file");
    let inline = format!("/content/{id}/file?inline=1");
    let has_file = !a.content_type.is_empty();
    let preview = if d.previewable && a.content_type == "application/pdf" {
        let label = i.tf("content.preview_of", &[("title", &a.title)]);
        view! { <iframe class="preview pdf" src=inline title=label></iframe> }.into_any()
    } else if d.previewable {
        view! { <img class="preview" src=inline alt=a.title.clone() loading="lazy" /> }.into_any()
    } else {
        ().into_any()
    };
    let meta_list = |items: &[String], prefix: &str| -> String {
        items
            .iter()
            .map(|s| {
                if prefix.is_empty() {
                    s.clone()
                } else {
                    i.t(&format!("{prefix}.{s}")).to_string()
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    view! {
        <Title text=a.title.clone() />
        <div class="page-head">
            <h1>{a.title.clone()}</h1>
            <FavoriteButton id=id on=a.favorite />
        </div>
        <p class="meta">
            <span class="badge">{i.t(&format!("kind.{}", a.kind.code()))}</span>
            " "{type_text(&a.content_type, &a.link_url)}
            {(a.size_bytes > 0).then(|| format!(" · {}", size_text(i, a.size_bytes)))}
            " · "{i.tf("content.updated", &[("date", &format::date(i.locale(), a.updated_at))])}
            {(!a.published).then(|| view! { " · "<span class="badge">{i.t("content.draft")}</span> })}
        </p>
        <div class="actions">
            {has_file.then(|| view! { <a class="btn primary" href=file.clone() download="" data-testid="download">{i.t("content.download")}</a> })}
            {(!a.link_url.is_empty()).then(|| view! { <a class="btn" href=a.link_url.clone() rel="noopener noreferrer" target="_blank">{i.t("content.open_link")}</a> })}
        </div>
        {(!a.description.is_empty()).then(|| view! { <p class="desc">{a.description.clone()}</p> })}
        {preview}
        <dl class="facts">
            {(!a.products.is_empty()).then(|| view! { <dt>{i.t("content.f_products")}</dt><dd>{meta_list(&a.products, "")}</dd> })}
            {(!a.stages.is_empty()).then(|| view! { <dt>{i.t("content.f_stages")}</dt><dd>{meta_list(&a.stages, "stage")}</dd> })}
            {(!a.tags.is_empty()).then(|| view! { <dt>{i.t("content.f_tags")}</dt><dd>{meta_list(&a.tags, "")}</dd> })}
            <dt>{i.t("content.language")}</dt><dd>{i.t(&format!("lang.{}", a.language))}</dd>
        </dl>
        <super::collection_pages::CollectionPicker asset=id />
        {d.can_edit.then(|| manage_view(i, d.clone(), restore, update, reload))}
    }
}

fn manage_view(
    i: I18n,
    d: AssetDetail,
    restore: ServerAction<RestoreAssetVersion>,
    update: ServerAction<UpdateAsset>,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let id = d.summary.id;
    let f = Fields::from(&d.input);
    let err = action_error(update);
    let v_err = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let progress = RwSignal::new(None::<(f64, f64)>);
    let version_url = format!("/content/{id}/versions");
    let saved = i.t("content.version_saved");
    #[cfg(not(feature = "hydrate"))]
    let _ = (reload, saved);
    let on_version = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        v_err.set(None);
        busy.set(true);
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let form = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok());
            let url = format!("/content/{id}/versions");
            let sent = form.map(|form| {
                send_form(&form, &url, progress, move |status, body| {
                    busy.set(false);
                    if status == 201 {
                        reload.update(|n| *n += 1);
                        toast(saved.to_string());
                    } else {
                        v_err.set(Some(
                            serde_json::from_str::<AppError>(&body)
                                .unwrap_or(AppError::Transport(format!("HTTP {status}"))),
                        ));
                    }
                })
            });
            if !matches!(sent, Some(Ok(()))) {
                busy.set(false);
            }
        }
    };
    view! {
        <section aria-labelledby="versions-h">
            <h2 id="versions-h">{i.t("content.versions")}</h2>
            <ul class="versions">
                {d.versions.into_iter().map(|v| {
                    let href = format!("/content/{id}/file?version={}", v.version_no);
                    let no = v.version_no;
                    view! {
                        <li data-testid="version">
                            <a href=href>{format!("v{} · {}", v.version_no, v.file_name)}</a>
                            " · "{format::date_time(i.locale(), v.created_at)}" · "{v.created_by}
                            {if v.current {
                                view! { " "<span class="badge">{i.t("content.current")}</span> }.into_any()
                            } else {
                                view! { " "<button type="button" class="btn link" on:click=move |_| { restore.dispatch(RestoreAssetVersion { id, version_no: no }); }>{i.t("content.restore")}</button> }.into_any()
                            }}
                        </li>
                    }
                }).collect_view()}
            </ul>
            <form class="form inline-form" method="post" action=version_url enctype="multipart/form-data" on:submit=on_version>
                <FormAlert error=v_err />
                <div class="field" class:has-error=move || !field_errors(v_err.into(), "file").get().is_empty()>
                    <label for="f-version">{i.t("content.new_version")}</label>
                    <input id="f-version" type="file" name="file" aria-describedby="f-version-err" />
                    <ul class="field-errors" id="f-version-err">
                        {move || field_errors(v_err.into(), "file").get().into_iter().map(|k| view! { <li>{i.t(&k)}</li> }).collect_view()}
                    </ul>
                </div>
                <UploadProgress progress busy />
                <button type="submit" class="btn" disabled=move || busy.get()>{i.t("content.upload_version")}</button>
            </form>
        </section>
        <section aria-labelledby="edit-h">
            <h2 id="edit-h">{i.t("content.edit")}</h2>
            <form class="form" on:submit=move |ev| {
                ev.prevent_default();
                update.dispatch(UpdateAsset { id, input: f.input() });
            }>
                <FormAlert error=err />
                <AssetFields f=f err=err />
                <SubmitButton label="content.save_changes" pending=update.pending() />
            </form>
        </section>
    }
}

/// Horizontal bars of views and downloads, values written beside each bar.
fn bar_chart(i: I18n, title: &str, bars: &[Bar], link: bool) -> impl IntoView {
    let max = bars
        .iter()
        .map(|b| b.views.max(b.downloads))
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let row_h = 34.0;
    let height = (bars.len() as f64 * row_h + 30.0).max(60.0);
    let label = format!(
        "{title}: {}",
        bars.iter()
            .map(|b| format!("{} {} / {}", b.label, b.views, b.downloads))
            .collect::<Vec<_>>()
            .join("; ")
    );
    view! {
        <figure class="chart">
            <figcaption>{title.to_string()}</figcaption>
            <p class="legend"><span class="swatch views"></span>{i.t("content.views")}<span class="swatch downloads"></span>{i.t("content.downloads")}</p>
            <svg viewBox=format!("0 0 640 {height}") role="img" aria-label=label preserveAspectRatio="xMinYMin meet">
                {bars.iter().enumerate().map(|(n, b)| {
                    let y = n as f64 * row_h + 4.0;
                    let wv = b.views as f64 / max * 300.0;
                    let wd = b.downloads as f64 / max * 300.0;
                    let name: String = b.label.chars().take(32).collect();
                    view! {
                        <g>
                            <text x="0" y=y + 16.0 class="bar-label">{name}</text>
                            <rect x="260" y=y width=wv.max(1.0) height="12" class="bar views"></rect>
                            <text x=266.0 + wv y=y + 11.0 class="bar-value">{b.views}</text>
                            <rect x="260" y=y + 14.0 width=wd.max(1.0) height="12" class="bar downloads"></rect>
                            <text x=266.0 + wd y=y + 25.0 class="bar-value">{b.downloads}</text>
                        </g>
                    }
                }).collect_view()}
            </svg>
            {link.then(|| view! {
                <ul class="chart-links">
                    {bars.iter().filter_map(|b| b.id.map(|id| (id, b.label.clone()))).map(|(id, label)| {
                        let href = format!("/content/{id}");
                        view! { <li><A href=href>{label}</A></li> }
                    }).collect_view()}
                </ul>
            })}
        </figure>
    }
}

#[component]
pub fn AnalyticsPage() -> impl IntoView {
    let i = use_i18n();
    let data = Resource::new(|| (), |_| content_analytics());
    view! {
        <Title text=i.t("content.analytics") />
        <h1>{i.t("content.analytics")}</h1>
        <Suspense fallback=|| view! { <Skeleton lines=8 /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(a) => view! {
                        <div class="charts">
                            {if a.top_assets.is_empty() {
                                view! { <EmptyState title="content.no_activity" /> }.into_any()
                            } else {
                                view! {
                                    {bar_chart(i, i.t("content.top_assets"), &a.top_assets, true)}
                                    {bar_chart(i, i.t("content.by_partner"), &a.by_partner, false)}
                                }.into_any()
                            }}
                        </div>
                        <section aria-labelledby="unopened-h">
                            <h2 id="unopened-h">{i.t("content.unopened")}</h2>
                            {if a.unopened.is_empty() {
                                view! { <p>{i.t("content.unopened_none")}</p> }.into_any()
                            } else {
                                view! { <ul>{a.unopened.into_iter().map(|(id, t)| view! { <li><A href=format!("/content/{id}")>{t}</A></li> }).collect_view()}</ul> }.into_any()
                            }}
                        </section>
                        <section aria-labelledby="failed-h">
                            <h2 id="failed-h">{i.t("content.failed_searches")}</h2>
                            {if a.failed_searches.is_empty() {
                                view! { <p>{i.t("content.failed_none")}</p> }.into_any()
                            } else {
                                view! {
                                    <table class="failed-searches">
                                        <thead><tr><th scope="col">{i.t("content.query")}</th><th scope="col">{i.t("content.times")}</th></tr></thead>
                                        <tbody>{a.failed_searches.into_iter().map(|(q, n)| view! {
                                            <tr><td data-label=i.t("content.query")>{q}</td><td data-label=i.t("content.times")>{n}</td></tr>
                                        }).collect_view()}</tbody>
                                    </table>
                                }.into_any()
                            }}
                        </section>
                    }.into_any(),
                    Err(e) => error_view(e),
                }
            })}
        </Suspense>
    }
}

/// "For this deal": content ranked by the deal's stage, products and the partner's type.
#[component]
pub fn ForThisDeal(deal_id: i64) -> impl IntoView {
    let i = use_i18n();
    let data = Resource::new(|| (), move |_| content_for_deal(deal_id));
    view! {
        <section aria-labelledby="for-deal-h" class="for-deal">
            <h2 id="for-deal-h">{i.t("content.for_deal")}</h2>
            <Suspense fallback=|| view! { <Skeleton lines=2 /> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(list) if list.is_empty() => view! { <p class="hint">{i.t("content.for_deal_none")}</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="asset-list compact">{list.into_iter().map(|a| result_card(i, a)).collect_view()}</ul>
                        }.into_any(),
                        Err(_) => ().into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
