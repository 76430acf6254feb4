//! Learning and certifications: courses of lessons and a quiz, attempts graded on the
//! server, certifications that a passed final exam earns, and the Open Badges 3.0
//! credentials issued for them, which anyone can verify without Trellis.
//!
//! Layers: shared types here; `api` (server functions) and `rest` (REST API v1 and the
//! public credential, status list and DID routes) call `service`, which checks the caller
//! and calls `store` (SQL), `quiz` (drawing and grading), `credentials` (the OB 3.0
//! document, revocation and the status list), `issuer` (keys and the DID document) and
//! `di` (the `eddsa-rdfc-2022` proof).

pub mod api;
pub mod credential_page;
pub mod form_page;
pub mod pages;
pub mod path_page;
pub mod player_page;
pub mod report_page;

#[cfg(feature = "ssr")]
pub mod awards;
#[cfg(feature = "ssr")]
pub mod credentials;
#[cfg(feature = "ssr")]
pub mod di;
#[cfg(feature = "ssr")]
pub mod issuer;
#[cfg(feature = "ssr")]
pub mod jobs;
#[cfg(feature = "ssr")]
pub mod markdown;
#[cfg(feature = "ssr")]
pub mod paths;
#[cfg(feature = "ssr")]
pub mod progress;
#[cfg(feature = "ssr")]
pub mod quiz;
#[cfg(feature = "ssr")]
pub mod reports;
#[cfg(feature = "ssr")]
pub mod rest;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(feature = "ssr")]
pub mod xapi;

use crate::domain::code_enum;
use serde::{Deserialize, Serialize};

code_enum!(
    /// Where a course is in its life: only published courses reach partners.
    CourseStatus {
        Draft = "draft",
        Published = "published",
        Archived = "archived",
    }
);

code_enum!(
    /// How a question is answered.
    QuestionKind {
        Single = "single",
        Multiple = "multiple",
        TrueFalse = "true_false",
    }
);

code_enum!(
    /// A credential as its status list and dates say now.
    CredentialStatus {
        Active = "active",
        Expired = "expired",
        Revoked = "revoked",
    }
);

/// A course as vendor staff write it. Numbers arrive as text so that each gets its own
/// message when it is not one.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CourseInput {
    pub title: String,
    pub summary: String,
    pub lessons: Vec<LessonInput>,
    /// The question bank in the text form `quiz::parse_bank` reads.
    pub questions: String,
    pub draw_count: String,
    pub pass_percent: String,
    pub max_attempts: String,
    pub cooldown_minutes: String,
    pub time_limit_minutes: String,
    pub publish: bool,
    /// When set, a certification of this name that the course's quiz earns.
    pub certification_name: String,
    pub certification_validity_days: String,
    /// People each partner tier needs certified: `gold=2, platinum=3`.
    pub tier_requirements: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LessonInput {
    /// The module the lesson belongs to; consecutive lessons of one module are grouped.
    pub module: String,
    pub title: String,
    /// Markdown. Raw HTML is shown as text, never run.
    pub body: String,
    pub video_url: String,
    /// An asset of the content library, by id or by its address (`/content/12`).
    pub asset: String,
}

/// A course in a list, with the reader's own progress.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CourseSummary {
    pub id: i64,
    pub title: String,
    pub summary: String,
    pub status: CourseStatus,
    pub lessons: i64,
    pub lessons_done: i64,
    pub passed: bool,
    pub certification: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LessonView {
    pub id: i64,
    pub module: String,
    pub title: String,
    /// Rendered on the server from Markdown with raw HTML escaped and unsafe links dropped.
    pub html: String,
    pub video_url: Option<String>,
    /// The embedded content-library asset, when the reader may see it.
    pub asset: Option<LessonAsset>,
    /// An asset is embedded that the reader's visibility does not reach.
    pub asset_hidden: bool,
    pub done: bool,
}

/// A content-library asset shown in a lesson.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LessonAsset {
    pub id: i64,
    pub title: String,
    pub kind: String,
}

