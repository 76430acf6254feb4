//! What each REST operation accepts, precisely: required fields, closed sets as enums (taken
//! from the domain's own code lists, so they cannot drift), the lengths the services check,
//! and the cross-field rules a schema can state. Written over the handlers' generated
//! request schemas by [`crate::openapi::document`].

use app::content::{AssetKind, LANGUAGES};
use app::domain::{Currency, DealStage, DealStatus, PartnerType, Region, Tier};
use serde_json::{Value, json};

/// No control characters (tab, line feed and carriage return aside): the edge refuses them.
pub const NO_CONTROLS: &str = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$";
/// As [`NO_CONTROLS`], and not blank: the services trim and then require something.
const NON_BLANK: &str = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$";

fn text(max: usize) -> Value {
    json!({ "type": "string", "maxLength": max, "pattern": NO_CONTROLS })
}

fn required_text(max: usize) -> Value {
    json!({ "type": "string", "minLength": 1, "maxLength": max, "pattern": NON_BLANK })
}

/// One line: no control characters at all (pipeline columns, like CSV cells).
const ONE_LINE: &str = "^[^\\u0000-\\u001F\\u007F-\\u009F]*$";
const ONE_LINE_NON_BLANK: &str = "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$";

fn line(max: usize) -> Value {
    json!({ "type": "string", "maxLength": max, "pattern": ONE_LINE })
}

fn required_line(max: usize) -> Value {
    json!({ "type": "string", "minLength": 1, "maxLength": max, "pattern": ONE_LINE_NON_BLANK })
}

fn any_text() -> Value {
    json!({ "type": "string", "pattern": NO_CONTROLS })
}

/// A closed set, optionally allowing the empty string for "any".
fn one_of<'a>(codes: impl IntoIterator<Item = &'a str>, empty: bool) -> Value {
    let mut all: Vec<&str> = codes.into_iter().collect();
    if empty {
        all.insert(0, "");
    }
    json!({ "type": "string", "enum": all })
}

/// A JSON object of exactly these properties: the handlers refuse unknown ones.
fn object(properties: Value, required: &[&str]) -> Value {
    json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    })
}

/// Pipeline columns: single-line cells with the CSV import's own limits; the external id
/// and the company are required.
fn record_properties() -> serde_json::Map<String, Value> {
    app::deals::csv::CELL_LIMITS
        .iter()
        .map(|(column, max)| {
            let schema = if matches!(*column, "external_id" | "company") {
                required_line(*max)
            } else {
                line(*max)
            };
            (column.to_string(), schema)
        })
        .collect()
}

fn pipeline_batch() -> Value {
    let record = record_properties();
    json!({
        "type": "object",
        "required": ["records"],
        "additionalProperties": false,
        "properties": {
            "records": {
                "type": "array",
                "maxItems": app::deals::rest::MAX_BATCH,
                "description": "external_id must be unique within a batch (a repeat answers 409)",
                "items": object(Value::Object(record), &["external_id", "company"]),
            }
        }
    })
}

fn deal_check() -> Value {
    // The check never refuses a long value; it just finds nothing for it.
    let c: serde_json::Map<String, Value> = app::deals::csv::CELL_LIMITS
        .iter()
        .filter(|(column, _)| *column != "external_id")
        .map(|(column, _)| {
            let schema = if *column == "company" {
                json!({ "type": "string", "minLength": 1, "pattern": NON_BLANK })
            } else {
                any_text()
            };
            (column.to_string(), schema)
        })
        .collect();
    object(Value::Object(c), &["company"])
}

