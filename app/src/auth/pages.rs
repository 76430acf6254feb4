//! Sign-in, password reset and invitation pages. Sign-in is a plain HTML form posting to
//! `/login`, so it works without JavaScript.

use super::api::{AcceptInvite, RequestPasswordReset, ResetPassword, get_invite_info};
use super::{AcceptInviteInput, ResetPasswordInput};
use crate::i18n::use_i18n;
use crate::ui::{
    FormAlert, Prefixed, Skeleton, SubmitButton, TextField, action_error, error_view, field_errors,
    form_error, posted_name, returned_values,
};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

#[component]
pub fn LoginPage() -> impl IntoView {
    let i = use_i18n();
    let query = use_query_map();
    let q = move |k: &str| query.with_untracked(|m| m.get(k)).unwrap_or_default();
    let error = q("error");
    let email = q("email");
    let next = super::safe_next(&q("next")).to_string();
    let notice = match (
        q("accepted").as_str(),
        q("reset").as_str(),
        q("signed_out").as_str(),
    ) {
        ("1", _, _) => Some(i.t("login.accepted")),
        (_, "1", _) => Some(i.t("login.reset_done")),
        (_, _, "1") => Some(i.t("login.signed_out")),
        _ => None,
    };
    let error_msg = match error.as_str() {
        "invalid" => Some(i.t("login.invalid")),
        "throttled" => Some(i.t("login.throttled")),
        "missing" => Some(i.t("login.missing")),
        "" => None,
        _ => Some(i.t("err.fix_fields")),
    };
    view! {
        <Title text=i.t("login.title") />
        <section class="auth-card">
            <h1>{i.t("login.title")}</h1>
            {notice.map(|n| view! { <div class="alert success" role="status">{n}</div> })}
            {error_msg.map(|m| view! { <div class="alert error" role="alert" id="login-error">{m}</div> })}
            <form method="post" action="/login" class="form">
                <input type="hidden" name="next" value=next />
                <div class="field">
                    <label for="login-email">{i.t("field.email")}</label>
                    <input id="login-email" name="email" type="email" autocomplete="username" required value=email />
                </div>
                <div class="field">
                    <label for="login-password">{i.t("field.password")}</label>
                    <input id="login-password" name="password" type="password" autocomplete="current-password" required />
                </div>
                <button type="submit" class="btn primary">{i.t("login.submit")}</button>
            </form>
            <p><a href="/forgot">{i.t("login.forgot")}</a></p>
        </section>
    }
}

#[component]
pub fn ForgotPage() -> impl IntoView {
    let i = use_i18n();
    let typed = returned_values::<RequestPasswordReset, serde_json::Value>()
        .and_then(|v| v["email"].as_str().map(str::to_string))
        .unwrap_or_default();
    let email = RwSignal::new(typed);
    let action = ServerAction::<RequestPasswordReset>::new();
    let err = form_error(action);
    // Sent: by the app, or by the form posted without it (back at `?sent=1`).
    let sent_before = use_query_map().with_untracked(|m| m.get("sent").is_some());
    let sent = move || sent_before || matches!(action.value().get(), Some(Ok(())));
    view! {
        <Title text=i.t("forgot.title") />
        <section class="auth-card">
            <h1>{i.t("forgot.title")}</h1>
            <Show
                when=sent
                fallback=move || {
                    view! {
                        <p>{i.t("forgot.intro")}</p>
                        <form
                            class="form"
                            method="post"
                            action=RequestPasswordReset::PATH
                            on:submit=move |ev| {
                                ev.prevent_default();
                                action.dispatch(RequestPasswordReset { email: email.get_untracked() });
                            }
                        >
                            <FormAlert error=err />
                            <TextField label="field.email" name="email" value=email input_type="email" autocomplete="email" required=true errors=field_errors(err, "email") />
                            <SubmitButton label="forgot.submit" pending=action.pending() posts=true />
                        </form>
                    }
                }
            >
                <div class="alert success" role="status">{i.t("forgot.sent")}</div>
            </Show>
            <p><a href="/login">{i.t("forgot.back")}</a></p>
        </section>
    }
}

