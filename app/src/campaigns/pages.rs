//! Campaign screens. `/campaigns`: the library the reader may launch, the launches with
//! live progress (charted for vendor staff: adoption per partner), and the leads with a
//! one-tap "Register a deal". `/campaigns/:id`: a template previewed as the partner's
//! own email at phone and desktop widths, the editable regions and the launch. The brand
//! kit and the contacts have their own modules.

use super::api::*;
use super::{LaunchInput, LaunchStatus, LaunchView, Recipients, TemplateSummary};
use crate::i18n::{I18n, format, use_i18n};
use crate::policy::Action;
use crate::shell::use_user;
use crate::ui::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

fn launch_row(i: I18n, l: LaunchView, vendor: bool) -> impl IntoView {
    let refused = (!l.rejections.is_empty()).then(|| {
        view! {
            <details data-testid="rejections">
                <summary>{i.tf("campaign.refused_n", &[("n", &l.rejections.len().to_string())])}</summary>
                <ul>{l.rejections.iter().map(|r| view! { <li>{r.email.clone()}": "{r.error.clone()}</li> }).collect_view()}</ul>
            </details>
        }
    });
    view! {
        <tr data-testid="launch">
            <td>
                {l.template_name}
                {(!l.list.is_empty()).then(|| view! { <br /><span class="hint">{i.tf("campaign.to_list", &[("list", &l.list)])}</span> })}
                {(l.status == LaunchStatus::Scheduled).then(|| view! { <br /><span class="hint">{format::date_time(i.locale(), l.starts_at)}</span> })}
                {(!l.review_note.is_empty()).then(|| view! { <br /><span class="hint" data-testid="review-note">{i.t("approval.note")}": "{l.review_note.clone()}</span> })}
                {refused}
            </td>
            {vendor.then(|| view! { <td>{l.org_name.clone()}</td> })}
            <td>{i.t(&format!("launch.status.{}", l.status.code()))}</td>
            <td class="num">{l.recipients}</td>
            <td class="num" data-testid="launch-sent">{l.sent}</td>
            <td class="num">{l.failed}</td>
            <td class="num">{l.skipped_no_consent + l.skipped_suppressed}</td>
            <td class="num">{l.clicks}</td>
            <td class="num" title=i.t("campaign.opens_unreliable")>{l.opens.map(|n| n.to_string()).unwrap_or_else(|| "–".into())}</td>
            <td class="num">{l.visits}</td>
            <td class="num">{l.leads}</td>
        </tr>
    }
}

#[component]
fn Launches(vendor: bool) -> impl IntoView {
    let i = use_i18n();
    let tick = RwSignal::new(0u32);
    // Progress shows live: the list reloads every five seconds while the page is open.
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if let Ok(h) = set_interval_with_handle(
            move || tick.update(|n| *n += 1),
            std::time::Duration::from_secs(5),
        ) {
            on_cleanup(move || h.clear());
        }
    });
    let data = Resource::new(move || tick.get(), |_| list_launches());
    view! {
        <Transition fallback=|| view! { <Skeleton lines=3 /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(list) if list.is_empty() => view! { <p class="hint">{i.t("campaign.no_launches")}</p> }.into_any(),
                    Ok(list) => {
                        let chart = vendor.then(|| {
                            let mut by_org: Vec<(String, i64, String)> = Vec::new();
                            for l in &list {
                                match by_org.iter_mut().find(|r| r.0 == l.org_name) {
                                    Some(r) => r.1 += l.sent,
                                    None => by_org.push((l.org_name.clone(), l.sent, String::new())),
                                }
                            }
                            for r in &mut by_org { r.2 = r.1.to_string(); }
                            let max = by_org.iter().map(|r| r.1).max().unwrap_or(1);
                            bars(i.t("campaign.sent_by_partner").to_string(), by_org, max, "adoption")
                        });
                        view! {
                            {chart}
                            <div class="table-wrap"><table class="data">
                                <thead><tr>
                                    <th>{i.t("campaign.template")}</th>
                                    {vendor.then(|| view! { <th>{i.t("credential.org")}</th> })}
                                    <th>{i.t("campaign.status")}</th>
                                    <th class="num">{i.t("campaign.recipients")}</th>
                                    <th class="num">{i.t("campaign.sent")}</th>
                                    <th class="num">{i.t("campaign.failed")}</th>
                                    <th class="num">{i.t("campaign.skipped")}</th>
                                    <th class="num">{i.t("campaign.clicks")}</th>
                                    <th class="num">{i.t("campaign.opens")}<span class="hint">" *"</span></th>
                                    <th class="num">{i.t("campaign.visits")}</th>
                                    <th class="num">{i.t("campaign.leads")}</th>
                                </tr></thead>
                                <tbody>{list.into_iter().map(|l| launch_row(i, l, vendor)).collect_view()}</tbody>
                            </table></div>
                            <p class="hint">"* "{i.t("campaign.opens_unreliable")}</p>
                        }.into_any()
                    }
                    Err(e) => error_view(e),
                }
            })}
        </Transition>
    }
}

