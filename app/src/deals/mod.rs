//! Deal registration. This first part is the matching engine: it says whether an end
//! customer looks already claimed, by another partner's registration or by the vendor's
//! direct pipeline, and always says why.

#[cfg(feature = "ssr")]
pub mod csv;
#[cfg(feature = "ssr")]
pub mod glance;
#[cfg(feature = "ssr")]
pub mod imports;
#[cfg(feature = "ssr")]
pub mod jobs;
#[cfg(feature = "ssr")]
pub mod matching;
#[cfg(feature = "ssr")]
pub mod model;
#[cfg(feature = "ssr")]
pub mod model_store;
#[cfg(feature = "ssr")]
pub mod normalize;
#[cfg(feature = "ssr")]
pub mod pipeline;
#[cfg(feature = "ssr")]
pub mod rest;
#[cfg(feature = "ssr")]
pub mod review;
#[cfg(feature = "ssr")]
pub mod rules;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(feature = "ssr")]
pub mod tasks;
#[cfg(feature = "ssr")]
pub mod validate;

use serde::{Deserialize, Serialize};

/// The end-customer fields of a registration or pipeline record, named as the CSV columns.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Customer {
    pub company: String,
    pub domain: String,
    pub street: String,
    pub city: String,
    pub region: String,
    pub postcode: String,
    pub country: String,
    pub phone: String,
    pub contact_email: String,
}

/// One row of the vendor's direct pipeline, as in a pipeline CSV.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PipelineRow {
    pub external_id: String,
    #[serde(flatten)]
    pub customer: Customer,
}

/// A problem with one row of an import; `line` counts the header as line 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RowError {
    pub line: usize,
    pub field: String,
    pub message: String,
}

/// The largest pipeline file accepted from the browser.
pub const MAX_IMPORT_BYTES: usize = 64 * 1024 * 1024;
/// How much of a file one upload request carries.
pub const IMPORT_CHUNK_BYTES: usize = 256 * 1024;
/// How many rows the preview shows, and how many row errors are listed at most.
pub const PREVIEW_ROWS: usize = 10;
pub const MAX_LISTED_ERRORS: usize = 200;

crate::domain::code_enum!(
    /// Where a pipeline upload is: being uploaded, refused for row errors (nothing
    /// written), ready to confirm, queued, being written, done or failed.
    ImportState {
        Uploading = "uploading",
        Invalid = "invalid",
        Ready = "ready",
        Queued = "queued",
        Running = "running",
        Done = "done",
        Failed = "failed",
    }
);

// The enum comes from `code_enum!`, which cannot take a `#[default]` variant.
#[allow(clippy::derivable_impls)]
impl Default for ImportState {
    fn default() -> Self {
        ImportState::Uploading
    }
}

/// A pipeline upload from the browser and its progress.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct ImportView {
    pub id: i64,
    pub file_name: String,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub state: ImportState,
    pub bytes: i64,
    pub total_rows: i64,
    pub done_rows: i64,
    pub inserted: i64,
    pub updated: i64,
    pub error: String,
}

/// What a validated upload would import: the first rows, and every problem found (the
/// first `MAX_LISTED_ERRORS` of them listed).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ImportPreview {
    pub import: ImportView,
    pub sample: Vec<PipelineRow>,
    pub errors: Vec<RowError>,
    pub error_count: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Clear,
    Review,
    Conflict,
}

impl Verdict {
    /// The stable code, as stored and as the API returns it.
    pub fn code(self) -> &'static str {
        match self {
            Verdict::Clear => "clear",
            Verdict::Review => "review",
            Verdict::Conflict => "conflict",
        }
    }

    pub fn parse(raw: &str) -> Option<Verdict> {
        [Verdict::Clear, Verdict::Review, Verdict::Conflict]
            .into_iter()
            .find(|v| v.code() == raw)
    }
}

/// One piece of evidence behind a match: a stable code (an i18n key), the values its text
/// names, an English detail (for the API and logs) and how much it contributed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reason {
    pub code: String,
    #[serde(default)]
    pub args: Vec<(String, String)>,
    pub detail: String,
    pub weight: f64,
}

