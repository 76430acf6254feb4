//! Who may do what, in one place: the role × action table, the decisions that also depend on
//! whose object it is, and (on the server) the [`Scope`] every store query that touches
//! partner data is bound to and the [`Actor`] that audit records name.
//!
//! The browser uses the same table to hide what the server would refuse anyway.

use crate::domain::Role;

/// What a caller may do. Decided here, in one place, and enforced by the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// List and search all partner organisations.
    ViewAllPartners,
    /// Create and edit partner organisations and invite their people.
    ManagePartners,
    /// Edit the caller's own organisation profile.
    EditOwnOrg,
    /// Invite, change roles of and deactivate people in the caller's own organisation.
    ManageOwnTeam,
    /// Read the email outbox, the audit log and the job queue.
    Administer,
    /// Register deals for the caller's own organisation.
    RegisterDeals,
    /// Read every partner's submitted deal registrations (never their drafts) and post
    /// internal notes on them. Vendor marketers do not: deals are not their work.
    ViewAllDeals,
    /// Review and decide deal registrations.
    DecideDeals,
    /// Change the rules of engagement.
    SetRules,
    /// Load the vendor's direct pipeline and named accounts.
    ImportPipeline,
    /// Read every content asset, whatever its audience, publication or expiry.
    ViewAllContent,
    /// Upload, edit and target content library assets, and read content analytics.
    ManageContent,
    /// Write courses, quizzes and certifications (enablement).
    ManageLearning,
    /// Take courses and quizzes and earn certifications.
    TakeCourses,
    /// Read every partner's learning progress and issued credentials.
    ViewAllLearning,
    /// Issue a credential by hand (REST), revoke one, and rotate the issuer's signing key.
    RevokeCredentials,
    /// Write campaign templates and read every partner's campaign figures (counts only).
    ManageCampaigns,
    /// Keep the organisation's brand kit and contacts, launch campaigns and work its leads.
    LaunchCampaigns,
}

/// The role table. Vendor roles: Admin, ChannelManager, VendorMarketer; partner roles:
/// PartnerAdmin, Sales, PartnerMarketer.
pub fn role_allows(role: Role, action: Action) -> bool {
    use Action::*;
    use Role::*;
    match action {
        ViewAllPartners => matches!(role, Admin | ChannelManager | VendorMarketer),
        ManagePartners => matches!(role, Admin | ChannelManager),
        EditOwnOrg => matches!(role, Admin | PartnerAdmin),
        ManageOwnTeam => matches!(role, Admin | PartnerAdmin),
        Administer => matches!(role, Admin),
        RegisterDeals => matches!(role, PartnerAdmin | Sales),
        ViewAllDeals => matches!(role, Admin | ChannelManager),
        DecideDeals => matches!(role, Admin | ChannelManager),
        SetRules => matches!(role, Admin),
        ImportPipeline => matches!(role, Admin | ChannelManager),
        ViewAllContent => matches!(role, Admin | ChannelManager | VendorMarketer),
        ManageContent => matches!(role, Admin | VendorMarketer),
        ManageLearning => matches!(role, Admin | VendorMarketer),
        TakeCourses => matches!(role, PartnerAdmin | Sales | PartnerMarketer),
        ViewAllLearning => matches!(role, Admin | ChannelManager | VendorMarketer),
        RevokeCredentials => matches!(role, Admin),
        ManageCampaigns => matches!(role, Admin | VendorMarketer),
        LaunchCampaigns => matches!(role, PartnerAdmin | PartnerMarketer),
    }
}

/// Whether someone in `role` may give another person `granted`: only admins make admins.
pub fn may_grant(role: Role, granted: Role) -> bool {
    role == Role::Admin || granted != Role::Admin
}

/// Whose object a decision is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// The vendor's own organisation (its profile, its staff).
    Vendor,
    /// A partner organisation, by id.
    Partner(i64),
}

/// The person asking, as far as the rules care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subject {
    pub role: Role,
    pub org_id: i64,
    pub vendor: bool,
}

impl Subject {
    fn owns(self, owner: Owner) -> bool {
        match owner {
            Owner::Vendor => self.vendor,
            Owner::Partner(id) => !self.vendor && id == self.org_id,
        }
    }
}

/// Decisions about one organisation's objects. `role_allows` answers "may this role ever";
/// these answer "may this person, on this organisation's object".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrgAction {
    /// Edit the organisation's profile (name, website, description).
    EditProfile,
    /// Edit its programme fields (types, tier, region, status, channel manager).
    EditProgram,
    /// Invite, re-role and deactivate its people.
    ManageTeam,
    /// Read one of its deal registrations in this status (drafts stay with their owner).
    ReadDeal { draft: bool },
    /// Edit or submit one of its registrations, or report the outcome.
    WorkOnDeal,
}

