use crate::error::AppError;
use crate::i18n::use_i18n;
use leptos::prelude::*;

/// The messages for one field of the latest error, as a signal.
pub fn field_errors(
    err: Signal<Option<AppError>>,
    field: impl Into<String>,
) -> Signal<Vec<String>> {
    let field: String = field.into();
    Signal::derive(move || {
        err.get()
            .map(|e| e.field_messages(&field))
            .unwrap_or_default()
    })
}

/// The error of an action's latest result, as a signal.
pub fn action_error<S>(action: ServerAction<S>) -> Signal<Option<AppError>>
where
    S: leptos::server_fn::ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Signal::derive(move || action.value().get().and_then(|r| r.err()))
}

#[component]
fn FieldErrors(id: String, errors: Signal<Vec<String>>) -> impl IntoView {
    let i = use_i18n();
    view! {
        <ul class="field-errors" id=id>
            {move || {
                errors
                    .get()
                    .into_iter()
                    .map(|k| view! { <li>{i.t(&k)}</li> })
                    .collect_view()
            }}
        </ul>
    }
}

/// Text typed into the server-rendered page before the WASM app took over is kept: at
/// hydration the field's DOM value wins over the (empty) signal.
fn keep_typed_before_hydration(node: NodeRef<leptos::html::Input>, value: RwSignal<String>) {
    Effect::new(move |_| {
        if let Some(el) = node.get() {
            let typed = el.value();
            if !typed.is_empty() && typed != value.get_untracked() {
                value.set(typed);
            }
        }
    });
}

/// A labelled text input that keeps what the user typed and shows the server's messages.
#[component]
pub fn TextField(
    /// i18n key of the label.
    label: &'static str,
    #[prop(into)] name: String,
    value: RwSignal<String>,
    #[prop(into, optional)] errors: Signal<Vec<String>>,
    #[prop(optional)] input_type: Option<&'static str>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    /// The keyboard a phone shows (`decimal` for money, `numeric` for whole numbers).
    #[prop(optional)]
    inputmode: Option<&'static str>,
    #[prop(optional)] required: bool,
    /// i18n key of a hint under the field.
    #[prop(optional)]
    hint: Option<&'static str>,
) -> impl IntoView {
    let i = use_i18n();
    let errors = until_edited(errors, value);
    let id = format!("f-{name}");
    let err_id = format!("{id}-err");
    let hint_id = format!("{id}-hint");
    let described = if hint.is_some() {
        format!("{err_id} {hint_id}")
    } else {
        err_id.clone()
    };
    let invalid = move || {
        if errors.get().is_empty() {
            "false"
        } else {
            "true"
        }
    };
    let node = NodeRef::<leptos::html::Input>::new();
    keep_typed_before_hydration(node, value);
    let posted = super::posted_name(&name);
    view! {
        <div class="field" class:has-error=move || !errors.get().is_empty()>
            <label for=id.clone()>{i.t(label)}{required.then_some(" *")}</label>
            <input
                node_ref=node
                id=id
                name=posted
                type=input_type.unwrap_or("text")
                autocomplete=autocomplete
                inputmode=inputmode
                required=required
                aria-invalid=invalid
                aria-describedby=described
                prop:value=move || value.get()
                value=value.get_untracked()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{i.t(h)}</p> })}
            <FieldErrors id=err_id errors />
        </div>
    }
}

/// A labelled multi-line text input.
#[component]
pub fn TextArea(
    label: &'static str,
    #[prop(into)] name: String,
    value: RwSignal<String>,
    #[prop(into, optional)] errors: Signal<Vec<String>>,
) -> impl IntoView {
    let i = use_i18n();
    let errors = until_edited(errors, value);
    let id = format!("f-{name}");
    let err_id = format!("{id}-err");
    let posted = super::posted_name(&name);
    view! {
        <div class="field" class:has-error=move || !errors.get().is_empty()>
            <label for=id.clone()>{i.t(label)}</label>
            <textarea
                id=id
                name=posted
                rows="4"
                aria-describedby=err_id.clone()
                aria-invalid=move || if errors.get().is_empty() { "false" } else { "true" }
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            >
                {value.get_untracked()}
            </textarea>
            <FieldErrors id=err_id errors />
        </div>
    }
}