impl Reason {
    /// The reason in the reader's language. The server writes counts (`n`) and the
    /// factor (`x`) in English punctuation; they are re-punctuated for the reader.
    pub fn text(&self, i: crate::i18n::I18n) -> String {
        let args: Vec<(&str, String)> = self
            .args
            .iter()
            .map(|(k, v)| {
                let v = match k.as_str() {
                    "n" | "x" => crate::i18n::format::english_number(i.locale(), v),
                    _ => v.clone(),
                };
                (k.as_str(), v)
            })
            .collect();
        let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        i.tf(&self.code, &args)
    }

    /// The Bayes factor in the reader's punctuation ("×40,000" / "×40.000"), if any.
    pub fn factor(&self, i: crate::i18n::I18n) -> Option<String> {
        self.args
            .iter()
            .find(|(k, _)| k == "x")
            .map(|(_, v)| crate::i18n::format::english_number(i.locale(), v))
    }

    /// How strong the evidence is, as an i18n key: `weight` is in bits (log2 of the
    /// Bayes factor).
    pub fn strength(&self) -> &'static str {
        match self.args.iter().find(|(k, _)| k == "implied") {
            Some((_, v)) if v == "name" => return "match.strength.implied_by_name",
            Some(_) => return "match.strength.implied_by_domain",
            None => {}
        }
        match self.weight {
            b if b >= 10.0 => "match.strength.strong",
            b if b >= 3.0 => "match.strength.moderate",
            b if b > -3.0 => "match.strength.weak",
            b if b > -10.0 => "match.strength.against",
            _ => "match.strength.strong_against",
        }
    }
}

pub mod api;
pub mod form_page;
pub mod import_page;
pub mod pages;
pub mod review_page;
#[cfg(feature = "ssr")]
pub mod service;

use crate::domain::{DealStage, DealStatus};

/// The registration form as typed. Amounts are text so nothing the user typed is lost.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DealInput {
    pub company: String,
    pub domain: String,
    pub street: String,
    pub city: String,
    pub region: String,
    pub postcode: String,
    pub country: String,
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: String,
    pub products: String,
    pub value: String,
    pub currency: String,
    pub expected_close: String,
    pub stage: String,
    pub notes: String,
    pub cosell: bool,
}

impl DealInput {
    pub fn customer(&self) -> Customer {
        Customer {
            company: self.company.clone(),
            domain: self.domain.clone(),
            street: self.street.clone(),
            city: self.city.clone(),
            region: self.region.clone(),
            postcode: self.postcode.clone(),
            country: self.country.clone(),
            phone: self.contact_phone.clone(),
            contact_email: self.contact_email.clone(),
        }
    }
}

/// What a partner learns from a check: never another partner's name, deal or values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RedactedVerdict {
    Clear,
    MayBeRegistered,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DealSummary {
    pub id: i64,
    pub company: String,
    pub org_name: String,
    pub status: DealStatus,
    pub stage: DealStage,
    pub value_minor: i64,
    pub currency: String,
    pub expected_close: String,
    /// The matcher's verdict; vendor staff only.
    pub verdict: Option<Verdict>,
    pub submitted_at: Option<i64>,
    pub updated_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DealEventView {
    pub at: i64,
    pub actor: String,
    pub kind: String,
    pub from_status: Option<DealStatus>,
    pub to_status: Option<DealStatus>,
    pub body: String,
    pub internal: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DealDetail {
    pub summary: DealSummary,
    pub input: DealInput,
    pub protected_until: Option<i64>,
    pub decision_reason: String,
    pub events: Vec<DealEventView>,
    pub can_edit: bool,
    pub can_decide: bool,
    pub can_close: bool,
    /// A channel manager may correct a reported outcome.
    #[serde(default)]
    pub can_correct: bool,
    /// Extensions granted so far, and how many more the rules allow.
    pub extensions: i64,
    pub extensions_left: i64,
}

/// A match as a reviewer sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchView {
    pub kind: String,
    pub id: i64,
    pub external_id: Option<String>,
    pub label: String,
    /// City and country.
    pub detail: String,
    /// The other record's status: a registration's status code, or a pipeline stage as
    /// the CRM wrote it.
    #[serde(default)]
    pub status: Option<String>,
    /// The calibrated probability that this record is the same company.
    pub score: f64,
    /// The prior log2 odds the evidence started from (the waterfall's first bar).
    #[serde(default)]
    pub prior_bits: f64,
    /// One per comparison, `weight` in bits, strongest first.
    pub reasons: Vec<Reason>,
}

/// What the rules of engagement recommend, and why: typed codes with the facts they
/// name, put into words by the reader's language (`rec.*` texts).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recommendation {
    pub action: RecAction,
    pub reasons: Vec<RecReason>,
    pub roe_version: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecAction {
    Approve,
    ApproveCosell,
    Review,
    Reject,
}

impl RecAction {
    pub fn code(self) -> &'static str {
        match self {
            RecAction::Approve => "approve",
            RecAction::ApproveCosell => "approve_cosell",
            RecAction::Review => "review",
            RecAction::Reject => "reject",
        }
    }
}

