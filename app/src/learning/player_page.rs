//! `/learning/courses/:id`: the course player. Lessons in order, opening at the first one
//! not completed (so a learner resumes where they stopped), then the quiz: its rules, the
//! reader's standing, the questions of an attempt (never their answers) and the graded
//! result with the topics to revisit.

use super::api::*;
use super::{AnswerInput, AttemptResult, AttemptView, CourseView, QuestionKind};
use crate::i18n::{I18n, format, use_i18n};
use crate::ui::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// The course's saved versions, for those who write courses.
fn versions_view(i: I18n, version: i64, list: Vec<super::CourseVersion>) -> impl IntoView {
    view! {
        <details class="versions" data-testid="course-versions">
            <summary>{i.tf("course.version_n", &[("n", &version.to_string())])}</summary>
            <ol reversed>
                {list.into_iter().map(|v| view! {
                    <li>{i.tf("course.version_line", &[
                        ("n", &v.version.to_string()),
                        ("date", &format::date_time(i.locale(), v.created_at)),
                        ("who", v.created_by.as_deref().unwrap_or("—")),
                    ])}</li>
                }).collect_view()}
            </ol>
        </details>
    }
}

/// The time left in an attempt, counting down each second in the browser from what the
/// server said when the attempt was handed out (so a wrong clock on the phone does not
/// matter). The server enforces the limit either way.
#[component]
fn Countdown(seconds_left: i64) -> impl IntoView {
    let i = use_i18n();
    let left = RwSignal::new(seconds_left.max(0));
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        let started = js_sys::Date::now();
        let tick = move || {
            let gone = ((js_sys::Date::now() - started) / 1000.0) as i64;
            left.set((seconds_left - gone).max(0));
        };
        if let Ok(handle) = set_interval_with_handle(tick, std::time::Duration::from_secs(1)) {
            on_cleanup(move || handle.clear());
        }
    });
    let text = move || {
        let s = left.get();
        i.tf(
            "quiz.time_left",
            &[("time", &format!("{}:{:02}", s / 60, s % 60))],
        )
    };
    view! {
        <p class="alert warning countdown" class:urgent=move || { left.get() < 60 } data-testid="countdown" role="timer">
            {text}
        </p>
    }
}

fn result_view(i: I18n, r: AttemptResult) -> impl IntoView {
    let score = i.tf(
        "quiz.score",
        &[
            ("score", &r.score_percent.to_string()),
            ("pass", &r.pass_percent.to_string()),
        ],
    );
    view! {
        <div class="card quiz-result" data-testid="quiz-result" role="status">
            <h3>{i.t(if r.passed { "quiz.passed" } else { "quiz.failed" })}</h3>
            <p data-testid="quiz-score">{score}</p>
            {(!r.topics_to_revisit.is_empty()).then(|| view! {
                <p>{i.t("quiz.revisit")}" "<strong data-testid="revisit">{r.topics_to_revisit.join(", ")}</strong></p>
            })}
            <ol class="feedback">
                {r.feedback.into_iter().map(|f| view! {
                    <li class:right=f.correct class:wrong=!f.correct>
                        <span>{f.prompt}</span>" "
                        <span class="hint">{if f.correct { i.t("quiz.right").to_string() } else {
                            i.tf("quiz.answer_was", &[("answer", &f.right_options.join(", "))])
                        }}</span>
                    </li>
                }).collect_view()}
            </ol>
            {r.credential_id.map(|id| view! {
                <p><a class="btn primary" href=format!("/credentials/{id}") data-testid="view-credential">{i.t("quiz.view_credential")}</a></p>
            })}
        </div>
    }
}