#[component]
fn Leads() -> impl IntoView {
    let i = use_i18n();
    let convert = ServerAction::<ConvertLead>::new();
    let data = Resource::new(move || convert.version().get(), |_| list_leads());
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| match convert.value().get() {
        Some(Ok(deal)) => navigate(&format!("/deals/{deal}/edit"), Default::default()),
        Some(Err(e)) => toast(error_text(&e)),
        None => {}
    });
    view! {
        <Suspense fallback=|| view! { <Skeleton lines=2 /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(list) if list.is_empty() => view! { <p class="hint">{i.t("campaign.no_leads")}</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="cards">{list.into_iter().map(|l| {
                            let id = l.id;
                            view! {
                                <li class="card" data-testid="lead">
                                    <h3>{l.name.clone()}</h3>
                                    <p>{l.email.clone()}{(!l.company.is_empty()).then(|| format!(" · {}", l.company))}</p>
                                    <p class="hint">{l.template_name.clone()}" · "{format::date(i.locale(), l.created_at)}</p>
                                    {match l.deal_id {
                                        Some(d) => view! { <A href=format!("/deals/{d}")>{i.t("campaign.lead_deal")}</A> }.into_any(),
                                        None => view! {
                                            <button type="button" class="btn primary" data-testid="convert-lead"
                                                disabled=move || convert.pending().get()
                                                on:click=move |_| { convert.dispatch(ConvertLead { id }); }>
                                                {i.t("campaign.convert")}
                                            </button>
                                        }.into_any(),
                                    }}
                                </li>
                            }
                        }).collect_view()}</ul>
                    }.into_any(),
                    Err(e) => error_view(e),
                }
            })}
        </Suspense>
    }
}

/// One campaign per card: a template with its translations. The card shows the version
/// in the reader's language when there is one. Returns (shown, every version by language).
fn campaign_groups(
    list: Vec<TemplateSummary>,
    language: &str,
) -> Vec<(TemplateSummary, Vec<(i64, String)>)> {
    let ids: Vec<i64> = list.iter().map(|t| t.id).collect();
    // A translation whose original the reader cannot see stands on its own.
    let group = |t: &TemplateSummary| t.translation_of.filter(|o| ids.contains(o)).unwrap_or(t.id);
    let mut out: Vec<(TemplateSummary, Vec<(i64, String)>)> = Vec::new();
    for t in &list {
        if group(t) != t.id {
            continue;
        }
        let members: Vec<&TemplateSummary> = list.iter().filter(|m| group(m) == t.id).collect();
        let shown = members
            .iter()
            .find(|m| m.language == language)
            .copied()
            .unwrap_or(t);
        let versions = members.iter().map(|m| (m.id, m.language.clone())).collect();
        out.push((shown.clone(), versions));
    }
    out
}