/// A labelled select. `options` are (value, i18n key or literal label) pairs.
#[component]
pub fn SelectField(
    label: &'static str,
    name: &'static str,
    value: RwSignal<String>,
    #[prop(into)] options: Signal<Vec<(String, String)>>,
    #[prop(into, optional)] errors: Signal<Vec<String>>,
    /// i18n key of the empty choice, if any.
    #[prop(optional)]
    empty: Option<&'static str>,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let i = use_i18n();
    let errors = until_edited(errors, value);
    let id = format!("f-{name}");
    let err_id = format!("{id}-err");
    let node = NodeRef::<leptos::html::Select>::new();
    Effect::new(move |_| {
        // A choice made before hydration wins over the initial signal value.
        if let Some(el) = node.get() {
            let chosen = el.value();
            if !chosen.is_empty() && chosen != value.get_untracked() {
                value.set(chosen);
            }
        }
    });
    view! {
        <div class="field" class:has-error=move || !errors.get().is_empty()>
            <label for=id.clone()>{i.t(label)}{required.then_some(" *")}</label>
            <select
                node_ref=node
                id=id
                name=super::posted_name(name)
                aria-describedby=err_id.clone()
                aria-invalid=move || if errors.get().is_empty() { "false" } else { "true" }
                on:change=move |ev| value.set(event_target_value(&ev))
            >
                {empty.map(|e| view! { <option value="" selected=move || value.get().is_empty()>{i.t(e)}</option> })}
                {move || {
                    options
                        .get()
                        .into_iter()
                        .map(|(v, l)| {
                            let v2 = v.clone();
                            view! {
                                <option value=v selected=move || value.get() == v2>{l}</option>
                            }
                        })
                        .collect_view()
                }}
            </select>
            <FieldErrors id=err_id errors />
        </div>
    }
}

/// A group of checkboxes bound to a list of chosen values.
#[component]
pub fn CheckboxGroup(
    label: &'static str,
    name: &'static str,
    chosen: RwSignal<Vec<String>>,
    options: Vec<(String, String)>,
    #[prop(into, optional)] errors: Signal<Vec<String>>,
    /// Not required: no star, and an optional hint (i18n key) under the legend.
    #[prop(optional)]
    optional: bool,
    #[prop(optional)] hint: Option<&'static str>,
) -> impl IntoView {
    let i = use_i18n();
    let err_id = format!("f-{name}-err");
    let described = err_id.clone();
    view! {
        <fieldset class="field checkbox-group" class:has-error=move || !errors.get().is_empty() aria-describedby=described>
            <legend>{i.t(label)}{(!optional).then_some(" *")}</legend>
            {hint.map(|h| view! { <p class="hint">{i.t(h)}</p> })}
            {options
                .into_iter()
                .map(|(v, l)| {
                    let v_check = v.clone();
                    let v_toggle = v.clone();
                    view! {
                        <label class="check">
                            <input
                                type="checkbox"
                                name=name
                                value=v
                                prop:checked=move || chosen.get().contains(&v_check)
                                on:change=move |_| {
                                    chosen.update(|c| {
                                        if let Some(pos) = c.iter().position(|x| *x == v_toggle) {
                                            c.remove(pos);
                                        } else {
                                            c.push(v_toggle.clone());
                                        }
                                    })
                                }
                            />
                            {l}
                        </label>
                    }
                })
                .collect_view()}
            <FieldErrors id=err_id errors />
        </fieldset>
    }
}

/// A submit button that shows it is working and cannot be pressed twice. It is disabled
/// in the server-rendered page until the app is interactive, so an early tap cannot fall
/// back to a native form submission that would lose the input.
#[component]
pub fn SubmitButton(
    label: &'static str,
    #[prop(into)] pending: Signal<bool>,
    /// The form posts to its server function without JavaScript too, so the button works
    /// before the app has loaded; otherwise it waits for the app.
    #[prop(optional)]
    posts: bool,
    /// The submit button's own name and value, for forms with more than one.
    #[prop(optional)]
    name: Option<&'static str>,
    #[prop(optional)] value: Option<&'static str>,
) -> impl IntoView {
    let i = use_i18n();
    let ready = RwSignal::new(posts);
    Effect::new(move |_| ready.set(true));
    view! {
        <button type="submit" class="btn primary" name=name value=value disabled=move || pending.get() || !ready.get() aria-busy=move || pending.get().to_string()>
            {move || if pending.get() { i.t("ui.working") } else { i.t(label) }}
        </button>
    }
}

