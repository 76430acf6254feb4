//! Pages of the partner feature: the list with filters, create and edit forms, and the
//! organisation page with its team.

use super::api::*;
use super::team_page::TeamSection;
use super::*;
use crate::domain::{OrgStatus, PartnerType, Region, Tier};
use crate::i18n::{I18n, format, use_i18n};
use crate::policy::Action;
use crate::shell::use_user;
use crate::ui::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{A, Form};
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

fn type_options(i: I18n) -> Vec<(String, String)> {
    code_options(i, PartnerType::ALL, PartnerType::code, "ptype")
}
fn tier_options(i: I18n) -> Vec<(String, String)> {
    code_options(i, Tier::ALL, Tier::code, "tier")
}
fn region_options(i: I18n) -> Vec<(String, String)> {
    code_options(i, Region::ALL, Region::code, "region")
}
fn status_options(i: I18n) -> Vec<(String, String)> {
    code_options(i, OrgStatus::ALL, OrgStatus::code, "status")
}

fn types_text(i: I18n, types: &[PartnerType]) -> String {
    types
        .iter()
        .map(|t| i.t(&format!("ptype.{}", t.code())))
        .collect::<Vec<_>>()
        .join(", ")
}

fn label<T: Copy>(i: I18n, v: Option<T>, code: fn(T) -> &'static str, prefix: &str) -> String {
    v.map(|v| i.t(&format!("{prefix}.{}", code(v))).to_string())
        .unwrap_or_else(|| "—".to_string())
}

#[component]
fn FilterSelect(
    name: &'static str,
    label_key: &'static str,
    current: String,
    options: Vec<(String, String)>,
) -> impl IntoView {
    let i = use_i18n();
    let id = format!("filter-{name}");
    view! {
        <div class="field">
            <label for=id.clone()>{i.t(label_key)}</label>
            <select id=id name=name>
                <option value="">{i.t("filter.any")}</option>
                {options
                    .into_iter()
                    .map(|(v, l)| {
                        let sel = v == current;
                        view! { <option value=v selected=sel>{l}</option> }
                    })
                    .collect_view()}
            </select>
        </div>
    }
}

#[component]
pub fn PartnerListPage() -> impl IntoView {
    let i = use_i18n();
    let query = use_query_map();
    let filter = move || {
        query.with(|m| PartnerFilter {
            q: m.get("q").unwrap_or_default(),
            partner_type: m.get("type").unwrap_or_default(),
            tier: m.get("tier").unwrap_or_default(),
            region: m.get("region").unwrap_or_default(),
            status: m.get("status").unwrap_or_default(),
            page: PageRequest::from_query(m),
        })
    };
    let data = Resource::new(filter, list_partners);
    let user = use_user();
    let f0 = filter();
    view! {
        <Title text=i.t("partners.title") />
        <div class="page-head">
            <h1>{i.t("partners.title")}</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    user.await.ok().flatten().filter(|u| u.can(Action::ManagePartners)).map(|_| view! {
                        <A href="/partners/new" attr:class="btn primary">{i.t("partners.new")}</A>
                    })
                })}
            </Suspense>
        </div>
        <Form method="GET" action="" attr:class="filters" attr:role="search">
            <div class="field">
                <label for="filter-q">{i.t("filter.search")}</label>
                <input id="filter-q" type="search" name="q" value=f0.q.clone() />
            </div>
            <FilterSelect name="type" label_key="field.types" current=f0.partner_type.clone() options=type_options(i) />
            <FilterSelect name="tier" label_key="field.tier" current=f0.tier.clone() options=tier_options(i) />
            <FilterSelect name="region" label_key="field.region" current=f0.region.clone() options=region_options(i) />
            <FilterSelect name="status" label_key="field.status" current=f0.status.clone() options=status_options(i) />
            <button type="submit" class="btn">{i.t("filter.apply")}</button>
        </Form>
        <Transition fallback=|| view! { <Skeleton lines=6 /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(page) => partner_table(i, page).into_any(),
                    Err(e) => list_error_view(e),
                }
            })}
        </Transition>
    }
}

