//! The app shell: header with navigation for desktop and phone, who is signed in and where,
//! and the toast region.

use crate::auth::CurrentUser;
use crate::auth::api::get_current_user;
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::policy::Action;
use crate::ui::ToastRegion;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

pub type UserResource = Resource<Result<Option<CurrentUser>, AppError>>;

pub fn provide_user() {
    let r: UserResource = Resource::new(|| (), |_| get_current_user());
    provide_context(r);
}

pub fn use_user() -> UserResource {
    use_context::<UserResource>().unwrap_or_else(|| Resource::new(|| (), |_| get_current_user()))
}

/// The main navigation. On the desktop (`more`), the administration pages, notifications
/// and settings fold into a "More" menu so the header stays one row at 1024 px in every
/// language; the phone menu lists everything.
#[component]
fn NavLinks(user: CurrentUser, here: Memo<String>, #[prop(optional)] more: bool) -> impl IntoView {
    let i = use_i18n();
    let secondary = {
        let user = user.clone();
        move || {
            view! {
                {user.can(Action::Administer).then(|| view! {
                    <li><NavLink here=here href="/admin/outbox">{i.t("nav.outbox")}</NavLink></li>
                    <li><NavLink here=here href="/admin/audit">{i.t("nav.audit")}</NavLink></li>
                    <li><NavLink here=here href="/admin/jobs">{i.t("nav.jobs")}</NavLink></li>
                    <li><NavLink here=here href="/admin/rules">{i.t("nav.rules")}</NavLink></li>
                })}
                {user.can(Action::ImportPipeline).then(|| view! { <li><NavLink here=here href="/admin/pipeline">{i.t("nav.pipeline")}</NavLink></li> })}
                <li><NavLink here=here href="/notifications">
                    {i.t("nav.notifications")}
                    {(user.unread > 0).then(|| view! {
                        <span class="nav-count" data-testid="unread-count">{crate::notifications::unread_badge(user.unread)}</span>
                        <span class="visually-hidden">{i.t("nav.unread")}</span>
                    })}
                </NavLink></li>
                <li><NavLink here=here href="/settings">{i.t("nav.settings")}</NavLink></li>
            }
        }
    };
    view! {
        <ul class="nav-links">
            <li><NavLink here=here href="/">{i.t("nav.home")}</NavLink></li>
            {user.can(Action::ViewAllPartners).then(|| view! { <li><NavLink here=here href="/partners">{i.t("nav.partners")}</NavLink></li> })}
            {(user.can(Action::RegisterDeals) || user.can(Action::ViewAllDeals)).then(|| view! { <li><NavLink here=here href="/deals">{i.t("nav.deals")}</NavLink></li> })}
            <li><NavLink here=here href="/content">{i.t("nav.content")}</NavLink></li>
            <li><NavLink here=here href="/learning">{i.t("nav.learning")}</NavLink></li>
            {(user.can(Action::LaunchCampaigns) || user.can(Action::ManageCampaigns) || user.can(Action::ViewAllPartners)).then(|| view! { <li><NavLink here=here href="/campaigns">{i.t("nav.campaigns")}</NavLink></li> })}
            {(!user.vendor).then(|| view! { <li><NavLink here=here href="/org">{i.t("nav.my_org")}</NavLink></li> })}
            {user.vendor.then(|| {
                let href = format!("/partners/{}", user.org_slug);
                view! { <li><NavLink here=here href=href>{i.t("nav.vendor_team")}</NavLink></li> }
            })}
            {if more {
                view! {
                    <li class="nav-more">
                        <details>
                            <summary data-testid="nav-more">{i.t("nav.more")}</summary>
                            <ul class="nav-more-list">{secondary()}</ul>
                        </details>
                    </li>
                }.into_any()
            } else {
                secondary().into_any()
            }}
        </ul>
    }
}

/// A link of the navigation: a plain anchor, which the router follows without reloading,
/// marked as the current page while the address is at or under it, as the router's `<A>`
/// marks it. The header holds about 25 links, and each `<A>` builds a resolved-path memo and
/// its own closures: they were an eighth of a signed-in page's render.
#[component]
fn NavLink(here: Memo<String>, #[prop(into)] href: String, children: Children) -> impl IntoView {
    let current = current_page(here, &href);
    view! { <a href=href aria-current=current>{children()}</a> }
}

/// `aria-current` of a link to `href`: "page" while the address `here` is at or under it.
/// `here` is read from the router once, when the shell is built: the navigation is built
/// later, once the user is known, and by then the request may have been abandoned and its
/// router's context cleared; the address is then simply not read.
fn current_page(
    here: Memo<String>,
    href: &str,
) -> impl Fn() -> Option<&'static str> + Send + Sync + 'static {
    let href = href.to_string();
    move || {
        here.try_with(|path| is_current(&href, path))
            .unwrap_or(false)
            .then_some("page")
    }
}

