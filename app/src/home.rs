//! The start page after sign-in and the personal settings page.

use crate::auth::api::SetLocale;
use crate::domain::Action;
use crate::i18n::{Locale, use_i18n};
use crate::shell::use_user;
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
    }
}