fn partner_table(i: I18n, page: Page<PartnerSummary>) -> impl IntoView {
    if page.rows.is_empty() && page.prev.is_none() {
        return view! { <EmptyState title="partners.none" body="partners.none_hint" /> }.into_any();
    }
    let count = page_count(&page, "partners.count", "partners.count_more");
    let columns: Vec<Column<PartnerSummary>> = vec![
        Column::html("field.name", |p: &PartnerSummary, h| {
            h.link(&format!("/partners/{}", p.slug), &p.name);
        })
        .server_sort("name"),
        Column::html("field.types", move |p: &PartnerSummary, h| {
            h.text(&types_text(i, &p.types));
        }),
        Column::html("field.tier", move |p: &PartnerSummary, h| {
            h.text(&label(i, p.tier, Tier::code, "tier"));
        })
        .server_sort("tier"),
        Column::html("field.region", move |p: &PartnerSummary, h| {
            h.text(&label(i, p.region, Region::code, "region"));
        })
        .server_sort("region"),
        Column::html("field.status", move |p: &PartnerSummary, h| {
            let code = p.status.code();
            h.span(
                &format!("badge status-{code}"),
                i.t(&format!("status.{code}")),
            );
        })
        .server_sort("status"),
        Column::html("field.channel_manager", |p: &PartnerSummary, h| {
            h.text(p.channel_manager.as_deref().unwrap_or("—"));
        }),
        Column::html("partners.users", move |p: &PartnerSummary, h| {
            h.text(&format::integer(i.locale(), p.users));
        }),
    ];
    let sorted = (page.sort.clone(), page.desc);
    view! {
        <p class="count" role="status">{count}</p>
        <DataTable rows=page.rows columns caption="partners.title" sorted />
        <Pager prev=page.prev next=page.next />
    }
    .into_any()
}

/// The form state of a partner organisation.
#[derive(Clone, Copy)]
struct PartnerFields {
    name: RwSignal<String>,
    types: RwSignal<Vec<String>>,
    tier: RwSignal<String>,
    region: RwSignal<String>,
    status: RwSignal<String>,
    cm: RwSignal<String>,
    website: RwSignal<String>,
    description: RwSignal<String>,
}

impl PartnerFields {
    fn new(v: PartnerInput) -> Self {
        PartnerFields {
            name: RwSignal::new(v.name),
            types: RwSignal::new(v.types),
            tier: RwSignal::new(v.tier),
            region: RwSignal::new(v.region),
            status: RwSignal::new(v.status),
            cm: RwSignal::new(v.channel_manager_id),
            website: RwSignal::new(v.website),
            description: RwSignal::new(v.description),
        }
    }

    fn input(&self) -> PartnerInput {
        PartnerInput {
            name: self.name.get_untracked(),
            types: self.types.get_untracked(),
            tier: self.tier.get_untracked(),
            region: self.region.get_untracked(),
            status: self.status.get_untracked(),
            channel_manager_id: self.cm.get_untracked(),
            website: self.website.get_untracked(),
            description: self.description.get_untracked(),
        }
    }
}

#[component]
fn PartnerFormFields(
    f: PartnerFields,
    err: Signal<Option<crate::error::AppError>>,
    program: bool,
) -> impl IntoView {
    let i = use_i18n();
    let cms = Resource::new(
        || (),
        move |_| async move {
            if program {
                list_channel_managers().await.unwrap_or_default()
            } else {
                Vec::new()
            }
        },
    );
    let cm_options = Signal::derive(move || {
        cms.get()
            .unwrap_or_default()
            .into_iter()
            .map(|c| (c.id.to_string(), c.name))
            .collect::<Vec<_>>()
    });
    view! {
        <TextField label="field.org_name" name="name" value=f.name required=true autocomplete="organization" errors=field_errors(err, "name") />
        {program.then(|| view! {
            <CheckboxGroup label="field.types" name="types" chosen=f.types options=type_options(i) errors=field_errors(err, "types") />
            <div class="field-row">
                <SelectField label="field.tier" name="tier" value=f.tier options=tier_options(i) empty="ui.choose" required=true errors=field_errors(err, "tier") />
                <SelectField label="field.region" name="region" value=f.region options=region_options(i) empty="region.global" errors=field_errors(err, "region") />
                <SelectField label="field.status" name="status" value=f.status options=status_options(i) required=true errors=field_errors(err, "status") />
            </div>
            <Transition fallback=|| ()>
                <SelectField label="field.channel_manager" name="channel_manager_id" value=f.cm options=cm_options empty="ui.none" errors=field_errors(err, "channel_manager_id") />
            </Transition>
        })}
        <TextField label="field.website" name="website" value=f.website input_type="url" autocomplete="url" errors=field_errors(err, "website") />
        <TextArea label="field.description" name="description" value=f.description errors=field_errors(err, "description") />
    }
}

#[component]
pub fn PartnerCreatePage() -> impl IntoView {
    let i = use_i18n();
    let f = PartnerFields::new(PartnerInput {
        status: "onboarding".into(),
        ..Default::default()
    });
    let action = ServerAction::<CreatePartner>::new();
    let err = action_error(action);
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(slug)) = action.value().get() {
            toast(i.t("partners.created").to_string());
            navigate(&format!("/partners/{slug}"), Default::default());
        }
    });
    view! {
        <Title text=i.t("partners.new") />
        <h1>{i.t("partners.new")}</h1>
        <form
            class="form"
            novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                action.dispatch(CreatePartner { input: f.input() });
            }
        >
            <FormAlert error=err />
            <PartnerFormFields f err program=true />
            <div class="actions">
                <SubmitButton label="partners.create" pending=action.pending() />
                <A href="/partners" attr:class="btn">{i.t("ui.cancel")}</A>
            </div>
        </form>
    }
}

