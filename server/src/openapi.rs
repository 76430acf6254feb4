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
    info(title = "Trellis API", version = "1", description = "Deal registration, pipeline and the content library for CRM and ERP integrations. Errors are RFC 9457 problem+json."),
    paths(
        crate::api::upsert_pipeline,
        crate::api::check_deal,
        crate::api::list_deals,
        crate::api::create_deal,
        crate::api::get_deal,
        crate::api::decide_deal,
        crate::content::api_list,
        crate::content::api_get,
        crate::content::api_download,
        crate::content::api_upload,
        crate::content::api_version,
    ),
    modifiers(&Bearer)
)]
struct ApiDoc;

pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}