/// The message of an error that is not about one field.
pub fn error_text(e: &AppError) -> String {
    let i = use_i18n();
    match e {
        AppError::Validation(_) => i.t("err.fix_fields").to_string(),
        AppError::NotFound => i.t("err.not_found").to_string(),
        AppError::Unauthorized => i.t("err.signed_out").to_string(),
        AppError::Forbidden => i.t("err.forbidden").to_string(),
        AppError::Conflict(key) => i
            .locale()
            .known(key)
            .unwrap_or_else(|| i.t("err.conflict"))
            .to_string(),
        AppError::RateLimited => i.t("err.rate_limited").to_string(),
        AppError::Internal(id) => i.tf("err.internal", &[("id", id)]),
        AppError::Transport(_) => i.t("err.network").to_string(),
        AppError::BadRequest(_) => i.t("err.bad_request").to_string(),
    }
}

/// A summary of the latest error at the top of a form, announced to screen readers. For
/// field errors it links to each field (by its label) and takes the focus, so that on a
/// phone the reader lands on what to fix.
#[component]
pub fn FormAlert(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    let i = use_i18n();
    let node = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if matches!(error.get(), Some(AppError::Validation(_)))
            && let Some(el) = node.get()
        {
            let _ = el.focus();
        }
    });
    move || {
        error.get().map(|e| {
            let fields: Vec<(String, String)> = match &e {
                AppError::Validation(map) => map
                    .keys()
                    // Rows of a list have their own ids; the list's fields are linked by name.
                    .filter(|f| !f.contains('.'))
                    .map(|f| {
                        let label = i
                            .locale()
                            .known(&format!("field.{f}"))
                            .map(str::to_string)
                            .unwrap_or_else(|| f.replace('_', " "));
                        (format!("#f-{f}"), label)
                    })
                    .collect(),
                _ => Vec::new(),
            };
            view! {
                <div class="alert error" role="alert" tabindex="-1" node_ref=node data-testid="form-alert">
                    {error_text(&e)}
                    {(!fields.is_empty()).then(|| view! {
                        <ul class="error-links">
                            {fields.into_iter().map(|(href, label)| view! { <li><a href=href>{label}</a></li> }).collect_view()}
                        </ul>
                    })}
                </div>
            }
        })
    }
}

/// A field's messages until its value is changed after they appeared: a field being fixed
/// stops saying it is wrong (the server checks it again on the next submit).
fn until_edited(errors: Signal<Vec<String>>, value: RwSignal<String>) -> Signal<Vec<String>> {
    let at_error = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        errors.track();
        at_error.set(Some(value.get_untracked()));
    });
    Signal::derive(move || {
        let list = errors.get();
        match at_error.get() {
            Some(v) if v != value.get() => Vec::new(),
            _ => list,
        }
    })
}

/// (code, label) choices for a closed set, labelled by the i18n keys `{prefix}.{code}`.
pub fn code_options<T: Copy>(
    i: crate::i18n::I18n,
    all: &[T],
    code: fn(T) -> &'static str,
    prefix: &str,
) -> Vec<(String, String)> {
    all.iter()
        .map(|v| {
            let c = code(*v);
            (c.to_string(), i.t(&format!("{prefix}.{c}")).to_string())
        })
        .collect()
}

/// Messages not tied to one input (the lesson list as a whole).
#[component]
pub fn FieldMessages(errors: Signal<Vec<String>>) -> impl IntoView {
    let i = use_i18n();
    move || {
        let list = errors.get();
        (!list.is_empty()).then(|| {
            view! {
                <ul class="field-errors" role="alert">
                    {list.into_iter().map(|k| view! { <li>{i.t(&k)}</li> }).collect_view()}
                </ul>
            }
        })
    }
}
