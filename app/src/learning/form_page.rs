//! `/learning/new` and `/learning/courses/:id/edit`: vendor staff write a course (modules
//! of lessons, each with Markdown, a video link or a content-library asset), its quiz and
//! the certification the quiz earns. Saving an edit makes the course's next version;
//! nobody's completions are lost.

use super::api::*;
use super::{CourseInput, LessonInput};
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::ui::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// One lesson being written. `key` tells lessons apart while they are added and removed.
#[derive(Clone, Copy)]
struct LessonDraft {
    key: u32,
    module: RwSignal<String>,
    title: RwSignal<String>,
    body: RwSignal<String>,
    video_url: RwSignal<String>,
    asset: RwSignal<String>,
}

impl LessonDraft {
    fn new(key: u32, l: &LessonInput) -> Self {
        let f = |v: &str| RwSignal::new(v.to_string());
        LessonDraft {
            key,
            module: f(&l.module),
            title: f(&l.title),
            body: f(&l.body),
            video_url: f(&l.video_url),
            asset: f(&l.asset),
        }
    }

    fn input(&self) -> LessonInput {
        LessonInput {
            module: self.module.get_untracked(),
            title: self.title.get_untracked(),
            body: self.body.get_untracked(),
            video_url: self.video_url.get_untracked(),
            asset: self.asset.get_untracked(),
        }
    }
}

/// The course form, filled with `initial`; `save` sends what was written and `err` is
/// the latest answer's error.
#[component]
fn CourseForm(
    initial: CourseInput,
    save: Callback<CourseInput>,
    #[prop(into)] err: Signal<Option<AppError>>,
    #[prop(into)] pending: Signal<bool>,
    submit_label: &'static str,
) -> impl IntoView {
    let i = use_i18n();
    let f = |v: &str| RwSignal::new(v.to_string());
    let title = f(&initial.title);
    let summary = f(&initial.summary);
    let questions = f(&initial.questions);
    let (draw, pass, attempts, cooldown, limit) = (
        f(&initial.draw_count),
        f(&initial.pass_percent),
        f(&initial.max_attempts),
        f(&initial.cooldown_minutes),
        f(&initial.time_limit_minutes),
    );
    let (cert_name, cert_days, tier_reqs) = (
        f(&initial.certification_name),
        f(&initial.certification_validity_days),
        f(&initial.tier_requirements),
    );
    let publish = RwSignal::new(initial.publish);
    let mut drafts: Vec<LessonDraft> = initial
        .lessons
        .iter()
        .enumerate()
        .map(|(k, l)| LessonDraft::new(k as u32, l))
        .collect();
    if drafts.is_empty() {
        drafts.push(LessonDraft::new(0, &LessonInput::default()));
    }
    let next_key = RwSignal::new(drafts.len() as u32);
    let lessons = RwSignal::new(drafts);
    let fe = move |name: &'static str| field_errors(err, name);
    // A lesson's messages follow it when lessons above it are removed.
    let lesson_errors = move |key: u32, field: &'static str| {
        Signal::derive(move || {
            let at = lessons
                .with(|l| l.iter().position(|d| d.key == key))
                .unwrap_or(usize::MAX);
            err.get()
                .map(|e| e.field_messages(&format!("lessons.{at}.{field}")))
                .unwrap_or_default()
        })
    };
    view! {
        <form class="form" data-testid="course-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            save.run(CourseInput {
                title: title.get_untracked(),
                summary: summary.get_untracked(),
                lessons: lessons.get_untracked().iter().map(LessonDraft::input).collect(),
                questions: questions.get_untracked(),
                draw_count: draw.get_untracked(),
                pass_percent: pass.get_untracked(),
                max_attempts: attempts.get_untracked(),
                cooldown_minutes: cooldown.get_untracked(),
                time_limit_minutes: limit.get_untracked(),
                publish: publish.get_untracked(),
                certification_name: cert_name.get_untracked(),
                certification_validity_days: cert_days.get_untracked(),
                tier_requirements: tier_reqs.get_untracked(),
            });
        }>
            <FormAlert error=err />
            <TextField label="course.title" name="title" value=title required=true errors=fe("title") />
            <TextArea label="course.summary" name="summary" value=summary errors=fe("summary") />
            <FieldMessages errors=fe("lessons") />
            <For each=move || lessons.get() key=|d| d.key let:d>
                {
                    let key = d.key;
                    let n = move || lessons.with(|l| l.iter().position(|x| x.key == key).unwrap_or(0) + 1);
                    let name = move |field: &str| format!("lesson-{key}-{field}");
                    view! {
                        <fieldset class="field lesson-fields" data-testid="lesson-fields">
                            <legend>{move || i.tf("course.lesson_n", &[("n", &n().to_string())])}</legend>
                            <TextField label="course.module" name=name("module") value=d.module errors=lesson_errors(key, "module") hint="course.module_hint" />
                            <TextField label="course.lesson_title" name=name("title") value=d.title required=true errors=lesson_errors(key, "title") />
                            <TextArea label="course.lesson_body" name=name("body") value=d.body errors=lesson_errors(key, "body") />
                            <TextField label="course.video_url" name=name("video") value=d.video_url input_type="url" errors=lesson_errors(key, "video_url") hint="course.video_hint" />
                            <TextField label="course.asset" name=name("asset") value=d.asset errors=lesson_errors(key, "asset") hint="course.asset_hint" />
                            {move || (lessons.with(Vec::len) > 1).then(|| view! {
                                <button type="button" class="btn link danger" data-testid="remove-lesson"
                                    on:click=move |_| lessons.update(|l| l.retain(|x| x.key != key))>
                                    {i.t("course.remove_lesson")}
                                </button>
                            })}
                        </fieldset>
                    }
                }
            </For>
            <p>
                <button type="button" class="btn" data-testid="add-lesson"
                    disabled=move || { lessons.with(Vec::len) >= 50 }
                    on:click=move |_| {
                        let key = next_key.get_untracked();
                        next_key.set(key + 1);
                        // A new lesson starts in the module of the one before it.
                        let module = lessons.with_untracked(|l| l.last().map(|d| d.module.get_untracked())).unwrap_or_default();
                        lessons.update(|l| l.push(LessonDraft::new(key, &LessonInput { module, ..Default::default() })));
                    }>
                    {i.t("course.add_lesson")}
                </button>
            </p>
            <fieldset class="field">
                <legend>{i.t("course.quiz")}</legend>
                <p class="hint" id="questions-format">{i.t("course.questions_hint")}</p>
                <TextArea label="course.questions" name="questions" value=questions errors=fe("questions") />
                <TextField label="course.draw_count" name="draw_count" value=draw input_type="number" errors=fe("draw_count") />
                <TextField label="course.pass_percent" name="pass_percent" value=pass input_type="number" errors=fe("pass_percent") />
                <TextField label="course.max_attempts" name="max_attempts" value=attempts input_type="number" errors=fe("max_attempts") />
                <TextField label="course.cooldown_minutes" name="cooldown_minutes" value=cooldown input_type="number" errors=fe("cooldown_minutes") />
                <TextField label="course.time_limit_minutes" name="time_limit_minutes" value=limit input_type="number" errors=fe("time_limit_minutes") hint="course.time_limit_hint" />
            </fieldset>
            <fieldset class="field">
                <legend>{i.t("course.certification")}</legend>
                <TextField label="course.certification_name" name="certification_name" value=cert_name errors=fe("certification_name") hint="course.certification_hint" />
                <TextField label="course.validity_days" name="certification_validity_days" value=cert_days input_type="number" errors=fe("certification_validity_days") />
                <TextField label="course.tier_requirements" name="tier_requirements" value=tier_reqs errors=fe("tier_requirements") hint="course.tier_requirements_hint" />
            </fieldset>
            <label class="check">
                <input type="checkbox" name="publish" prop:checked=move || publish.get()
                    on:change=move |ev| publish.set(event_target_checked(&ev)) />
                {i.t("course.publish")}
            </label>
            <SubmitButton label=submit_label pending />
        </form>
    }
}

