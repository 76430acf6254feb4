//! The "My open tasks" card.

use super::{DealTask, DealTodo, OpenTasks};
use crate::i18n::{I18n, use_i18n};
use leptos::prelude::*;
use leptos_router::components::A;

/// The card of what waits on the caller; its data comes with the home dashboard.
#[component]
pub fn MyTasksCard(tasks: OpenTasks) -> impl IntoView {
    let i = use_i18n();
    view! {
        <section class="card tasks" aria-labelledby="tasks-h" data-testid="my-tasks">
            <h2 id="tasks-h">{i.t("tasks.title")}</h2>
            {if tasks.is_empty() {
                view! { <p class="hint">{i.t("tasks.none")}</p> }.into_any()
            } else {
                tasks_list(i, tasks).into_any()
            }}
        </section>
    }
}

fn tasks_list(i: I18n, t: OpenTasks) -> impl IntoView {
    let more_deals = (t.deals_total > t.deals.len() as i64).then(|| {
        let label = i.tf("tasks.all_deals", &[("n", &t.deals_total.to_string())]);
        view! { <li><A href="/deals">{label}</A></li> }
    });
    let messages = (t.unread_messages > 0).then(|| {
        let label = i.tf(
            "tasks.unread_messages",
            &[("n", &t.unread_messages.to_string())],
        );
        view! { <li data-testid="task-messages"><A href="/notifications">{label}</A></li> }
    });
    let content = (t.new_content_total > 0).then(|| {
        let label = i.tf(
            "tasks.new_content",
            &[("n", &t.new_content_total.to_string())],
        );
        view! {
            <li data-testid="task-content">
                <A href="/content">{label}</A>
                <ul class="inline">
                    {t.new_content.into_iter().map(|c| {
                        let href = format!("/content/{}", c.id);
                        view! { <li><A href=href>{c.title}</A></li> }
                    }).collect_view()}
                </ul>
            </li>
        }
    });
    view! {
        <ul class="task-list">
            {t.deals.into_iter().map(|d| deal_task(i, d)).collect_view()}
            {more_deals}
            {messages}
            {content}
        </ul>
    }
}

fn deal_task(i: I18n, d: DealTask) -> impl IntoView {
    let (key, href) = match d.todo {
        DealTodo::Decide => ("tasks.decide", format!("/deals/{}/review", d.id)),
        DealTodo::Answer => ("tasks.answer", format!("/deals/{}", d.id)),
        DealTodo::FinishDraft => ("tasks.finish_draft", format!("/deals/{}/edit", d.id)),
    };
    let who = if d.partner.is_empty() {
        d.company.clone()
    } else {
        format!("{} · {}", d.company, d.partner)
    };
    view! {
        <li data-testid="task-deal">
            <A href=href>{i.t(key)}</A>
            ": "
            <span>{who}</span>
        </li>
    }
}