/// One reason for a recommendation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum RecReason {
    /// The deal is below the minimum size (in minor units of the rules' currency).
    BelowMinimum { minor: i64, currency: String },
    /// A named account, direct-only, but co-sell was asked for and is allowed.
    NamedAccountCosell { company: String },
    /// A named account, and named accounts are direct-only.
    NamedAccountDirectOnly { company: String },
    /// Overlaps a record of the vendor's direct pipeline.
    PipelineOverlap {
        external_id: String,
        company: String,
    },
    /// The same partner registered this customer already.
    SamePartner { company: String, deal_id: i64 },
    /// Another partner registered it first, and first to register wins.
    FirstToRegister {
        partner: String,
        company: String,
        deal_id: i64,
    },
    /// Another partner registered it too.
    AlsoRegistered {
        partner: String,
        company: String,
        deal_id: i64,
    },
    /// Nothing conflicts: protect for the rules' days.
    Clear { days: i64 },
}

impl RecReason {
    /// The text's key and its `{name}` values.
    pub fn text(&self) -> (&'static str, Vec<(&'static str, String)>) {
        use RecReason::*;
        match self {
            BelowMinimum { minor, currency } => (
                "rec.reason_below_minimum",
                vec![("minor", minor.to_string()), ("currency", currency.clone())],
            ),
            NamedAccountCosell { company } => (
                "rec.reason_named_account_cosell",
                vec![("company", company.clone())],
            ),
            NamedAccountDirectOnly { company } => (
                "rec.reason_named_account_direct_only",
                vec![("company", company.clone())],
            ),
            PipelineOverlap {
                external_id,
                company,
            } => (
                "rec.reason_pipeline_overlap",
                vec![("id", external_id.clone()), ("company", company.clone())],
            ),
            SamePartner { company, deal_id } => (
                "rec.reason_same_partner",
                vec![("company", company.clone()), ("deal", deal_id.to_string())],
            ),
            FirstToRegister {
                partner,
                company,
                deal_id,
            } => (
                "rec.reason_first_to_register",
                vec![
                    ("partner", partner.clone()),
                    ("company", company.clone()),
                    ("deal", deal_id.to_string()),
                ],
            ),
            AlsoRegistered {
                partner,
                company,
                deal_id,
            } => (
                "rec.reason_also_registered",
                vec![
                    ("partner", partner.clone()),
                    ("company", company.clone()),
                    ("deal", deal_id.to_string()),
                ],
            ),
            Clear { days } => ("rec.reason_clear", vec![("days", days.to_string())]),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewView {
    pub deal: DealDetail,
    pub verdict: Verdict,
    pub matches: Vec<MatchView>,
    pub recommendation: Recommendation,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DecisionInput {
    pub deal_id: i64,
    /// approve, reject or request_info
    pub decision: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DealFilter {
    pub q: String,
    /// A status code; `queue` (submitted or under review); `expiring` (approved, protection
    /// ending within 30 days); or empty for all.
    pub status: String,
    /// Only the caller's own registrations.
    pub mine: bool,
    /// Which page, in which order.
    pub page: crate::ui::PageRequest,
}

/// The rules of engagement as edited by the vendor admin.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RulesInput {
    pub protection_days: String,
    pub extension_days: String,
    pub max_extensions: String,
    pub first_to_register: bool,
    pub named_accounts_direct_only: bool,
    pub cosell_allowed: bool,
    pub min_deal: String,
    pub min_deal_currency: String,
    pub auto_expire: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rules {
    pub version: i64,
    pub protection_days: i64,
    pub extension_days: i64,
    pub max_extensions: i64,
    pub first_to_register: bool,
    pub named_accounts_direct_only: bool,
    pub cosell_allowed: bool,
    pub min_deal_minor: i64,
    pub min_deal_currency: String,
    pub auto_expire: bool,
    pub created_at: i64,
}
