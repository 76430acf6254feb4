//! The approvals section of a campaign (`/campaigns/:id#approvals`, vendor campaign staff):
//! each launch waiting for approval with the partner's texts beside the region they
//! replace, a note, and "Approve" or "Send back" (which needs the note).

use super::api::{ReviewLaunch, pending_launches};
use super::{LaunchReview, LaunchView, RegionSpec};
use crate::i18n::{format, use_i18n};
use crate::ui::*;
use leptos::prelude::*;

#[component]
pub fn Approvals(template_id: i64, editable: Vec<RegionSpec>) -> impl IntoView {
    let i = use_i18n();
    let done = RwSignal::new(0u32);
    let data = Resource::new(move || done.get(), move |_| pending_launches(template_id));
    view! {
        <section id="approvals" class="card" data-testid="approvals">
            <h2>{i.t("approval.title")}</h2>
            <Transition fallback=|| view! { <Skeleton lines=2 /> }>
                {move || {
                    let editable = editable.clone();
                    Suspend::new(async move {
                        match data.await {
                            Ok(list) if list.is_empty() => view! { <p class="hint">{i.t("approval.none")}</p> }.into_any(),
                            Ok(list) => list
                                .into_iter()
                                .map(|l| view! { <ApprovalCard launch=l editable=editable.clone() done /> })
                                .collect_view()
                                .into_any(),
                            Err(e) => error_view(e),
                        }
                    })
                }}
            </Transition>
        </section>
    }
}

#[component]
fn ApprovalCard(
    launch: LaunchView,
    editable: Vec<RegionSpec>,
    done: RwSignal<u32>,
) -> impl IntoView {
    let i = use_i18n();
    let act = ServerAction::<ReviewLaunch>::new();
    let err = action_error(act);
    let note = RwSignal::new(String::new());
    let id = launch.id;
    Effect::new(move |_| {
        if let Some(Ok(l)) = act.value().get() {
            toast(
                i.t(&format!("approval.done.{}", l.status.code()))
                    .to_string(),
            );
            done.update(|n| *n += 1);
        }
    });
    let decide = move |approve: bool| {
        act.dispatch(ReviewLaunch {
            id,
            input: LaunchReview {
                approve,
                note: note.get_untracked(),
            },
        });
    };
    let texts = editable
        .into_iter()
        .map(|r| {
            let text = launch
                .regions
                .get(&r.name)
                .filter(|v| !v.trim().is_empty())
                .cloned()
                .unwrap_or_else(|| r.default.clone());
            let changed = text.trim() != r.default.trim();
            view! {
                <dt>{r.label.clone()}{changed.then(|| view! { " "<span class="badge">{i.t("approval.changed")}</span> })}</dt>
                <dd class="prewrap" data-testid="approval-text">{text}</dd>
            }
        })
        .collect_view();
    view! {
        <article class="approval" data-testid="approval">
            <h3>{launch.org_name.clone()}</h3>
            <p class="hint">
                {i.tf("approval.recipients", &[("n", &launch.recipients.to_string())])}
                " · "{i.t("campaign.starts_at")}": "{format::date_time(i.locale(), launch.starts_at)}
            </p>
            <dl>{texts}</dl>
            <form class="form" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); decide(true); }>
                <FormAlert error=err />
                <TextArea label="approval.note" name=format!("note-{id}") value=note errors=field_errors(err, "note") />
                <p class="actions">
                    <SubmitButton label="approval.approve" pending=act.pending() />
                    " "<button type="button" class="btn danger" data-testid="send-back" disabled=move || act.pending().get()
                        on:click=move |_| decide(false)>{i.t("approval.send_back")}</button>
                </p>
            </form>
        </article>
    }
}