/// Whether the address `path` is the page `href` or under it (segment by segment): `/` only
/// for itself, `/deals` for `/deals` and `/deals/7` but not `/dealsx`.
fn is_current(href: &str, path: &str) -> bool {
    if href == "/" {
        return path == "/";
    }
    let href = href.trim_end_matches('/');
    path.strip_prefix(href)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// The notifications bell: in the header at every width (the phone menu folds the rest
/// away), with the unread count.
#[component]
fn Bell(unread: i64, here: Memo<String>) -> impl IntoView {
    let i = use_i18n();
    // The name is the link's own text (the count visible, the words for screen readers),
    // so what is seen is part of what is read.
    view! {
        <a
            href="/notifications"
            class="bell"
            data-testid="bell"
            aria-current=current_page(here, "/notifications")
        >
            <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
                <path fill="currentColor" d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1Z" />
            </svg>
            <span class="visually-hidden">{i.t("nav.notifications")}" "</span>
            {(unread > 0).then(|| view! {
                <span class="bell-count" data-testid="bell-count">{crate::notifications::unread_badge(unread)}</span>
                <span class="visually-hidden">" "{i.t("nav.unread")}</span>
            })}
        </a>
    }
}

#[component]
fn UserBox(user: CurrentUser) -> impl IntoView {
    let i = use_i18n();
    let who = i.tf(
        "shell.signed_in_as",
        &[("name", &user.name), ("org", &user.org_name)],
    );
    view! {
        <div class="user-box">
            <span class="who" data-testid="who">{who}</span>
            <form method="post" action="/logout">
                <button type="submit" class="btn link">{i.t("nav.sign_out")}</button>
            </form>
        </div>
    }
}

#[component]
pub fn Shell(children: Children) -> impl IntoView {
    let i = use_i18n();
    let user = use_user();
    let here = use_location().pathname;
    focus_main_on_navigation(here);
    let nav = move || {
        Suspend::new(async move {
            match user.await {
                Ok(Some(u)) => {
                    let u2 = u.clone();
                    let u3 = u.clone();
                    view! {
                        <nav class="nav-desktop" aria-label=i.t("nav.main")>
                            <NavLinks user=u here=here more=true />
                        </nav>
                        <details class="nav-phone">
                            <summary aria-label=i.t("nav.menu")>
                                <span aria-hidden="true">"☰"</span>
                                <span class="visually-hidden">{i.t("nav.menu")}</span>
                            </summary>
                            <nav aria-label=i.t("nav.main_phone")>
                                <NavLinks user=u2 here=here />
                            </nav>
                        </details>
                        <div class="header-end">
                            <Bell unread=u3.unread here=here />
                            <UserBox user=u3 />
                        </div>
                    }
                    .into_any()
                }
                _ => {
                    view! { <a class="btn link" href="/login">{i.t("nav.sign_in")}</a> }.into_any()
                }
            }
        })
    };
    view! {
        <a class="skip-link" href="#main">{i.t("nav.skip")}</a>
        <header class="app-header">
            <a class="brand" href="/">"Trellis"</a>
            <Transition fallback=|| ()>{nav}</Transition>
        </header>
        <main id="main" tabindex="-1">{children()}</main>
        <ToastRegion />
    }
}

/// After a client-side navigation, moves focus to the main region (so screen readers and
/// keyboard users start at the new content) and closes the phone and "More" menus.
fn focus_main_on_navigation(here: Memo<String>) {
    Effect::new(move |prev: Option<String>| {
        let path = here.get();
        #[cfg(feature = "hydrate")]
        if prev.as_ref().is_some_and(|p| *p != path) {
            use wasm_bindgen::JsCast;
            let doc = document();
            if let Ok(menus) = doc.query_selector_all("details.nav-phone, .nav-more details") {
                for n in 0..menus.length() {
                    if let Some(menu) = menus
                        .item(n)
                        .and_then(|m| m.dyn_into::<web_sys::Element>().ok())
                    {
                        let _ = menu.remove_attribute("open");
                    }
                }
            }
            if let Some(main) = doc.get_element_by_id("main")
                && let Ok(el) = main.dyn_into::<web_sys::HtmlElement>()
            {
                let _ = el.focus();
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = prev;
        path
    });
}

#[cfg(test)]
mod tests {
    use super::is_current;

    #[test]
    fn a_link_is_current_at_and_under_its_page() {
        assert!(is_current("/", "/"));
        assert!(!is_current("/", "/deals"));
        assert!(is_current("/deals", "/deals"));
        assert!(is_current("/deals", "/deals/"));
        assert!(is_current("/deals", "/deals/7/edit"));
        assert!(!is_current("/deals", "/dealsx"));
        assert!(!is_current("/deals", "/"));
        assert!(!is_current("/partners/acme", "/partners"));
        assert!(is_current("/partners", "/partners/acme"));
    }
}