pub fn allows(who: Subject, action: OrgAction, owner: Owner) -> bool {
    use Role::*;
    let own = who.owns(owner);
    match action {
        OrgAction::EditProfile => match owner {
            Owner::Vendor => who.vendor && who.role == Admin,
            Owner::Partner(_) => {
                (who.vendor && role_allows(who.role, Action::ManagePartners))
                    || (own && who.role == PartnerAdmin)
            }
        },
        OrgAction::EditProgram => {
            matches!(owner, Owner::Partner(_))
                && who.vendor
                && role_allows(who.role, Action::ManagePartners)
        }
        OrgAction::ManageTeam => match who.role {
            Admin => who.vendor,
            ChannelManager => who.vendor && matches!(owner, Owner::Partner(_)),
            PartnerAdmin => own,
            _ => false,
        },
        OrgAction::ReadDeal { draft } => {
            own || (!draft && who.vendor && role_allows(who.role, Action::ViewAllDeals))
        }
        OrgAction::WorkOnDeal => own && role_allows(who.role, Action::RegisterDeals),
    }
}

#[cfg(feature = "ssr")]
pub use server_side::{Actor, Scope};

#[cfg(feature = "ssr")]
mod server_side {
    use super::*;
    use crate::auth::Caller;
    use crate::server::sql::{Bind, Sql};

    impl Caller {
        pub fn subject(&self) -> Subject {
            Subject {
                role: self.role,
                org_id: self.org_id,
                vendor: self.vendor,
            }
        }

        pub fn may(&self, action: OrgAction, owner: Owner) -> bool {
            allows(self.subject(), action, owner)
        }

        /// The scope of this caller's reads for `action`.
        pub fn scope(&self, action: Action) -> Scope {
            Scope::of(self, action)
        }
    }

