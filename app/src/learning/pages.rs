//! `/learning`: courses with the reader's progress, the reader's certifications (with
//! the public link, JSON and LinkedIn), the team's or every partner's credentials for
//! those who may see them (vendor admins revoke from here). Writing a course is in
//! `form_page`.

use super::api::*;
use super::{CourseStatus, CourseSummary, CredentialStatus, CredentialSummary};
use crate::i18n::{I18n, format, use_i18n};
use crate::policy::Action;
use crate::shell::use_user;
use crate::ui::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

fn status_tag(i: I18n, s: CredentialStatus) -> impl IntoView {
    let class = match s {
        CredentialStatus::Active => "badge cred-active",
        CredentialStatus::Expired => "badge cred-expired",
        CredentialStatus::Revoked => "badge cred-revoked",
    };
    view! { <span class=class data-testid="credential-status">{i.t(&format!("credential.status.{}", s.code()))}</span> }
}

/// Publish, unpublish or archive, for those who write courses.
fn status_buttons(
    i: I18n,
    id: i64,
    status: CourseStatus,
    action: ServerAction<SetCourseStatus>,
) -> impl IntoView {
    let choices: &[(CourseStatus, &str)] = match status {
        CourseStatus::Draft => &[
            (CourseStatus::Published, "course.do_publish"),
            (CourseStatus::Archived, "course.do_archive"),
        ],
        CourseStatus::Published => &[
            (CourseStatus::Draft, "course.do_unpublish"),
            (CourseStatus::Archived, "course.do_archive"),
        ],
        CourseStatus::Archived => &[(CourseStatus::Published, "course.do_publish")],
    };
    view! {
        <p class="actions">
            {choices.iter().map(|(to, label)| {
                let to = *to;
                view! {
                    <button type="button" class="btn" disabled=move || action.pending().get()
                        on:click=move |_| { action.dispatch(SetCourseStatus { id, status: to }); }>
                        {i.t(label)}
                    </button>
                }
            }).collect_view()}
        </p>
    }
}

fn course_card(
    i: I18n,
    c: CourseSummary,
    manage: Option<ServerAction<SetCourseStatus>>,
) -> impl IntoView {
    let href = format!("/learning/courses/{}", c.id);
    let progress = i.tf(
        "learning.progress",
        &[
            ("done", &c.lessons_done.to_string()),
            ("total", &c.lessons.to_string()),
        ],
    );
    view! {
        <li class="card course" data-testid="course">
            <h3><A href=href>{c.title}</A></h3>
            <p class="hint">{c.summary}</p>
            <p>
                {progress}
                {c.passed.then(|| view! { " "<span class="badge cred-active">{i.t("learning.passed")}</span> })}
                {(c.status != CourseStatus::Published).then(|| view! {
                    " "<span class="badge">{i.t(&format!("course.status.{}", c.status.code()))}</span>
                })}
            </p>
            {c.certification.map(|n| view! { <p class="hint">{i.tf("learning.earns", &[("name", &n)])}</p> })}
            {manage.map(|a| status_buttons(i, c.id, c.status, a))}
        </li>
    }
}

fn my_credential(i: I18n, c: CredentialSummary) -> impl IntoView {
    let until = format::date(i.locale(), c.valid_until);
    let json = format!("{}?format=json", c.url);
    view! {
        <li class="card credential" data-testid="my-credential">
            <h3>{c.certification.clone()}" "{status_tag(i, c.status)}</h3>
            <p>{i.tf("credential.valid_until", &[("date", &until)])}</p>
            <p class="actions">
                <a href=c.url.clone() data-testid="public-link">{i.t("credential.public_page")}</a>
                " · "<a href=json download="">{i.t("credential.download")}</a>
                " · "<a href=c.linkedin_url rel="noopener" target="_blank">{i.t("credential.linkedin")}</a>
            </p>
        </li>
    }
}

