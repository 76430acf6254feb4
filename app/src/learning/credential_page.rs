//! `/credentials/:id`: a credential's public page, no sign-in. The badge, who holds it,
//! what it certifies and who issued it, and a verification computed on the server at
//! this request: the signature against the issuer's published key, then revocation and
//! expiry. The same address gives the signed JSON to clients that ask for JSON.

use super::Verification;
use super::api::get_public_credential;
use crate::i18n::{format, use_i18n};
use crate::ui::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The badge: a rosette with the achievement's initials.
fn badge(name: &str, valid: bool) -> impl IntoView {
    let initials: String = name
        .split_whitespace()
        .filter_map(|w| w.chars().next())
        .filter(|c| c.is_alphanumeric())
        .take(3)
        .collect::<String>()
        .to_uppercase();
    let fill = if valid { "#1d6f42" } else { "#7a7a7a" };
    view! {
        <svg class="badge-art" viewBox="0 0 120 120" width="120" height="120" role="img" aria-label=name.to_string()>
            <polygon points="60,4 74,20 95,14 98,36 116,46 104,64 112,84 91,90 84,110 62,102 42,114 32,95 10,90 16,68 4,50 22,38 24,16 46,20" fill=fill />
            <circle cx="60" cy="60" r="36" fill="#ffffff" />
            <text x="60" y="68" text-anchor="middle" font-size="24" font-weight="700" fill=fill>{initials}</text>
        </svg>
    }
}

#[component]
pub fn CredentialPage() -> impl IntoView {
    let i = use_i18n();
    let params = use_params_map();
    let data = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        get_public_credential,
    );
    view! {
        <Suspense fallback=|| view! { <Skeleton lines=6 /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(c) => {
                        let (class, key) = match c.verification {
                            Verification::Valid => ("alert success", "credential.verified_valid"),
                            Verification::Expired => ("alert warning", "credential.verified_expired"),
                            Verification::Revoked => ("alert error", "credential.verified_revoked"),
                            Verification::Invalid => ("alert error", "credential.verified_invalid"),
                        };
                        let valid = c.verification == Verification::Valid;
                        let issued = format::date(i.locale(), c.issued_at);
                        let until = format::date(i.locale(), c.valid_until);
                        view! {
                            <Title text=c.achievement.clone() />
                            <article class="credential-page">
                                <div class=class role="status" data-testid="verification" data-verification=format!("{:?}", c.verification).to_lowercase()>
                                    {i.t(key)}
                                    {c.revoked_at.map(|t| view! { " "{i.tf("credential.revoked_on", &[("date", &format::date(i.locale(), t))])} })}
                                </div>
                                <div class="credential-head">
                                    {badge(&c.achievement, valid)}
                                    <div>
                                        <h1>{c.achievement.clone()}</h1>
                                        <p class="holder" data-testid="holder">{i.tf("credential.awarded_to", &[("name", &c.holder_name)])}</p>
                                    </div>
                                </div>
                                <dl class="facts">
                                    <dt>{i.t("credential.description")}</dt><dd>{c.description.clone()}</dd>
                                    <dt>{i.t("credential.criteria")}</dt><dd>{c.criteria.clone()}</dd>
                                    <dt>{i.t("credential.issuer")}</dt><dd>{c.issuer_name.clone()}<br /><code class="did">{c.issuer_id.clone()}</code></dd>
                                    <dt>{i.t("credential.issued")}</dt><dd>{issued}</dd>
                                    <dt>{i.t("credential.until")}</dt><dd>{until}</dd>
                                </dl>
                                <p class="actions">
                                    <a class="btn" href=c.json_url.clone() download="" data-testid="download-json">{i.t("credential.download")}</a>
                                    " "<a class="btn" href=c.linkedin_url.clone() rel="noopener" target="_blank">{i.t("credential.linkedin")}</a>
                                </p>
                                <p class="hint">{i.t("credential.verify_hint")}</p>
                            </article>
                        }.into_any()
                    }
                    Err(e) => error_view(e),
                }
            })}
        </Suspense>
    }
}
