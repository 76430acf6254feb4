//! Every endpoint × every identity, against objects that partner A (Northwind) owns.
//!
//! Each row names one server function, REST route or plain route, how to call it, and the
//! answer expected for: anonymous, a partner A user (sam, sales), partner B's admin
//! (carla), the vendor admin, a channel manager and the vendor marketer. Mutating calls
//! are made with arguments that reach validation but change nothing (an empty name, an
//! unknown decision), so "allowed" shows as 422 and "denied" as 403 or 404.
//!
//! A server function or REST route that has no row fails the test: adding an endpoint
//! means deciding here who may call it.

mod common;

use common::{Backend, TestApp, api, client, spawn_app, token};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::BTreeSet;

const WHO: [&str; 6] = [
    "",
    "sam@northwind.example",
    "carla@contoso.example",
    "admin@acme.example",
    "cam@acme.example",
    "marketing@acme.example",
];

/// Partner A's objects and the others the calls need.
struct Ids {
    deal: String,
    draft: String,
    bare_draft: String,
    member: String,
    asset: String,
    collection: String,
    token: String,
    import: String,
    dead_job: String,
    course: String,
    lesson: String,
    attempt: String,
    credential: String,
    /// A launch of Northwind's, and a lead it brought.
    launch: String,
    lead: String,
    /// The published demo campaign template, and a contact of Northwind's.
    template: String,
    contact: String,
}

/// One expected answer: an exact status, or a class.
fn matches(want: &str, got: StatusCode) -> bool {
    let code = got.as_u16();
    match want {
        "2xx" => got.is_success(),
        "deny" => code == 403 || code == 404,
        "4xx" => got.is_client_error() && code != 401,
        exact => exact.parse::<u16>().is_ok_and(|w| w == code),
    }
}