#[component]
fn AttemptForm(
    attempt: AttemptView,
    on_done: Callback<Result<AttemptResult, crate::error::AppError>>,
) -> impl IntoView {
    let i = use_i18n();
    let chosen: RwSignal<Vec<(i64, usize)>> = RwSignal::new(Vec::new());
    let submit = ServerAction::<SubmitQuiz>::new();
    Effect::new(move |_| {
        if let Some(r) = submit.value().get() {
            on_done.run(r);
        }
    });
    let attempt_id = attempt.id;
    let deadline = attempt.deadline_at.map(|d| {
        i.tf(
            "quiz.deadline",
            &[("time", &format::date_time(i.locale(), d))],
        )
    });
    let seconds_left = attempt.seconds_left;
    view! {
        <form class="form quiz" data-testid="quiz-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let mut answers: Vec<AnswerInput> = Vec::new();
            for (q, o) in chosen.get_untracked() {
                match answers.iter_mut().find(|a| a.question_id == q) {
                    Some(a) => a.chosen.push(o),
                    None => answers.push(AnswerInput { question_id: q, chosen: vec![o] }),
                }
            }
            submit.dispatch(SubmitQuiz { attempt_id, answers });
        }>
            {deadline.map(|d| view! { <p class="hint">{d}</p> })}
            {seconds_left.map(|s| view! { <Countdown seconds_left=s /> })}
            {attempt.questions.into_iter().enumerate().map(|(n, q)| {
                let multi = q.kind == QuestionKind::Multiple;
                let qid = q.id;
                let name = format!("q{qid}");
                view! {
                    <fieldset class="field question" data-testid="question">
                        <legend>{format!("{}. ", n + 1)}{q.prompt}</legend>
                        {multi.then(|| view! { <p class="hint">{i.t("quiz.choose_all")}</p> })}
                        {q.options.into_iter().enumerate().map(|(k, label)| {
                            let name = name.clone();
                            view! {
                                <label class="check">
                                    <input type=if multi { "checkbox" } else { "radio" } name=name value=k.to_string()
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            chosen.update(|c| {
                                                if !multi { c.retain(|(x, _)| *x != qid); }
                                                c.retain(|p| *p != (qid, k));
                                                if on { c.push((qid, k)); }
                                            });
                                        } />
                                    {label}
                                </label>
                            }
                        }).collect_view()}
                    </fieldset>
                }
            }).collect_view()}
            <SubmitButton label="quiz.submit" pending=submit.pending() />
        </form>
    }
}

#[component]
fn Quiz(course: CourseView, reload: Callback<()>) -> impl IntoView {
    let i = use_i18n();
    let q = course.quiz.clone();
    let start = ServerAction::<StartQuiz>::new();
    let result = RwSignal::new(None::<AttemptResult>);
    let attempt = RwSignal::new(None::<AttemptView>);
    Effect::new(move |_| match start.value().get() {
        Some(Ok(a)) => attempt.set(Some(a)),
        Some(Err(e)) => toast(error_text(&e)),
        None => {}
    });
    let on_done = Callback::new(move |r: Result<AttemptResult, crate::error::AppError>| {
        attempt.set(None);
        match r {
            Ok(r) => result.set(Some(r)),
            Err(e) => toast(error_text(&e)),
        }
        reload.run(());
    });
    let rules = i.tf(
        "quiz.rules",
        &[
            ("n", &q.draw_count.min(q.bank_size).to_string()),
            ("pass", &q.pass_percent.to_string()),
            ("used", &q.attempts_used.to_string()),
            ("max", &q.max_attempts.to_string()),
        ],
    );
    let course_id = course.id;
    let last = q.last.clone();
    let can_start =
        course.may_take && q.next_attempt_at.is_none() && q.attempts_used < q.max_attempts;
    view! {
        <section aria-labelledby="quiz-h" class="quiz-section">
            <h2 id="quiz-h">{i.t("quiz.title")}</h2>
            <p data-testid="quiz-rules">{rules}</p>
            {(q.time_limit_minutes > 0).then(|| view! { <p>{i.tf("quiz.time_limit", &[("m", &q.time_limit_minutes.to_string())])}</p> })}
            {q.certification.clone().map(|n| view! { <p class="hint">{i.tf("learning.earns", &[("name", &n)])}</p> })}
            {q.next_attempt_at.map(|t| view! { <p class="alert warning" data-testid="cooldown">{i.tf("quiz.cooldown", &[("time", &format::date_time(i.locale(), t))])}</p> })}
            {move || match (attempt.get(), result.get()) {
                (Some(a), _) => view! { <AttemptForm attempt=a on_done /> }.into_any(),
                (None, Some(r)) => result_view(i, r).into_any(),
                (None, None) => last.clone().map(|r| result_view(i, r).into_any()).unwrap_or_else(|| ().into_any()),
            }}
            {move || (attempt.get().is_none() && can_start).then(|| view! {
                <button type="button" class="btn primary" data-testid="start-quiz" disabled=move || start.pending().get()
                    on:click=move |_| { result.set(None); start.dispatch(StartQuiz { course_id }); }>
                    {i.t(if q.attempts_used > 0 { "quiz.try_again" } else { "quiz.start" })}
                </button>
            })}
        </section>
    }
}