#[component]
pub fn OrgEditPage() -> impl IntoView {
    let i = use_i18n();
    let params = use_params_map();
    let slug = params.with_untracked(|p| p.get("slug")).unwrap_or_default();
    let org = Resource::new(move || slug.clone(), get_org);
    view! {
        <Title text=i.t("org.edit") />
        <Suspense fallback=|| view! { <Skeleton lines=8 /> }>
            {move || Suspend::new(async move {
                match org.await {
                    Ok(o) if o.can_edit => view! { <OrgEditForm org=o /> }.into_any(),
                    Ok(_) => view! { <ErrorPage code=403 /> }.into_any(),
                    Err(e) => error_view(e),
                }
            })}
        </Suspense>
    }
}

#[component]
fn OrgEditForm(org: OrgDetail) -> impl IntoView {
    let i = use_i18n();
    let f = PartnerFields::new(PartnerInput {
        name: org.name.clone(),
        types: org.types.iter().map(|t| t.code().to_string()).collect(),
        tier: org.tier.map(|t| t.code().to_string()).unwrap_or_default(),
        region: org.region.map(|t| t.code().to_string()).unwrap_or_default(),
        status: org.status.code().to_string(),
        channel_manager_id: org
            .channel_manager_id
            .map(|c| c.to_string())
            .unwrap_or_default(),
        website: org.website.clone(),
        description: org.description.clone(),
    });
    let action = ServerAction::<UpdateOrg>::new();
    let err = action_error(action);
    let navigate = use_navigate();
    let slug = org.slug.clone();
    let back = if org.vendor || org.can_edit_program {
        format!("/partners/{slug}")
    } else {
        "/org".to_string()
    };
    let back2 = back.clone();
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            toast(i.t("org.saved").to_string());
            navigate(&back, Default::default());
        }
    });
    view! {
        <h1>{i.tf("org.edit_named", &[("name", &org.name)])}</h1>
        <form
            class="form"
            novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                action.dispatch(UpdateOrg { slug: slug.clone(), input: f.input() });
            }
        >
            <FormAlert error=err />
            <PartnerFormFields f err program=org.can_edit_program />
            <div class="actions">
                <SubmitButton label="ui.save" pending=action.pending() />
                <A href=back2 attr:class="btn">{i.t("ui.cancel")}</A>
            </div>
        </form>
    }
}

/// The signed-in user's own organisation. The server resolves "own" (empty slug), so no
/// resource is created after an await, which would break hydration.
#[component]
pub fn MyOrgPage() -> impl IntoView {
    view! { <OrgView slug=String::new() /> }
}

#[component]
pub fn OrgPage() -> impl IntoView {
    let params = use_params_map();
    let slug = params.with_untracked(|p| p.get("slug")).unwrap_or_default();
    view! { <OrgView slug /> }
}

#[component]
fn OrgView(slug: String) -> impl IntoView {
    let i = use_i18n();
    let s2 = slug.clone();
    let org = Resource::new(move || s2.clone(), get_org);
    view! {
        <Suspense fallback=|| view! { <Skeleton lines=8 /> }>
            {move || Suspend::new(async move {
                match org.await {
                    Ok(o) => {
                        let edit_href = format!("/partners/{}/edit", o.slug);
                        let loc = i.locale();
                        view! {
                            <Title text=o.name.clone() />
                            <div class="page-head">
                                <h1>{o.name.clone()}</h1>
                                {o.can_edit.then(|| view! { <A href=edit_href attr:class="btn">{i.t("org.edit")}</A> })}
                            </div>
                            {(!o.vendor).then(|| view! {
                                <dl class="facts">
                                    <dt>{i.t("field.types")}</dt><dd>{types_text(i, &o.types)}</dd>
                                    <dt>{i.t("field.tier")}</dt><dd>{label(i, o.tier, Tier::code, "tier")}</dd>
                                    <dt>{i.t("field.region")}</dt><dd>{label(i, o.region, Region::code, "region")}</dd>
                                    <dt>{i.t("field.status")}</dt><dd>{i.t(&format!("status.{}", o.status.code()))}</dd>
                                    <dt>{i.t("field.channel_manager")}</dt><dd>{o.channel_manager.clone().unwrap_or_else(|| "—".into())}</dd>
                                    <dt>{i.t("field.website")}</dt><dd>{o.website.clone()}</dd>
                                    <dt>{i.t("org.since")}</dt><dd>{format::date(loc, o.created_at)}</dd>
                                </dl>
                            })}
                            {(!o.description.is_empty()).then(|| view! { <p class="description">{o.description.clone()}</p> })}
                            <TeamSection slug=o.slug.clone() vendor=o.vendor can_manage=o.can_manage_team />
                        }
                            .into_any()
                    }
                    Err(e) => error_view(e),
                }
            })}
        </Suspense>
    }
}
