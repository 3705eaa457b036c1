//! `GET /api/openapi.json`: the OpenAPI 3.0 document of `/api`, `/photon` and
//! `/nominatim`, assembled from what each protocol folder describes. (`/ogc`
//! has its own document at `/ogc/api`.)

use axum::response::Response;
use serde_json::Value;

use super::error::ApiError;
use super::response::{CachePolicy, content_type, json};

/// A closed object schema: these members, the `required` ones always, and
/// no others, as a serde type writes them.
pub fn closed(required: &[&str], properties: Value) -> Value {
    serde_json::json!({"type": "object", "additionalProperties": false, "required": required, "properties": properties})
}

/// The whole document.
pub fn document() -> Value {
    let mut doc = super::practices::openapi::document();
    for (path, item) in super::geocoding::openapi::paths() {
        doc["paths"][path] = item;
    }
    for (name, schema) in super::geocoding::openapi::schemas() {
        doc["components"]["schemas"][name] = schema;
    }
    doc
}

/// `GET /api/openapi.json`.
pub async fn openapi() -> Result<Response, ApiError> {
    json(&document(), content_type::JSON, CachePolicy::Gazetteer)
}