    /// Which organisations' records a query may reach: one organisation's, or every
    /// partner's. Made only here, from a caller and an action in the role table, or for the
    /// operator; store functions that touch partner data take one and bind it, so a query
    /// cannot forget its `WHERE`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct Scope {
        all: bool,
        org_id: i64,
    }

    impl Scope {
        /// Every partner's records when the caller is vendor staff whose role has `action`;
        /// otherwise the caller's own organisation's.
        pub fn of(caller: &Caller, action: Action) -> Scope {
            Scope {
                all: caller.vendor && role_allows(caller.role, action),
                org_id: caller.org_id,
            }
        }

        /// The operator at the command line: every organisation.
        pub fn operator() -> Scope {
            Scope {
                all: true,
                org_id: 0,
            }
        }

        /// Whether the scope spans every organisation.
        pub fn all(self) -> bool {
            self.all
        }

        /// The caller's own organisation (0 for the operator).
        pub fn org_id(self) -> i64 {
            self.org_id
        }

        /// Whether a record of organisation `org_id` is inside the scope.
        pub fn reaches(self, org_id: i64) -> bool {
            self.all || self.org_id == org_id
        }

        /// The condition `column` is in scope, binding what it needs into `sql`.
        pub fn condition(self, column: &str, sql: &mut Sql) -> String {
            if self.all {
                "1 = 1".into()
            } else {
                format!("{column} = {}", sql.bind(Bind::I(self.org_id)))
            }
        }

        /// For fixed SQL: `(${n} = 1 OR {column} = ${n+1})`, bound by [`Scope::bind`].
        pub fn clause(column: &str, n: usize) -> String {
            format!("(${n} = 1 OR {column} = ${})", n + 1)
        }

        /// Binds the two values [`Scope::clause`] expects, in order.
        pub fn bind<'q>(
            self,
            q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
        ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
            q.bind(i64::from(self.all)).bind(self.org_id)
        }
    }

    /// Who did something, for the audit trail and for the checks a use case runs.
    #[derive(Debug, Clone, Copy)]
    pub enum Actor<'a> {
        /// A signed-in person or an API token's owner.
        User(&'a Caller),
        /// The operator at the command line (`trellis …`): trusted, and audited as `cli`.
        Operator,
        /// The system itself (a job, a single-use link), with a label for the audit trail.
        System(&'a str),
    }

    impl<'a> Actor<'a> {
        pub fn caller(self) -> Option<&'a Caller> {
            match self {
                Actor::User(c) => Some(c),
                _ => None,
            }
        }

        /// The role table, for people; the operator and the system may.
        pub fn require(self, action: Action) -> Result<(), crate::error::AppError> {
            match self {
                Actor::User(c) => c.require(action),
                Actor::Operator | Actor::System(_) => Ok(()),
            }
        }

        /// An organisation decision, for people; the operator and the system may.
        pub fn may(self, action: OrgAction, owner: Owner) -> bool {
            match self {
                Actor::User(c) => c.may(action, owner),
                Actor::Operator | Actor::System(_) => true,
            }
        }

        /// The scope of this actor's reads for `action`.
        pub fn scope(self, action: Action) -> Scope {
            match self {
                Actor::User(c) => Scope::of(c, action),
                Actor::Operator | Actor::System(_) => Scope::operator(),
            }
        }

        /// The label audit records carry when there is no user.
        pub fn label(self) -> &'a str {
            match self {
                Actor::User(_) => "",
                Actor::Operator => "cli",
                Actor::System(label) => label,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn who(role: Role, org_id: i64) -> Subject {
        Subject {
            role,
            org_id,
            vendor: role.is_vendor(),
        }
    }

    #[test]
    fn only_vendor_staff_see_all_partners() {
        for role in Role::ALL {
            assert_eq!(
                role_allows(*role, Action::ViewAllPartners),
                role.is_vendor(),
                "{role:?}"
            );
        }
    }

    #[test]
    fn marketers_and_sales_cannot_manage() {
        for role in [Role::VendorMarketer, Role::Sales, Role::PartnerMarketer] {
            assert!(!role_allows(role, Action::ManagePartners));
            assert!(!role_allows(role, Action::ManageOwnTeam));
            assert!(!role_allows(role, Action::Administer));
        }
        assert!(role_allows(Role::ChannelManager, Action::ManagePartners));
        assert!(!role_allows(Role::ChannelManager, Action::Administer));
        assert!(role_allows(Role::PartnerAdmin, Action::ManageOwnTeam));
        assert!(!role_allows(Role::PartnerAdmin, Action::ManagePartners));
    }

    #[test]
    fn only_partner_sellers_register_and_only_managers_decide() {
        assert!(role_allows(Role::Sales, Action::RegisterDeals));
        assert!(!role_allows(Role::PartnerMarketer, Action::RegisterDeals));
        assert!(!role_allows(Role::ChannelManager, Action::RegisterDeals));
        assert!(role_allows(Role::ChannelManager, Action::DecideDeals));
        assert!(!role_allows(Role::PartnerAdmin, Action::DecideDeals));
        assert!(!role_allows(Role::ChannelManager, Action::SetRules));
        assert!(!role_allows(Role::VendorMarketer, Action::ViewAllDeals));
    }

    #[test]
    fn drafts_stay_with_their_owner() {
        let a = Owner::Partner(7);
        for role in [Role::Admin, Role::ChannelManager, Role::VendorMarketer] {
            assert!(!allows(
                who(role, 1),
                OrgAction::ReadDeal { draft: true },
                a
            ));
        }
        assert!(allows(
            who(Role::ChannelManager, 1),
            OrgAction::ReadDeal { draft: false },
            a
        ));
        assert!(!allows(
            who(Role::VendorMarketer, 1),
            OrgAction::ReadDeal { draft: false },
            a
        ));
        assert!(allows(
            who(Role::PartnerMarketer, 7),
            OrgAction::ReadDeal { draft: true },
            a
        ));
        assert!(!allows(
            who(Role::PartnerAdmin, 8),
            OrgAction::ReadDeal { draft: false },
            a
        ));
    }

    #[test]
    fn teams_are_managed_by_their_admin_and_the_vendor() {
        let a = Owner::Partner(7);
        assert!(allows(who(Role::PartnerAdmin, 7), OrgAction::ManageTeam, a));
        assert!(!allows(
            who(Role::PartnerAdmin, 8),
            OrgAction::ManageTeam,
            a
        ));
        assert!(!allows(who(Role::Sales, 7), OrgAction::ManageTeam, a));
        assert!(allows(
            who(Role::ChannelManager, 1),
            OrgAction::ManageTeam,
            a
        ));
        assert!(!allows(
            who(Role::ChannelManager, 1),
            OrgAction::ManageTeam,
            Owner::Vendor
        ));
        assert!(allows(
            who(Role::Admin, 1),
            OrgAction::ManageTeam,
            Owner::Vendor
        ));
        assert!(!allows(
            who(Role::VendorMarketer, 1),
            OrgAction::ManageTeam,
            a
        ));
    }

    #[test]
    fn profiles_and_programmes() {
        let a = Owner::Partner(7);
        assert!(allows(
            who(Role::PartnerAdmin, 7),
            OrgAction::EditProfile,
            a
        ));
        assert!(!allows(
            who(Role::PartnerAdmin, 7),
            OrgAction::EditProgram,
            a
        ));
        assert!(allows(
            who(Role::ChannelManager, 1),
            OrgAction::EditProgram,
            a
        ));
        assert!(!allows(
            who(Role::ChannelManager, 1),
            OrgAction::EditProfile,
            Owner::Vendor
        ));
        assert!(allows(
            who(Role::Admin, 1),
            OrgAction::EditProfile,
            Owner::Vendor
        ));
        assert!(!allows(
            who(Role::Admin, 1),
            OrgAction::EditProgram,
            Owner::Vendor
        ));
    }

    #[test]
    fn only_own_sellers_work_on_a_deal() {
        let a = Owner::Partner(7);
        assert!(allows(who(Role::Sales, 7), OrgAction::WorkOnDeal, a));
        assert!(!allows(who(Role::Sales, 8), OrgAction::WorkOnDeal, a));
        assert!(!allows(
            who(Role::PartnerMarketer, 7),
            OrgAction::WorkOnDeal,
            a
        ));
        assert!(!allows(who(Role::Admin, 1), OrgAction::WorkOnDeal, a));
    }
}
