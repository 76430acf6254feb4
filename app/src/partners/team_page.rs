//! The team section of an organisation page: members, roles, deactivation, invitations.

use super::api::*;
use super::*;
use crate::domain::Role;
use crate::i18n::use_i18n;
use crate::shell::use_user;
use crate::ui::*;
use leptos::prelude::*;

#[component]
pub(super) fn TeamSection(slug: String, vendor: bool, can_manage: bool) -> impl IntoView {
    let i = use_i18n();
    let invite = ServerAction::<InviteMember>::new();
    let role_change = ServerAction::<ChangeMemberRole>::new();
    let active_change = ServerAction::<SetMemberActive>::new();
    let s2 = slug.clone();
    let members = Resource::new(
        move || {
            (
                s2.clone(),
                invite.version().get(),
                role_change.version().get(),
                active_change.version().get(),
            )
        },
        |(s, _, _, _)| list_members(s),
    );
    let change_err = Signal::derive(move || {
        role_change
            .value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| active_change.value().get().and_then(|r| r.err()))
    });
    let pending_deactivate = RwSignal::new(None::<(i64, String)>);
    let dialog_open = RwSignal::new(false);
    let user = use_user();
    view! {
        <section class="team" aria-labelledby="team-h">
            <h2 id="team-h">{i.t("team.title")}</h2>
            <FormAlert error=change_err />
            <Transition fallback=|| view! { <Skeleton /> }>
                {move || Suspend::new(async move {
                    let me = user.await.ok().flatten().map(|u| u.email).unwrap_or_default();
                    let me2 = me.clone();
                    match members.await {
                        Ok(list) if list.is_empty() => view! { <EmptyState title="team.none" /> }.into_any(),
                        Ok(list) => {
                            let columns: Vec<Column<Member>> = vec![
                                Column::new("field.name", |m: &Member| m.name.clone().into_any()).sort_by(|m| SortKey::Text(m.name.to_lowercase())),
                                Column::new("field.email", |m: &Member| m.email.clone().into_any()).sort_by(|m| SortKey::Text(m.email.clone())),
                                Column::new("field.role", move |m: &Member| {
                                    if can_manage && m.email != me {
                                        let id = m.id;
                                        let current = m.role.code();
                                        let sel_id = format!("role-{id}");
                                        let label = i.tf("team.role_of", &[("name", &m.name)]);
                                        view! {
                                            <label class="visually-hidden" for=sel_id.clone()>{label}</label>
                                            <select id=sel_id on:change=move |ev| {
                                                role_change.dispatch(ChangeMemberRole { user_id: id, role: event_target_value(&ev) });
                                            }>
                                                {Role::for_side(vendor).iter().map(|r| {
                                                    view! { <option value=r.code() selected=r.code() == current>{i.t(&format!("role.{}", r.code()))}</option> }
                                                }).collect_view()}
                                            </select>
                                        }.into_any()
                                    } else {
                                        i.t(&format!("role.{}", m.role.code())).into_any()
                                    }
                                }),
                                Column::new("field.status", move |m: &Member| {
                                    let k = if !m.active { "team.inactive" } else if m.invited { "team.invited" } else { "team.active" };
                                    i.t(k).into_any()
                                }),
                                Column::new("ui.actions", move |m: &Member| {
                                    if !can_manage || m.email == me2 {
                                        return ().into_any();
                                    }
                                    let (id, name, active) = (m.id, m.name.clone(), m.active);
                                    if active {
                                        let label = i.tf("team.deactivate_named", &[("name", &name)]);
                                        view! {
                                            <button class="btn small danger" aria-label=label on:click=move |_| {
                                                pending_deactivate.set(Some((id, name.clone())));
                                                dialog_open.set(true);
                                            }>{i.t("team.deactivate")}</button>
                                        }.into_any()
                                    } else {
                                        view! {
                                            <button class="btn small" on:click=move |_| {
                                                active_change.dispatch(SetMemberActive { user_id: id, active: true });
                                            }>{i.t("team.reactivate")}</button>
                                        }.into_any()
                                    }
                                }),
                            ];
                            view! { <DataTable rows=list columns caption="team.title" /> }.into_any()
                        }
                        Err(e) => error_view(e),
                    }
                })}
            </Transition>
            <ConfirmDialog
                open=dialog_open
                title=i.t("team.deactivate_title")
                body=i.t("team.deactivate_body")
                confirm_label="team.deactivate"
                on_confirm=Callback::new(move |_| {
                    if let Some((id, _)) = pending_deactivate.get_untracked() {
                        active_change.dispatch(SetMemberActive { user_id: id, active: false });
                    }
                })
            />
            {can_manage.then(|| view! { <InviteForm slug=slug.clone() vendor action=invite /> })}
        </section>
    }
}

#[component]
fn InviteForm(slug: String, vendor: bool, action: ServerAction<InviteMember>) -> impl IntoView {
    let i = use_i18n();
    let email = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let default_role = if vendor {
        "channel_manager"
    } else {
        "partner_admin"
    };
    let role = RwSignal::new(default_role.to_string());
    let err = action_error(action);
    Effect::new(move |_| {
        if let Some(Ok(m)) = action.value().get() {
            toast(i.tf("team.invited_toast", &[("email", &m.email)]));
            email.set(String::new());
            name.set(String::new());
        }
    });
    let role_options: Vec<(String, String)> = Role::for_side(vendor)
        .iter()
        .map(|r| {
            let code = match r {
                Role::VendorMarketer | Role::PartnerMarketer => "marketer",
                other => other.code(),
            };
            (
                code.to_string(),
                i.t(&format!("role.{}", r.code())).to_string(),
            )
        })
        .collect();
    view! {
        <form
            class="form invite"
            novalidate
            aria-labelledby="invite-h"
            on:submit=move |ev| {
                ev.prevent_default();
                action.dispatch(InviteMember {
                    input: InviteInput {
                        org_slug: slug.clone(),
                        email: email.get_untracked(),
                        name: name.get_untracked(),
                        role: role.get_untracked(),
                    },
                });
            }
        >
            <h3 id="invite-h">{i.t("team.invite")}</h3>
            <FormAlert error=err />
            <div class="field-row">
                <TextField label="field.email" name="email" value=email input_type="email" required=true errors=field_errors(err, "email") />
                <TextField label="field.name" name="name" value=name required=true errors=field_errors(err, "name") />
                <SelectField label="field.role" name="role" value=role options=role_options required=true errors=field_errors(err, "role") />
            </div>
            <SubmitButton label="team.send_invite" pending=action.pending() />
        </form>
    }
}