/// The languages a campaign is written in, each a link to that version.
#[component]
fn LanguageLinks(versions: Vec<(i64, String)>, current: i64) -> impl IntoView {
    let i = use_i18n();
    view! {
        <span class="languages" aria-label=i.t("template.language")>
            {versions.into_iter().enumerate().map(|(n, (id, lang))| {
                let label = i.t(&format!("lang.{lang}"));
                view! {
                    {(n > 0).then_some(" · ")}
                    {if id == current {
                        view! { <strong aria-current="true">{label}</strong> }.into_any()
                    } else {
                        view! { <A href=format!("/campaigns/{id}") attr:lang=lang.clone() attr:data-testid="language-version">{label}</A> }.into_any()
                    }}
                }
            }).collect_view()}
        </span>
    }
}

/// `/campaigns`.
#[component]
pub fn CampaignsPage() -> impl IntoView {
    let i = use_i18n();
    let user = use_user();
    let templates = Resource::new(|| (), |_| list_campaigns());
    view! {
        <Title text=i.t("campaign.title") />
        <Suspense fallback=|| view! { <Skeleton lines=4 /> }>
            {move || Suspend::new(async move {
                let Ok(Some(u)) = user.await else { return view! { <ErrorPage code=401 /> }.into_any() };
                let launches = u.can(Action::LaunchCampaigns);
                let manage = u.can(Action::ManageCampaigns);
                let vendor = u.vendor;
                let leads = !vendor && (launches || u.can(Action::RegisterDeals));
                view! {
                    <div class="page-head">
                        <h1>{i.t("campaign.title")}</h1>
                        {manage.then(|| view! {
                            <div class="actions">
                                <A href="/campaigns/new" attr:class="btn primary">{i.t("template.new")}</A>
                            </div>
                        })}
                        {launches.then(|| view! {
                            <div class="actions">
                                <A href="/campaigns/brand" attr:class="btn">{i.t("campaign.brand_kit")}</A>
                                <A href="/campaigns/contacts" attr:class="btn">{i.t("campaign.contacts")}</A>
                            </div>
                        })}
                    </div>
                    <section aria-labelledby="library-h">
                        <h2 id="library-h">{i.t("campaign.library")}</h2>
                        <Suspense fallback=|| view! { <Skeleton lines=3 /> }>
                            {move || Suspend::new(async move {
                                match templates.await {
                                    Ok(list) if list.is_empty() => view! { <EmptyState title="campaign.none" /> }.into_any(),
                                    Ok(list) => view! {
                                        <ul class="cards">{campaign_groups(list, i.locale().code()).into_iter().map(|(t, versions)| view! {
                                            <li class="card" data-testid="campaign">
                                                <h3><A href=format!("/campaigns/{}", t.id)>{t.name}</A></h3>
                                                <p class="hint">{t.description}</p>
                                                <p>{i.tf("campaign.touches", &[("n", &t.touches.to_string())])}" · "
                                                    <LanguageLinks versions current=t.id />
                                                    {(t.status != super::TemplateStatus::Published).then(|| view! { " "<span class="badge">{i.t(&format!("course.status.{}", t.status.code()))}</span> })}
                                                </p>
                                                {manage.then(|| view! { <p><A href=format!("/campaigns/{}/edit", t.id)>{i.t("template.edit")}</A></p> })}
                                            </li>
                                        }).collect_view()}</ul>
                                    }.into_any(),
                                    Err(e) => error_view(e),
                                }
                            })}
                        </Suspense>
                    </section>
                    {(launches || (vendor && u.can(Action::ViewAllPartners))).then(|| view! {
                        <section aria-labelledby="launches-h">
                            <h2 id="launches-h">{i.t("campaign.launches")}</h2>
                            <Launches vendor />
                        </section>
                    })}
                    {leads.then(|| view! {
                        <section aria-labelledby="leads-h">
                            <h2 id="leads-h">{i.t("campaign.leads")}</h2>
                            <Leads />
                        </section>
                    })}
                }.into_any()
            })}
        </Suspense>
    }
}