/// One saved version of a course.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CourseVersion {
    pub version: i64,
    pub created_at: i64,
    pub created_by: Option<String>,
}

/// What the player shows: the lessons, where to resume, and the quiz's rules and the
/// reader's standing. No answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CourseView {
    pub id: i64,
    pub title: String,
    pub summary: String,
    pub status: CourseStatus,
    pub version: i64,
    /// Every saved version, newest first; for those who write courses only.
    pub versions: Vec<CourseVersion>,
    pub lessons: Vec<LessonView>,
    /// The first lesson not yet completed.
    pub resume_lesson: Option<i64>,
    pub quiz: QuizInfo,
    pub may_take: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuizInfo {
    pub bank_size: i64,
    pub draw_count: i64,
    pub pass_percent: i64,
    pub max_attempts: i64,
    pub attempts_used: i64,
    pub cooldown_minutes: i64,
    pub time_limit_minutes: i64,
    /// When the next attempt may start, if a cool-down is running.
    pub next_attempt_at: Option<i64>,
    pub passed: bool,
    pub certification: Option<String>,
    pub last: Option<AttemptResult>,
}

/// A question as the taker sees it: never with its answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionView {
    pub id: i64,
    pub kind: QuestionKind,
    pub prompt: String,
    pub options: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttemptView {
    pub id: i64,
    pub questions: Vec<QuestionView>,
    pub deadline_at: Option<i64>,
    /// Seconds left when the server answered, for the countdown.
    pub seconds_left: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AnswerInput {
    pub question_id: i64,
    /// Indexes of the chosen options.
    pub chosen: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionFeedback {
    pub prompt: String,
    pub topic: String,
    pub correct: bool,
    pub right_options: Vec<String>,
}

/// A submitted attempt: the score, and what to revisit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttemptResult {
    pub id: i64,
    pub score_percent: i64,
    pub passed: bool,
    pub pass_percent: i64,
    pub topics_to_revisit: Vec<String>,
    pub feedback: Vec<QuestionFeedback>,
    /// The credential this pass earned, if the course is a certification's exam.
    pub credential_id: Option<String>,
}

/// An issued credential in a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CredentialSummary {
    pub id: String,
    pub certification: String,
    pub holder_name: String,
    pub holder_email: String,
    pub org_name: String,
    pub issued_at: i64,
    pub valid_until: i64,
    pub status: CredentialStatus,
    pub revoked_reason: Option<String>,
    /// The public address of the credential (its page; its JSON with
    /// `Accept: application/ld+json`).
    pub url: String,
    /// LinkedIn's "add certification" link, filled in.
    pub linkedin_url: String,
}

/// The result of checking a credential now, on the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Verification {
    Valid,
    Expired,
    Revoked,
    /// The signature does not match the document, or its key is unknown.
    Invalid,
}

/// What the public credential page shows; no sign-in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicCredential {
    pub id: String,
    pub holder_name: String,
    pub achievement: String,
    pub description: String,
    pub criteria: String,
    pub issuer_name: String,
    pub issuer_id: String,
    pub issued_at: i64,
    pub valid_until: i64,
    pub verification: Verification,
    /// When it was revoked; the reason stays with the issuer.
    pub revoked_at: Option<i64>,
    pub json_url: String,
    pub linkedin_url: String,
}

/// A learning path as vendor staff write it: courses, and who gets them (an empty list
/// means everyone), due this many days after assignment.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PathInput {
    pub name: String,
    pub courses: Vec<String>,
    pub partner_types: Vec<String>,
    pub tiers: Vec<String>,
    pub regions: Vec<String>,
    pub roles: Vec<String>,
    pub due_days: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PathSummary {
    pub id: i64,
    pub name: String,
    pub courses: i64,
    pub partner_types: Vec<String>,
    pub tiers: Vec<String>,
    pub regions: Vec<String>,
    pub roles: Vec<String>,
    pub due_days: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssignedCourse {
    pub id: i64,
    pub title: String,
    pub started: bool,
    pub completed: bool,
}

/// A path assigned to the reader, with its due date and each course's state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssignedPath {
    pub id: i64,
    pub name: String,
    pub due_at: i64,
    pub overdue: bool,
    pub completed: bool,
    pub courses: Vec<AssignedCourse>,
}

