//! The start page after sign-in and the personal settings page.

use crate::auth::api::{CreateToken, RevokeToken, SetLocale, list_tokens};
use crate::i18n::format;
use crate::i18n::{Locale, use_i18n};
use crate::policy::Action;
use crate::shell::use_user;
use crate::tasks::pages::MyTasksCard;
use crate::ui::{EmptyState, TextField, error_view, field_errors, toast};
use crate::ui::{ErrorPage, FormAlert, SelectField, Skeleton, SubmitButton, action_error};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn HomePage() -> impl IntoView {
    let i = use_i18n();
    let user = use_user();
    view! {
        <Title text=i.t("home.title") />
        <Suspense fallback=|| view! { <Skeleton /> }>
            {move || Suspend::new(async move {
                match user.await {
                    Ok(Some(u)) => {
                        let hello = i.tf("home.hello", &[("name", &u.name)]);
                        let org_href = if u.vendor { format!("/partners/{}", u.org_slug) } else { "/org".to_string() };
                        view! {
                            <h1>{hello}</h1>
                            <p class="lead">{u.org_name.clone()}</p>
                            <MyTasksCard />
                            <div class="cards">
                                {u.can(Action::ViewAllPartners).then(|| view! {
                                    <a class="card" href="/partners">
                                        <h2>{i.t("nav.partners")}</h2>
                                        <p>{i.t("home.partners_card")}</p>
                                    </a>
                                })}
                                <a class="card" href=org_href>
                                    <h2>{if u.vendor { i.t("nav.vendor_team") } else { i.t("nav.my_org") }}</h2>
                                    <p>{i.t("home.org_card")}</p>
                                </a>
                                {u.can(Action::Administer).then(|| view! {
                                    <a class="card" href="/admin/audit">
                                        <h2>{i.t("nav.audit")}</h2>
                                        <p>{i.t("home.audit_card")}</p>
                                    </a>
                                })}
                            </div>
                        }
                            .into_any()
                    }
                    _ => view! { <ErrorPage code=401 /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn SettingsPage() -> impl IntoView {
    let i = use_i18n();
    let locale = RwSignal::new(i.locale().code().to_string());
    let action = ServerAction::<SetLocale>::new();
    let err = action_error(action);
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
            on:submit=move |ev| {
                ev.prevent_default();
                action.dispatch(SetLocale { code: locale.get_untracked() });
            }
        >
            <FormAlert error=err />
            <SelectField label="settings.language" name="code" value=locale options=options />
            <SubmitButton label="ui.save" pending=action.pending() />
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
