//! Campaign screens. `/campaigns`: the library the reader may launch, the launches with
//! live progress (charted for vendor staff: adoption per partner), and the leads with a
//! one-tap "Register a deal". `/campaigns/:id`: a template previewed as the partner's
//! own email at phone and desktop widths, the editable regions and the launch.
//! `/campaigns/brand` and `/campaigns/contacts`: the brand kit and the contacts.

use super::api::*;
use super::{
    BrandKit, ContactInput, LaunchInput, LaunchStatus, LaunchView, Recipients, TemplateSummary,
};
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

/// `/campaigns/brand`.
#[component]
pub fn BrandKitPage() -> impl IntoView {
    let i = use_i18n();
    let data = Resource::new(|| (), |_| get_brand_kit());
    let save = ServerAction::<SaveBrandKit>::new();
    let err = action_error(save);
    Effect::new(move |_| {
        if let Some(Ok(())) = save.value().get() {
            toast(i.t("campaign.brand_saved").to_string());
        }
    });
    view! {
        <Title text=i.t("campaign.brand_kit") />
        <h1>{i.t("campaign.brand_kit")}</h1>
        <Suspense fallback=|| view! { <Skeleton lines=6 /> }>
            {move || Suspend::new(async move {
                let kit = match data.await { Ok(k) => k, Err(e) => return error_view(e) };
                let f = |v: &str| RwSignal::new(v.to_string());
                let (name, logo, color, address, phone, website, sender, email, signature) = (
                    f(&kit.display_name), f(&kit.logo_url), f(&kit.primary_color), f(&kit.postal_address),
                    f(&kit.phone), f(&kit.website), f(&kit.sender_name), f(&kit.sender_email), f(&kit.signature),
                );
                let fe = move |n: &'static str| field_errors(err, n);
                view! {
                    <form class="form" data-testid="brand-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
                        ev.prevent_default();
                        save.dispatch(SaveBrandKit { input: BrandKit {
                            display_name: name.get_untracked(), logo_url: logo.get_untracked(),
                            primary_color: color.get_untracked(), postal_address: address.get_untracked(),
                            phone: phone.get_untracked(), website: website.get_untracked(),
                            sender_name: sender.get_untracked(), sender_email: email.get_untracked(),
                            signature: signature.get_untracked(),
                        }});
                    }>
                        <FormAlert error=err />
                        <TextField label="brand.display_name" name="display_name" value=name required=true errors=fe("display_name") />
                        <LogoUpload logo />
                        <TextField label="brand.logo_url" name="logo_url" value=logo input_type="url" errors=fe("logo_url") hint="brand.logo_url_hint" />
                        <TextField label="brand.primary_color" name="primary_color" value=color errors=fe("primary_color") hint="brand.color_hint" />
                        <TextArea label="brand.postal_address" name="postal_address" value=address errors=fe("postal_address") />
                        <TextField label="brand.phone" name="phone" value=phone input_type="tel" errors=fe("phone") />
                        <TextField label="brand.website" name="website" value=website errors=fe("website") />
                        <TextField label="brand.sender_name" name="sender_name" value=sender required=true errors=fe("sender_name") />
                        <TextField label="brand.sender_email" name="sender_email" value=email input_type="email" required=true errors=fe("sender_email") />
                        <TextArea label="brand.signature" name="signature" value=signature errors=fe("signature") />
                        <SubmitButton label="ui.save" pending=save.pending() />
                    </form>
                }.into_any()
            })}
        </Suspense>
    }
}

