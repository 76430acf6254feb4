//! Through-channel marketing: campaign templates that vendor marketers write once (an email
//! sequence in MJML with locked brand regions and editable partner regions, a landing page
//! and social posts), and that each partner launches under its own brand to its own
//! contacts. Sending goes through the durable job queue exactly once per recipient and
//! touch, only to contacts with consent and not suppressed, with one-click unsubscribe and
//! signed click tracking.
//!
//! Layers: shared types here; `api` (server functions), `rest` (REST API v1) and `web`
//! (the public unsubscribe, click and landing routes) call the use cases (`templates`,
//! `brand`, `contacts`, `service` for leads and previews, `sending`), which check the
//! caller and call `store` (SQL), `render` (merge fields, regions, MJML to HTML and text), `links` (signed
//! addresses) and `sending` (the job that sends what is due).

pub mod api;
pub mod approval_page;
pub mod brand_page;
pub mod contacts_page;
pub mod editor_page;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod approval;
#[cfg(feature = "ssr")]
pub mod brand;
#[cfg(feature = "ssr")]
pub mod contacts;
#[cfg(feature = "ssr")]
pub mod links;
#[cfg(feature = "ssr")]
pub mod logo;
#[cfg(feature = "ssr")]
pub mod one_pager;
#[cfg(feature = "ssr")]
pub mod render;
#[cfg(feature = "ssr")]
pub mod rest;
#[cfg(feature = "ssr")]
pub mod sending;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(feature = "ssr")]
pub mod templates;
#[cfg(feature = "ssr")]
pub mod web;

use crate::domain::code_enum;

/// Emails in one template's sequence, at most.
pub const MAX_TOUCHES: usize = 10;
use serde::{Deserialize, Serialize};

code_enum!(
    /// Where a template is in its life: only published ones reach partners.
    TemplateStatus {
        Draft = "draft",
        Published = "published",
        Archived = "archived",
    }
);

code_enum!(
    /// A launch: waiting for approval (the partner edited a template that asks for it;
    /// nothing goes out until vendor staff approve), sent back by them with a note (never
    /// sent), waiting for its start, sending, or every touch handed to the mail queue.
    LaunchStatus {
        PendingApproval = "pending_approval",
        Rejected = "rejected",
        Scheduled = "scheduled",
        Sending = "sending",
        Done = "done",
    }
);

/// An editable region of a template: partners write its text (plain text, no markup),
/// within `max_len` characters; `default` is used when they write nothing.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RegionSpec {
    pub name: String,
    pub label: String,
    pub default: String,
    #[serde(deserialize_with = "crate::domain::whole::int")]
    pub max_len: i64,
}

/// One email of the sequence, sent `delay_days` after the previous one.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TouchInput {
    pub subject: String,
    pub delay_days: String,
    /// MJML with merge fields (`{{partner.name}}`) and regions (`{{region:body}}`).
    pub mjml: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SocialPost {
    pub text: String,
    pub image_url: String,
    pub link: String,
}

/// A template as vendor marketers write it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TemplateInput {
    pub name: String,
    pub description: String,
    /// `en` or `de`.
    pub language: String,
    pub partner_types: Vec<String>,
    pub tiers: Vec<String>,
    pub regions: Vec<String>,
    pub editable: Vec<RegionSpec>,
    pub touches: Vec<TouchInput>,
    pub landing_title: String,
    /// Markdown with merge fields.
    pub landing_body: String,
    pub social_posts: Vec<SocialPost>,
    pub publish: bool,
    /// The template this one translates (its German version of an English one, say):
    /// partners see them as one campaign and pick the language.
    #[serde(deserialize_with = "crate::domain::whole::optional")]
    pub translation_of: Option<i64>,
    /// Launches whose editable regions differ from the defaults wait for vendor approval.
    pub approval_required: bool,
    /// A co-branded one-page PDF: its title (empty: the template has none) and its text
    /// (plain text with merge fields and regions; a blank line starts a paragraph, `- `
    /// a bullet).
    pub one_pager_title: String,
    pub one_pager_body: String,
}

