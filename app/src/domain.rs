//! Domain newtypes that parse. The browser uses them for instant feedback and the server as
//! the authority. Errors are i18n message keys.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A syntactically valid, lower-cased email address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let s = raw.trim().to_lowercase();
        if s.is_empty() {
            return Err("err.required");
        }
        if s.len() > 254 {
            return Err("err.too_long");
        }
        let Some((local, domain)) = s.split_once('@') else {
            return Err("err.email_invalid");
        };
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .chars()
                .all(|c| c.is_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.chars().all(|c| c.is_alphanumeric() || c == '-')
            });
        if local_ok && domain_ok {
            Ok(Email(s))
        } else {
            Err("err.email_invalid")
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A person's display name: trimmed, 1 to 100 characters, no control characters.
pub fn parse_person_name(raw: &str) -> Result<String, &'static str> {
    parse_text(raw, 100)
}

/// An organisation's name: trimmed, 2 to 120 characters, no control characters.
pub fn parse_org_name(raw: &str) -> Result<String, &'static str> {
    let s = parse_text(raw, 120)?;
    if s.chars().count() < 2 {
        return Err("err.too_short");
    }
    Ok(s)
}

fn parse_text(raw: &str, max: usize) -> Result<String, &'static str> {
    let s = raw.trim();
    if s.is_empty() {
        return Err("err.required");
    }
    if s.chars().count() > max {
        return Err("err.too_long");
    }
    if s.chars().any(|c| c.is_control()) {
        return Err("err.invalid_chars");
    }
    Ok(s.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Optional free text (descriptions): at most `max` characters, control characters other
/// than newlines rejected.
pub fn parse_optional_text(raw: &str, max: usize) -> Result<String, &'static str> {
    let s = raw.trim();
    if s.chars().count() > max {
        return Err("err.too_long");
    }
    if s.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err("err.invalid_chars");
    }
    Ok(s.to_string())
}

/// An optional website: empty, or an http(s) URL with a dotted host.
pub fn parse_website(raw: &str) -> Result<String, &'static str> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(String::new());
    }
    let with_scheme = if s.contains("://") {
        s.to_string()
    } else {
        format!("https://{s}")
    };
    let rest = with_scheme
        .strip_prefix("https://")
        .or_else(|| with_scheme.strip_prefix("http://"))
        .ok_or("err.url_invalid")?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_ok = host.contains('.')
        && host.len() <= 253
        && host
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '-' || c == ':');
    if !host_ok || with_scheme.len() > 300 || with_scheme.chars().any(char::is_whitespace) {
        return Err("err.url_invalid");
    }
    Ok(with_scheme)
}

/// A URL slug: lower-case ASCII letters, digits and single hyphens, 2 to 60 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slug(String);

impl Slug {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let s = raw.trim();
        let ok = (2..=60).contains(&s.len())
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !s.starts_with('-')
            && !s.ends_with('-')
            && !s.contains("--");
        if ok {
            Ok(Slug(s.to_string()))
        } else {
            Err("err.slug_invalid")
        }
    }

    /// Derives a slug from a name: "Müller & Söhne GmbH" → "muller-sohne-gmbh".
    pub fn from_name(name: &str) -> Self {
        let mut out = String::new();
        for c in name.chars() {
            let mapped = fold_char(c);
            for m in mapped.chars() {
                if m.is_ascii_alphanumeric() {
                    out.push(m.to_ascii_lowercase());
                } else if !out.ends_with('-') && !out.is_empty() {
                    out.push('-');
                }
            }
        }
        let mut s = out.trim_matches('-').to_string();
        s.truncate(50);
        let s = s.trim_matches('-').to_string();
        if s.len() < 2 {
            Slug("org".to_string())
        } else {
            Slug(s)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn fold_char(c: char) -> String {
    match c {
        'ä' | 'à' | 'á' | 'â' | 'ã' | 'å' | 'Ä' | 'À' | 'Á' | 'Â' | 'Ã' | 'Å' => {
            "a".into()
        }
        'ö' | 'ò' | 'ó' | 'ô' | 'õ' | 'ø' | 'Ö' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ø' => {
            "o".into()
        }
        'ü' | 'ù' | 'ú' | 'û' | 'Ü' | 'Ù' | 'Ú' | 'Û' => "u".into(),
        'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => "e".into(),
        'í' | 'ì' | 'î' | 'ï' | 'Í' | 'Ì' | 'Î' | 'Ï' => "i".into(),
        'ç' | 'Ç' => "c".into(),
        'ñ' | 'Ñ' => "n".into(),
        'ß' => "ss".into(),
        '&' => "-".into(),
        other => other.to_string(),
    }
}

/// A password a user chooses: 10 to 128 characters.
pub fn check_new_password(raw: &str) -> Result<(), &'static str> {
    let n = raw.chars().count();
    if n < 10 {
        Err("err.password_short")
    } else if n > 128 {
        Err("err.too_long")
    } else {
        Ok(())
    }
}

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