/// The logo: a file sent at once (checked on the server by its bytes and size); on
/// success its address goes into the brand kit and into `logo`.
#[component]
fn LogoUpload(logo: RwSignal<String>) -> impl IntoView {
    let i = use_i18n();
    let input = NodeRef::<leptos::html::Input>::new();
    let err = RwSignal::new(None::<crate::error::AppError>);
    let busy = RwSignal::new(false);
    let upload = move |_| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let Some(el) = input.get() else { return };
            let Some(file) = el.files().and_then(|f| f.get(0)) else {
                err.set(Some(crate::error::AppError::field("logo", "err.required")));
                return;
            };
            let Ok(form) = web_sys::FormData::new() else {
                return;
            };
            if form.append_with_blob("logo", &file).is_err() {
                return;
            }
            busy.set(true);
            let Ok(xhr) = web_sys::XmlHttpRequest::new() else {
                return;
            };
            if xhr.open("POST", "/campaigns/brand/logo").is_err() {
                return;
            }
            let x = xhr.clone();
            let done = wasm_bindgen::closure::Closure::once(move || {
                busy.set(false);
                let body = x.response_text().ok().flatten().unwrap_or_default();
                match x.status().unwrap_or(0) {
                    201 => {
                        err.set(None);
                        if let Ok(v) = serde_json::from_str::<serde_json::Value>(&body)
                            && let Some(url) = v["logo_url"].as_str()
                        {
                            logo.set(url.to_string());
                            toast(i.t("brand.logo_saved").to_string());
                        }
                    }
                    status => err
                        .set(Some(serde_json::from_str(&body).unwrap_or(
                            crate::error::AppError::Transport(format!("HTTP {status}")),
                        ))),
                }
            });
            xhr.set_onloadend(Some(done.as_ref().unchecked_ref()));
            done.forget();
            let _ = xhr.send_with_opt_form_data(Some(&form));
        }
    };
    view! {
        <div class="field" class:has-error=move || err.with(Option::is_some)>
            <label for="f-logo">{i.t("brand.logo")}</label>
            {move || (!logo.get().is_empty()).then(|| view! { <img class="logo-preview" src=logo.get() alt=i.t("brand.logo_alt") height="48" /> })}
            <input id="f-logo" type="file" accept="image/png,image/jpeg,image/gif,image/webp" node_ref=input aria-describedby="f-logo-hint f-logo-err" />
            <p class="hint" id="f-logo-hint">{i.t("brand.logo_hint")}</p>
            <ul class="field-errors" id="f-logo-err" role="alert">
                {move || err.get().map(|e| {
                    let keys = e.field_messages("logo");
                    if keys.is_empty() {
                        view! { <li>{error_text(&e)}</li> }.into_any()
                    } else {
                        keys.into_iter().map(|k| view! { <li>{i.t(&k)}</li> }).collect_view().into_any()
                    }
                })}
            </ul>
            <button type="button" class="btn" data-testid="upload-logo" disabled=move || busy.get() on:click=upload>
                {move || i.t(if busy.get() { "ui.working" } else { "brand.upload_logo" })}
            </button>
        </div>
    }
}

/// `/campaigns/contacts`.
#[component]
pub fn ContactsPage() -> impl IntoView {
    let i = use_i18n();
    let save = ServerAction::<SaveContact>::new();
    let reload = RwSignal::new(0u32);
    let data = Resource::new(
        move || (save.version().get(), reload.get()),
        |_| list_contacts(),
    );
    let err = action_error(save);
    let f = || RwSignal::new(String::new());
    let (email, first, last, company, tags) = (f(), f(), f(), f(), f());
    let filter = RwSignal::new(String::new());
    let consent = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            for s in [email, first, last, company, tags] {
                s.set(String::new());
            }
            consent.set(false);
        }
    });
    let fe = move |n: &'static str| field_errors(err, n);
    view! {
        <Title text=i.t("campaign.contacts") />
        <h1>{i.t("campaign.contacts")}</h1>
        <p class="hint">{i.t("campaign.contacts_private")}</p>
        <form class="form" data-testid="contact-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            save.dispatch(SaveContact { input: ContactInput {
                email: email.get_untracked(), first_name: first.get_untracked(),
                last_name: last.get_untracked(), company: company.get_untracked(),
                consent: consent.get_untracked(), consent_source: "manual".into(),
                tags: tags.get_untracked().split(',').map(str::trim).filter(|t| !t.is_empty()).map(str::to_string).collect(),
            }});
        }>
            <FormAlert error=err />
            <TextField label="field.email" name="email" value=email input_type="email" required=true errors=fe("email") />
            <TextField label="contact.first_name" name="first_name" value=first errors=fe("first_name") />
            <TextField label="contact.last_name" name="last_name" value=last errors=fe("last_name") />
            <TextField label="contact.company" name="company" value=company errors=fe("company") />
            <TextField label="contact.tags" name="tags" value=tags errors=fe("tags") hint="contact.tags_hint" />
            <label class="check">
                <input type="checkbox" name="consent" prop:checked=move || consent.get()
                    on:change=move |ev| consent.set(event_target_checked(&ev)) />
                {i.t("contact.consent")}
            </label>
            <SubmitButton label="contact.add" pending=save.pending() />
        </form>
        <ContactImportForm done=Callback::new(move |_| reload.update(|v| *v += 1)) />
        <Suspense fallback=|| view! { <Skeleton lines=3 /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(list) if list.is_empty() => view! { <p class="hint">{i.t("contact.none")}</p> }.into_any(),
                    Ok(list) => {
                        let mut lists: Vec<String> = list.iter().flat_map(|c| c.tags.clone()).collect();
                        lists.sort();
                        lists.dedup();
                        let options: Vec<(String, String)> = lists.into_iter().map(|t| (t.clone(), t)).collect();
                        view! {
                            <SelectField label="contact.filter_list" name="list_filter" value=filter options=Signal::derive(move || options.clone()) empty="campaign.all_contacts" />
                            <div class="table-wrap"><table class="data">
                                <thead><tr>
                                    <th>{i.t("field.email")}</th>
                                    <th>{i.t("contact.name")}</th>
                                    <th>{i.t("contact.tags")}</th>
                                    <th>{i.t("contact.consent_col")}</th>
                                </tr></thead>
                                <tbody>{list.into_iter().map(|c| {
                                    let tags = c.tags.clone();
                                    view! {
                                        <tr data-testid="contact" hidden=move || { let f = filter.get(); !f.is_empty() && !tags.contains(&f) }>
                                            <td>{c.email}</td>
                                            <td>{format!("{} {}", c.first_name, c.last_name).trim().to_string()}</td>
                                            <td>{c.tags.join(", ")}</td>
                                            <td>{i.t(if c.unsubscribed { "contact.unsubscribed" } else if c.consent { "contact.yes" } else { "contact.no" })}
                                                {(!c.consent_source.is_empty()).then(|| view! { <span class="hint">" ("{i.t(&format!("contact.source.{}", c.consent_source))}")"</span> })}
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}</tbody>
                            </table></div>
                        }.into_any()
                    }
                    Err(e) => error_view(e),
                }
            })}
        </Suspense>
    }
}

