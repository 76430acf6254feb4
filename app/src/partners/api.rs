//! Server functions for organisations and teams: the caller, the state, then the repo.

use super::*;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::{auth::caller, server::respond, server::state::app_state};

/// One page of the partner list, sorted and filtered on the server.
#[server(endpoint = "list_partners")]
pub async fn list_partners(
    filter: PartnerFilter,
) -> Result<crate::ui::Page<PartnerSummary>, AppError> {
    respond(
        async {
            let (c, s) = (caller()?, app_state()?);
            repo::list_partners(&s.db, &c, &filter).await
        }
        .await,
    )
}

/// An organisation by slug; an empty slug means the caller's own.
#[server(endpoint = "get_org")]
pub async fn get_org(slug: String) -> Result<OrgDetail, AppError> {
    respond(
        async {
            let (c, s) = (caller()?, app_state()?);
            let slug = if slug.is_empty() {
                c.org_slug.clone()
            } else {
                slug
            };
            let org = repo::visible_org(
                &s.db,
                c.scope(crate::policy::Action::ViewAllPartners),
                &slug,
            )
            .await?;
            Ok(repo::detail(&c, org))
        }
        .await,
    )
}

#[server(endpoint = "list_channel_managers")]
pub async fn list_channel_managers() -> Result<Vec<ChannelManager>, AppError> {
    respond(
        async {
            let (c, s) = (caller()?, app_state()?);
            repo::channel_managers(&s.db, &c).await
        }
        .await,
    )
}

#[server(endpoint = "create_partner")]
pub async fn create_partner(input: PartnerInput) -> Result<String, AppError> {
    respond(
        async {
            let (c, s) = (caller()?, app_state()?);
            c.require(crate::policy::Action::ManagePartners)?;
            let valid = repo::validate_partner(&s.db, &input).await?;
            repo::create_partner(&s.db, crate::policy::Actor::User(&c), valid).await
        }
        .await,
    )
}

#[server(endpoint = "update_org")]
pub async fn update_org(slug: String, input: PartnerInput) -> Result<(), AppError> {
    respond(
        async {
            let (c, s) = (caller()?, app_state()?);
            repo::update_org(&s.db, &c, &slug, &input).await
        }
        .await,
    )
}

#[server(endpoint = "list_members")]
pub async fn list_members(slug: String) -> Result<Vec<Member>, AppError> {
    respond(
        async {
            let (c, s) = (caller()?, app_state()?);
            people::members(&s.db, &c, &slug).await
        }
        .await,
    )
}

#[server(endpoint = "invite_member")]
pub async fn invite_member(input: InviteInput) -> Result<Member, AppError> {
    respond(
        async {
            let (c, s) = (caller()?, app_state()?);
            people::invite(&s, crate::policy::Actor::User(&c), &input).await
        }
        .await,
    )
}

#[server(endpoint = "change_member_role")]
pub async fn change_member_role(user_id: i64, role: String) -> Result<(), AppError> {
    respond(
        async {
            let (c, s) = (caller()?, app_state()?);
            people::change_role(&s.db, &c, user_id, &role).await
        }
        .await,
    )
}

#[server(endpoint = "set_member_active")]
pub async fn set_member_active(user_id: i64, active: bool) -> Result<(), AppError> {
    respond(
        async {
            let (c, s) = (caller()?, app_state()?);
            people::set_active(&s.db, &c, user_id, active).await
        }
        .await,
    )
}
