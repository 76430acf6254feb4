use crate::i18n::use_i18n;
use leptos::prelude::*;

/// Toast messages, provided as context by the app root.
#[derive(Clone, Copy)]
pub struct Toasts(RwSignal<Vec<(u64, String)>>);

impl Toasts {
    pub fn new() -> Self {
        Toasts(RwSignal::new(Vec::new()))
    }

    /// Shows a message for five seconds.
    pub fn show(&self, msg: String) {
        let list = self.0;
        let id = list.with_untracked(|l| l.iter().map(|(i, _)| *i).max().unwrap_or(0) + 1);
        list.update(|l| l.push((id, msg)));
        set_timeout(
            move || list.update(|l| l.retain(|(i, _)| *i != id)),
            std::time::Duration::from_secs(5),
        );
    }
}

impl Default for Toasts {
    fn default() -> Self {
        Self::new()
    }
}

pub fn toast(msg: String) {
    if let Some(t) = use_context::<Toasts>() {
        t.show(msg);
    }
}

/// The live region where toasts appear.
#[component]
pub fn ToastRegion() -> impl IntoView {
    let toasts = use_context::<Toasts>().unwrap_or_default();
    view! {
        <div class="toasts" role="status" aria-live="polite">
            {move || {
                toasts
                    .0
                    .get()
                    .into_iter()
                    .map(|(_, m)| view! { <div class="toast">{m}</div> })
                    .collect_view()
            }}
        </div>
    }
}

/// A modal confirmation dialog. Focus moves to the confirm button on open; Escape cancels.
#[component]
pub fn ConfirmDialog(
    open: RwSignal<bool>,
    #[prop(into)] title: String,
    #[prop(into)] body: String,
    confirm_label: &'static str,
    on_confirm: Callback<()>,
) -> impl IntoView {
    let i = use_i18n();
    let confirm_ref = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if open.get()
            && let Some(b) = confirm_ref.get()
        {
            let _ = b.focus();
        }
    });
    view! {
        <Show when=move || open.get()>
            <div class="overlay">
                <div
                    class="dialog"
                    role="dialog"
                    aria-modal="true"
                    aria-labelledby="dialog-title"
                    on:keydown=move |ev| {
                        if ev.key() == "Escape" {
                            open.set(false);
                        }
                    }
                >
                    <h2 id="dialog-title">{title.clone()}</h2>
                    <p>{body.clone()}</p>
                    <div class="actions">
                        <button class="btn" on:click=move |_| open.set(false)>{i.t("ui.cancel")}</button>
                        <button
                            class="btn danger"
                            node_ref=confirm_ref
                            on:click=move |_| {
                                open.set(false);
                                on_confirm.run(());
                            }
                        >
                            {i.t(confirm_label)}
                        </button>
                    </div>
                </div>
            </div>
        </Show>
    }
}

/// What a list shows when it has nothing in it.
#[component]
pub fn EmptyState(
    title: &'static str,
    #[prop(optional)] body: Option<&'static str>,
) -> impl IntoView {
    let i = use_i18n();
    view! {
        <div class="empty">
            <p class="empty-title">{i.t(title)}</p>
            {body.map(|b| view! { <p>{i.t(b)}</p> })}
        </div>
    }
}

/// Grey placeholder lines while data loads.
#[component]
pub fn Skeleton(#[prop(default = 3)] lines: usize) -> impl IntoView {
    let i = use_i18n();
    view! {
        <div class="skeleton" aria-busy="true">
            <span class="visually-hidden">{i.t("ui.loading")}</span>
            {(0..lines).map(|_| view! { <div class="skeleton-line"></div> }).collect_view()}
        </div>
    }
}

/// Sets the status code of a server-rendered error page.
pub fn set_status(code: u16) {
    #[cfg(feature = "ssr")]
    if let Some(opts) = use_context::<leptos_axum::ResponseOptions>()
        && let Ok(c) = http::StatusCode::from_u16(code)
    {
        opts.set_status(c);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = code;
}

/// The page for a missing or hidden resource (404) or a refused one (403).
#[component]
pub fn ErrorPage(code: u16) -> impl IntoView {
    let i = use_i18n();
    set_status(code);
    let (title, body) = match code {
        403 => ("page.forbidden_title", "page.forbidden_body"),
        401 => ("page.signed_out_title", "page.signed_out_body"),
        _ => ("page.not_found_title", "page.not_found_body"),
    };
    view! {
        <section class="error-page">
            <h1>{i.t(title)}</h1>
            <p>{i.t(body)}</p>
            <a class="btn" href="/">{i.t("page.go_home")}</a>
        </section>
    }
}

/// Renders an error as the matching page or alert.
pub fn error_view(e: crate::error::AppError) -> AnyView {
    use crate::error::AppError;
    match e {
        AppError::NotFound => view! { <ErrorPage code=404 /> }.into_any(),
        AppError::Forbidden => view! { <ErrorPage code=403 /> }.into_any(),
        AppError::Unauthorized => view! { <ErrorPage code=401 /> }.into_any(),
        other => {
            let msg = super::error_text(&other);
            view! { <div class="alert error" role="alert">{msg}</div> }.into_any()
        }
    }
}
