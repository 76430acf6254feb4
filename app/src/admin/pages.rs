//! The outbox and the audit log, for vendor admins.

use super::api::{list_audit, list_outbox};
use super::{AuditEntry, AuditFilter, OutboxMessage};
use crate::i18n::{I18n, format, use_i18n};
use crate::ui::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;
use std::sync::Arc;

#[component]
pub fn OutboxPage() -> impl IntoView {
    let i = use_i18n();
    let data = Resource::new(|| (), |_| list_outbox());
    view! {
        <Title text=i.t("outbox.title") />
        <h1>{i.t("outbox.title")}</h1>
        <p class="lead">{i.t("outbox.intro")}</p>
        <Suspense fallback=|| view! { <Skeleton lines=6 /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(list) if list.is_empty() => view! { <EmptyState title="outbox.none" /> }.into_any(),
                    Ok(list) => view! {
                        <ul class="outbox">
                            {list.into_iter().map(|m| message(i, m)).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => error_view(e),
                }
            })}
        </Suspense>
    }
}

fn message(i: I18n, m: OutboxMessage) -> impl IntoView {
    view! {
        <li class="message" data-testid="outbox-message">
            <p class="meta">
                <span>{format::date_time(i.locale(), m.created_at)}</span>
                " · "
                <span class="to">{m.to}</span>
                " · "
                <span class="badge">{i.t(&format!("outbox.status_{}", m.status))}</span>
            </p>
            <h2 class="subject">{m.subject.clone()}</h2>
            {match m.html {
                // As the recipient sees it: no scripts; links open in a new tab.
                Some(html) => view! {
                    <iframe class="rendered" title=m.subject sandbox="allow-popups allow-popups-to-escape-sandbox"
                        srcdoc=format!("<base target=\"_blank\">{html}")></iframe>
                    <details><summary>{i.t("outbox.text_part")}</summary><div class="body" data-testid="outbox-body">{linked(&m.body)}</div></details>
                }.into_any(),
                None => view! { <div class="body" data-testid="outbox-body">{linked(&m.body)}</div> }.into_any(),
            }}
        </li>
    }
}

/// Plain text with its web addresses as links (line breaks kept by the stylesheet).
fn linked(text: &str) -> impl IntoView + use<> {
    text.split_inclusive(char::is_whitespace)
        .map(|piece| {
            let word = piece.trim_end();
            let space = piece[word.len()..].to_string();
            if word.starts_with("https://") || word.starts_with("http://") {
                view! { <a href=word.to_string() target="_blank" rel="noopener noreferrer">{word.to_string()}</a>{space} }.into_any()
            } else {
                piece.to_string().into_any()
            }
        })
        .collect_view()
}

#[component]
pub fn AuditPage() -> impl IntoView {
    let i = use_i18n();
    let query = use_query_map();
    let filter = move || {
        query.with(|m| AuditFilter {
            action: m.get("action").unwrap_or_default(),
            actor: m.get("actor").unwrap_or_default(),
            entity_type: m.get("entity").unwrap_or_default(),
        })
    };
    let f0 = filter();
    let data = Resource::new(filter, list_audit);
    view! {
        <Title text=i.t("audit.title") />
        <h1>{i.t("audit.title")}</h1>
        <Form method="GET" action="" attr:class="filters" attr:role="search">
            <div class="field">
                <label for="audit-action">{i.t("audit.action")}</label>
                <input id="audit-action" name="action" value=f0.action.clone() placeholder="org." />
            </div>
            <div class="field">
                <label for="audit-actor">{i.t("audit.actor")}</label>
                <input id="audit-actor" name="actor" value=f0.actor.clone() />
            </div>
            <div class="field">
                <label for="audit-entity">{i.t("audit.entity")}</label>
                <select id="audit-entity" name="entity">
                    <option value="">{i.t("filter.any")}</option>
                    {["org", "user", "session"].into_iter().map(|e| {
                        let sel = f0.entity_type == e;
                        view! { <option value=e selected=sel>{i.t(&format!("audit.entity_{e}"))}</option> }
                    }).collect_view()}
                </select>
            </div>
            <button type="submit" class="btn">{i.t("filter.apply")}</button>
        </Form>
        <Transition fallback=|| view! { <Skeleton lines=6 /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(list) if list.is_empty() => view! { <EmptyState title="audit.none" /> }.into_any(),
                    Ok(list) => audit_table(i, list).into_any(),
                    Err(e) => error_view(e),
                }
            })}
        </Transition>
    }
}

fn audit_table(i: I18n, list: Vec<AuditEntry>) -> impl IntoView {
    let columns: Vec<Column<AuditEntry>> = vec![
        Column::new("audit.when", move |e: &AuditEntry| {
            format::date_time(i.locale(), e.at).into_any()
        })
        .sort_by(|e| SortKey::Num(e.at)),
        Column::new("audit.actor", |e: &AuditEntry| e.actor.clone().into_any())
            .sort_by(|e| SortKey::Text(e.actor.clone())),
        Column::new("audit.action", |e: &AuditEntry| {
            view! { <code>{e.action.clone()}</code> }.into_any()
        })
        .sort_by(|e| SortKey::Text(e.action.clone())),
        Column::new("audit.entity", |e: &AuditEntry| {
            format!("{} {}", e.entity_type, e.entity_id).into_any()
        }),
        Column::new("audit.change", |e: &AuditEntry| {
            let before = e.before.clone().unwrap_or_else(|| "—".into());
            let after = e.after.clone().unwrap_or_else(|| "—".into());
            view! { <div class="diff"><code>{before}</code>" → "<code>{after}</code></div> }
                .into_any()
        }),
    ];
    let filter_text: FilterText<AuditEntry> = Arc::new(|e: &AuditEntry| {
        format!("{} {} {} {}", e.actor, e.action, e.entity_type, e.entity_id)
    });
    view! { <DataTable rows=list columns caption="audit.title" filter_text /> }
}
