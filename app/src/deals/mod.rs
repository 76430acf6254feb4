//! Deal registration. This first part is the matching engine: it says whether an end
//! customer looks already claimed, by another partner's registration or by the vendor's
//! direct pipeline, and always says why.

#[cfg(feature = "ssr")]
pub mod matching;

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Clear,
    Review,
    Conflict,
}

/// One piece of evidence behind a match: a stable code (an i18n key), a human detail and
/// how much it contributed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reason {
    pub code: String,
    pub detail: String,
    pub weight: f64,
}