/// One course's figures in a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CourseStats {
    pub id: i64,
    pub title: String,
    /// People who started the quiz.
    pub learners: i64,
    /// People who passed it.
    pub passed: i64,
    pub attempts: i64,
    /// Passed attempts per submitted attempt, in percent.
    pub pass_rate: i64,
}

/// Certified people of one partner organisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrgCertified {
    pub org_name: String,
    pub people: i64,
    pub credentials: i64,
}

/// A partner with fewer certified people than its tier requires.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TierGap {
    pub org_name: String,
    pub tier: String,
    pub certification: String,
    pub required: i64,
    pub certified: i64,
}

/// One person's progress in one course they started.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Enrolment {
    pub user_id: i64,
    pub user_name: String,
    pub user_email: String,
    pub org_name: String,
    pub course_id: i64,
    pub course_title: String,
    pub lessons_done: i64,
    pub lessons_total: i64,
    /// Submitted quiz attempts.
    pub attempts: i64,
    /// When the person last passed the course's quiz.
    pub passed_at: Option<i64>,
}

/// One person of a team: what they did and what they hold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonProgress {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub org_name: String,
    pub lessons_done: i64,
    pub courses_passed: i64,
    /// Active (unrevoked, unexpired) credentials.
    pub certified: i64,
    /// When the first of those expires.
    pub next_expiry: Option<i64>,
}

/// Learning reports within the reader's reach: every partner for vendor staff, the
/// reader's organisation for a partner admin.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LearningReport {
    pub courses: Vec<CourseStats>,
    pub by_partner: Vec<OrgCertified>,
    /// Active credentials expiring within 30, 60 and 90 days (each count includes the
    /// shorter windows).
    pub expiring: [i64; 3],
    pub expiring_soon: Vec<CredentialSummary>,
    pub gaps: Vec<TierGap>,
    /// Each person's progress: the partner admin's team, or every partner's people.
    pub team: Vec<PersonProgress>,
}

/// LinkedIn's add-to-profile link for a certification.
pub fn linkedin_url(
    name: &str,
    issuer: &str,
    issued_at: i64,
    valid_until: i64,
    credential_id: &str,
    url: &str,
) -> String {
    let (iy, im) = year_month(issued_at);
    let (ey, em) = year_month(valid_until);
    format!(
        "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&name={}&organizationName={}&issueYear={iy}&issueMonth={im}&expirationYear={ey}&expirationMonth={em}&certId={}&certUrl={}",
        crate::domain::url_encode(name),
        crate::domain::url_encode(issuer),
        crate::domain::url_encode(credential_id),
        crate::domain::url_encode(url)
    )
}

fn year_month(epoch: i64) -> (i32, u8) {
    time::OffsetDateTime::from_unix_timestamp(epoch)
        .map(|t| (t.year(), u8::from(t.month())))
        .unwrap_or((1970, 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linkedin_link_carries_the_certification() {
        // 2026-03-15 and 2028-03-14
        let url = linkedin_url(
            "Trellis Certified Seller",
            "Acme & Co",
            1_773_532_800,
            1_836_604_800,
            "abc-1",
            "https://p.example/credentials/abc-1",
        );
        assert!(
            url.starts_with("https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME")
        );
        assert!(url.contains("name=Trellis%20Certified%20Seller"));
        assert!(url.contains("organizationName=Acme%20%26%20Co"));
        assert!(url.contains("issueYear=2026&issueMonth=3"));
        assert!(url.contains("expirationYear=2028&expirationMonth=3"));
        assert!(url.contains("certId=abc-1"));
        assert!(url.contains("certUrl=https%3A%2F%2Fp.example%2Fcredentials%2Fabc-1"));
    }
}
