//! The pipeline upload page: choose a CSV, watch it upload, read the preview and the row
//! errors, then import with a progress bar. The file is read in the browser and sent in
//! chunks; validation and writing happen on the server (see `imports`).

use super::api::*;
use super::{IMPORT_CHUNK_BYTES, ImportPreview, ImportState, ImportView, MAX_IMPORT_BYTES};
use crate::error::AppError;
use crate::i18n::{I18n, format, use_i18n};
use crate::ui::*;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;

/// Where the page is in the flow.
#[derive(Debug, Clone, PartialEq)]
enum Phase {
    Choose,
    Uploading { sent: usize, total: usize },
    Validating,
    Previewed(ImportPreview),
    Importing(ImportView),
    Finished(ImportView),
}

/// Splits text into pieces of at most `max` bytes, cut on character boundaries.
pub fn chunks(text: &str, max: usize) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let mut end = rest.len().min(max);
        while !rest.is_char_boundary(end) {
            end -= 1;
        }
        if end == 0 {
            // `max` is smaller than this one character: send it whole.
            end = rest.chars().next().map_or(rest.len(), char::len_utf8);
        }
        let (head, tail) = rest.split_at(end);
        out.push(head);
        rest = tail;
    }
    out
}

/// The chosen file's name and text.
#[cfg(feature = "hydrate")]
pub(crate) async fn read_file(
    input: NodeRef<leptos::html::Input>,
) -> Result<(String, String), &'static str> {
    let el = input.get_untracked().ok_or("import.choose_file")?;
    let file = el
        .files()
        .and_then(|f| f.get(0))
        .ok_or("import.choose_file")?;
    if file.size() as usize > MAX_IMPORT_BYTES {
        return Err("err.file_too_large");
    }
    let text = wasm_bindgen_futures::JsFuture::from(file.text())
        .await
        .ok()
        .and_then(|v| v.as_string())
        .ok_or("err.file_unreadable")?;
    Ok((file.name(), text))
}

#[cfg(not(feature = "hydrate"))]
pub(crate) async fn read_file(
    _: NodeRef<leptos::html::Input>,
) -> Result<(String, String), &'static str> {
    // Files are only read in the browser; the server renders the page.
    Err("import.choose_file")
}

async fn pause() {
    #[cfg(feature = "hydrate")]
    gloo_timers::future::TimeoutFuture::new(500).await;
}

/// Uploads the file in chunks and asks for the preview.
async fn upload(
    input: NodeRef<leptos::html::Input>,
    phase: RwSignal<Phase>,
    problem: RwSignal<Option<String>>,
    err: RwSignal<Option<AppError>>,
) {
    let (name, text) = match read_file(input).await {
        Ok(f) => f,
        Err(key) => {
            problem.set(Some(key.to_string()));
            return;
        }
    };
    let parts = chunks(&text, IMPORT_CHUNK_BYTES);
    phase.set(Phase::Uploading {
        sent: 0,
        total: parts.len(),
    });
    let result = async {
        let started = start_pipeline_upload(name, text.len() as i64).await?;
        for (seq, part) in parts.iter().enumerate() {
            put_pipeline_chunk(started.id, seq as i64, part.to_string()).await?;
            phase.set(Phase::Uploading {
                sent: seq + 1,
                total: parts.len(),
            });
        }
        phase.set(Phase::Validating);
        finish_pipeline_upload(started.id).await
    }
    .await;
    match result {
        Ok(p) => phase.set(Phase::Previewed(p)),
        Err(e) => {
            err.set(Some(e));
            phase.set(Phase::Choose);
        }
    }
}

