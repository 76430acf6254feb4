//! Collections in the browser: the page that lists, creates and deletes them
//! (`/content/collections`), and the picker on an asset page that puts the asset into one
//! or more of them (or into a new one). A collection's assets are the library filtered by
//! `?collection=ID`, so search and facets work inside a collection too.

use super::Collection;
use super::api::*;
use crate::i18n::{I18n, use_i18n};
use crate::ui::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// Creates a collection (with `asset` in it when not 0): a name field with the server's
/// messages, and a callback with the new id.
#[component]
fn NewCollectionForm(asset: i64, on_created: Callback<i64>) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let create = ServerAction::<CreateCollection>::new();
    let err = action_error(create);
    Effect::new(move |_| {
        if let Some(Ok(id)) = create.value().get() {
            name.set(String::new());
            on_created.run(id);
        }
    });
    view! {
        <form class="form inline-form" data-testid="new-collection"
            on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                create.dispatch(CreateCollection { name: name.get_untracked(), asset });
            }>
            <TextField label="collections.new_name" name="name" value=name required=true errors=field_errors(err, "name") />
            <SubmitButton label="collections.create" pending=create.pending() />
        </form>
    }
}

fn collection_row(i: I18n, c: Collection, on_delete: Callback<(i64, String)>) -> impl IntoView {
    let href = format!("/content?collection={}", c.id);
    let (id, name) = (c.id, c.name.clone());
    let label = i.tf("collections.delete_named", &[("name", &c.name)]);
    let count = i.tf("collections.items", &[("n", &c.items.to_string())]);
    view! {
        <li class="collection" data-testid="collection">
            <A href=href>{c.name}</A>
            " "<span class="hint">{count}</span>
            " "<button type="button" class="btn link danger"
                aria-label=label
                on:click=move |_| on_delete.run((id, name.clone()))>
                {i.t("collections.delete")}
            </button>
        </li>
    }
}

/// `/content/collections`: the caller's collections.
#[component]
pub fn CollectionsPage() -> impl IntoView {
    let i = use_i18n();
    let remove = ServerAction::<DeleteCollection>::new();
    let reload = RwSignal::new(0u32);
    let data = Resource::new(
        move || (remove.version().get(), reload.get()),
        |_| asset_collections(0),
    );
    let dialog = RwSignal::new(false);
    let pending = RwSignal::new(None::<(i64, String)>);
    Effect::new(move |_| {
        if let Some(Err(e)) = remove.value().get() {
            toast(error_text(&e));
        }
    });
    let on_delete = Callback::new(move |c: (i64, String)| {
        pending.set(Some(c));
        dialog.set(true);
    });
    view! {
        <Title text=i.t("collections.title") />
        <div class="page-head">
            <h1>{i.t("collections.title")}</h1>
            <A href="/content" attr:class="btn">{i.t("collections.back")}</A>
        </div>
        <p class="hint">{i.t("collections.intro")}</p>
        <NewCollectionForm asset=0 on_created=Callback::new(move |_| reload.update(|n| *n += 1)) />
        <Suspense fallback=|| view! { <Skeleton lines=4 /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(list) if list.is_empty() => view! { <EmptyState title="collections.none" body="collections.none_hint" /> }.into_any(),
                    Ok(list) => view! {
                        <ul class="collections">{list.into_iter().map(|c| collection_row(i, c, on_delete)).collect_view()}</ul>
                    }.into_any(),
                    Err(e) => error_view(e),
                }
            })}
        </Suspense>
        <ConfirmDialog
            open=dialog
            title=i.t("collections.delete_title")
            body=i.t("collections.delete_body")
            confirm_label="collections.delete"
            on_confirm=Callback::new(move |_| {
                if let Some((id, _)) = pending.get_untracked() {
                    remove.dispatch(DeleteCollection { id });
                }
            })
        />
    }
}

/// On an asset page: the caller's collections as checkboxes (ticked = the asset is in
/// it), and a form that makes a new collection holding this asset.
#[component]
pub fn CollectionPicker(asset: i64) -> impl IntoView {
    let i = use_i18n();
    let reload = RwSignal::new(0u32);
    let data = Resource::new(move || reload.get(), move |_| asset_collections(asset));
    let toggle = ServerAction::<SetCollectionItem>::new();
    Effect::new(move |_| {
        if let Some(r) = toggle.value().get() {
            if let Err(e) = r {
                toast(error_text(&e));
            }
            // Either way, show what the server now holds.
            reload.update(|n| *n += 1);
        }
    });
    view! {
        <section aria-labelledby="collections-h" class="collection-picker">
            <h2 id="collections-h">{i.t("collections.title")}</h2>
            <Suspense fallback=|| view! { <Skeleton lines=2 /> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(list) if list.is_empty() => view! { <p class="hint">{i.t("collections.none_yet")}</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="checks">
                                {list.into_iter().map(|c| {
                                    let cid = c.id;
                                    view! {
                                        <li><label class="check">
                                            <input type="checkbox" checked=c.contains data-testid="collection-toggle"
                                                on:change=move |ev| {
                                                    toggle.dispatch(SetCollectionItem { collection: cid, asset, on: event_target_checked(&ev) });
                                                } />
                                            {c.name.clone()}
                                        </label></li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(e) => error_view(e),
                    }
                })}
            </Suspense>
            <NewCollectionForm asset=asset on_created=Callback::new(move |_| {
                toast(i.t("collections.added").to_string());
                reload.update(|n| *n += 1);
            }) />
            <p><A href="/content/collections">{i.t("collections.manage")}</A></p>
        </section>
    }
}