/// CSV import: choose a file, see every row and what is wrong with it, then import the
/// good ones.
#[component]
fn ContactImportForm(done: Callback<()>) -> impl IntoView {
    let i = use_i18n();
    let file = NodeRef::<leptos::html::Input>::new();
    let text = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let run = ServerAction::<ImportContacts>::new();
    let err = action_error(run);
    Effect::new(move |_| {
        if let Some(Ok(r)) = run.value().get()
            && r.saved > 0
        {
            toast(i.tf("import.saved", &[("n", &r.saved.to_string())]));
            done.run(());
        }
    });
    let preview = move |_| {
        leptos::task::spawn_local(async move {
            match crate::deals::import_page::read_file(file).await {
                Ok((_, csv)) => {
                    problem.set(None);
                    text.set(csv.clone());
                    run.dispatch(ImportContacts { csv, commit: false });
                }
                Err(k) => problem.set(Some(k.to_string())),
            }
        });
    };
    view! {
        <section aria-labelledby="import-h" class="card">
            <h2 id="import-h">{i.t("contact.import")}</h2>
            <p class="hint" id="csv-hint">{i.t("contact.import_hint")}</p>
            <FormAlert error=err />
            {move || problem.get().map(|k| view! { <p class="alert error" role="alert">{i.t(&k)}</p> })}
            <label for="contacts-csv">{i.t("contact.csv_file")}</label>
            <input id="contacts-csv" type="file" accept=".csv,text/csv" node_ref=file aria-describedby="csv-hint" />
            <p class="actions">
                <button type="button" class="btn" data-testid="preview-import" on:click=preview disabled=move || run.pending().get()>{i.t("contact.preview_import")}</button>
            </p>
            {move || run.value().get().and_then(Result::ok).map(|r| {
                let good = r.valid;
                view! {
                    <p data-testid="import-summary">{i.tf("contact.import_summary", &[("valid", &r.valid.to_string()), ("invalid", &r.invalid.to_string())])}</p>
                    <div class="table-wrap"><table class="data">
                        <thead><tr>
                            <th class="num">{i.t("contact.line")}</th>
                            <th>{i.t("field.email")}</th>
                            <th>{i.t("contact.consent_col")}</th>
                            <th>{i.t("contact.problems")}</th>
                        </tr></thead>
                        <tbody>{r.rows.into_iter().map(|row| view! {
                            <tr data-testid="import-row" class:row-error=!row.errors.is_empty()>
                                <td class="num">{row.line}</td>
                                <td>{row.email}</td>
                                <td>{i.t(if row.consent { "contact.yes" } else { "contact.no" })}</td>
                                <td>{row.errors.iter().map(|(f, k)| format!("{f}: {}", i.t(k))).collect::<Vec<_>>().join("; ")}</td>
                            </tr>
                        }).collect_view()}</tbody>
                    </table></div>
                    {(r.saved == 0 && good > 0).then(|| view! {
                        <button type="button" class="btn primary" data-testid="commit-import"
                            on:click=move |_| { run.dispatch(ImportContacts { csv: text.get_untracked(), commit: true }); }>
                            {i.tf("contact.import_n", &[("n", &good.to_string())])}
                        </button>
                    })}
                }
            })}
        </section>
    }
}