/// Parses an amount typed by a person ("12,500.50", "12500", "12.500,50") into minor
/// units of the currency. Positive, at most 1e12 major units.
pub fn parse_money(raw: &str, currency: Currency) -> Result<i64, &'static str> {
    let s: String = raw
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\'' && *c != '\u{a0}')
        .collect();
    if s.is_empty() {
        return Err("err.required");
    }
    if !s
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    {
        return Err("err.money_invalid");
    }
    // The last separator followed by 1 or 2 digits is the decimal point; others group.
    let last_sep = s.rfind(['.', ',']);
    let (int_part, frac_part) = match last_sep {
        Some(i) if s.len() - i - 1 <= 2 && s.len() - i > 1 => (&s[..i], &s[i + 1..]),
        _ => (s.as_str(), ""),
    };
    // Grouping must be well-formed: one separator kind, groups of three, and not the
    // decimal separator ("12.5.5,0" is refused rather than guessed).
    let group_seps: Vec<char> = int_part.chars().filter(|c| !c.is_ascii_digit()).collect();
    if let Some(g) = group_seps.first() {
        let dec = last_sep
            .filter(|_| !frac_part.is_empty())
            .map(|i| s.as_bytes()[i] as char);
        let groups: Vec<&str> = int_part.split(*g).collect();
        let ok = group_seps.iter().all(|c| c == g)
            && dec != Some(*g)
            && (1..=3).contains(&groups[0].len())
            && groups[1..].iter().all(|x| x.len() == 3);
        if !ok {
            return Err("err.money_invalid");
        }
    }
    let int_digits: String = int_part.chars().filter(|c| c.is_ascii_digit()).collect();
    if int_digits.is_empty() && frac_part.is_empty() {
        return Err("err.money_invalid");
    }
    let digits = currency.minor_digits() as usize;
    if frac_part.len() > digits {
        return Err("err.money_invalid");
    }
    let major: i64 = if int_digits.is_empty() {
        0
    } else {
        int_digits.parse().map_err(|_| "err.money_invalid")?
    };
    if major > 1_000_000_000_000 {
        return Err("err.too_large");
    }
    let mut frac = frac_part.to_string();
    while frac.len() < digits {
        frac.push('0');
    }
    let minor: i64 = if frac.is_empty() {
        0
    } else {
        frac.parse().map_err(|_| "err.money_invalid")?
    };
    let total = major * 10i64.pow(digits as u32) + minor;
    if total <= 0 {
        Err("err.must_be_positive")
    } else {
        Ok(total)
    }
}