#[component]
pub fn ResetPage() -> impl IntoView {
    let i = use_i18n();
    let params = use_params_map();
    let token = move || {
        params
            .with_untracked(|p| p.get("token"))
            .unwrap_or_default()
    };
    let password = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let action = ServerAction::<ResetPassword>::new();
    let err = action_error(action);
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            navigate("/login?reset=1", Default::default());
        }
    });
    view! {
        <Title text=i.t("reset.title") />
        <section class="auth-card">
            <h1>{i.t("reset.title")}</h1>
            <form
                class="form"
                on:submit=move |ev| {
                    ev.prevent_default();
                    action.dispatch(ResetPassword {
                        input: ResetPasswordInput {
                            token: token(),
                            password: password.get_untracked(),
                            password_confirm: confirm.get_untracked(),
                        },
                    });
                }
            >
                <FormAlert error=err />
                <ul class="field-errors">
                    {move || field_errors(err, "token").get().into_iter().map(|k| view! { <li>{i.t(&k)}</li> }).collect_view()}
                </ul>
                <TextField label="field.new_password" name="password" value=password input_type="password" autocomplete="new-password" required=true hint="field.password_hint" errors=field_errors(err, "password") />
                <TextField label="field.password_confirm" name="password_confirm" value=confirm input_type="password" autocomplete="new-password" required=true errors=field_errors(err, "password_confirm") />
                <SubmitButton label="reset.submit" pending=action.pending() />
            </form>
        </section>
    }
}

#[component]
pub fn AcceptInvitePage() -> impl IntoView {
    let i = use_i18n();
    let params = use_params_map();
    let token = params
        .with_untracked(|p| p.get("token"))
        .unwrap_or_default();
    let info = Resource::new(move || token.clone(), get_invite_info);
    view! {
        <Title text=i.t("invite.title") />
        <section class="auth-card">
            <h1>{i.t("invite.title")}</h1>
            <Suspense fallback=|| view! { <Skeleton /> }>
                {move || Suspend::new(async move {
                    match info.await {
                        Ok(inf) => view! { <AcceptForm email=inf.email name=inf.name org=inf.org_name /> }.into_any(),
                        Err(crate::error::AppError::NotFound) => view! {
                            <div class="alert error" role="alert">{i.t("invite.expired")}</div>
                        }.into_any(),
                        Err(e) => error_view(e),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn AcceptForm(email: String, name: String, org: String) -> impl IntoView {
    let i = use_i18n();
    let params = use_params_map();
    let typed = returned_values::<AcceptInvite, serde_json::Value>()
        .and_then(|v| v["name"].as_str().map(str::to_string));
    let name = RwSignal::new(typed.unwrap_or(name));
    let password = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let action = ServerAction::<AcceptInvite>::new();
    let err = form_error(action);
    let token = params
        .with_untracked(|p| p.get("token"))
        .unwrap_or_default();
    let navigate = use_navigate();
    let login_url = format!("/login?accepted=1&email={}", urlencode(&email));
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            navigate(&login_url, Default::default());
        }
    });
    view! {
        <p>{i.tf("invite.intro", &[("org", &org), ("email", &email)])}</p>
        <form
            class="form"
            method="post"
            action=AcceptInvite::PATH
            on:submit=move |ev| {
                ev.prevent_default();
                action.dispatch(AcceptInvite {
                    input: AcceptInviteInput {
                        token: params.with_untracked(|p| p.get("token")).unwrap_or_default(),
                        name: name.get_untracked(),
                        password: password.get_untracked(),
                        password_confirm: confirm.get_untracked(),
                    },
                });
            }
        >
            <FormAlert error=err />
            <Prefixed prefix="input">
                <input type="hidden" name=posted_name("token") value=token.clone() />
                <TextField label="field.name" name="name" value=name autocomplete="name" required=true errors=field_errors(err, "name") />
                <TextField label="field.new_password" name="password" value=password input_type="password" autocomplete="new-password" required=true hint="field.password_hint" errors=field_errors(err, "password") />
                <TextField label="field.password_confirm" name="password_confirm" value=confirm input_type="password" autocomplete="new-password" required=true errors=field_errors(err, "password_confirm") />
            </Prefixed>
            <SubmitButton label="invite.submit" pending=action.pending() posts=true />
        </form>
    }
}

/// Percent-encodes a query value.
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