#[component]
fn CredentialTable(may_revoke: bool) -> impl IntoView {
    let i = use_i18n();
    let revoke = ServerAction::<RevokeCredential>::new();
    let data = Resource::new(move || revoke.version().get(), |_| list_credentials(false));
    let target = RwSignal::new(None::<String>);
    let reason = RwSignal::new(String::new());
    let err = action_error(revoke);
    Effect::new(move |_| {
        if let Some(Ok(())) = revoke.value().get() {
            target.set(None);
            reason.set(String::new());
            toast(i.t("credential.revoked_done").to_string());
        }
    });
    view! {
        <Suspense fallback=|| view! { <Skeleton lines=3 /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(list) if list.is_empty() => view! { <p class="hint">{i.t("credential.none_issued")}</p> }.into_any(),
                    Ok(list) => view! {
                        <div class="table-wrap"><table class="data">
                            <thead><tr>
                                <th>{i.t("credential.holder")}</th>
                                <th>{i.t("credential.org")}</th>
                                <th>{i.t("credential.certification")}</th>
                                <th>{i.t("credential.status")}</th>
                                <th>{i.t("credential.until")}</th>
                                {may_revoke.then(|| view! { <th><span class="visually-hidden">{i.t("credential.actions")}</span></th> })}
                            </tr></thead>
                            <tbody>{list.into_iter().map(|c| {
                                let id = c.id.clone();
                                let active = c.status == CredentialStatus::Active;
                                view! {
                                    <tr data-testid="issued-credential">
                                        <td><a href=c.url.clone()>{c.holder_name.clone()}</a></td>
                                        <td>{c.org_name.clone()}</td>
                                        <td>{c.certification.clone()}</td>
                                        <td>{status_tag(i, c.status)}</td>
                                        <td>{format::date(i.locale(), c.valid_until)}</td>
                                        {(may_revoke && active).then(|| view! {
                                            <td><button type="button" class="btn link danger" data-testid="revoke"
                                                on:click=move |_| target.set(Some(id.clone()))>{i.t("credential.revoke")}</button></td>
                                        })}
                                    </tr>
                                }
                            }).collect_view()}</tbody>
                        </table></div>
                    }.into_any(),
                    Err(e) => error_view(e),
                }
            })}
        </Suspense>
        {move || target.get().map(|id| view! {
            <form class="form card" data-testid="revoke-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                revoke.dispatch(RevokeCredential { id: id.clone(), reason: reason.get_untracked() });
            }>
                <h3>{i.t("credential.revoke_title")}</h3>
                <FormAlert error=err />
                <TextField label="credential.reason" name="reason" value=reason required=true errors=field_errors(err, "reason") />
                <SubmitButton label="credential.revoke" pending=revoke.pending() />
                " "<button type="button" class="btn" on:click=move |_| target.set(None)>{i.t("ui.cancel")}</button>
            </form>
        })}
    }
}

/// `/learning`.
#[component]
pub fn LearningPage() -> impl IntoView {
    let i = use_i18n();
    let user = use_user();
    let set_status = ServerAction::<SetCourseStatus>::new();
    let courses = Resource::new(move || set_status.version().get(), |_| list_courses());
    Effect::new(move |_| {
        if let Some(Err(e)) = set_status.value().get() {
            toast(error_text(&e));
        }
    });
    let mine = Resource::new(|| (), |_| list_credentials(true));
    view! {
        <Title text=i.t("learning.title") />
        <Suspense fallback=|| view! { <Skeleton lines=4 /> }>
            {move || Suspend::new(async move {
                let Ok(Some(u)) = user.await else { return view! { <ErrorPage code=401 /> }.into_any() };
                let manage = u.vendor && u.can(Action::ManageLearning);
                let takes = u.can(Action::TakeCourses);
                let team = (u.vendor && u.can(Action::ViewAllLearning)) || (!u.vendor && u.can(Action::ManageOwnTeam));
                let may_revoke = u.vendor && u.can(Action::RevokeCredentials);
                view! {
                    <div class="page-head">
                        <h1>{i.t("learning.title")}</h1>
                        <div class="actions">
                            {team.then(|| view! { <A href="/learning/reports" attr:class="btn">{i.t("learning.reports")}</A> })}
                            {(u.vendor && u.can(Action::Administer)).then(|| view! { <a class="btn" href="/learning/xapi.json" download="">{i.t("learning.xapi_export")}</a> })}
                            {manage.then(|| view! { <A href="/learning/new" attr:class="btn primary">{i.t("learning.new_course")}</A> })}
                        </div>
                    </div>
                    <section aria-labelledby="courses-h">
                        <h2 id="courses-h">{i.t("learning.courses")}</h2>
                        <Suspense fallback=|| view! { <Skeleton lines=3 /> }>
                            {move || Suspend::new(async move {
                                match courses.await {
                                    Ok(list) if list.is_empty() => view! { <EmptyState title="learning.no_courses" body="learning.no_courses_hint" /> }.into_any(),
                                    Ok(list) => view! { <ul class="cards">{list.into_iter().map(|c| course_card(i, c, manage.then_some(set_status))).collect_view()}</ul> }.into_any(),
                                    Err(e) => error_view(e),
                                }
                            })}
                        </Suspense>
                    </section>
                    {takes.then(|| view! { <super::path_page::AssignedPaths /> })}
                    {manage.then(|| view! { <super::path_page::PathsAdmin /> })}
                    {takes.then(|| view! {
                        <section aria-labelledby="mine-h">
                            <h2 id="mine-h">{i.t("learning.my_certifications")}</h2>
                            <Suspense fallback=|| view! { <Skeleton lines=2 /> }>
                                {move || Suspend::new(async move {
                                    match mine.await {
                                        Ok(list) if list.is_empty() => view! { <p class="hint">{i.t("learning.no_certifications")}</p> }.into_any(),
                                        Ok(list) => view! { <ul class="cards">{list.into_iter().map(|c| my_credential(i, c)).collect_view()}</ul> }.into_any(),
                                        Err(e) => error_view(e),
                                    }
                                })}
                            </Suspense>
                        </section>
                    })}
                    {team.then(|| view! {
                        <section aria-labelledby="team-h">
                            <h2 id="team-h">{i.t(if u.vendor { "learning.issued" } else { "learning.team" })}</h2>
                            <CredentialTable may_revoke />
                        </section>
                    })}
                }.into_any()
            })}
        </Suspense>
    }
}
