//! Content library pages: the library (search and facets, works without JavaScript), an
//! asset (preview, download, favourite; versions and editing for marketers), the upload
//! form with a progress bar, the analytics charts, and "for this deal" on deal pages.

use super::api::*;
#[cfg(feature = "hydrate")]
use super::upload_page::send_form;
use super::upload_page::{AssetFields, Fields, UploadProgress};
use super::*;
use crate::domain::DealStage;
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

/// (code, label) pairs for a select or checkboxes; labels are the i18n keys `prefix.code`.
pub(super) fn options(
    i: I18n,
    prefix: &str,
    codes: impl IntoIterator<Item = &'static str>,
) -> Vec<(String, String)> {
    codes
        .into_iter()
        .map(|c| (c.to_string(), i.t(&format!("{prefix}.{c}")).to_string()))
        .collect()
}

pub(super) fn kind_options(i: I18n) -> Vec<(String, String)> {
    options(i, "kind", AssetKind::ALL.iter().map(|k| k.code()))
}

pub(super) fn stage_options(i: I18n) -> Vec<(String, String)> {
    options(i, "stage", DealStage::ALL.iter().map(|s| s.code()))
}

pub(super) fn language_options(i: I18n) -> Vec<(String, String)> {
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
    // A form, so the star works before the app loads and without JavaScript.
    view! {
        <form class="inline-form" method="post" action=SetAssetFavorite::PATH
            on:submit=move |ev| {
                ev.prevent_default();
                let next = !state.get_untracked();
                state.set(next);
                toggle.dispatch(SetAssetFavorite { id, on: next });
            }>
            <input type="hidden" name="id" value=id />
            <input type="hidden" name="on" value=move || (!state.get()).to_string() />
            <button type="submit" class="btn link favorite" aria-pressed=move || state.get().to_string()
                data-testid="favorite">
                <span aria-hidden="true">{move || if state.get() { "★" } else { "☆" }}</span>
                " "{move || i.t(if state.get() { "content.saved" } else { "content.save" })}
            </button>
        </form>
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
            {(!a.matched_words.is_empty()).then(|| view! {
                <p class="why" data-testid="partial-words">{i.tf("content.holds_words", &[("words", &a.matched_words.join(", "))])}</p>
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
        <div class="page-head">
            // A collection opens under its own name.
            <Suspense fallback=move || view! { <Title text=i.t("content.title") /><h1>{i.t("content.title")}</h1> }>
                {move || {
                    let chosen = filter().collection;
                    Suspend::new(async move {
                        let heading = facets
                            .await
                            .ok()
                            .and_then(|f| f.collections.into_iter().find(|c| c.id == chosen && chosen != 0))
                            .map(|c| c.name)
                            .unwrap_or_else(|| i.t("content.title").to_string());
                        view! { <Title text=heading.clone() /><h1 data-testid="library-heading">{heading}</h1> }
                    })
                }}
            </Suspense>
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
                        let partial = r.partial.then(|| view! {
                            <p class="alert warning" data-testid="partial">{i.t("content.partial")}</p>
                        });
                        let kind = r.kind_from_query.map(|k| view! {
                            <p class="hint" data-testid="kind-from-query">{i.tf("content.kind_from_query", &[("kind", i.t(&format!("kind.{}", k.code())))])}</p>
                        });
                        view! {
                            {corrected}
                            {partial}
                            {kind}
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