/// `/learning/courses/:id`.
#[component]
pub fn CoursePlayerPage() -> impl IntoView {
    let i = use_i18n();
    let id = route_id();
    let complete = ServerAction::<CompleteLesson>::new();
    let reload = RwSignal::new(0u32);
    let data = Resource::new(
        move || (id(), complete.version().get(), reload.get()),
        |(id, _, _)| get_course(id),
    );
    let current = RwSignal::new(None::<i64>);
    view! {
        <Suspense fallback=|| view! { <Skeleton lines=6 /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(course) => {
                        let lessons = course.lessons.clone();
                        let resume = course.resume_lesson.or_else(|| lessons.first().map(|l| l.id));
                        let shown = current.get_untracked().or(resume);
                        let lesson = lessons.iter().find(|l| Some(l.id) == shown).cloned();
                        let next = lesson.as_ref().and_then(|l| {
                            lessons.iter().skip_while(|x| x.id != l.id).nth(1).map(|x| x.id)
                        });
                        let may_take = course.may_take;
                        let history = (!course.versions.is_empty())
                            .then(|| versions_view(i, course.version, course.versions.clone()));
                        view! {
                            <Title text=course.title.clone() />
                            <div class="page-head">
                                <h1>{course.title.clone()}</h1>
                                <div class="actions">
                                    {(!course.versions.is_empty()).then(|| view! {
                                        <A href=format!("/learning/courses/{}/edit", course.id) attr:class="btn" attr:data-testid="edit-course">{i.t("course.edit")}</A>
                                    })}
                                    <A href="/learning" attr:class="btn">{i.t("learning.back")}</A>
                                </div>
                            </div>
                            <p class="hint">{course.summary.clone()}</p>
                            {history}
                            <div class="player">
                                <nav aria-label=i.t("learning.lessons") class="lesson-list">
                                    <ol>{lessons.iter().enumerate().map(|(n, l)| {
                                        let lid = l.id;
                                        // A module's heading before its first lesson.
                                        let heading = (!l.module.is_empty()
                                            && (n == 0 || lessons[n - 1].module != l.module))
                                            .then(|| l.module.clone());
                                        view! {
                                        {heading.map(|m| view! { <li class="module" aria-hidden="true">{m}</li> })}
                                        <li class:done=l.done>
                                            <button type="button" class="btn link" aria-current=(Some(lid) == shown).then_some("step")
                                                on:click=move |_| { current.set(Some(lid)); reload.update(|n| *n += 1); }>
                                                {l.done.then_some("✓ ")}{l.title.clone()}
                                            </button>
                                        </li> }
                                    }).collect_view()}</ol>
                                </nav>
                                {lesson.map(|l| {
                                    let lid = l.id;
                                    view! {
                                        <article class="lesson" data-testid="lesson">
                                            {(!l.module.is_empty()).then(|| view! { <p class="hint">{l.module.clone()}</p> })}
                                            <h2>{l.title}</h2>
                                            <div class="prose" inner_html=l.html></div>
                                            {l.video_url.map(|v| view! { <p><a href=v rel="noopener" target="_blank">{i.t("learning.watch")}</a></p> })}
                                            {l.asset.map(|a| view! {
                                                <p class="card lesson-asset" data-testid="lesson-asset">
                                                    <span class="badge">{i.t(&format!("kind.{}", a.kind))}</span>" "
                                                    <A href=format!("/content/{}", a.id)>{a.title}</A>
                                                </p>
                                            })}
                                            {l.asset_hidden.then(|| view! { <p class="hint" data-testid="lesson-asset-hidden">{i.t("learning.asset_hidden")}</p> })}
                                            {(may_take && !l.done).then(|| view! {
                                                <button type="button" class="btn primary" data-testid="complete-lesson"
                                                    on:click=move |_| {
                                                        complete.dispatch(CompleteLesson { lesson_id: lid });
                                                        current.set(next);
                                                    }>
                                                    {i.t("learning.complete")}
                                                </button>
                                            })}
                                            {l.done.then(|| view! { <p><span class="badge cred-active">{i.t("learning.completed")}</span></p> })}
                                        </article>
                                    }
                                })}
                            </div>
                            <Quiz course reload=Callback::new(move |_| reload.update(|n| *n += 1)) />
                        }.into_any()
                    }
                    Err(e) => error_view(e),
                }
            })}
        </Suspense>
    }
}