/// `/campaigns/:id`: preview at phone and desktop widths, regions, launch.
#[component]
pub fn CampaignPage() -> impl IntoView {
    let i = use_i18n();
    let id = route_id();
    let template = Resource::new(id, |_| list_campaigns());
    let regions: RwSignal<std::collections::BTreeMap<String, String>> =
        RwSignal::new(Default::default());
    let refresh = RwSignal::new(0u32);
    // Vendor staff preview as a chosen partner would send it (its brand kit).
    let as_partner = RwSignal::new(String::new());
    let preview = Resource::new(
        move || (id(), refresh.get(), as_partner.get()),
        move |(id, _, as_partner)| preview_campaign(id, regions.get_untracked(), as_partner),
    );
    let partners = Resource::new(
        || (),
        |_| {
            crate::partners::api::list_partners(crate::partners::PartnerFilter {
                page: PageRequest::default().sized(MAX_PAGE_SIZE),
                ..Default::default()
            })
        },
    );
    let phone = RwSignal::new(true);
    let launch = ServerAction::<LaunchCampaign>::new();
    let err = action_error(launch);
    let user = use_user();
    let contacts = Resource::new(|| (), |_| list_contacts());
    let list = RwSignal::new(String::new());
    let when = RwSignal::new(String::new());
    let track_opens = RwSignal::new(false);
    let preview_pending = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(Ok(_)) = launch.value().get() {
            toast(i.t("campaign.launched").to_string());
        }
    });
    view! {
        <Title text=i.t("campaign.title") />
        <Suspense fallback=|| view! { <Skeleton lines=6 /> }>
            {move || Suspend::new(async move {
                let all = match template.await { Ok(l) => l, Err(e) => return error_view(e) };
                let Some(t) = all.iter().find(|t| t.id == id()).cloned() else { return view! { <ErrorPage code=404 /> }.into_any() };
                let versions = campaign_groups(all, t.language.as_str())
                    .into_iter()
                    .map(|(_, v)| v)
                    .find(|v| v.iter().any(|(vid, _)| *vid == t.id))
                    .unwrap_or_default();
                let template_id = t.id;
                let u = user.await.ok().flatten();
                let manage = u.as_ref().is_some_and(|u| u.vendor && u.can(Action::ManageCampaigns));
                let editable = t.editable.clone();
                let can_launch = u.as_ref().is_some_and(|u| u.can(Action::LaunchCampaigns));
                // The lists (tags) of the partner's contacts.
                let tags: Vec<(String, String)> = if can_launch {
                    let mut tags: Vec<String> = contacts.await.unwrap_or_default().into_iter().flat_map(|c| c.tags).collect();
                    tags.sort();
                    tags.dedup();
                    tags.into_iter().map(|t| (t.clone(), t)).collect()
                } else {
                    Vec::new()
                };
                view! {
                    <div class="page-head">
                        <h1>{t.name.clone()}</h1>
                        <div class="actions">
                            {manage.then(|| view! { <A href=format!("/campaigns/{template_id}/edit") attr:class="btn">{i.t("template.edit")}</A> })}
                            <A href="/campaigns" attr:class="btn">{i.t("learning.back")}</A>
                        </div>
                    </div>
                    <p class="hint">{t.description.clone()}</p>
                    {(versions.len() > 1).then(|| view! { <p>{i.t("template.language")}": "<LanguageLinks versions current=template_id /></p> })}
                    {t.one_pager.then(|| view! {
                        <p><a class="btn" rel="external" target="_blank" data-testid="one-pager"
                            href=move || { let p = as_partner.get(); if p.is_empty() { format!("/campaigns/{template_id}/one-pager.pdf") } else { format!("/campaigns/{template_id}/one-pager.pdf?as_partner={p}") } }>
                            {i.t("campaign.one_pager")}
                        </a></p>
                    })}
                    {(t.approval_required && can_launch).then(|| view! { <p class="alert warning" data-testid="approval-hint">{i.t("campaign.approval_hint")}</p> })}
                    {manage.then(|| view! { <crate::campaigns::approval_page::Approvals template_id editable /> })}
                    <form class="form" data-testid="launch-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
                        ev.prevent_default();
                        launch.dispatch(LaunchCampaign { template_id, input: LaunchInput {
                            contacts: Recipients::All("all".into()),
                            regions: regions.get_untracked(),
                            starts_at: local_time(&when.get_untracked()),
                            list: list.get_untracked(),
                            track_opens: track_opens.get_untracked(),
                        }});
                    }>
                        <FormAlert error=err />
                        {t.editable.iter().map(|r| {
                            let name = r.name.clone();
                            let value = RwSignal::new(r.default.clone());
                            let key = name.clone();
                            Effect::new(move |_| { let v = value.get(); regions.update(|m| { m.insert(key.clone(), v); }); });
                            view! {
                                <TextArea label="campaign.region" name=format!("region-{name}") value errors=field_errors(err, format!("regions.{name}")) />
                                <p class="hint">{r.label.clone()}" · "{i.tf("campaign.max_len", &[("n", &r.max_len.to_string())])}</p>
                            }
                        }).collect_view()}
                        {u.as_ref().is_some_and(|u| u.vendor && u.can(Action::ViewAllPartners)).then(|| view! {
                            <Suspense fallback=|| ()>
                                {move || Suspend::new(async move {
                                    let options: Vec<(String, String)> = partners.await.map(|p| p.rows).unwrap_or_default()
                                        .into_iter().map(|p| (p.slug, p.name)).collect();
                                    view! {
                                        <SelectField label="campaign.preview_as" name="as_partner" value=as_partner
                                            options=Signal::derive(move || options.clone()) empty="campaign.preview_placeholder" />
                                    }
                                })}
                            </Suspense>
                        })}
                        <p class="actions">
                            <button type="button" class="btn" data-testid="refresh-preview" on:click=move |_| refresh.update(|n| *n += 1)>{i.t("campaign.update_preview")}</button>
                            " "<button type="button" class="btn" data-testid="toggle-width" aria-pressed=move || phone.get().to_string()
                                on:click=move |_| phone.update(|p| *p = !*p)>
                                {move || i.t(if phone.get() { "campaign.show_desktop" } else { "campaign.show_phone" })}
                            </button>
                        </p>
                        {can_launch.then(|| view! {
                            <SelectField label="campaign.list" name="list" value=list options=Signal::derive(move || tags.clone())
                                empty="campaign.all_contacts" errors=field_errors(err, "list") />
                            <div class="field">
                                <label for="f-starts_at">{i.t("campaign.starts_at")}</label>
                                <input id="f-starts_at" name="starts_at" type="datetime-local" aria-describedby="f-starts_at-hint"
                                    prop:value=move || when.get() on:input=move |ev| when.set(event_target_value(&ev)) />
                                <p class="hint" id="f-starts_at-hint">{i.t("campaign.starts_at_hint")}</p>
                            </div>
                            <label class="check">
                                <input type="checkbox" name="track_opens" prop:checked=move || track_opens.get()
                                    on:change=move |ev| track_opens.set(event_target_checked(&ev)) />
                                {i.t("campaign.track_opens")}
                            </label>
                            <p class="hint">{i.t("campaign.opens_unreliable")}</p>
                            <p class="hint">{i.t("campaign.launch_hint")}</p>
                            <SubmitButton label="campaign.launch" pending=launch.pending() />
                        })}
                    </form>
                    {(manage || can_launch || u.as_ref().is_some_and(|u| u.vendor && u.can(Action::ViewAllPartners))).then(|| view! {
                        <Stats template_id vendor=u.as_ref().is_some_and(|u| u.vendor) />
                    })}
                    // A Transition, not a Suspense: a new preview replaces the shown one in place.
                    // Under Suspense the frames left the page while it loaded and came back
                    // with their old document, and Chromium sometimes kept that document when
                    // the new `srcdoc` was set right after.
                    <div class="preview-area" aria-busy=move || preview_pending.get().to_string()>
                    <Transition fallback=|| view! { <Skeleton lines=4 /> } set_pending=preview_pending.write_only()>
                        {move || Suspend::new(async move {
                            let frame = move || if phone.get() { "width:375px;max-width:100%;height:640px;border:1px solid #ccc" } else { "width:600px;max-width:100%;height:640px;border:1px solid #ccc" };
                            match preview.await {
                                Ok(preview) => view! {
                                    <div class="previews">{preview.touches.into_iter().map(|p| {
                                        let title = i.tf("campaign.preview_of", &[("n", &(p.position + 1).to_string())]);
                                        view! {
                                            <figure class="preview" data-testid="preview">
                                                <figcaption><strong>{p.subject.clone()}</strong>" · "{i.tf("campaign.after_days", &[("n", &p.delay_days.to_string())])}</figcaption>
                                                <iframe title=title srcdoc=p.html sandbox="" style=frame></iframe>
                                            </figure>
                                        }
                                    }).collect_view()}
                                    <figure class="preview" data-testid="preview-landing">
                                        <figcaption><strong>{i.t("template.landing")}</strong></figcaption>
                                        <iframe title=i.t("template.landing") srcdoc=preview.landing sandbox="" style=frame></iframe>
                                    </figure>
                                    </div>
                                }.into_any(),
                                Err(e) => view! { <p class="alert warning">{error_text(&e)}</p> }.into_any(),
                            }
                        })}
                    </Transition>
                    </div>
                }.into_any()
            })}
        </Suspense>
    }
}