/// A template with everything its writers wrote, for the editor and `GET
/// /api/v1/campaigns/{id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemplateDetail {
    pub id: i64,
    pub status: TemplateStatus,
    pub template: TemplateInput,
}

/// A new template's first email: the vendor's header (locked: partners cannot change it)
/// and the partner's editable body.
pub const STARTER_MJML: &str = r##"<mjml>
  <mj-body background-color="#f4f5f7">
    <mj-section background-color="{{partner.color}}">
      <mj-column><mj-text color="#ffffff" font-size="20px" font-weight="bold">{{partner.name}} × Acme Cloud</mj-text></mj-column>
    </mj-section>
    <mj-section background-color="#ffffff">
      <mj-column>
        <mj-text font-size="16px">Hello {{contact.first_name}},</mj-text>
        <mj-text font-size="16px">{{region:body}}</mj-text>
        <mj-button background-color="{{partner.color}}" href="{{landing_url}}">Book a demo</mj-button>
        <mj-text>{{sender.name}}<br />{{sender.signature}}</mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>"##;

/// A template in the library.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemplateSummary {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub language: String,
    pub status: TemplateStatus,
    pub touches: i64,
    pub editable: Vec<RegionSpec>,
    pub translation_of: Option<i64>,
    pub approval_required: bool,
    /// It has a co-branded one-page PDF.
    pub one_pager: bool,
}

/// A partner's brand, merged into what it sends.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BrandKit {
    pub display_name: String,
    pub logo_url: String,
    /// `#rrggbb`, legible on white (contrast at least 4.5:1).
    pub primary_color: String,
    pub postal_address: String,
    pub phone: String,
    pub website: String,
    pub sender_name: String,
    pub sender_email: String,
    pub signature: String,
}

/// A contact as a partner writes or imports it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContactInput {
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub company: String,
    pub consent: bool,
    /// Where the consent came from (`manual`, `import`, `api`, `form`).
    pub consent_source: String,
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    pub id: i64,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub company: String,
    pub consent: bool,
    pub consent_source: String,
    pub tags: Vec<String>,
    pub unsubscribed: bool,
}

/// Who a launch goes to: every contact of the organisation, or the listed ones.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Recipients {
    /// The string `"all"`.
    All(String),
    Ids(#[serde(deserialize_with = "crate::domain::whole::list")] Vec<i64>),
}

impl Default for Recipients {
    fn default() -> Self {
        Recipients::Ids(Vec::new())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LaunchInput {
    pub contacts: Recipients,
    /// Texts for the template's editable regions, by name.
    pub regions: std::collections::BTreeMap<String, String>,
    /// When to start (epoch seconds); now when absent or past.
    #[serde(deserialize_with = "crate::domain::whole::optional")]
    pub starts_at: Option<i64>,
    /// Only the chosen contacts with this tag (a list); empty: no narrowing.
    pub list: String,
    /// Count opens with a tracking image (unreliable: mail clients prefetch images).
    pub track_opens: bool,
}

/// A launch's progress and results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LaunchView {
    pub id: i64,
    pub template_id: i64,
    pub template_name: String,
    pub org_name: String,
    pub status: LaunchStatus,
    pub starts_at: i64,
    pub recipients: i64,
    pub skipped_no_consent: i64,
    pub skipped_suppressed: i64,
    /// Emails (recipient × touch) handed to the mail queue, still due, and failed.
    pub sent: i64,
    pub queued: i64,
    pub failed: i64,
    pub clicks: i64,
    pub visits: i64,
    pub submissions: i64,
    pub leads: i64,
    pub unsubscribes: i64,
    /// Opens counted, when the launch tracks them (`None` otherwise).
    pub opens: Option<i64>,
    /// The list (tag) it went to, if one.
    pub list: String,
    /// Recipients whose mail server refused the message, with its answer (the
    /// partner's own staff only; vendor staff see the count in `failed`).
    pub rejections: Vec<Rejection>,
    /// What the partner wrote in the editable regions (for approval).
    pub regions: std::collections::BTreeMap<String, String>,
    /// Why vendor staff sent it back, or what they said approving it.
    pub review_note: String,
}

/// Vendor staff's answer to a launch waiting for approval.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LaunchReview {
    pub approve: bool,
    /// Required when sending it back: what to change.
    pub note: String,
}