fn new_deal() -> Value {
    let mut props: serde_json::Map<String, Value> = app::deals::validate::TEXT_LIMITS
        .iter()
        .map(|(field, max)| (field.to_string(), text(*max)))
        .collect();
    let Value::Object(others) = json!({
        "company": { "type": "string", "minLength": 2, "maxLength": 200, "pattern": NON_BLANK },
        "domain": { "type": "string", "description": "a registrable domain or website", "pattern": NO_CONTROLS },
        "country": { "type": "string", "description": "ISO 3166 alpha-2, e.g. DE", "pattern": "^[ \\t\\r\\n]*([A-Za-z]{2}[ \\t\\r\\n]*)?$" },
        "phone": { "type": "string", "description": "7 to 15 digits; spaces and + - ( ) . / allowed", "pattern": "^[0-9 +\\-()./]*$" },
        "contact_email": { "type": "string", "description": "an email address", "pattern": NO_CONTROLS },
        "value": { "type": "string", "description": "a decimal amount, e.g. \"48000.00\"", "pattern": NO_CONTROLS },
        "currency": one_of(Currency::ALL.iter().map(|c| c.code()), true),
        "expected_close": { "type": "string", "description": "YYYY-MM-DD", "pattern": NO_CONTROLS },
        "stage": one_of(DealStage::ALL.iter().map(|s| s.code()), true),
        "cosell": { "type": "boolean" },
        "draft": { "type": "boolean", "description": "save as a draft instead of submitting" },
    }) else {
        unreachable!("a JSON object literal")
    };
    props.extend(others);
    json!({
        "type": "object",
        "additionalProperties": false,
        "description": "Partner tokens only. Unless `draft`, the registration is submitted and must \
            be complete: company, country, contact_name, products, value, expected_close (not in \
            the past) and a domain or contact_email; otherwise 422 names each field and the draft \
            is kept.",
        "required": ["company"],
        "properties": props,
    })
}

fn decision() -> Value {
    let reason_needed =
        json!({ "type": "string", "minLength": 1, "maxLength": 2000, "pattern": NON_BLANK });
    json!({
        "oneOf": [
            object(json!({
                "decision": { "type": "string", "enum": ["approve"] },
                "reason": text(2000),
            }), &["decision"]),
            object(json!({
                "decision": { "type": "string", "enum": ["reject", "request_info"] },
                "reason": reason_needed,
            }), &["decision", "reason"]),
        ]
    })
}

/// A revocation: the reason is required and kept by the issuer.
fn revocation() -> Value {
    object(
        json!({
            "reason": { "type": "string", "minLength": 1, "maxLength": app::learning::awards::MAX_REASON, "pattern": NON_BLANK },
        }),
        &["reason"],
    )
}

fn issuance() -> Value {
    object(
        json!({
            "certification_id": { "type": "integer", "format": "int64", "minimum": 1 },
            "holder_email": required_text(320),
        }),
        &["certification_id", "holder_email"],
    )
}

/// The metadata fields of an upload, as multipart parts. Lists are comma-separated or
/// repeated parts.
fn upload(with_metadata: bool) -> Value {
    let mut props = serde_json::Map::new();
    props.insert(
        "file".into(),
        json!({ "type": "string", "format": "binary", "description": "PDF, Office, image, video or ZIP; the type is checked by the first bytes" }),
    );
    if !with_metadata {
        return json!({
            "type": "object",
            "properties": props,
            "required": ["file"],
            "propertyNames": { "pattern": ONE_LINE },
        });
    }
    let list = |codes: Vec<&str>| json!({ "type": "string", "description": format!("comma-separated, each one of: {}", codes.join(", ")), "pattern": NO_CONTROLS });
    let Value::Object(meta) = json!({
        "title": required_text(200),
        "kind": one_of(AssetKind::ALL.iter().map(|k| k.code()), false),
        "description": text(4000),
        "products": { "type": "string", "description": "comma-separated, at most 20 of at most 60 characters", "pattern": NO_CONTROLS },
        "tags": { "type": "string", "description": "comma-separated, at most 20 of at most 60 characters", "pattern": NO_CONTROLS },
        "stages": list(DealStage::ALL.iter().map(|s| s.code()).collect()),
        "partner_types": list(PartnerType::ALL.iter().map(|s| s.code()).collect()),
        "tiers": list(Tier::ALL.iter().map(|s| s.code()).collect()),
        "regions": list(Region::ALL.iter().map(|s| s.code()).collect()),
        "language": one_of(LANGUAGES, true),
        "link_url": { "type": "string", "description": "an http(s) URL, for a link instead of a file", "pattern": NO_CONTROLS },
        "expires_on": { "type": "string", "description": "YYYY-MM-DD", "pattern": NO_CONTROLS },
        "published": one_of(app::content::http::PUBLISHED_VALUES, false),
    }) else {
        unreachable!("a JSON object literal")
    };
    props.extend(meta);
    // Parts may come in any order; parts of other names are ignored. A file or a link.
    json!({
        "type": "object",
        "properties": props,
        "required": ["title", "kind"],
        "anyOf": [{ "required": ["file"] }, { "required": ["link_url"] }],
        "propertyNames": { "pattern": ONE_LINE },
    })
}