enum Call {
    /// A server function by endpoint, with form fields.
    Fn(&'static str, Vec<(&'static str, String)>),
    /// A server function that takes JSON, with its arguments.
    FnJson(&'static str, Value),
    /// A REST route: method, path, JSON body.
    Rest(&'static str, String, Option<Value>),
    /// A plain route with the session cookie: method, path, form body.
    Page(&'static str, String, Option<String>),
}

struct Row {
    /// The endpoint this row covers: a server fn's endpoint or "METHOD /route/{template}".
    key: &'static str,
    call: Call,
    /// Expected answers for WHO, in order.
    want: [&'static str; 6],
}

fn f(k: &'static str, v: impl Into<String>) -> (&'static str, String) {
    (k, v.into())
}

fn rows(i: &Ids) -> Vec<Row> {
    use Call::*;
    let r = |key, call, want| Row { key, call, want };
    vec![
        // Identity and sessions.
        r(
            "get_current_user",
            Fn("get_current_user", vec![]),
            ["200", "200", "200", "200", "200", "200"],
        ),
        r(
            "get_invite_info",
            Fn("get_invite_info", vec![f("token", "no-such-token")]),
            ["404", "404", "404", "404", "404", "404"],
        ),
        r(
            "accept_invite",
            Fn(
                "accept_invite",
                vec![
                    f("input[token]", "no-such-token"),
                    f("input[name]", "X Y"),
                    f("input[password]", "a long enough passphrase"),
                    f("input[password_confirm]", "a long enough passphrase"),
                ],
            ),
            ["422", "422", "422", "422", "422", "422"],
        ),
        r(
            "request_password_reset",
            Fn(
                "request_password_reset",
                vec![f("email", "nina@northwind.example")],
            ),
            ["200", "200", "200", "200", "200", "200"],
        ),
        r(
            "reset_password",
            Fn(
                "reset_password",
                vec![
                    f("input[token]", "no-such-token"),
                    f("input[password]", "a long enough passphrase"),
                    f("input[password_confirm]", "a long enough passphrase"),
                ],
            ),
            ["422", "422", "422", "422", "422", "422"],
        ),
        r(
            "set_locale",
            Fn("set_locale", vec![f("code", "en")]),
            ["200", "200", "200", "200", "200", "200"],
        ),
        r(
            "list_tokens",
            Fn("list_tokens", vec![]),
            ["401", "200", "200", "200", "200", "200"],
        ),
        r(
            "create_token",
            Fn("create_token", vec![f("name", "")]),
            ["401", "200", "200", "200", "200", "200"],
        ),
        // Sam's own token: nobody else can revoke it (sam's row comes last, below).
        // Partners and teams.
        r(
            "list_partners",
            Fn("list_partners", vec![f("filter[q]", "")]),
            ["401", "403", "403", "200", "200", "200"],
        ),
        r(
            "get_org",
            Fn("get_org", vec![f("slug", "northwind-msp")]),
            ["401", "200", "404", "200", "200", "200"],
        ),
        r(
            "list_channel_managers",
            Fn("list_channel_managers", vec![]),
            ["401", "403", "403", "200", "200", "200"],
        ),
        r(
            "create_partner",
            Fn("create_partner", vec![f("input[name]", "")]),
            ["401", "403", "403", "422", "422", "403"],
        ),
        r(
            "update_org",
            Fn(
                "update_org",
                vec![f("slug", "northwind-msp"), f("input[name]", "")],
            ),
            ["401", "403", "404", "422", "422", "403"],
        ),
        r(
            "list_members",
            Fn("list_members", vec![f("slug", "northwind-msp")]),
            ["401", "200", "404", "200", "200", "200"],
        ),
        r(
            "invite_member",
            Fn(
                "invite_member",
                vec![f("input[org_slug]", "northwind-msp"), f("input[email]", "")],
            ),
            ["401", "403", "404", "422", "422", "403"],
        ),
        r(
            "change_member_role",
            Fn(
                "change_member_role",
                vec![f("user_id", &i.member), f("role", "no-such-role")],
            ),
            ["401", "403", "404", "422", "422", "403"],
        ),
        r(
            "set_member_active",
            Fn(
                "set_member_active",
                vec![f("user_id", &i.member), f("active", "true")],
            ),
            ["401", "403", "404", "200", "200", "403"],
        ),
        // Deal registration.
        r(
            "list_deals",
            Fn("list_deals", vec![f("filter[q]", "")]),
            ["401", "200", "200", "200", "200", "403"],
        ),
        r(
            "get_deal",
            Fn("get_deal", vec![f("id", &i.deal)]),
            ["401", "200", "404", "200", "200", "404"],
        ),
        r(
            "get_deal (draft)",
            Fn("get_deal", vec![f("id", &i.draft)]),
            ["401", "200", "404", "404", "404", "404"],
        ),
        r(
            "get_deal_review",
            Fn("get_deal_review", vec![f("id", &i.deal)]),
            ["401", "403", "deny", "200", "200", "deny"],
        ),
        r(
            "start_deal_review",
            Fn("start_deal_review", vec![f("id", &i.deal)]),
            ["401", "403", "deny", "200", "409", "deny"],
        ),
        r(
            "save_deal_draft",
            Fn(
                "save_deal_draft",
                vec![
                    f("id", &i.draft),
                    f("input[company]", "Quiet Draft Holdings"),
                ],
            ),
            ["401", "200", "404", "403", "403", "403"],
        ),
        // The registration form's own post (no JavaScript): save, and submit if asked.
        r(
            "register_deal",
            Fn(
                "register_deal",
                vec![
                    f("id", &i.draft),
                    f("input[company]", "Quiet Draft Holdings"),
                ],
            ),
            ["401", "200", "404", "403", "403", "403"],
        ),
        r(
            "submit_deal",
            Fn("submit_deal", vec![f("id", &i.bare_draft)]),
            ["401", "422", "404", "403", "403", "403"],
        ),
        r(
            "check_deal",
            Fn("check_deal", vec![f("input[company]", "Initech")]),
            ["401", "200", "200", "200", "200", "200"],
        ),
        r(
            "next_in_queue",
            Fn("next_in_queue", vec![f("after", &i.deal)]),
            ["401", "403", "403", "200", "200", "403"],
        ),
        r(
            "decide_deal",
            Fn(
                "decide_deal",
                vec![f("input[deal_id]", &i.deal), f("input[decision]", "maybe")],
            ),
            ["401", "403", "deny", "422", "422", "403"],
        ),
        r(
            "request_deal_extension",
            Fn(
                "request_deal_extension",
                vec![f("id", &i.deal), f("reason", "more time")],
            ),
            ["401", "409", "404", "403", "403", "403"],
        ),
        r(
            "grant_deal_extension",
            Fn("grant_deal_extension", vec![f("id", &i.deal)]),
            ["401", "403", "deny", "409", "409", "403"],
        ),
        r(
            "post_deal_message",
            Fn(
                "post_deal_message",
                vec![f("id", &i.deal), f("body", ""), f("internal", "false")],
            ),
            ["401", "422", "404", "422", "422", "404"],
        ),
        r(
            "close_deal",
            Fn("close_deal", vec![f("id", &i.deal), f("won", "true")]),
            ["401", "409", "404", "403", "403", "403"],
        ),
        r(
            "correct_deal_outcome",
            Fn(
                "correct_deal_outcome",
                vec![f("id", &i.deal), f("won", "true"), f("reason", "mistake")],
            ),
            ["401", "403", "deny", "409", "409", "403"],
        ),
        r(
            "get_rules",
            Fn("get_rules", vec![]),
            ["401", "403", "403", "200", "200", "403"],
        ),
        r(
            "set_rules",
            Fn("set_rules", vec![f("input[protection_days]", "soon")]),
            ["401", "403", "403", "422", "403", "403"],
        ),
        r(
            "start_pipeline_upload",
            Fn(
                "start_pipeline_upload",
                vec![f("file_name", "p.csv"), f("bytes", "-1")],
            ),
            ["401", "403", "403", "422", "422", "403"],
        ),
        r(
            "put_pipeline_chunk",
            FnJson(
                "put_pipeline_chunk",
                json!({ "id": i.import.parse::<i64>().unwrap_or_default(), "seq": 999, "data": "x" }),
            ),
            ["401", "403", "403", "404", "200", "403"],
        ),
        r(
            "finish_pipeline_upload",
            Fn("finish_pipeline_upload", vec![f("id", &i.import)]),
            ["401", "403", "403", "404", "200", "403"],
        ),
        r(
            "run_pipeline_import",
            Fn("run_pipeline_import", vec![f("id", &i.import)]),
            ["401", "403", "403", "404", "409", "403"],
        ),
        r(
            "pipeline_import_status",
            Fn("pipeline_import_status", vec![f("id", &i.import)]),
            ["401", "403", "403", "404", "200", "403"],
        ),
        // The home page's task card.
        r(
            "my_tasks",
            Fn("my_tasks", vec![]),
            ["401", "200", "200", "200", "200", "200"],
        ),
        // The home dashboard: each role its own cards, never another partner's numbers.
        r(
            "home_dashboard",
            Fn("home_dashboard", vec![]),
            ["401", "200", "200", "200", "200", "200"],
        ),
        // Notifications.
        r(
            "list_notifications",
            Fn("list_notifications", vec![]),
            ["401", "200", "200", "200", "200", "200"],
        ),
        r(
            "mark_notifications_read",
            Fn("mark_notifications_read", vec![]),
            ["401", "200", "200", "200", "200", "200"],
        ),
        // Administration.
        r(
            "list_outbox",
            Fn("list_outbox", vec![]),
            ["401", "403", "403", "200", "403", "403"],
        ),
        r(
            "list_audit",
            Fn("list_audit", vec![f("filter[action]", "")]),
            ["401", "403", "403", "200", "403", "403"],
        ),
        r(
            "list_jobs",
            Fn("list_jobs", vec![f("state", "")]),
            ["401", "403", "403", "200", "403", "403"],
        ),
        r(
            "retry_job",
            Fn("retry_job", vec![f("id", &i.dead_job)]),
            ["401", "403", "403", "200", "403", "403"],
        ),
        // The content library.
        r(
            "search_content",
            Fn("search_content", vec![f("query[q]", "")]),
            ["401", "200", "200", "200", "200", "200"],
        ),
        r(
            "content_facets",
            Fn("content_facets", vec![]),
            ["401", "200", "200", "200", "200", "200"],
        ),
        r(
            "get_asset",
            Fn("get_asset", vec![f("id", &i.asset)]),
            ["401", "200", "200", "200", "200", "200"],
        ),
        r(
            "update_asset",
            Fn(
                "update_asset",
                vec![f("id", &i.asset), f("input[title]", "")],
            ),
            ["401", "403", "403", "422", "403", "422"],
        ),
        r(
            "restore_asset_version",
            Fn(
                "restore_asset_version",
                vec![f("id", &i.asset), f("version_no", "999")],
            ),
            ["401", "403", "403", "404", "403", "404"],
        ),
        r(
            "set_asset_favorite",
            Fn(
                "set_asset_favorite",
                vec![f("id", &i.asset), f("on", "false")],
            ),
            ["401", "200", "200", "200", "200", "200"],
        ),
        r(
            "content_analytics",
            Fn("content_analytics", vec![]),
            ["401", "403", "403", "200", "403", "200"],
        ),
        r(
            "content_for_deal",
            Fn("content_for_deal", vec![f("deal_id", &i.deal)]),
            ["401", "200", "404", "200", "200", "404"],
        ),
        r(
            "create_collection",
            Fn("create_collection", vec![f("name", ""), f("asset", "0")]),
            ["401", "422", "422", "422", "422", "422"],
        ),
        r(
            "asset_collections",
            Fn("asset_collections", vec![f("asset", &i.asset)]),
            ["401", "200", "200", "200", "200", "200"],
        ),
        r(
            "set_collection_item",
            Fn(
                "set_collection_item",
                vec![
                    f("collection", &i.collection),
                    f("asset", &i.asset),
                    f("on", "true"),
                ],
            ),
            ["401", "200", "404", "404", "404", "404"],
        ),
        // Learning and certifications.
        r(
            "list_courses",
            Fn("list_courses", vec![]),
            ["401", "200", "200", "200", "200", "200"],
        ),
        r(
            "get_course",
            Fn("get_course", vec![f("id", &i.course)]),
            ["401", "200", "200", "200", "200", "200"],
        ),
        r(
            "create_course",
            Fn("create_course", vec![f("input[title]", "")]),
            ["401", "403", "403", "422", "403", "422"],
        ),
        r(
            "update_course",
            Fn(
                "update_course",
                vec![f("id", &i.course), f("input[title]", "")],
            ),
            ["401", "403", "403", "422", "403", "422"],
        ),
        r(
            "get_course_input",
            Fn("get_course_input", vec![f("id", &i.course)]),
            ["401", "403", "403", "200", "403", "200"],
        ),
        r(
            "set_course_status",
            Fn(
                "set_course_status",
                vec![f("id", "999999"), f("status", "archived")],
            ),
            ["401", "403", "403", "404", "403", "404"],
        ),
        r(
            "complete_lesson",
            Fn("complete_lesson", vec![f("lesson_id", &i.lesson)]),
            ["401", "200", "200", "403", "403", "403"],
        ),
        r(
            "start_quiz",
            Fn("start_quiz", vec![f("course_id", &i.course)]),
            ["401", "200", "200", "403", "403", "403"],
        ),
        r(
            "list_credentials",
            Fn("list_credentials", vec![f("mine_only", "false")]),
            ["401", "200", "200", "200", "200", "200"],
        ),
        r(
            "revoke_credential",
            Fn(
                "revoke_credential",
                vec![f("id", &i.credential), f("reason", "")],
            ),
            ["401", "403", "403", "422", "403", "403"],
        ),
        r(
            "get_public_credential",
            Fn("get_public_credential", vec![f("id", &i.credential)]),
            ["200", "200", "200", "200", "200", "200"],
        ),
        r(
            "create_learning_path",
            Fn("create_learning_path", vec![f("input[name]", "")]),
            ["401", "403", "403", "422", "403", "422"],
        ),
        r(
            "list_learning_paths",
            Fn("list_learning_paths", vec![]),
            ["401", "403", "403", "200", "403", "200"],
        ),
        r(
            "my_learning_paths",
            Fn("my_learning_paths", vec![]),
            ["401", "200", "200", "200", "200", "200"],
        ),
        r(
            "learning_report",
            Fn("learning_report", vec![]),
            ["401", "403", "200", "200", "200", "200"],
        ),
        // REST API v1 (bearer tokens; anonymous sends none).
        r(
            "GET /api/v1/courses",
            Rest("GET", "/api/v1/courses".into(), None),
            ["401", "200", "200", "200", "200", "200"],
        ),
        r(
            "GET /api/v1/credentials",
            Rest("GET", "/api/v1/credentials".into(), None),
            ["401", "403", "403", "200", "200", "200"],
        ),
        r(
            "POST /api/v1/credentials",
            Rest(
                "POST",
                "/api/v1/credentials".into(),
                Some(json!({ "certification_id": 999999, "holder_email": "" })),
            ),
            ["401", "403", "403", "422", "403", "403"],
        ),
        r(
            "GET /api/v1/certifications",
            Rest("GET", "/api/v1/certifications".into(), None),
            ["401", "200", "200", "200", "200", "200"],
        ),
        r(
            "GET /api/v1/enrolments",
            Rest("GET", "/api/v1/enrolments".into(), None),
            ["401", "200", "200", "200", "200", "200"],
        ),
        r(
            "GET /api/v1/learning-paths",
            Rest("GET", "/api/v1/learning-paths".into(), None),
            ["401", "403", "403", "200", "403", "200"],
        ),
        r(
            "GET /api/v1/learning-paths/assigned",
            Rest("GET", "/api/v1/learning-paths/assigned".into(), None),
            ["401", "200", "200", "200", "200", "200"],
        ),
        r(
            "POST /api/v1/credentials/{id}/revoke",
            Rest(
                "POST",
                format!("/api/v1/credentials/{}/revoke", i.credential),
                Some(json!({ "reason": "" })),
            ),
            ["401", "403", "403", "422", "403", "403"],
        ),
        // Campaigns.
        r(
            "list_campaigns",
            Fn("list_campaigns", vec![]),
            ["401", "200", "200", "200", "200", "200"],
        ),
        r(
            "get_brand_kit",
            Fn("get_brand_kit", vec![]),
            ["401", "403", "200", "403", "403", "403"],
        ),
        r(
            "save_brand_kit",
            Fn("save_brand_kit", vec![f("input[display_name]", "")]),
            ["401", "403", "422", "403", "403", "403"],
        ),
        r(
            "list_contacts",
            Fn("list_contacts", vec![]),
            ["401", "403", "200", "403", "403", "403"],
        ),
        r(
            "save_contact",
            Fn("save_contact", vec![f("input[email]", "")]),
            ["401", "403", "422", "403", "403", "403"],
        ),
        r(
            "import_contacts",
            Fn(
                "import_contacts",
                vec![f("csv", "name\nx"), f("commit", "false")],
            ),
            ["401", "403", "422", "403", "403", "403"],
        ),
        r(
            "preview_campaign",
            FnJson(
                "preview_campaign",
                json!({ "template_id": 1, "regions": {} }),
            ),
            ["401", "200", "200", "200", "200", "200"],
        ),
        r(
            "launch_campaign",
            FnJson(
                "launch_campaign",
                json!({ "template_id": 1, "input": { "contacts": [] } }),
            ),
            ["401", "403", "4xx", "403", "403", "403"],
        ),
        r(
            "list_launches",
            Fn("list_launches", vec![]),
            ["401", "403", "200", "200", "200", "200"],
        ),
        r(
            "list_leads",
            Fn("list_leads", vec![]),
            ["401", "200", "200", "403", "403", "403"],
        ),
        r(
            "convert_lead",
            Fn("convert_lead", vec![f("id", &i.lead)]),
            ["401", "2xx", "deny", "403", "403", "403"],
        ),
        r(
            "GET /api/v1/campaigns",
            Rest("GET", "/api/v1/campaigns".into(), None),
            ["401", "200", "200", "200", "200", "200"],
        ),
        r(
            "get_campaign_template",
            Fn("get_campaign_template", vec![f("id", &i.template)]),
            ["401", "200", "200", "200", "200", "200"],
        ),
        r(
            "create_campaign_template",
            FnJson(
                "create_campaign_template",
                json!({ "input": { "name": "" } }),
            ),
            ["401", "403", "403", "422", "403", "422"],
        ),
        r(
            "update_campaign_template",
            FnJson(
                "update_campaign_template",
                json!({ "id": i.template.parse::<i64>().unwrap_or(0), "input": { "name": "" } }),
            ),
            ["401", "403", "403", "422", "403", "422"],
        ),
        r(
            "campaign_stats",
            Fn("campaign_stats", vec![f("id", &i.template)]),
            ["401", "403", "200", "200", "200", "200"],
        ),
        r(
            "GET /api/v1/campaigns/{id}",
            Rest("GET", format!("/api/v1/campaigns/{}", i.template), None),
            ["401", "200", "200", "200", "200", "200"],
        ),
        r(
            "GET /api/v1/campaigns/{id}/stats",
            Rest(
                "GET",
                format!("/api/v1/campaigns/{}/stats", i.template),
                None,
            ),
            ["401", "403", "200", "200", "200", "200"],
        ),
        r(
            "GET /api/v1/contacts/{id}",
            Rest("GET", format!("/api/v1/contacts/{}", i.contact), None),
            ["401", "403", "deny", "403", "403", "403"],
        ),
        r(
            "PUT /api/v1/contacts/{id}",
            Rest(
                "PUT",
                format!("/api/v1/contacts/{}", i.contact),
                Some(json!({ "email": "", "consent": true })),
            ),
            ["401", "403", "deny", "403", "403", "403"],
        ),
        r(
            "DELETE /api/v1/contacts/{id}",
            Rest("DELETE", format!("/api/v1/contacts/{}", i.contact), None),
            ["401", "403", "deny", "403", "403", "403"],
        ),
        r(
            "POST /api/v1/contacts/import",
            Rest(
                "POST",
                "/api/v1/contacts/import".into(),
                Some(json!({ "csv": "name\nx" })),
            ),
            ["401", "403", "422", "403", "403", "403"],
        ),
        r(
            "POST /api/v1/brand-kit/logo",
            Rest("POST", "/api/v1/brand-kit/logo".into(), None),
            ["401", "403", "4xx", "403", "403", "403"],
        ),
        r(
            "POST /campaigns/brand/logo",
            Page(
                "POST",
                "/campaigns/brand/logo".into(),
                Some("logo=x".into()),
            ),
            ["401", "403", "4xx", "403", "403", "403"],
        ),
        r(
            "GET /o/{token}",
            Page("GET", "/o/1.forged.gif".into(), None),
            ["400", "400", "400", "400", "400", "400"],
        ),
        r(
            "POST /api/v1/campaigns",
            Rest(
                "POST",
                "/api/v1/campaigns".into(),
                Some(json!({ "name": "" })),
            ),
            ["401", "403", "403", "422", "403", "422"],
        ),
        r(
            "POST /api/v1/campaigns/{id}/launches",
            Rest(
                "POST",
                "/api/v1/campaigns/1/launches".into(),
                Some(json!({ "contacts": [] })),
            ),
            ["401", "403", "422", "403", "403", "403"],
        ),
        r(
            "GET /api/v1/launches/{id}",
            Rest("GET", format!("/api/v1/launches/{}", i.launch), None),
            ["401", "deny", "deny", "200", "200", "200"],
        ),
        r(
            "POST /api/v1/launches/{id}/review",
            Rest(
                "POST",
                format!("/api/v1/launches/{}/review", i.launch),
                Some(json!({ "approve": false })),
            ),
            ["401", "403", "403", "422", "403", "422"],
        ),
        r(
            "pending_launches",
            Fn("pending_launches", vec![f("template_id", &i.template)]),
            ["401", "403", "403", "200", "403", "200"],
        ),
        r(
            "review_launch",
            FnJson(
                "review_launch",
                json!({ "id": i.launch.parse::<i64>().unwrap_or(0), "input": { "approve": false } }),
            ),
            ["401", "403", "403", "422", "403", "422"],
        ),
        r(
            "GET /api/v1/campaigns/{id}/one-pager.pdf",
            Rest(
                "GET",
                format!("/api/v1/campaigns/{}/one-pager.pdf", i.template),
                None,
            ),
            ["401", "200", "200", "200", "200", "200"],
        ),
        r(
            "GET /campaigns/{id}/one-pager.pdf",
            Page(
                "GET",
                format!(
                    "/campaigns/{}/one-pager.pdf?launch={}",
                    i.template, i.launch
                ),
                None,
            ),
            ["401", "200", "404", "404", "404", "404"],
        ),
        r(
            "GET /api/v1/contacts",
            Rest("GET", "/api/v1/contacts".into(), None),
            ["401", "403", "200", "403", "403", "403"],
        ),
        r(
            "POST /api/v1/contacts",
            Rest(
                "POST",
                "/api/v1/contacts".into(),
                Some(json!({ "email": "", "consent": true })),
            ),
            ["401", "403", "422", "403", "403", "403"],
        ),
        r(
            "GET /api/v1/brand-kit",
            Rest("GET", "/api/v1/brand-kit".into(), None),
            ["401", "403", "200", "403", "403", "403"],
        ),
        r(
            "POST /api/v1/brand-kit",
            Rest("POST", "/api/v1/brand-kit".into(), Some(json!({}))),
            ["401", "403", "422", "403", "403", "403"],
        ),
        r(
            "GET /api/v1/leads",
            Rest("GET", "/api/v1/leads".into(), None),
            ["401", "200", "200", "403", "403", "403"],
        ),
        r(
            "GET /api/v1/leads/events",
            Rest("GET", "/api/v1/leads/events?after=0".into(), None),
            ["401", "200", "200", "403", "403", "403"],
        ),
        r(
            "POST /api/v1/leads/{id}/deal",
            Rest("POST", format!("/api/v1/leads/{}/deal", i.lead), None),
            ["401", "2xx", "deny", "403", "403", "403"],
        ),
        r(
            "GET /l/{launch}",
            Page("GET", format!("/l/{}", i.launch), None),
            ["200", "200", "200", "200", "200", "200"],
        ),
        r(
            "POST /u/{token}",
            Page("POST", "/u/1.forged".into(), None),
            ["400", "400", "400", "400", "400", "400"],
        ),
        r(
            "GET /c/{send}/{sig}",
            Page(
                "GET",
                "/c/1/forged?u=https%3A%2F%2Fevil.example".into(),
                None,
            ),
            ["400", "400", "400", "400", "400", "400"],
        ),
        r(
            "GET /credentials/status/{list}",
            Rest("GET", "/credentials/status/1".into(), None),
            ["200", "200", "200", "200", "200", "200"],
        ),
        r(
            "GET /api/v1/openapi.json",
            Rest("GET", "/api/v1/openapi.json".into(), None),
            ["200", "200", "200", "200", "200", "200"],
        ),
        r(
            "POST /api/v1/pipeline",
            Rest(
                "POST",
                "/api/v1/pipeline".into(),
                Some(json!({ "records": [{ "external_id": "" }] })),
            ),
            ["401", "403", "403", "422", "422", "403"],
        ),
        r(
            "POST /api/v1/deal-checks",
            Rest(
                "POST",
                "/api/v1/deal-checks".into(),
                Some(json!({ "company": "Initech" })),
            ),
            ["401", "200", "200", "200", "200", "200"],
        ),
        r(
            "GET /api/v1/deals",
            Rest("GET", "/api/v1/deals".into(), None),
            ["401", "200", "200", "200", "200", "403"],
        ),
        r(
            "POST /api/v1/deals",
            Rest(
                "POST",
                "/api/v1/deals".into(),
                Some(json!({ "company": "" })),
            ),
            ["401", "422", "422", "403", "403", "403"],
        ),
        r(
            "GET /api/v1/deals/{id}",
            Rest("GET", format!("/api/v1/deals/{}", i.deal), None),
            ["401", "200", "404", "200", "200", "404"],
        ),
        r(
            "GET /api/v1/deals/{id} (draft)",
            Rest("GET", format!("/api/v1/deals/{}", i.draft), None),
            ["401", "200", "404", "404", "404", "404"],
        ),
        r(
            "POST /api/v1/deals/{id}/decision",
            Rest(
                "POST",
                format!("/api/v1/deals/{}/decision", i.deal),
                Some(json!({ "decision": "maybe" })),
            ),
            ["401", "403", "deny", "422", "422", "403"],
        ),
        r(
            "GET /api/v1/content",
            Rest("GET", "/api/v1/content".into(), None),
            ["401", "200", "200", "200", "200", "200"],
        ),
        r(
            "POST /api/v1/content",
            Rest("POST", "/api/v1/content".into(), Some(json!({}))),
            ["401", "403", "403", "4xx", "403", "4xx"],
        ),
        r(
            "GET /api/v1/content/{id}",
            Rest("GET", format!("/api/v1/content/{}", i.asset), None),
            ["401", "200", "200", "200", "200", "200"],
        ),
        r(
            "GET /api/v1/content/{id}/download",
            Rest("GET", format!("/api/v1/content/{}/download", i.asset), None),
            ["401", "2xx", "2xx", "2xx", "2xx", "2xx"],
        ),
        r(
            "POST /api/v1/content/{id}/versions",
            Rest(
                "POST",
                format!("/api/v1/content/{}/versions", i.asset),
                Some(json!({})),
            ),
            ["401", "403", "403", "4xx", "403", "4xx"],
        ),
        // Plain routes behind the session cookie.
        r(
            "GET /content/{id}/file",
            Page("GET", format!("/content/{}/file", i.asset), None),
            ["303", "2xx", "2xx", "2xx", "2xx", "2xx"],
        ),
        r(
            "POST /content/upload",
            Page("POST", "/content/upload".into(), Some(String::new())),
            ["401", "403", "403", "4xx", "403", "4xx"],
        ),
        r(
            "POST /content/{id}/versions",
            Page(
                "POST",
                format!("/content/{}/versions", i.asset),
                Some(String::new()),
            ),
            ["401", "403", "403", "4xx", "403", "4xx"],
        ),
        r(
            "GET /learning/credentials.csv",
            Page("GET", "/learning/credentials.csv".into(), None),
            ["401", "200", "200", "200", "200", "200"],
        ),
        r(
            "GET /learning/xapi.json",
            Page("GET", "/learning/xapi.json".into(), None),
            ["401", "403", "403", "200", "403", "403"],
        ),
        // Last: these change partner A's objects when allowed.
        r(
            "submit_quiz",
            Fn(
                "submit_quiz",
                vec![
                    f("attempt_id", &i.attempt),
                    f("answers[0][question_id]", "0"),
                    f("answers[0][chosen][0]", "0"),
                ],
            ),
            ["401", "200", "404", "403", "403", "403"],
        ),
        r(
            "revoke_token",
            Fn("revoke_token", vec![f("id", &i.token)]),
            ["401", "200", "404", "404", "404", "404"],
        ),
        r(
            "delete_collection",
            Fn("delete_collection", vec![f("id", &i.collection)]),
            ["401", "200", "404", "404", "404", "404"],
        ),
    ]
}

async fn fixtures(app: &TestApp) -> Ids {
    let sam = app.as_user("sam@northwind.example").await;
    let deal_fields = |company: &'static str| {
        vec![
            ("input[company]", company),
            ("input[domain]", "quietdraft.example"),
            ("input[city]", "Berlin"),
            ("input[country]", "de"),
            ("input[contact_name]", "Dana Buyer"),
            ("input[contact_email]", "dana@quietdraft.example"),
            ("input[products]", "Acme Cloud Enterprise"),
            ("input[value]", "48,000.00"),
            ("input[currency]", "EUR"),
            ("input[expected_close]", "2099-06-30"),
            ("input[stage]", "proposal"),
        ]
    };
    let id = |v: &Value| v.as_i64().expect("id").to_string();
    let (_, deal) = app
        .call(&sam, "save_deal_draft", &deal_fields("Submitted Holdings"))
        .await;
    let deal = id(&deal);
    let (status, v) = app.call(&sam, "submit_deal", &[("id", &deal)]).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let (_, draft) = app
        .call(
            &sam,
            "save_deal_draft",
            &deal_fields("Quiet Draft Holdings"),
        )
        .await;
    let (_, bare) = app
        .call(&sam, "save_deal_draft", &[("input[company]", "Bare Draft")])
        .await;
    let member = app
        .scalar(
            "SELECT id FROM users WHERE email = $1",
            "nina@northwind.example",
        )
        .await
        .to_string();
    // An asset every partner sees, uploaded by the vendor's marketer.
    let mk = app.as_user("marketing@acme.example").await;
    let asset = common::upload_pdf(
        app,
        &mk,
        "Everyone's datasheet",
        "datasheet",
        true,
        "for all partners",
    )
    .await
    .to_string();
    let (status, c) = app
        .call(
            &sam,
            "create_collection",
            &[("name", "Sam's picks"), ("asset", &asset)],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{c}");
    let collection = c["id"]
        .as_i64()
        .map(|v| v.to_string())
        .unwrap_or_else(|| id(&c));
    let (status, _) = app.call(&sam, "create_token", &[("name", "sam's")]).await;
    assert_eq!(status, StatusCode::OK);
    let token = app
        .scalar(
            "SELECT MAX(t.id) FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE u.email = $1",
            "sam@northwind.example",
        )
        .await
        .to_string();
    let cam = app.as_user("cam@acme.example").await;
    let (status, view) = app
        .call(
            &cam,
            "start_pipeline_upload",
            &[("file_name", "p.csv"), ("bytes", "100")],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{view}");
    let import = view["id"].as_i64().expect("import id").to_string();
    let dead_job = app::server::jobs::enqueue(
        &app.db.pool,
        "test.dead",
        &json!({}),
        app::server::jobs::Enqueue::default(),
    )
    .await
    .expect("enqueue")
    .expect("job");
    sqlx::query("UPDATE jobs SET state = 'dead', last_error = 'x' WHERE id = $1")
        .bind(dead_job)
        .execute(&app.db.pool)
        .await
        .expect("dead job");
    let course = app
        .scalar("SELECT MIN(id) FROM courses WHERE status = $1", "published")
        .await;
    let lesson = app
        .scalar(
            "SELECT MIN(id) FROM lessons WHERE course_id = CAST($1 AS BIGINT)",
            &course.to_string(),
        )
        .await
        .to_string();
    let sam_c = app::auth::tokens::caller_for_email(&app.db, "sam@northwind.example")
        .await
        .expect("sam");
    let attempt = app::learning::service::start(&app.db, &sam_c, course, app::server::now())
        .await
        .expect("sam's attempt")
        .id
        .to_string();
    let credential: String = sqlx::query_scalar(
        "SELECT id FROM credentials WHERE user_id = $1 AND revoked_at IS NULL ORDER BY issued_at LIMIT 1",
    )
    .bind(sam_c.user_id)
    .fetch_one(&app.db.pool)
    .await
    .expect("sam's credential");
    let nina = app::auth::tokens::caller_for_email(&app.db, "nina@northwind.example")
        .await
        .expect("nina");
    let template = app
        .scalar(
            "SELECT MIN(id) FROM campaign_templates WHERE status = $1",
            "published",
        )
        .await;
    let launch = app::campaigns::sending::launch(
        &app.db,
        &nina,
        template,
        &app::campaigns::LaunchInput {
            contacts: app::campaigns::Recipients::All("all".into()),
            ..Default::default()
        },
        app::server::now(),
    )
    .await
    .expect("Northwind's launch");
    let lead: i64 = sqlx::query_scalar(
        "INSERT INTO leads (org_id, launch_id, template_id, email, name, created_at) \
         VALUES ($1, $2, $3, 'dana@buyer.example', 'Dana Buyer', 0) RETURNING id",
    )
    .bind(nina.org_id)
    .bind(launch)
    .bind(template)
    .fetch_one(&app.db.pool)
    .await
    .expect("a lead");
    let contact: i64 = sqlx::query_scalar("SELECT MIN(id) FROM contacts WHERE org_id = $1")
        .bind(nina.org_id)
        .fetch_one(&app.db.pool)
        .await
        .expect("a contact of Northwind's");
    Ids {
        launch: launch.to_string(),
        lead: lead.to_string(),
        template: template.to_string(),
        contact: contact.to_string(),
        course: course.to_string(),
        lesson,
        attempt,
        credential,
        deal,
        draft: id(&draft),
        bare_draft: id(&bare),
        member,
        asset,
        collection,
        token,
        import,
        dead_job: dead_job.to_string(),
    }
}

async fn every_endpoint_as_every_identity(b: Backend) {
    let app = spawn_app(b).await;
    app.worker.abort();
    let ids = fixtures(&app).await;
    let table = rows(&ids);

    // Completeness: every registered server function and every REST route has a row.
    let covered: BTreeSet<&str> = table.iter().map(|r| r.key).collect();
    let mut missing = Vec::new();
    let registered: Vec<_> = leptos::server_fn::axum::server_fn_paths().collect();
    assert!(
        registered.len() >= 50,
        "server fns found: {}",
        registered.len()
    );
    for (path, _) in registered {
        let name = path.trim_start_matches("/api/");
        if !covered.contains(name) {
            missing.push(name.to_string());
        }
    }
    let (_, doc, _) = api(&app, "GET", "/api/v1/openapi.json", "", None).await;
    for (path, ops) in doc["paths"].as_object().expect("paths") {
        for method in ops.as_object().expect("operations").keys() {
            let key = format!("{} {path}", method.to_uppercase());
            if !covered.contains(key.as_str()) {
                missing.push(key);
            }
        }
    }
    assert!(
        missing.is_empty(),
        "endpoints without a row in the access table: {missing:?}"
    );

    let mut wrong = Vec::new();
    for (n, who) in WHO.iter().enumerate() {
        let session = if who.is_empty() {
            client()
        } else {
            app.as_user(who).await
        };
        let bearer = if who.is_empty() {
            String::new()
        } else {
            token(&app, who).await
        };
        for row in &table {
            let status = match &row.call {
                Call::Fn(name, fields) => {
                    let pairs: Vec<(&str, &str)> =
                        fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                    app.call(&session, name, &pairs).await.0
                }
                Call::FnJson(name, args) => {
                    let res = session
                        .post(app.url(&format!("/api/{name}")))
                        .json(args)
                        .send()
                        .await
                        .expect("server fn");
                    res.status()
                }
                Call::Rest(method, path, body) => {
                    api(&app, method, path, &bearer, body.clone()).await.0
                }
                Call::Page(method, path, body) => {
                    let req = match *method {
                        "GET" => session.get(app.url(path)),
                        _ => session
                            .post(app.url(path))
                            .header("content-type", "application/x-www-form-urlencoded")
                            .body(body.clone().unwrap_or_default()),
                    };
                    req.send().await.expect("request").status()
                }
            };
            let want = row.want[n];
            if !matches(want, status) {
                wrong.push(format!(
                    "{} as {}: want {want}, got {}",
                    row.key,
                    if who.is_empty() { "anonymous" } else { who },
                    status.as_u16()
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} cells differ:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

both_backends!(every_endpoint_as_every_identity);
