//! `/campaigns/new` and `/campaigns/:id/edit`: vendor marketers write a campaign template.
//! The emails are MJML: what they write is locked for partners, except the editable
//! regions (`{{region:body}}`), whose label, default text and length limit are set here.
//! A template may be the German (or English) version of another: partners then see one
//! campaign and pick the language.

use super::api::*;
use super::{RegionSpec, STARTER_MJML, SocialPost, TemplateInput, TouchInput};
use crate::domain::{PartnerType, Region, Tier};
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::ui::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// A row of one of the form's lists; `key` tells rows apart while they are added and
/// removed.
trait Keyed: Copy + Send + Sync + 'static {
    fn key(&self) -> u32;
}

#[derive(Clone, Copy)]
struct TouchDraft {
    key: u32,
    subject: RwSignal<String>,
    delay: RwSignal<String>,
    mjml: RwSignal<String>,
}

#[derive(Clone, Copy)]
struct RegionDraft {
    key: u32,
    name: RwSignal<String>,
    label: RwSignal<String>,
    default: RwSignal<String>,
    max_len: RwSignal<String>,
}

#[derive(Clone, Copy)]
struct PostDraft {
    key: u32,
    text: RwSignal<String>,
    image_url: RwSignal<String>,
    link: RwSignal<String>,
}

impl Keyed for TouchDraft {
    fn key(&self) -> u32 {
        self.key
    }
}
impl Keyed for RegionDraft {
    fn key(&self) -> u32 {
        self.key
    }
}
impl Keyed for PostDraft {
    fn key(&self) -> u32 {
        self.key
    }
}

fn s(v: &str) -> RwSignal<String> {
    RwSignal::new(v.to_string())
}

impl TouchDraft {
    fn new(key: u32, t: &TouchInput) -> Self {
        TouchDraft {
            key,
            subject: s(&t.subject),
            delay: s(&t.delay_days),
            mjml: s(&t.mjml),
        }
    }
    fn input(&self) -> TouchInput {
        TouchInput {
            subject: self.subject.get_untracked(),
            delay_days: self.delay.get_untracked(),
            mjml: self.mjml.get_untracked(),
        }
    }
}

impl RegionDraft {
    fn new(key: u32, r: &RegionSpec) -> Self {
        RegionDraft {
            key,
            name: s(&r.name),
            label: s(&r.label),
            default: s(&r.default),
            max_len: s(&r.max_len.to_string()),
        }
    }
    fn input(&self) -> RegionSpec {
        RegionSpec {
            name: self.name.get_untracked(),
            label: self.label.get_untracked(),
            default: self.default.get_untracked(),
            // Not a number: out of range, which the server says.
            max_len: self.max_len.get_untracked().trim().parse().unwrap_or(-1),
        }
    }
}

impl PostDraft {
    fn new(key: u32, p: &SocialPost) -> Self {
        PostDraft {
            key,
            text: s(&p.text),
            image_url: s(&p.image_url),
            link: s(&p.link),
        }
    }
    fn input(&self) -> SocialPost {
        SocialPost {
            text: self.text.get_untracked(),
            image_url: self.image_url.get_untracked(),
            link: self.link.get_untracked(),
        }
    }
}

/// A list of rows being written, and the next key to give.
#[derive(Clone, Copy)]
struct Rows<T: Keyed> {
    list: RwSignal<Vec<T>>,
    next: RwSignal<u32>,
}

impl<T: Keyed> Rows<T> {
    fn new<I>(items: &[I], make: impl Fn(u32, &I) -> T) -> Self {
        let list: Vec<T> = items
            .iter()
            .enumerate()
            .map(|(k, item)| make(k as u32, item))
            .collect();
        Rows {
            next: RwSignal::new(list.len() as u32),
            list: RwSignal::new(list),
        }
    }

    fn add(&self, make: impl FnOnce(u32) -> T) {
        let key = self.next.get_untracked();
        self.next.set(key + 1);
        self.list.update(|l| l.push(make(key)));
    }

    fn remove(&self, key: u32) {
        self.list.update(|l| l.retain(|x| x.key() != key));
    }

    fn len(&self) -> usize {
        self.list.with(Vec::len)
    }

