//! Composes the dashboard from each feature's own small functions, by role.

use super::{Dashboard, DealsScope};
use crate::auth::Caller;
use crate::domain::Role;
use crate::error::AppError;
use crate::policy::Action;
use crate::server::db::Db;
use crate::server::now;

pub async fn dashboard(db: &Db, caller: &Caller) -> Result<Dashboard, AppError> {
    let now = now();
    let tasks = crate::tasks::service::my_tasks(db, caller).await?;
    let deals_scope = match caller.role {
        Role::Sales => Some(DealsScope::Mine),
        Role::PartnerAdmin => Some(DealsScope::Org),
        Role::ChannelManager => Some(DealsScope::Managed),
        Role::Admin => Some(DealsScope::All),
        Role::PartnerMarketer | Role::VendorMarketer => None,
    };
    let deals = match deals_scope {
        Some(s) => {
            Some(crate::deals::glance::deals(db, s, caller.user_id, caller.org_id, now).await?)
        }
        None => None,
    };
    // Deciders see the queue and what partners did lately.
    let decider = match deals_scope {
        Some(s @ (DealsScope::Managed | DealsScope::All))
            if caller.scope(Action::DecideDeals).all() =>
        {
            Some(s)
        }
        _ => None,
    };
    let (queue, activity) = match decider {
        Some(s) => (
            Some(crate::deals::glance::queue(db, s, caller.user_id, now).await?),
            crate::deals::glance::activity(db, s, caller.user_id).await?,
        ),
        None => (None, Vec::new()),
    };
    let team = if caller.role == Role::PartnerAdmin {
        Some(crate::partners::people::team_glance(db, caller.org_id).await?)
    } else {
        None
    };
    let programme = if caller.role == Role::Admin {
        let partners_by_tier = crate::partners::people::partners_by_tier(db).await?;
        let (launches_30d, leads_30d) =
            crate::campaigns::store::activity_since(db, now - 30 * 86_400).await?;
        Some(super::ProgrammeGlance {
            partners_total: partners_by_tier.iter().map(|(_, n)| n).sum(),
            partners_by_tier,
            valid_credentials: crate::learning::store::valid_credentials(db, now).await?,
            launches_30d,
            leads_30d,
        })
    } else {
        None
    };
    Ok(Dashboard {
        tasks,
        deals,
        queue,
        team,
        activity,
        programme,
        can_register: caller.require(Action::RegisterDeals).is_ok(),
        can_market: caller.require(Action::LaunchCampaigns).is_ok()
            || caller.require(Action::ManageCampaigns).is_ok(),
    })
}
