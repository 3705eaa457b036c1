//! The queryables (`/ogc/collections/practices/queryables`): a JSON Schema
//! of the properties that `/items` filters on as `name=value`, the same list
//! its parameters document.

use axum::response::Response;
use serde::Serialize;
use utoipa::ToSchema;

use super::collections::CollectionDoc;
use super::params::{FormatParams, PropertySchema, queryable_schemas};
use super::shared::{COLLECTION_ID, ogc_json};
use crate::api::error::ApiError;
use crate::api::response::content_type::SCHEMA;

/// Schema members in a fixed order (a JSON object whose member order is
/// the order given).
#[derive(Debug, Clone)]
pub struct Ordered(Vec<(String, PropertySchema)>);

impl Serialize for Ordered {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// The queryables document.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QueryablesDoc {
    #[serde(rename = "$schema")]
    schema: &'static str,
    #[serde(rename = "$id")]
    id: String,
    r#type: &'static str,
    title: &'static str,
    /// Each queryable's JSON Schema.
    #[schema(value_type = Object)]
    properties: Ordered,
    #[serde(rename = "additionalProperties")]
    additional_properties: bool,
}

/// `GET /ogc/collections/{collectionId}/queryables`: a JSON Schema.
#[utoipa::path(get, path = "/collections/practices/queryables", operation_id = "getQueryables", params(FormatParams), responses(
    (status = 200, description = "A JSON Schema of the queryables", body = QueryablesDoc, content_type = "application/schema+json"),
    (status = 400, description = "A bad, unknown or repeated parameter", body = ErrorBody),
))]
pub async fn queryables(CollectionDoc { base }: CollectionDoc) -> Result<Response, ApiError> {
    let mut props = queryable_schemas();
    // The location last but one, the town (a string) last.
    let town = props.pop();
    props.push((
        "geometry".into(),
        PropertySchema {
            format: Some("geometry-point"),
            title: "Location (CRS84)".into(),
            ..PropertySchema::default()
        },
    ));
    props.extend(town);
    ogc_json(
        &QueryablesDoc {
            schema: "https://json-schema.org/draft/2019-09/schema",
            id: format!("{base}/ogc/collections/{COLLECTION_ID}/queryables"),
            r#type: "object",
            title: "Dobre praktyki samorządowe",
            properties: Ordered(props),
            additional_properties: false,
        },
        SCHEMA,
    )
}