/// `/learning/new`.
#[component]
pub fn CourseNewPage() -> impl IntoView {
    let i = use_i18n();
    let create = ServerAction::<CreateCourse>::new();
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = create.value().get() {
            navigate(&format!("/learning/courses/{id}"), Default::default());
        }
    });
    let initial = CourseInput {
        draw_count: "5".into(),
        pass_percent: "70".into(),
        max_attempts: "3".into(),
        cooldown_minutes: "0".into(),
        time_limit_minutes: "0".into(),
        certification_validity_days: "365".into(),
        publish: true,
        ..Default::default()
    };
    view! {
        <Title text=i.t("learning.new_course") />
        <h1>{i.t("learning.new_course")}</h1>
        <CourseForm initial
            save=Callback::new(move |input| { create.dispatch(CreateCourse { input }); })
            err=action_error(create) pending=create.pending() submit_label="course.create" />
    }
}

/// `/learning/courses/:id/edit`.
#[component]
pub fn CourseEditPage() -> impl IntoView {
    let i = use_i18n();
    let id = route_id();
    let data = Resource::new(id, get_course_input);
    let update = ServerAction::<UpdateCourse>::new();
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(_)) = update.value().get() {
            toast(i.t("course.saved").to_string());
            navigate(&format!("/learning/courses/{}", id()), Default::default());
        }
    });
    view! {
        <Title text=i.t("course.edit") />
        <Suspense fallback=|| view! { <Skeleton lines=8 /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(initial) => {
                        let course = id();
                        view! {
                            <div class="page-head">
                                <h1>{i.t("course.edit")}</h1>
                                <A href=format!("/learning/courses/{course}") attr:class="btn">{i.t("ui.cancel")}</A>
                            </div>
                            <p class="hint">{i.t("course.edit_hint")}</p>
                            <CourseForm initial
                                save=Callback::new(move |input| { update.dispatch(UpdateCourse { id: course, input }); })
                                err=action_error(update) pending=update.pending() submit_label="course.save" />
                        }.into_any()
                    }
                    Err(e) => error_view(e),
                }
            })}
        </Suspense>
    }
}
