//! The personal settings page (the start page is `dashboard`).

use crate::auth::api::{CreateToken, RevokeToken, SetLocale, list_tokens};
use crate::i18n::format;
use crate::i18n::{Locale, use_i18n};
use crate::ui::{EmptyState, TextField, error_view, field_errors, toast};
use crate::ui::{FormAlert, SelectField, Skeleton, SubmitButton, action_error, form_error};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

#[component]
pub fn SettingsPage() -> impl IntoView {
    let i = use_i18n();
    let locale = RwSignal::new(i.locale().code().to_string());
    let action = ServerAction::<SetLocale>::new();
    let err = form_error(action);
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            // Re-render everything, server side included, in the new language.
            #[cfg(feature = "hydrate")]
            let _ = window().location().reload();
        }
    });
    let options: Vec<(String, String)> = Locale::ALL
        .iter()
        .map(|l| {
            (
                l.code().to_string(),
                i.t(&format!("locale.{}", l.code())).to_string(),
            )
        })
        .collect();
    view! {
        <Title text=i.t("settings.title") />
        <h1>{i.t("settings.title")}</h1>
        <form
            class="form narrow"
            method="post"
            action=SetLocale::PATH
            on:submit=move |ev| {
                ev.prevent_default();
                action.dispatch(SetLocale { code: locale.get_untracked() });
            }
        >
            <FormAlert error=err />
            <SelectField label="settings.language" name="code" value=locale options=options errors=field_errors(err, "code") />
            <SubmitButton label="ui.save" pending=action.pending() posts=true />
        </form>
        <ApiTokens />
    }
}

/// The signed-in user's API tokens: create (the secret is shown once) and revoke.
#[component]
fn ApiTokens() -> impl IntoView {
    let i = use_i18n();
    let create = ServerAction::<CreateToken>::new();
    let revoke = ServerAction::<RevokeToken>::new();
    let tokens = Resource::new(
        move || (create.version().get(), revoke.version().get()),
        |_| list_tokens(),
    );
    let name = RwSignal::new(String::new());
    let err = action_error(create);
    Effect::new(move |_| {
        if let Some(Ok(_)) = create.value().get() {
            name.set(String::new());
            toast(i.t("tokens.created").to_string());
        }
    });
    view! {
        <section aria-labelledby="tokens-h">
            <h2 id="tokens-h">{i.t("tokens.title")}</h2>
            <p class="hint">{i.t("tokens.intro")}</p>
            {move || create.value().get().and_then(|r| r.ok()).map(|secret| view! {
                <div class="alert success" role="status">
                    <p>{i.t("tokens.copy_now")}</p>
                    <code data-testid="new-token">{secret}</code>
                </div>
            })}
            <form class="form narrow" on:submit=move |ev| {
                ev.prevent_default();
                create.dispatch(CreateToken { name: name.get_untracked() });
            }>
                <FormAlert error=err />
                <TextField label="tokens.name" name="name" value=name errors=field_errors(err, "name") />
                <SubmitButton label="tokens.create" pending=create.pending() />
            </form>
            <Transition fallback=|| view! { <Skeleton /> }>
                {move || Suspend::new(async move {
                    match tokens.await {
                        Ok(list) if list.is_empty() => view! { <EmptyState title="tokens.none" /> }.into_any(),
                        Ok(list) => view! {
                            <ul class="tokens">
                                {list.into_iter().map(|t| {
                                    let id = t.id;
                                    let used = t.last_used_at.map(|u| format::date_time(i.locale(), u)).unwrap_or_else(|| i.t("tokens.never").to_string());
                                    let label = i.tf("tokens.revoke_named", &[("name", &t.name)]);
                                    view! {
                                        <li>
                                            <strong>{t.name.clone()}</strong>" "<code>{format!("{}…", t.prefix)}</code>
                                            <span class="hint">{i.tf("tokens.meta", &[("created", &format::date(i.locale(), t.created_at)), ("used", &used)])}</span>
                                            {if t.revoked {
                                                view! { <span class="badge">{i.t("tokens.revoked")}</span> }.into_any()
                                            } else {
                                                view! { <button class="btn small danger" aria-label=label on:click=move |_| { revoke.dispatch(RevokeToken { id }); }>{i.t("tokens.revoke")}</button> }.into_any()
                                            }}
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(e) => error_view(e),
                    }
                })}
            </Transition>
        </section>
    }
}
