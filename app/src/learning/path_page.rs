//! Learning paths in the browser: "Assigned to you" for partner users (due dates, each
//! course's state) and, for vendor staff who write courses, the paths with a form that
//! assigns courses by partner type, tier, region and role.

use super::api::*;
use super::{AssignedPath, PathInput, PathSummary};
use crate::domain::{PartnerType, Region, Role, Tier};
use crate::i18n::{I18n, format, use_i18n};
use crate::ui::*;
use leptos::prelude::*;
use leptos_router::components::A;

fn assigned_card(i: I18n, p: AssignedPath) -> impl IntoView {
    let due = i.tf("path.due", &[("date", &format::date(i.locale(), p.due_at))]);
    let state = if p.completed {
        ("badge cred-active", "path.completed")
    } else if p.overdue {
        ("badge cred-revoked", "path.overdue")
    } else {
        ("badge", "path.open")
    };
    view! {
        <li class="card" data-testid="assigned-path">
            <h3>{p.name}" "<span class=state.0>{i.t(state.1)}</span></h3>
            <p>{due}</p>
            <ul>{p.courses.into_iter().map(|c| {
                let key = if c.completed { "path.course_done" } else if c.started { "path.course_started" } else { "path.course_new" };
                view! { <li><A href=format!("/learning/courses/{}", c.id)>{c.title}</A>" · "{i.t(key)}</li> }
            }).collect_view()}</ul>
        </li>
    }
}

/// The reader's assigned paths (partner users).
#[component]
pub fn AssignedPaths() -> impl IntoView {
    let i = use_i18n();
    let data = Resource::new(|| (), |_| my_learning_paths());
    view! {
        <section aria-labelledby="assigned-h">
            <h2 id="assigned-h">{i.t("path.assigned")}</h2>
            <Suspense fallback=|| view! { <Skeleton lines=2 /> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(list) if list.is_empty() => view! { <p class="hint">{i.t("path.none_assigned")}</p> }.into_any(),
                        Ok(list) => view! { <ul class="cards">{list.into_iter().map(|p| assigned_card(i, p)).collect_view()}</ul> }.into_any(),
                        Err(e) => error_view(e),
                    }
                })}
            </Suspense>
        </section>
    }
}

fn rule_text(i: I18n, p: &PathSummary) -> String {
    let part = |prefix: &str, codes: &[String]| {
        if codes.is_empty() {
            i.t("path.anyone").to_string()
        } else {
            codes
                .iter()
                .map(|c| i.t(&format!("{prefix}.{c}")).to_string())
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    format!(
        "{} · {} · {} · {}",
        part("ptype", &p.partner_types),
        part("tier", &p.tiers),
        part("region", &p.regions),
        part("role", &p.roles)
    )
}

/// The paths, and a form for a new one (vendor staff who write courses).
#[component]
pub fn PathsAdmin() -> impl IntoView {
    let i = use_i18n();
    let create = ServerAction::<CreateLearningPath>::new();
    let err = action_error(create);
    let data = Resource::new(move || create.version().get(), |_| list_learning_paths());
    let courses = Resource::new(|| (), |_| list_courses());
    let name = RwSignal::new(String::new());
    let due = RwSignal::new("30".to_string());
    let (chosen, types, tiers, regions, roles) = (
        RwSignal::new(Vec::<String>::new()),
        RwSignal::new(Vec::<String>::new()),
        RwSignal::new(Vec::<String>::new()),
        RwSignal::new(Vec::<String>::new()),
        RwSignal::new(Vec::<String>::new()),
    );
    Effect::new(move |_| {
        if let Some(Ok(_)) = create.value().get() {
            name.set(String::new());
            chosen.set(Vec::new());
            toast(i.t("path.created").to_string());
        }
    });
    let fe = move |f: &'static str| field_errors(err, f);
    view! {
        <section aria-labelledby="paths-h">
            <h2 id="paths-h">{i.t("path.title")}</h2>
            <Suspense fallback=|| view! { <Skeleton lines=2 /> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(list) if list.is_empty() => view! { <p class="hint">{i.t("path.none")}</p> }.into_any(),
                        Ok(list) => view! { <ul class="cards">{list.into_iter().map(|p| {
                            let rule = rule_text(i, &p);
                            let meta = i.tf("path.meta", &[("n", &p.courses.to_string()), ("days", &p.due_days.to_string())]);
                            view! { <li class="card" data-testid="path"><h3>{p.name}</h3><p>{meta}</p><p class="hint">{rule}</p></li> }
                        }).collect_view()}</ul> }.into_any(),
                        Err(e) => error_view(e),
                    }
                })}
            </Suspense>
            <details class="card">
                <summary>{i.t("path.new")}</summary>
                <form class="form" data-testid="path-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    create.dispatch(CreateLearningPath { input: PathInput {
                        name: name.get_untracked(),
                        courses: chosen.get_untracked(),
                        partner_types: types.get_untracked(),
                        tiers: tiers.get_untracked(),
                        regions: regions.get_untracked(),
                        roles: roles.get_untracked(),
                        due_days: due.get_untracked(),
                    }});
                }>
                    <FormAlert error=err />
                    <TextField label="path.name" name="name" value=name required=true errors=fe("name") />
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            let options: Vec<(String, String)> = courses.await.unwrap_or_default().into_iter().map(|c| (c.id.to_string(), c.title)).collect();
                            view! { <CheckboxGroup label="path.courses" name="courses" chosen options errors=fe("courses") /> }
                        })}
                    </Suspense>
                    <CheckboxGroup label="field.types" name="partner_types" chosen=types options=code_options(i, PartnerType::ALL, PartnerType::code, "ptype") errors=fe("partner_types") optional=true hint="path.empty_is_all" />
                    <CheckboxGroup label="field.tier" name="tiers" chosen=tiers options=code_options(i, Tier::ALL, Tier::code, "tier") errors=fe("tiers") optional=true />
                    <CheckboxGroup label="field.region" name="regions" chosen=regions options=code_options(i, Region::ALL, Region::code, "region") errors=fe("regions") optional=true />
                    <CheckboxGroup label="path.roles" name="roles" chosen=roles options=code_options(i, Role::for_side(false), Role::code, "role") errors=fe("roles") optional=true />
                    <TextField label="path.due_days" name="due_days" value=due input_type="number" required=true errors=fe("due_days") />
                    <SubmitButton label="path.create" pending=create.pending() />
                </form>
            </details>
        </section>
    }
}