/// Queues the import and follows its progress until it ends.
async fn import(id: i64, phase: RwSignal<Phase>, err: RwSignal<Option<AppError>>) {
    let mut view = match run_pipeline_import(id).await {
        Ok(v) => v,
        Err(e) => {
            err.set(Some(e));
            return;
        }
    };
    loop {
        let finished = matches!(view.state, ImportState::Done | ImportState::Failed);
        phase.set(if finished {
            Phase::Finished(view.clone())
        } else {
            Phase::Importing(view.clone())
        });
        if finished {
            return;
        }
        pause().await;
        view = match pipeline_import_status(id).await {
            Ok(v) => v,
            // A dropped poll is not a failed import: try again.
            Err(AppError::Transport(_)) => continue,
            Err(e) => {
                err.set(Some(e));
                return;
            }
        };
    }
}

#[component]
pub fn PipelineImportPage() -> impl IntoView {
    let i = use_i18n();
    let phase = RwSignal::new(Phase::Choose);
    let problem = RwSignal::new(None::<String>);
    let err = RwSignal::new(None::<AppError>);
    let input = NodeRef::<leptos::html::Input>::new();
    let ready = RwSignal::new(false);
    Effect::new(move |_| ready.set(true));
    let busy = move || {
        matches!(
            phase.get(),
            Phase::Uploading { .. } | Phase::Validating | Phase::Importing(_)
        )
    };
    let file_errors = Signal::derive(move || {
        let mut v: Vec<String> = problem.get().into_iter().collect();
        v.extend(
            err.get()
                .map(|e| e.field_messages("file"))
                .unwrap_or_default(),
        );
        v
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        problem.set(None);
        err.set(None);
        spawn_local(upload(input, phase, problem, err));
    };
    let user = crate::shell::use_user();
    let page = move || {
        Suspend::new(async move {
            let ok = user
                .await
                .ok()
                .flatten()
                .is_some_and(|u| u.can(crate::policy::Action::ImportPipeline));
            if !ok {
                return view! { <ErrorPage code=403 /> }.into_any();
            }
            view! {
                <h1>{i.t("import.title")}</h1>
                <p class="lead">{i.t("import.intro")}</p>
                <p class="hint"><code>"external_id, company, domain, street, city, region, postcode, country, phone, contact_email"</code></p>
                <form class="form" on:submit=on_submit>
                    <FormAlert error=Signal::derive(move || err.get().filter(|e| e.field_messages("file").is_empty())) />
                    <div class="field" class:has-error=move || !file_errors.get().is_empty()>
                        <label for="f-file">{i.t("import.file")}</label>
                        <input node_ref=input id="f-file" name="file" type="file" accept=".csv,text/csv"
                            aria-describedby="f-file-err f-file-hint"
                            aria-invalid=move || (!file_errors.get().is_empty()).to_string() />
                        <p class="hint" id="f-file-hint">{i.tf("import.limit", &[("mb", &(MAX_IMPORT_BYTES / (1024 * 1024)).to_string())])}</p>
                        <ul class="field-errors" id="f-file-err">
                            {move || file_errors.get().into_iter().map(|k| view! { <li>{i.t(&k)}</li> }).collect_view()}
                        </ul>
                    </div>
                    <button type="submit" class="btn primary" disabled=move || busy() || !ready.get()>
                        {i.t("import.upload")}
                    </button>
                </form>
                <section aria-live="polite" class="import-progress">
                    {move || progress_view(i, phase.get(), phase, err)}
                </section>
            }
            .into_any()
        })
    };
    view! {
        <Title text=i.t("import.title") />
        <Suspense fallback=|| view! { <Skeleton lines=4 /> }>{page}</Suspense>
    }
}

fn bar(value: i64, max: i64, label: String) -> impl IntoView {
    view! {
        <div class="progress">
            <progress max=max.max(1) value=value aria-label=label.clone()></progress>
            <p data-testid="progress-text">{label}</p>
        </div>
    }
}

fn progress_view(
    i: I18n,
    now: Phase,
    phase: RwSignal<Phase>,
    err: RwSignal<Option<AppError>>,
) -> AnyView {
    let loc = i.locale();
    match now {
        Phase::Choose => ().into_any(),
        Phase::Uploading { sent, total } => bar(
            sent as i64,
            total as i64,
            i.tf(
                "import.uploading",
                &[("sent", &sent.to_string()), ("total", &total.to_string())],
            ),
        )
        .into_any(),
        Phase::Validating => view! { <p>{i.t("import.validating")}</p> }.into_any(),
        Phase::Previewed(p) => preview(i, p, phase, err).into_any(),
        Phase::Importing(v) => bar(
            v.done_rows,
            v.total_rows,
            i.tf(
                "import.progress",
                &[
                    ("done", &format::integer(loc, v.done_rows)),
                    ("total", &format::integer(loc, v.total_rows)),
                ],
            ),
        )
        .into_any(),
        Phase::Finished(v) if v.state == ImportState::Done => view! {
            <div class="alert success" role="status" data-testid="import-done">
                {i.tf("import.done", &[
                    ("inserted", &format::integer(loc, v.inserted)),
                    ("updated", &format::integer(loc, v.updated)),
                ])}
            </div>
        }
        .into_any(),
        Phase::Finished(v) => view! {
            <div class="alert error" role="alert">
                {i.tf("import.failed", &[("done", &format::integer(loc, v.done_rows))])}
            </div>
        }
        .into_any(),
    }
}

fn preview(
    i: I18n,
    p: ImportPreview,
    phase: RwSignal<Phase>,
    err: RwSignal<Option<AppError>>,
) -> impl IntoView {
    let loc = i.locale();
    let id = p.import.id;
    if p.import.state != ImportState::Ready {
        return view! {
            <div class="alert error" role="alert" data-testid="import-errors">
                <p>{i.tf("import.invalid", &[("n", &format::integer(loc, p.error_count as i64))])}</p>
                {(p.error_count > p.errors.len()).then(|| view! {
                    <p>{i.tf("import.errors_listed", &[("n", &p.errors.len().to_string())])}</p>
                })}
            </div>
            <table class="row-errors">
                <thead><tr>
                    <th scope="col">{i.t("import.line")}</th>
                    <th scope="col">{i.t("import.column")}</th>
                    <th scope="col">{i.t("import.problem")}</th>
                </tr></thead>
                <tbody>
                    {p.errors.into_iter().map(|e| view! {
                        <tr>
                            <td data-label=i.t("import.line")>{e.line}</td>
                            <td data-label=i.t("import.column")>{e.field}</td>
                            <td data-label=i.t("import.problem")>{e.message}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        }
        .into_any();
    }
    let total = p.import.total_rows;
    view! {
        <h2>{i.t("import.preview")}</h2>
        <p data-testid="import-ready">{i.tf("import.ready", &[("n", &format::integer(loc, total))])}</p>
        <div class="table-scroll">
            <table class="preview-rows">
                <thead><tr>
                    <th scope="col">"external_id"</th>
                    <th scope="col">"company"</th>
                    <th scope="col">"domain"</th>
                    <th scope="col">"city"</th>
                    <th scope="col">"country"</th>
                </tr></thead>
                <tbody>
                    {p.sample.into_iter().map(|r| view! {
                        <tr>
                            <td data-label="external_id">{r.external_id}</td>
                            <td data-label="company">{r.customer.company}</td>
                            <td data-label="domain">{r.customer.domain}</td>
                            <td data-label="city">{r.customer.city}</td>
                            <td data-label="country">{r.customer.country}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <button type="button" class="btn primary" data-testid="import-start"
            on:click=move |_| spawn_local(import(id, phase, err))>
            {i.tf("import.start", &[("n", &format::integer(loc, total))])}
        </button>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::chunks;

    #[test]
    fn chunks_cut_on_character_boundaries_and_rejoin() {
        let text = "id,company\n1,Müller GmbH\n2,Société Générale\n".repeat(50);
        for max in [1, 2, 3, 7, 64, 10_000] {
            let parts = chunks(&text, max);
            assert_eq!(parts.concat(), text);
            assert!(parts.iter().all(|p| !p.is_empty() && p.len() <= max.max(4)));
        }
        assert!(chunks("", 10).is_empty());
    }
}
