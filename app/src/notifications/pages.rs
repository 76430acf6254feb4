//! The notifications page: what happened on the caller's deals, newest first, unread marked.

use super::Notification;
use super::api::{MarkNotificationsRead, list_notifications};
use crate::deals::pages::event_label;
use crate::i18n::{I18n, format, use_i18n};
use crate::shell::use_user;
use crate::ui::*;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let i = use_i18n();
    let mark = ServerAction::<MarkNotificationsRead>::new();
    let query = leptos_router::hooks::use_query_map();
    let data = Resource::new(
        move || (mark.version().get(), query.with(PageRequest::from_query)),
        |(_, page)| list_notifications(page),
    );
    let user = use_user();
    Effect::new(move |_| {
        if mark.version().get() > 0 {
            user.refetch();
        }
    });
    view! {
        <Title text=i.t("notifications.title") />
        <div class="page-head">
            <h1>{i.t("notifications.title")}</h1>
            <form method="post" action=MarkNotificationsRead::PATH
                on:submit=move |ev| { ev.prevent_default(); mark.dispatch(MarkNotificationsRead {}); }>
                <button class="btn secondary" type="submit" disabled=move || mark.pending().get()>
                    {i.t("notifications.mark_all")}
                </button>
            </form>
        </div>
        <Suspense fallback=|| view! { <Skeleton lines=6 /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(page) if page.is_empty() && page.prev.is_none() => view! { <EmptyState title="notifications.none" /> }.into_any(),
                    Ok(page) => view! {
                        <ul class="notifications">
                            {page.rows.into_iter().map(|n| item(i, n)).collect_view()}
                        </ul>
                        <Pager prev=page.prev next=page.next />
                    }.into_any(),
                    Err(e) => list_error_view(e),
                }
            })}
        </Suspense>
    }
}

fn item(i: I18n, n: Notification) -> impl IntoView {
    let what = if n.subject_type == super::DEAL {
        event_label(i, &n.kind, n.to_status.as_deref(), false)
    } else {
        i.t(&n.kind).to_string()
    };
    let href = n.link.clone();
    let cls = if n.read {
        "notification"
    } else {
        "notification unread"
    };
    view! {
        <li class=cls data-testid="notification">
            <p class="meta">
                <time>{format::date_time(i.locale(), n.at)}</time>
                " · "{n.actor}
                {(!n.read).then(|| view! { " · "<span class="badge">{i.t("notifications.new")}</span> })}
            </p>
            <p class="what"><A href=href>{n.title}</A>": "{what}</p>
            {(!n.body.is_empty()).then(|| view! { <p class="body">{n.body}</p> })}
        </li>
    }
}