    /// Where the row is now (its number in the server's field names).
    fn at(&self, key: u32) -> usize {
        self.list
            .with(|l| l.iter().position(|d| d.key() == key))
            .unwrap_or(usize::MAX)
    }

    fn inputs<I>(&self, f: impl Fn(&T) -> I) -> Vec<I> {
        self.list.with_untracked(|l| l.iter().map(f).collect())
    }

    /// The messages of a row's field; they follow the row when rows above it go.
    fn errors(
        self,
        err: Signal<Option<AppError>>,
        list: &'static str,
        key: u32,
        field: &'static str,
    ) -> Signal<Vec<String>> {
        Signal::derive(move || {
            let at = self.at(key);
            err.get()
                .map(|e| e.field_messages(&format!("{list}.{at}.{field}")))
                .unwrap_or_default()
        })
    }
}

/// The template form, filled with `initial`.
#[component]
fn TemplateForm(
    initial: TemplateInput,
    /// The template being edited (it cannot translate itself).
    #[prop(optional)]
    own: Option<i64>,
    save: Callback<TemplateInput>,
    #[prop(into)] err: Signal<Option<AppError>>,
    #[prop(into)] pending: Signal<bool>,
    submit_label: &'static str,
) -> impl IntoView {
    let i = use_i18n();
    let name = s(&initial.name);
    let description = s(&initial.description);
    let language = s(&initial.language);
    let translation_of = s(&initial
        .translation_of
        .map(|t| t.to_string())
        .unwrap_or_default());
    let (types, tiers, regions) = (
        RwSignal::new(initial.partner_types.clone()),
        RwSignal::new(initial.tiers.clone()),
        RwSignal::new(initial.regions.clone()),
    );
    let landing_title = s(&initial.landing_title);
    let landing_body = s(&initial.landing_body);
    let publish = RwSignal::new(initial.publish);
    let approval = RwSignal::new(initial.approval_required);
    let pager_title = s(&initial.one_pager_title);
    let pager_body = s(&initial.one_pager_body);
    let touches = Rows::new(&initial.touches, TouchDraft::new);
    let editable = Rows::new(&initial.editable, RegionDraft::new);
    let posts = Rows::new(&initial.social_posts, PostDraft::new);
    let others = Resource::new(|| (), |_| list_campaigns());
    let fe = move |n: &'static str| field_errors(err, n);
    view! {
        <form class="form" data-testid="template-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            save.run(TemplateInput {
                name: name.get_untracked(),
                description: description.get_untracked(),
                language: language.get_untracked(),
                partner_types: types.get_untracked(),
                tiers: tiers.get_untracked(),
                regions: regions.get_untracked(),
                editable: editable.inputs(RegionDraft::input),
                touches: touches.inputs(TouchDraft::input),
                landing_title: landing_title.get_untracked(),
                landing_body: landing_body.get_untracked(),
                social_posts: posts.inputs(PostDraft::input),
                publish: publish.get_untracked(),
                // Not a number: a template that does not exist, which the server says.
                translation_of: match translation_of.get_untracked().trim() {
                    "" => None,
                    v => Some(v.parse().unwrap_or(0)),
                },
                approval_required: approval.get_untracked(),
                one_pager_title: pager_title.get_untracked(),
                one_pager_body: pager_body.get_untracked(),
            });
        }>
            <FormAlert error=err />
            <TextField label="template.name" name="name" value=name required=true errors=fe("name") />
            <TextArea label="template.description" name="description" value=description errors=fe("description") />
            <SelectField label="template.language" name="language" value=language required=true errors=fe("language")
                options=Signal::derive(move || vec![("en".to_string(), i.t("lang.en").to_string()), ("de".to_string(), i.t("lang.de").to_string())]) />
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let list = others.await.unwrap_or_default();
                    let options: Vec<(String, String)> = list
                        .into_iter()
                        .filter(|t| t.translation_of.is_none() && Some(t.id) != own)
                        .map(|t| (t.id.to_string(), format!("{} ({})", t.name, t.language.to_uppercase())))
                        .collect();
                    view! {
                        <SelectField label="template.translation_of" name="translation_of" value=translation_of
                            options=Signal::derive(move || options.clone()) empty="template.no_translation" errors=fe("translation_of") />
                    }
                })}
            </Suspense>
            <CheckboxGroup label="field.types" name="partner_types" chosen=types options=code_options(i, PartnerType::ALL, PartnerType::code, "ptype") errors=fe("partner_types") optional=true hint="path.empty_is_all" />
            <CheckboxGroup label="field.tier" name="tiers" chosen=tiers options=code_options(i, Tier::ALL, Tier::code, "tier") errors=fe("tiers") optional=true />
            <CheckboxGroup label="field.region" name="regions" chosen=regions options=code_options(i, Region::ALL, Region::code, "region") errors=fe("regions") optional=true />

            <h2>{i.t("template.regions")}</h2>
            <p class="hint">{i.t("template.regions_hint")}</p>
            <For each=move || editable.list.get() key=|d| d.key let:d>
                {
                    let key = d.key;
                    let e = move |f: &'static str| editable.errors(err, "editable", key, f);
                    let n = |f: &str| format!("region-{key}-{f}");
                    view! {
                        <fieldset class="field lesson-fields" data-testid="region-fields">
                            <legend>{move || i.tf("template.region_n", &[("n", &(editable.at(key) + 1).to_string())])}</legend>
                            <TextField label="template.region_name" name=n("name") value=d.name required=true errors=e("name") hint="template.region_name_hint" />
                            <TextField label="template.region_label" name=n("label") value=d.label required=true errors=e("label") />
                            <TextArea label="template.region_default" name=n("default") value=d.default errors=e("default") />
                            <TextField label="template.region_max" name=n("max") value=d.max_len input_type="number" errors=e("max_len") />
                            <button type="button" class="btn link danger" on:click=move |_| editable.remove(key)>{i.t("template.remove")}</button>
                        </fieldset>
                    }
                }
            </For>
            <p><button type="button" class="btn" data-testid="add-region" disabled=move || { editable.len() >= 20 }
                on:click=move |_| editable.add(|k| RegionDraft::new(k, &RegionSpec { name: format!("region{}", k + 1), max_len: 500, ..Default::default() }))>
                {i.t("template.add_region")}
            </button></p>

            <h2>{i.t("template.emails")}</h2>
            <p class="hint">{i.t("template.mjml_hint")}</p>
            <FieldMessages errors=fe("touches") />
            <For each=move || touches.list.get() key=|d| d.key let:d>
                {
                    let key = d.key;
                    let e = move |f: &'static str| touches.errors(err, "touches", key, f);
                    let n = |f: &str| format!("touch-{key}-{f}");
                    view! {
                        <fieldset class="field lesson-fields" data-testid="touch-fields">
                            <legend>{move || i.tf("campaign.preview_of", &[("n", &(touches.at(key) + 1).to_string())])}</legend>
                            <TextField label="template.subject" name=n("subject") value=d.subject required=true errors=e("subject") />
                            <TextField label="template.delay_days" name=n("delay") value=d.delay input_type="number" required=true errors=e("delay_days") hint="template.delay_hint" />
                            <TextArea label="template.mjml" name=n("mjml") value=d.mjml errors=e("mjml") />
                            {move || (touches.len() > 1).then(|| view! {
                                <button type="button" class="btn link danger" on:click=move |_| touches.remove(key)>{i.t("template.remove")}</button>
                            })}
                        </fieldset>
                    }
                }
            </For>
            <p><button type="button" class="btn" data-testid="add-touch" disabled=move || { touches.len() >= super::MAX_TOUCHES }
                on:click=move |_| {
                    // A new email starts as a copy of the last one, three days later.
                    let last = touches.list.with_untracked(|l| l.last().map(TouchDraft::input)).unwrap_or_default();
                    touches.add(|k| TouchDraft::new(k, &TouchInput { delay_days: "3".into(), ..last }));
                }>
                {i.t("template.add_touch")}
            </button></p>

            <h2>{i.t("template.landing")}</h2>
            <TextField label="template.landing_title" name="landing_title" value=landing_title required=true errors=fe("landing_title") />
            <TextArea label="template.landing_body" name="landing_body" value=landing_body errors=fe("landing_body") />

            <h2>{i.t("template.social")}</h2>
            <For each=move || posts.list.get() key=|d| d.key let:d>
                {
                    let key = d.key;
                    let e = move |f: &'static str| posts.errors(err, "social_posts", key, f);
                    let n = |f: &str| format!("post-{key}-{f}");
                    view! {
                        <fieldset class="field lesson-fields" data-testid="post-fields">
                            <legend>{move || i.tf("template.post_n", &[("n", &(posts.at(key) + 1).to_string())])}</legend>
                            <TextArea label="template.post_text" name=n("text") value=d.text errors=e("text") />
                            <TextField label="template.post_image" name=n("image") value=d.image_url input_type="url" errors=e("image_url") />
                            <TextField label="template.post_link" name=n("link") value=d.link input_type="url" errors=e("link") />
                            <button type="button" class="btn link danger" on:click=move |_| posts.remove(key)>{i.t("template.remove")}</button>
                        </fieldset>
                    }
                }
            </For>
            <p><button type="button" class="btn" data-testid="add-post" disabled=move || { posts.len() >= 10 }
                on:click=move |_| posts.add(|k| PostDraft::new(k, &SocialPost::default()))>
                {i.t("template.add_post")}
            </button></p>

            <h2>{i.t("template.one_pager")}</h2>
            <p class="hint">{i.t("template.one_pager_hint")}</p>
            <TextField label="template.one_pager_title" name="one_pager_title" value=pager_title errors=fe("one_pager_title") />
            <TextArea label="template.one_pager_body" name="one_pager_body" value=pager_body errors=fe("one_pager_body") />

            <h2>{i.t("template.approval")}</h2>
            <label class="check">
                <input type="checkbox" name="approval_required" data-testid="approval-required" prop:checked=move || approval.get()
                    on:change=move |ev| approval.set(event_target_checked(&ev)) />
                {i.t("template.approval_required")}
            </label>
            <label class="check">
                <input type="checkbox" name="publish" prop:checked=move || publish.get()
                    on:change=move |ev| publish.set(event_target_checked(&ev)) />
                {i.t("template.publish")}
            </label>
            <SubmitButton label=submit_label pending />
        </form>
    }
}