fn set_body(doc: &mut Value, path: &str, method: &str, content_type: &str, schema: Value) {
    let pointer = format!("/paths/{}/{method}/requestBody", path.replace('/', "~1"));
    if let Some(body) = doc.pointer_mut(&pointer) {
        *body = json!({ "required": true, "content": { content_type: { "schema": schema } } });
    }
}

/// Replaces the schema of a path parameter of a GET route.
fn set_path_param(doc: &mut Value, path: &str, name: &str, schema: Value) {
    let pointer = format!("/paths/{}/get/parameters", path.replace('/', "~1"));
    if let Some(params) = doc.pointer_mut(&pointer).and_then(Value::as_array_mut) {
        for p in params
            .iter_mut()
            .filter(|p| p["in"] == "path" && p["name"] == name)
        {
            p["schema"] = schema.clone();
        }
    }
}

/// A campaign template as `TemplateInput` reads it (unknown fields are refused).
fn template() -> Value {
    let codes = |max: usize| json!({ "type": "array", "maxItems": 20, "items": line(max) });
    object(
        json!({
            "name": required_line(160),
            "description": text(2_000),
            "language": { "type": "string", "enum": ["en", "de"] },
            "partner_types": codes(40),
            "tiers": codes(40),
            "regions": codes(40),
            "editable": { "type": "array", "maxItems": 20, "items": object(json!({
                "name": line(40), "label": line(100), "default": text(5_000),
                "max_len": { "type": "integer", "minimum": 0, "maximum": 5_000 },
            }), &[]) },
            "touches": { "type": "array", "maxItems": 10, "items": object(json!({
                "subject": line(200), "delay_days": line(10), "mjml": text(100_000),
            }), &[]) },
            "landing_title": line(160),
            "landing_body": text(20_000),
            "social_posts": { "type": "array", "maxItems": 10, "items": object(json!({
                "text": text(1_000), "image_url": line(500), "link": line(500),
            }), &[]) },
            "publish": { "type": "boolean" },
            "translation_of": { "type": ["integer", "null"], "minimum": 1, "maximum": 9_007_199_254_740_991_i64 },
            "approval_required": { "type": "boolean" },
            "one_pager_title": line(120),
            "one_pager_body": text(3_000),
        }),
        &["name", "language", "touches", "landing_title"],
    )
}

/// A brand kit as `BrandKit` reads it.
fn brand_kit() -> Value {
    object(
        json!({
            "display_name": line(100), "logo_url": line(500), "primary_color": line(7),
            "postal_address": text(300), "phone": line(40), "website": line(300),
            "sender_name": line(100), "sender_email": line(254), "signature": text(1_000),
        }),
        &[],
    )
}

/// A decision on a launch waiting for approval: sending back needs a note.
fn launch_review() -> Value {
    json!({
        "oneOf": [
            object(json!({
                "approve": { "type": "boolean", "enum": [true] },
                "note": text(2_000),
            }), &["approve"]),
            object(json!({
                "approve": { "type": "boolean", "enum": [false] },
                "note": { "type": "string", "minLength": 1, "maxLength": 2_000, "pattern": NON_BLANK },
            }), &["approve", "note"]),
        ]
    })
}

/// A launch: every contact, or the listed ones.
fn launch() -> Value {
    object(
        json!({
            "contacts": { "oneOf": [
                { "type": "string", "enum": ["all"] },
                { "type": "array", "minItems": 1, "maxItems": 1000, "items": { "type": "integer", "minimum": 1, "maximum": 9_007_199_254_740_991_i64 } },
            ] },
            "regions": { "type": "object", "maxProperties": 20, "propertyNames": { "type": "string", "pattern": "^[a-z0-9_]{1,40}$" }, "additionalProperties": text(5_000) },
            "starts_at": { "type": "integer", "minimum": 0, "maximum": 9_999_999_999_i64 },
            "list": { "type": "string", "maxLength": 40, "pattern": "^[^,\\u0000-\\u001F\\u007F-\\u009F]*$" },
            "track_opens": { "type": "boolean" },
        }),
        &["contacts"],
    )
}