/// A campaign's results: the funnel in total, and per partner as charts for vendor staff.
#[component]
fn Stats(template_id: i64, vendor: bool) -> impl IntoView {
    let i = use_i18n();
    let data = Resource::new(move || template_id, get_campaign_stats);
    view! {
        <section aria-labelledby="stats-h" data-testid="campaign-stats">
            <h2 id="stats-h">{i.t("campaign.results")}</h2>
            <Suspense fallback=|| view! { <Skeleton lines=3 /> }>
                {move || Suspend::new(async move {
                    let st = match data.await { Ok(st) => st, Err(e) => return error_view(e) };
                    if st.totals.launches == 0 {
                        return view! { <p class="hint">{i.t("campaign.no_launches")}</p> }.into_any();
                    }
                    let t = st.totals.clone();
                    let funnel: Vec<(String, i64, String)> = [
                        ("campaign.sent", t.sent), ("campaign.clicks", t.clicks), ("campaign.visits", t.visits),
                        ("campaign.submissions", t.submissions), ("campaign.leads", t.leads),
                    ].into_iter().map(|(k, v)| (i.t(k).to_string(), v, format::integer(i.locale(), v))).collect();
                    // A recipient may click more than once: the longest bar is the largest count.
                    let funnel_max = funnel.iter().map(|r| r.1).max().unwrap_or(1);
                    let per = |f: fn(&super::StatRow) -> i64| -> (Vec<(String, i64, String)>, i64) {
                        let rows: Vec<(String, i64, String)> = st.by_partner.iter().map(|r| (r.name.clone(), f(r), format::integer(i.locale(), f(r)))).collect();
                        let max = rows.iter().map(|r| r.1).max().unwrap_or(1);
                        (rows, max)
                    };
                    let (sent_rows, sent_max) = per(|r| r.sent);
                    let (lead_rows, lead_max) = per(|r| r.leads);
                    view! {
                        <p>{i.tf("campaign.partners_launched", &[("n", &st.partners.to_string()), ("launches", &t.launches.to_string())])}</p>
                        {bars(i.t("campaign.funnel").to_string(), funnel, funnel_max, "funnel")}
                        {vendor.then(|| view! {
                            {bars(i.t("campaign.sent_by_partner").to_string(), sent_rows, sent_max, "sent-by-partner")}
                            {bars(i.t("campaign.leads_by_partner").to_string(), lead_rows, lead_max, "leads-by-partner")}
                        })}
                    }.into_any()
                })}
            </Suspense>
        </section>
    }
}

/// A `datetime-local` value in the browser's time zone as epoch seconds; empty (or on
/// the server): none, which means now.
fn local_time(value: &str) -> Option<i64> {
    if value.trim().is_empty() {
        return None;
    }
    #[cfg(feature = "hydrate")]
    {
        let ms = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(value)).get_time();
        if ms.is_finite() {
            return Some((ms / 1000.0) as i64);
        }
    }
    None
}