/// A calendar date as YYYY-MM-DD.
pub fn parse_date(raw: &str) -> Result<time::Date, &'static str> {
    let s = raw.trim();
    if s.is_empty() {
        return Err("err.required");
    }
    let mut parts = s.split('-');
    let (Some(y), Some(m), Some(d), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("err.date_invalid");
    };
    let y: i32 = y.parse().map_err(|_| "err.date_invalid")?;
    let m: u8 = m.parse().map_err(|_| "err.date_invalid")?;
    let d: u8 = d.parse().map_err(|_| "err.date_invalid")?;
    let month = time::Month::try_from(m).map_err(|_| "err.date_invalid")?;
    time::Date::from_calendar_date(y, month, d).map_err(|_| "err.date_invalid")
}

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
    /// Read the email outbox and the audit log.
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
    /// Upload, edit and target content library assets, and read content analytics.
    ManageContent,
}

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
        ManageContent => matches!(role, Admin | VendorMarketer),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_trimmed_and_lowercased() {
        assert_eq!(
            Email::parse("  Ann.Lee@Example.COM ").map(|e| e.0),
            Ok("ann.lee@example.com".to_string())
        );
    }

    #[test]
    fn malformed_emails_are_rejected() {
        for bad in [
            "",
            "ann",
            "ann@",
            "@example.com",
            "ann@example",
            "ann@@example.com",
            "ann..lee@example.com",
            "ann@-example.com",
            "ann lee@example.com",
            "ann@exa mple.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad} should be rejected");
        }
        assert_eq!(Email::parse(""), Err("err.required"));
        let long = format!("{}@example.com", "a".repeat(250));
        assert_eq!(Email::parse(&long), Err("err.too_long"));
    }

    #[test]
    fn unicode_domains_and_plus_addresses_are_accepted() {
        assert!(Email::parse("jo+prm@münchen.de").is_ok());
    }

    #[test]
    fn names_collapse_whitespace_and_reject_control_characters() {
        assert_eq!(parse_person_name("  Ann   Lee "), Ok("Ann Lee".into()));
        assert_eq!(parse_person_name("   "), Err("err.required"));
        assert_eq!(parse_person_name("Ann\u{0}"), Err("err.invalid_chars"));
        assert_eq!(parse_person_name(&"x".repeat(101)), Err("err.too_long"));
        assert_eq!(parse_org_name("A"), Err("err.too_short"));
        assert_eq!(
            parse_org_name("Müller & Söhne GmbH"),
            Ok("Müller & Söhne GmbH".into())
        );
    }

    #[test]
    fn slugs_are_derived_from_names_across_scripts() {
        assert_eq!(
            Slug::from_name("Müller & Söhne GmbH").as_str(),
            "muller-sohne-gmbh"
        );
        assert_eq!(Slug::from_name("  Straße 42 ").as_str(), "strasse-42");
        assert_eq!(Slug::from_name("!!").as_str(), "org");
        assert!(Slug::from_name(&"Long Name ".repeat(20)).as_str().len() <= 50);
    }

    #[test]
    fn slug_parse_accepts_only_canonical_slugs() {
        assert!(Slug::parse("northwind-msp").is_ok());
        for bad in ["", "a", "Upper", "-x", "x-", "a--b", "a_b", "../etc"] {
            assert!(Slug::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn websites_get_a_scheme_and_need_a_dotted_host() {
        assert_eq!(
            parse_website("example.com"),
            Ok("https://example.com".into())
        );
        assert_eq!(parse_website(""), Ok(String::new()));
        assert!(parse_website("javascript:alert(1)").is_err());
        assert!(parse_website("https://localhost").is_err());
        assert!(parse_website("ftp://example.com").is_err());
    }

    #[test]
    fn passwords_need_ten_characters() {
        assert_eq!(check_new_password("short"), Err("err.password_short"));
        assert!(check_new_password("long enough pw").is_ok());
    }

    #[test]
    fn marketer_means_the_side_of_the_user() {
        assert_eq!(
            Role::parse_for_side("marketer", true),
            Ok(Role::VendorMarketer)
        );
        assert_eq!(
            Role::parse_for_side("marketer", false),
            Ok(Role::PartnerMarketer)
        );
        assert_eq!(Role::parse_for_side("admin", false), Err("err.role_side"));
        assert_eq!(Role::parse_for_side("sales", true), Err("err.role_side"));
        assert_eq!(
            Role::parse_for_side("root", true),
            Err("err.choice_invalid")
        );
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
    fn money_is_parsed_into_minor_units_in_either_notation() {
        assert_eq!(parse_money("12,500.50", Currency::Usd), Ok(1_250_050));
        assert_eq!(parse_money("12.500,50", Currency::Eur), Ok(1_250_050));
        assert_eq!(parse_money("12500", Currency::Usd), Ok(1_250_000));
        assert_eq!(parse_money("1,000", Currency::Usd), Ok(100_000));
        assert_eq!(parse_money("1000", Currency::Jpy), Ok(1000));
        assert_eq!(parse_money("10.5", Currency::Jpy), Err("err.money_invalid"));
        assert_eq!(parse_money("-5", Currency::Usd), Err("err.money_invalid"));
        assert_eq!(
            parse_money("12.5.5,0", Currency::Eur),
            Err("err.money_invalid")
        );
        assert_eq!(
            parse_money("1,00,000", Currency::Usd),
            Err("err.money_invalid")
        );
        assert_eq!(parse_money("1,000,000.5", Currency::Usd), Ok(100_000_050));
        assert_eq!(parse_money("0", Currency::Usd), Err("err.must_be_positive"));
        assert_eq!(parse_money("", Currency::Usd), Err("err.required"));
        assert_eq!(
            parse_money("99999999999999", Currency::Usd),
            Err("err.too_large")
        );
    }

    #[test]
    fn dates_are_iso_calendar_dates() {
        assert!(parse_date("2027-02-28").is_ok());
        assert_eq!(parse_date("2027-02-30"), Err("err.date_invalid"));
        assert_eq!(parse_date("28.02.2027"), Err("err.date_invalid"));
        assert_eq!(parse_date(""), Err("err.required"));
    }

    #[test]
    fn only_partner_sellers_register_and_only_managers_decide() {
        assert!(role_allows(Role::Sales, Action::RegisterDeals));
        assert!(!role_allows(Role::PartnerMarketer, Action::RegisterDeals));
        assert!(!role_allows(Role::ChannelManager, Action::RegisterDeals));
        assert!(role_allows(Role::ChannelManager, Action::DecideDeals));
        assert!(!role_allows(Role::PartnerAdmin, Action::DecideDeals));
        assert!(!role_allows(Role::ChannelManager, Action::SetRules));
    }

    #[test]
    fn codes_round_trip() {
        for t in PartnerType::ALL {
            assert_eq!(PartnerType::parse(t.code()), Ok(*t));
        }
        for r in Role::ALL {
            assert_eq!(Role::parse(r.code()), Ok(*r));
        }
    }
}
