//! The OpenAPI 3.1 document of REST API v1, generated from the handlers' annotations.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

struct Bearer;

impl Modify for Bearer {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Trellis API", version = "1", description = "Deal registration, pipeline, the content library, learning and credentials for CRM and ERP integrations. Errors are RFC 9457 problem+json."),
    paths(
        app::deals::rest::upsert_pipeline,
        app::deals::rest::check_deal,
        app::deals::rest::list_deals,
        app::deals::rest::create_deal,
        app::deals::rest::get_deal,
        app::deals::rest::decide_deal,
        app::content::routes::api_list,
        app::content::routes::api_get,
        app::content::routes::api_download,
        app::content::routes::api_upload,
        app::content::routes::api_version,
        app::learning::rest::list_courses,
        app::learning::rest::list_credentials,
        app::learning::rest::revoke,
        app::learning::rest::issue,
        app::learning::rest::list_certifications,
        app::learning::rest::list_enrolments,
        app::learning::rest::list_paths,
        app::learning::rest::assigned_paths,
        app::campaigns::rest::list_templates,
        app::campaigns::rest::create_template,
        app::campaigns::rest::get_template,
        app::campaigns::rest::get_stats,
        app::campaigns::rest::launch,
        app::campaigns::rest::get_launch,
        app::campaigns::rest::review_launch,
        app::campaigns::one_pager::api,
        app::campaigns::rest::list_contacts,
        app::campaigns::rest::create_contact,
        app::campaigns::rest::get_contact,
        app::campaigns::rest::update_contact,
        app::campaigns::rest::delete_contact,
        app::campaigns::rest::import_contacts,
        app::campaigns::rest::get_brand_kit,
        app::campaigns::rest::save_brand_kit,
        app::campaigns::logo::api_upload,
        app::campaigns::rest::list_leads,
        app::campaigns::rest::lead_events,
        app::campaigns::rest::convert_lead,
        app::learning::rest::status_list,
    ),
    modifiers(&Bearer)
)]
struct ApiDoc;

/// The document as served. The handlers' annotations give each route its own answers;
/// what every route can also answer is added here, in one place, so the document tells the
/// truth about all of them:
/// - the errors any route can give (400 malformed or control characters, 401, 403, 404,
///   413, 422, 429), each as RFC 9457 `application/problem+json`;
/// - error responses are problem+json, never plain JSON;
/// - text in parameters and bodies may not hold control characters (tab, line feed and
///   carriage return aside), which the server refuses at the edge.
pub fn document() -> serde_json::Value {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
    crate::api_schemas::apply(&mut doc);
    let problem = serde_json::json!({
        "type": "object",
        "required": ["type", "title", "status"],
        "properties": {
            "type": { "type": "string" },
            "title": { "type": "string" },
            "status": { "type": "integer" },
            "detail": { "type": "string" },
            "errors": { "type": "object", "additionalProperties": { "type": "array", "items": { "type": "string" } } },
            "rows": { "type": "array", "items": { "type": "object" } }
        }
    });
    if let Some(paths) = doc.get_mut("paths").and_then(|p| p.as_object_mut()) {
        for ops in paths.values_mut().filter_map(|o| o.as_object_mut()) {
            for op in ops.values_mut().filter_map(|o| o.as_object_mut()) {
                document_errors(op, &problem);
                if let Some(params) = op.get_mut("parameters") {
                    forbid_controls(params);
                }
                if let Some(body) = op.get_mut("requestBody") {
                    forbid_controls(body);
                }
            }
        }
    }
    if let Some(schemas) = doc.pointer_mut("/components/schemas") {
        forbid_controls(schemas);
    }
    doc
}

/// Statuses every operation may answer besides its own.
const COMMON_ERRORS: [(&str, &str); 8] = [
    (
        "400",
        "the request could not be read, or holds control characters",
    ),
    ("401", "a valid bearer token is required"),
    ("403", "this token's role may not do that"),
    ("404", "no such resource, or not visible to this token"),
    ("413", "the request body is too large"),
    ("415", "the body is not of the type the route takes"),
    ("422", "the request has invalid fields"),
    ("429", "rate limit exceeded; see Retry-After"),
];

fn document_errors(
    op: &mut serde_json::Map<String, serde_json::Value>,
    problem: &serde_json::Value,
) {
    let responses = op
        .entry("responses")
        .or_insert_with(|| serde_json::json!({}));
    let Some(responses) = responses.as_object_mut() else {
        return;
    };
    let as_problem = |description: &str| {
        serde_json::json!({
            "description": description,
            "content": { "application/problem+json": { "schema": problem } }
        })
    };
    for (status, response) in responses.iter_mut() {
        if status.starts_with('4') || status.starts_with('5') {
            let description = response
                .get("description")
                .and_then(|d| d.as_str())
                .unwrap_or("an error")
                .to_string();
            *response = as_problem(&description);
        }
    }
    for (status, description) in COMMON_ERRORS {
        responses
            .entry(status)
            .or_insert_with(|| as_problem(description));
    }
}

/// Adds the no-control-characters pattern to every string schema under `v` that has no
/// pattern or format of its own.
fn forbid_controls(v: &mut serde_json::Value) {
    use crate::api_schemas::NO_CONTROLS;
    match v {
        serde_json::Value::Object(map) => {
            let is_string = map.get("type").is_some_and(|t| {
                t == "string"
                    || t.as_array()
                        .is_some_and(|a| a.iter().any(|x| x == "string"))
            });
            if is_string
                && !map.contains_key("pattern")
                && !map.contains_key("format")
                && !map.contains_key("enum")
            {
                map.insert("pattern".into(), NO_CONTROLS.into());
            }
            for child in map.values_mut() {
                forbid_controls(child);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(forbid_controls),
        _ => {}
    }
}
