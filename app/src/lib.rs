//! Trellis: the Leptos app (UI, shared types and server functions), compiled to WASM with
//! `hydrate` and into the server with `ssr`.

#![recursion_limit = "256"]

pub mod admin;
pub mod auth;
pub mod campaigns;
pub mod content;
pub mod dashboard;
pub mod deals;
pub mod domain;
pub mod error;
pub mod home;
pub mod i18n;
pub mod learning;
pub mod notifications;
pub mod partners;
pub mod policy;
#[cfg(feature = "ssr")]
pub mod server;
pub mod shell;
pub mod site;
pub mod tasks;
pub mod ui;

use i18n::{I18n, Locale};
use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::{
    SsrMode,
    components::{Route, Router, Routes},
    path,
};

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let locale = request_locale();
    view! {
        <!DOCTYPE html>
        <html lang=locale.code()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <site::BundleLinks options locale />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The reader's locale: chosen by the server from the user's setting, the locale cookie or
/// the browser's `Accept-Language`, and read back from `<html lang>` in the browser.
fn request_locale() -> Locale {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .and_then(|p| p.extensions.get::<Locale>().copied())
            .unwrap_or_default()
    }
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        document()
            .document_element()
            .and_then(|e| e.get_attribute("lang"))
            .and_then(|l| Locale::parse(&l))
            .unwrap_or_default()
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        Locale::default()
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let i = I18n(request_locale());
    provide_context(i);
    provide_context(ui::Toasts::new());
    shell::provide_user();
    set_csp_header();

    // Marks the page once the WASM app has hydrated; end-to-end tests wait for it.
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });

    view! {
        <Title formatter=|t: String| format!("{t} · Trellis") />
        <Router>
            <shell::Shell>
                <Routes fallback=|| view! { <ui::ErrorPage code=404 /> }>
                    <Route path=path!("/login") view=auth::pages::LoginPage />
                    <Route path=path!("/forgot") view=auth::pages::ForgotPage />
                    <Route path=path!("/reset/:token") view=auth::pages::ResetPage />
                    <Route path=path!("/invite/:token") view=auth::pages::AcceptInvitePage ssr=SsrMode::Async />
                    <Route path=path!("/") view=dashboard::HomePage ssr=SsrMode::Async />
                    <Route path=path!("/partners") view=partners::pages::PartnerListPage ssr=SsrMode::Async />
                    <Route path=path!("/partners/new") view=partners::pages::PartnerCreatePage ssr=SsrMode::Async />
                    <Route path=path!("/partners/:slug") view=partners::pages::OrgPage ssr=SsrMode::Async />
                    <Route path=path!("/partners/:slug/edit") view=partners::pages::OrgEditPage ssr=SsrMode::Async />
                    <Route path=path!("/org") view=partners::pages::MyOrgPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/outbox") view=admin::pages::OutboxPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/audit") view=admin::pages::AuditPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/jobs") view=admin::jobs_page::JobsPage ssr=SsrMode::Async />
                    <Route path=path!("/content") view=content::pages::LibraryPage ssr=SsrMode::Async />
                    <Route path=path!("/content/new") view=content::upload_page::AssetNewPage ssr=SsrMode::Async />
                    <Route path=path!("/content/analytics") view=content::analytics_page::AnalyticsPage ssr=SsrMode::Async />
                    <Route path=path!("/content/collections") view=content::collection_pages::CollectionsPage ssr=SsrMode::Async />
                    <Route path=path!("/content/:id") view=content::pages::AssetPage ssr=SsrMode::Async />
                    <Route path=path!("/notifications") view=notifications::pages::NotificationsPage ssr=SsrMode::Async />
                    <Route path=path!("/settings") view=home::SettingsPage ssr=SsrMode::Async />
                    <Route path=path!("/deals") view=deals::pages::DealListPage ssr=SsrMode::Async />
                    <Route path=path!("/deals/new") view=deals::form_page::DealNewPage ssr=SsrMode::Async />
                    <Route path=path!("/deals/:id") view=deals::pages::DealPage ssr=SsrMode::Async />
                    <Route path=path!("/deals/:id/edit") view=deals::form_page::DealEditPage ssr=SsrMode::Async />
                    <Route path=path!("/deals/:id/review") view=deals::review_page::DealReviewPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/pipeline") view=deals::import_page::PipelineImportPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/rules") view=deals::review_page::RulesPage ssr=SsrMode::Async />
                    <Route path=path!("/learning") view=learning::pages::LearningPage ssr=SsrMode::Async />
                    <Route path=path!("/campaigns") view=campaigns::pages::CampaignsPage ssr=SsrMode::Async />
                    <Route path=path!("/campaigns/brand") view=campaigns::brand_page::BrandKitPage ssr=SsrMode::Async />
                    <Route path=path!("/campaigns/contacts") view=campaigns::contacts_page::ContactsPage ssr=SsrMode::Async />
                    <Route path=path!("/campaigns/new") view=campaigns::editor_page::TemplateNewPage ssr=SsrMode::Async />
                    <Route path=path!("/campaigns/:id/edit") view=campaigns::editor_page::TemplateEditPage ssr=SsrMode::Async />
                    <Route path=path!("/campaigns/:id") view=campaigns::pages::CampaignPage ssr=SsrMode::Async />
                    <Route path=path!("/learning/new") view=learning::form_page::CourseNewPage ssr=SsrMode::Async />
                    <Route path=path!("/learning/reports") view=learning::report_page::LearningReportPage ssr=SsrMode::Async />
                    <Route path=path!("/learning/courses/:id") view=learning::player_page::CoursePlayerPage ssr=SsrMode::Async />
                    <Route path=path!("/learning/courses/:id/edit") view=learning::form_page::CourseEditPage ssr=SsrMode::Async />
                    <Route path=path!("/credentials/:id") view=learning::credential_page::CredentialPage ssr=SsrMode::Async />
                </Routes>
            </shell::Shell>
        </Router>
    }
}

/// A Content-Security-Policy that the hydrated app works under: scripts only from us or
/// with this response's nonce, WebAssembly allowed, nothing inline otherwise.
fn set_csp_header() {
    #[cfg(feature = "ssr")]
    {
        use leptos::nonce::use_nonce;
        if let (Some(nonce), Some(opts)) =
            (use_nonce(), use_context::<leptos_axum::ResponseOptions>())
        {
            let csp = format!(
                "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
                 style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; \
                 object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
            );
            if let Ok(v) = http::HeaderValue::from_str(&csp) {
                opts.insert_header(http::header::CONTENT_SECURITY_POLICY, v);
            }
        }
    }
}

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate(catalogue: String) {
    console_error_panic_hook::set_once();
    if !i18n::load_catalogue(&catalogue) {
        // The server's page stays as it is, and works without script.
        leptos::logging::error!("the text catalogue is not valid; the page is not hydrated");
        return;
    }
    leptos::mount::hydrate_body(App);
}
