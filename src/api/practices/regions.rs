//! The practices counted per voivodeship and per category.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::error::ApiError;
use crate::api::extract::{NoParams, Query};
use crate::api::response::{content_type, dataset_answer};
use crate::api::schema::NotModified;
use crate::api::state::AppState;
use crate::live::View;
use crate::practice::Area;

/// A voivodeship with its practice count, as a GeoJSON Feature.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VoivodeshipFeature {
    r#type: &'static str,
    id: &'static str,
    #[schema(value_type = Geometry)]
    geometry: geojson::Geometry,
    properties: VoivodeshipProperties,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VoivodeshipProperties {
    teryt: &'static str,
    name: &'static str,
    name_en: &'static str,
    count: usize,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Voivodeships {
    r#type: &'static str,
    features: Vec<VoivodeshipFeature>,
    attribution: &'static str,
}

/// An area of the vocabulary with its practice count.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Category {
    slug: &'static str,
    name_pl: &'static str,
    name_en: &'static str,
    path_pl: String,
    parent: Option<&'static str>,
    count: usize,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Categories {
    categories: Vec<Category>,
}

/// An answer computed from the snapshot alone and cached with it: `GET` of a
/// resource without parameters.
fn snapshot_answer<T: Serialize>(
    state: &AppState,
    headers: &HeaderMap,
    key: &str,
    content_type: &'static str,
    body: impl FnOnce(&View) -> T,
) -> Result<Response, ApiError> {
    let snapshot = state.live.current();
    dataset_answer(headers, &snapshot, &[key], content_type, || {
        serde_json::to_vec(&body(&snapshot)).map_err(|e| ApiError::Internal(e.to_string()))
    })
}

/// `GET /api/regions/voivodeships`: the 16 outlines with practice counts.
#[utoipa::path(get, path = "/api/regions/voivodeships", tag = "practices", params(NoParams), responses(
    (status = 200, description = "FeatureCollection", body = Voivodeships, content_type = "application/geo+json"),
    NotModified,
))]
pub async fn voivodeships(
    State(state): State<AppState>,
    _: Query<NoParams>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let g = state.gazetteer;
    snapshot_answer(
        &state,
        &headers,
        "voivodeships",
        content_type::GEOJSON,
        |snapshot| {
            let mut counts: HashMap<&str, usize> = HashMap::new();
            for i in snapshot.ids() {
                if let Some(v) = snapshot.voivodeship(i) {
                    *counts.entry(v).or_default() += 1;
                }
            }
            Voivodeships {
                r#type: "FeatureCollection",
                features: g
                    .voivodeships()
                    .map(|v| VoivodeshipFeature {
                        r#type: "Feature",
                        id: v.teryt,
                        geometry: geojson::Geometry::new(geojson::Value::from(v.outline)),
                        properties: VoivodeshipProperties {
                            teryt: v.teryt,
                            name: v.name,
                            name_en: v.name_en,
                            count: counts.get(v.teryt).copied().unwrap_or(0),
                        },
                    })
                    .collect(),
                attribution: "Natural Earth (public domain)",
            }
        },
    )
}

/// `GET /api/categories`: the area vocabulary with practice counts (a parent
/// area counts its subareas too).
#[utoipa::path(get, path = "/api/categories", tag = "practices", params(NoParams), responses(
    (status = 200, description = "Categories", body = Categories),
    NotModified,
))]
pub async fn categories(
    State(state): State<AppState>,
    _: Query<NoParams>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    snapshot_answer(
        &state,
        &headers,
        "categories",
        content_type::JSON,
        |snapshot| {
            let mut counts: HashMap<Area, usize> = HashMap::new();
            for i in snapshot.ids() {
                let area = snapshot.area(i);
                *counts.entry(area).or_default() += 1;
                if let Some(parent) = area.parent() {
                    *counts.entry(parent).or_default() += 1;
                }
            }
            Categories {
                categories: Area::ALL
                    .iter()
                    .map(|a| Category {
                        slug: a.slug(),
                        name_pl: a.name_pl(),
                        name_en: a.name_en(),
                        path_pl: a.path_pl(),
                        parent: a.parent().map(|p| p.slug()),
                        count: counts.get(a).copied().unwrap_or(0),
                    })
                    .collect(),
            }
        },
    )
}
