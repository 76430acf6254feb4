//! The closed sets of the domain (partner types, tiers, regions, statuses, roles, stages,
//! currencies, decisions), each with a stable code used in the database, URLs, the CLI
//! and on the wire.

use serde::{Deserialize, Serialize};

macro_rules! code_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        // On the wire and in audit records an enum is its stable code.
        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = String::deserialize(d)?;
                $name::parse(&raw).map_err(|_| serde::de::Error::custom(format!("unknown code {raw:?}")))
            }
        }

        // A stored code read back by `#[sqlx(try_from = "String")]`; an unknown code is
        // a broken row, reported as a decode error.
        impl TryFrom<String> for $name {
            type Error = String;

            fn try_from(raw: String) -> Result<Self, String> {
                $name::parse(&raw).map_err(|_| format!("unknown {} code {raw:?}", stringify!($name)))
            }
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable code stored in the database and used in URLs and the CLI.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn parse(raw: &str) -> Result<Self, &'static str> {
                match raw.trim() {
                    $($code => Ok($name::$variant),)+
                    _ => Err("err.choice_invalid"),
                }
            }
        }
    };
}

pub(crate) use code_enum;

code_enum!(
    /// The kinds of partner a program distinguishes.
    PartnerType {
        Reseller = "reseller",
        Var = "var",
        Msp = "msp",
        Isv = "isv",
        Si = "si",
        Referral = "referral",
        CoSell = "cosell",
        Marketplace = "marketplace",
        Influence = "influence",
    }
);

code_enum!(
    /// Program tiers, lowest first.
    Tier {
        Registered = "registered",
        Silver = "silver",
        Gold = "gold",
        Platinum = "platinum",
    }
);

code_enum!(
    Region {
        NorthAmerica = "na",
        LatinAmerica = "latam",
        Emea = "emea",
        Apac = "apac",
    }
);

code_enum!(
    /// Where a partner is in its lifecycle.
    OrgStatus {
        Prospect = "prospect",
        Applied = "applied",
        Contracted = "contracted",
        Onboarding = "onboarding",
        Active = "active",
        AtRisk = "at_risk",
        Retired = "retired",
    }
);

code_enum!(
    /// Every role a user can hold. Vendor staff: Admin, ChannelManager, VendorMarketer.
    /// Partner users: PartnerAdmin, Sales, PartnerMarketer.
    Role {
        Admin = "admin",
        ChannelManager = "channel_manager",
        VendorMarketer = "vendor_marketer",
        PartnerAdmin = "partner_admin",
        Sales = "sales",
        PartnerMarketer = "partner_marketer",
    }
);

impl Role {
    pub fn is_vendor(self) -> bool {
        matches!(
            self,
            Role::Admin | Role::ChannelManager | Role::VendorMarketer
        )
    }

    /// Parses a role as operators and forms name it: `marketer` means the vendor's or the
    /// partner's marketer depending on which side the user is on.
    pub fn parse_for_side(raw: &str, vendor: bool) -> Result<Self, &'static str> {
        let role = match (raw.trim(), vendor) {
            ("marketer", true) => Role::VendorMarketer,
            ("marketer", false) => Role::PartnerMarketer,
            (other, _) => Role::parse(other)?,
        };
        if role.is_vendor() == vendor {
            Ok(role)
        } else {
            Err("err.role_side")
        }
    }

    /// The roles a user on this side can be given.
    pub fn for_side(vendor: bool) -> &'static [Role] {
        if vendor {
            &[Role::Admin, Role::ChannelManager, Role::VendorMarketer]
        } else {
            &[Role::PartnerAdmin, Role::Sales, Role::PartnerMarketer]
        }
    }
}

code_enum!(
    /// Where a deal registration is in its lifecycle.
    DealStatus {
        Draft = "draft",
        Submitted = "submitted",
        UnderReview = "under_review",
        InfoRequested = "info_requested",
        Approved = "approved",
        Rejected = "rejected",
        Won = "won",
        Lost = "lost",
        Expired = "expired",
    }
);

impl DealStatus {
    /// Statuses in which a registration claims its customer.
    pub fn claims(self) -> bool {
        matches!(
            self,
            DealStatus::Submitted
                | DealStatus::UnderReview
                | DealStatus::InfoRequested
                | DealStatus::Approved
        )
    }

    /// Statuses a channel manager decides from.
    pub fn decidable(self) -> bool {
        matches!(
            self,
            DealStatus::Submitted | DealStatus::UnderReview | DealStatus::InfoRequested
        )
    }
}

code_enum!(
    /// A channel manager's decision on a registration.
    Decision {
        Approve = "approve",
        Reject = "reject",
        RequestInfo = "request_info",
    }
);

code_enum!(
    DealStage {
        Qualify = "qualify",
        Discovery = "discovery",
        Proposal = "proposal",
        Negotiation = "negotiation",
        Closing = "closing",
    }
);

code_enum!(
    Currency {
        Usd = "USD",
        Eur = "EUR",
        Gbp = "GBP",
        Chf = "CHF",
        Cad = "CAD",
        Aud = "AUD",
        Jpy = "JPY",
    }
);

impl Currency {
    pub fn minor_digits(self) -> u32 {
        if self == Currency::Jpy { 0 } else { 2 }
    }
}