/// `/campaigns/new`.
#[component]
pub fn TemplateNewPage() -> impl IntoView {
    let i = use_i18n();
    let create = ServerAction::<CreateCampaignTemplate>::new();
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = create.value().get() {
            navigate(&format!("/campaigns/{id}"), Default::default());
        }
    });
    let initial = TemplateInput {
        language: i.locale().code().to_string(),
        editable: vec![RegionSpec {
            name: "body".into(),
            label: i.t("template.body_label").to_string(),
            default: String::new(),
            max_len: 800,
        }],
        touches: vec![TouchInput {
            subject: String::new(),
            delay_days: "0".into(),
            mjml: STARTER_MJML.into(),
        }],
        ..Default::default()
    };
    view! {
        <Title text=i.t("template.new") />
        <div class="page-head">
            <h1>{i.t("template.new")}</h1>
            <A href="/campaigns" attr:class="btn">{i.t("ui.cancel")}</A>
        </div>
        <TemplateForm initial
            save=Callback::new(move |input| { create.dispatch(CreateCampaignTemplate { input }); })
            err=action_error(create) pending=create.pending() submit_label="template.create" />
    }
}

/// `/campaigns/:id/edit`.
#[component]
pub fn TemplateEditPage() -> impl IntoView {
    let i = use_i18n();
    let id = route_id();
    let data = Resource::new(id, get_campaign_template);
    let update = ServerAction::<UpdateCampaignTemplate>::new();
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(())) = update.value().get() {
            toast(i.t("template.saved").to_string());
            navigate(&format!("/campaigns/{}", id()), Default::default());
        }
    });
    view! {
        <Title text=i.t("template.edit") />
        <Suspense fallback=|| view! { <Skeleton lines=8 /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(detail) => {
                        let template = detail.id;
                        view! {
                            <div class="page-head">
                                <h1>{i.t("template.edit")}</h1>
                                <A href=format!("/campaigns/{template}") attr:class="btn">{i.t("ui.cancel")}</A>
                            </div>
                            <p class="hint">{i.t("template.edit_hint")}</p>
                            <TemplateForm initial=detail.template own=template
                                save=Callback::new(move |input| { update.dispatch(UpdateCampaignTemplate { id: template, input }); })
                                err=action_error(update) pending=update.pending() submit_label="ui.save" />
                        }.into_any()
                    }
                    Err(e) => error_view(e),
                }
            })}
        </Suspense>
    }
}