/// A campaign's results: in total and per partner (counts only; never a contact).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CampaignStats {
    pub template_id: i64,
    pub template_name: String,
    /// Partners that launched it.
    pub partners: i64,
    pub totals: StatRow,
    pub by_partner: Vec<StatRow>,
}

/// Counts of one partner's launches of a campaign (or of all of them).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StatRow {
    pub name: String,
    pub launches: i64,
    pub sent: i64,
    pub clicks: i64,
    /// Opens of launches that count them (unreliable: see the launch form).
    pub opens: i64,
    pub visits: i64,
    pub submissions: i64,
    pub leads: i64,
}

impl StatRow {
    pub fn add(&mut self, l: &LaunchView) {
        self.launches += 1;
        self.sent += l.sent;
        self.clicks += l.clicks;
        self.opens += l.opens.unwrap_or(0);
        self.visits += l.visits;
        self.submissions += l.submissions;
        self.leads += l.leads;
    }
}

/// A message a recipient's mail server refused.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rejection {
    pub email: String,
    pub error: String,
}

/// A partner-sourced lead from a landing page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lead {
    pub id: i64,
    pub launch_id: i64,
    pub template_id: i64,
    pub template_name: String,
    pub email: String,
    pub name: String,
    pub company: String,
    pub message: String,
    /// The deal registration it became.
    pub deal_id: Option<i64>,
    pub created_at: i64,
}

/// A template as a partner would send it: every email and the landing page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CampaignPreview {
    pub touches: Vec<PreviewTouch>,
    /// The landing page, a whole HTML document (shown in a sandboxed frame).
    pub landing: String,
}

/// One touch as it would be sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PreviewTouch {
    pub position: i64,
    pub delay_days: i64,
    pub subject: String,
    pub html: String,
}

/// One row of a contact import: what it holds and, when it cannot be imported, why
/// (field, message key).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportRow {
    /// The line in the file (the header is line 1).
    pub line: i64,
    pub email: String,
    pub name: String,
    pub consent: bool,
    pub errors: Vec<(String, String)>,
}

/// A contact import: previewed (nothing saved) or done.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContactImport {
    pub rows: Vec<ImportRow>,
    pub valid: i64,
    pub invalid: i64,
    /// Contacts saved (0 in a preview).
    pub saved: i64,
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn launches_read_whole_numbers_in_any_spelling() {
        let l: LaunchInput =
            serde_json::from_str(r#"{"contacts": [3, 4.0], "starts_at": 9999999999.0}"#).unwrap();
        assert_eq!(l.contacts, Recipients::Ids(vec![3, 4]));
        assert_eq!(l.starts_at, Some(9_999_999_999));
        let all: LaunchInput = serde_json::from_str(r#"{"contacts": "all"}"#).unwrap();
        assert_eq!(all.contacts, Recipients::All("all".into()));
        assert_eq!(all.starts_at, None);
        assert!(serde_json::from_str::<LaunchInput>(r#"{"starts_at": 1.5}"#).is_err());
        assert!(serde_json::from_str::<LaunchInput>(r#"{"contacts": [1.5]}"#).is_err());
        assert!(serde_json::from_str::<LaunchInput>(r#"{"other": 1}"#).is_err());
        let floats: LaunchInput = serde_json::from_str(
            r#"{"contacts": [412906.0, 306631.0, 1540.0, 3813.0, 1562.0, 27008, 4090193591354046.0]}"#,
        )
        .unwrap();
        assert_eq!(
            floats.contacts,
            Recipients::Ids(vec![
                412906,
                306631,
                1540,
                3813,
                1562,
                27008,
                4090193591354046
            ])
        );
        let big: LaunchInput = serde_json::from_str(r#"{"contacts": [9007199254740990]}"#).unwrap();
        assert_eq!(big.contacts, Recipients::Ids(vec![9_007_199_254_740_990]));
        let r: RegionSpec = serde_json::from_str(r#"{"max_len": 157.0}"#).unwrap();
        assert_eq!(r.max_len, 157);
    }
}
