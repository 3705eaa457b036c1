//! The landing page (`/ogc`) and the conformance classes (`/ogc/conformance`).

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Serialize;
use utoipa::ToSchema;

use super::params::{FormatParams, JsonOnly};
use super::shared::{CONFORMANCE, CONFORMANCE_WRITES, Link, base_url, link, ogc_json};
use crate::api::error::ApiError;
use crate::api::response::content_type::{JSON, OPENAPI};
use crate::api::response::{CachePolicy, json as json_response};
use crate::api::state::AppState;
use crate::api::writes::Writable;

/// The landing page.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Landing {
    title: &'static str,
    description: &'static str,
    links: Vec<Link>,
}

/// `GET /ogc`: the landing page.
#[utoipa::path(get, path = "/", operation_id = "getLandingPage", params(FormatParams), responses(
    (status = 200, description = "The landing page", body = Landing),
    (status = 400, description = "A bad, unknown or repeated parameter", body = ErrorBody),
))]
pub async fn landing(
    State(state): State<AppState>,
    _: JsonOnly,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let b = format!("{}/ogc", base_url(&headers, state.config.trust_forwarded));
    ogc_json(
        &Landing {
            title: "Mapa dobrych praktyk samorządowych",
            description: "Good practices of Polish local governments as OGC API – Features (one collection: practices).",
            links: vec![
                link(b.clone(), "self", JSON, "This document"),
                link(
                    format!("{b}/api"),
                    "service-desc",
                    OPENAPI,
                    "The API definition (OpenAPI 3.0)",
                ),
                link(
                    format!("{b}/conformance"),
                    "conformance",
                    JSON,
                    "Conformance classes implemented",
                ),
                link(format!("{b}/collections"), "data", JSON, "The collections"),
            ],
        },
        JSON,
    )
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Conformance<'a> {
    #[serde(rename = "conformsTo")]
    #[schema(value_type = Vec<String>)]
    conforms_to: &'a [&'static str],
}

/// `GET /ogc/conformance`.
#[utoipa::path(get, path = "/conformance", operation_id = "getConformance", params(FormatParams), responses(
    (status = 200, description = "The conformance classes", body = Conformance),
    (status = 400, description = "A bad, unknown or repeated parameter", body = ErrorBody),
))]
pub async fn conformance(
    _: JsonOnly,
    writable: Option<axum::Extension<Writable>>,
) -> Result<Response, ApiError> {
    let mut classes: Vec<&str> = CONFORMANCE.to_vec();
    if writable.is_some() {
        classes.extend(CONFORMANCE_WRITES);
    }
    json_response(
        &Conformance {
            conforms_to: &classes,
        },
        JSON,
        CachePolicy::Gazetteer,
    )
}
