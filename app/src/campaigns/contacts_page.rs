//! `/campaigns/contacts`: the organisation's contacts, added one by one or imported from a
//! CSV file, that campaigns are sent to.

use super::ContactInput;
use super::api::*;
use crate::i18n::use_i18n;
use crate::ui::*;
use leptos::prelude::*;
use leptos_meta::Title;

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