fn set_query(doc: &mut Value, path: &str, params: &[(&str, Value)]) {
    let pointer = format!("/paths/{}/get/parameters", path.replace('/', "~1"));
    let kept: Vec<Value> = doc
        .pointer(&pointer)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter(|p| p["in"] != "query" && !params.iter().any(|(n, _)| p["name"] == *n))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    let mut all = kept;
    for (name, schema) in params {
        all.push(json!({ "in": "query", "name": name, "required": false, "schema": schema }));
    }
    if let Some(slot) = doc.pointer_mut(&pointer) {
        *slot = Value::Array(all);
    }
}

/// Writes the precise request schemas over the generated ones.
pub fn apply(doc: &mut Value) {
    set_body(
        doc,
        "/api/v1/pipeline",
        "post",
        "application/json",
        pipeline_batch(),
    );
    set_body(
        doc,
        "/api/v1/deal-checks",
        "post",
        "application/json",
        deal_check(),
    );
    set_body(doc, "/api/v1/deals", "post", "application/json", new_deal());
    set_body(
        doc,
        "/api/v1/deals/{id}/decision",
        "post",
        "application/json",
        decision(),
    );
    set_body(
        doc,
        "/api/v1/credentials/{id}/revoke",
        "post",
        "application/json",
        revocation(),
    );
    set_body(
        doc,
        "/api/v1/credentials",
        "post",
        "application/json",
        issuance(),
    );
    set_body(
        doc,
        "/api/v1/campaigns",
        "post",
        "application/json",
        template(),
    );
    set_body(
        doc,
        "/api/v1/brand-kit",
        "post",
        "application/json",
        brand_kit(),
    );
    set_body(
        doc,
        "/api/v1/campaigns/{id}/launches",
        "post",
        "application/json",
        launch(),
    );
    set_body(
        doc,
        "/api/v1/launches/{id}/review",
        "post",
        "application/json",
        launch_review(),
    );
    // Numbers that name something: any integer (one too large for 64 bits is a 400).
    let id = json!({ "type": "integer" });
    set_query(
        doc,
        "/api/v1/campaigns/{id}/one-pager.pdf",
        &[
            ("launch", id.clone()),
            (
                "as_partner",
                json!({ "type": "string", "pattern": "^[a-z0-9-]{0,80}$" }),
            ),
        ],
    );
    set_query(doc, "/api/v1/credentials", &[("partner_id", id.clone())]);
    set_query(doc, "/api/v1/enrolments", &[("user_id", id.clone())]);
    set_query(doc, "/api/v1/leads/events", &[("after", id)]);
    set_path_param(
        doc,
        "/credentials/status/{list}",
        "list",
        json!({ "type": "string", "pattern": "^[0-9]{1,9}$" }),
    );
    set_body(
        doc,
        "/api/v1/content",
        "post",
        "multipart/form-data",
        upload(true),
    );
    set_body(
        doc,
        "/api/v1/content/{id}/versions",
        "post",
        "multipart/form-data",
        upload(false),
    );
    let mut statuses: Vec<&str> = vec!["queue"];
    statuses.extend(DealStatus::ALL.iter().map(|s| s.code()));
    set_query(
        doc,
        "/api/v1/deals",
        &[("q", text(100)), ("status", one_of(statuses, true))],
    );
    set_query(
        doc,
        "/api/v1/content",
        &[
            ("q", text(200)),
            (
                "kind",
                one_of(AssetKind::ALL.iter().map(|k| k.code()), true),
            ),
            (
                "stage",
                one_of(DealStage::ALL.iter().map(|s| s.code()), true),
            ),
            ("product", text(60)),
            ("language", one_of(LANGUAGES, true)),
        ],
    );
    if let Some(map) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for stale in ["Decision", "NewDeal", "PipelineBatch"] {
            map.remove(stale);
        }
    }
}
