//! Regions, categories, page configuration and health.

use std::collections::HashMap;

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{Value, json};

use super::{DEFAULT_LIMIT, MAX_LIMIT};
use crate::api::AppState;
use crate::api::error::ApiError;
use crate::api::extract::Params;
use crate::api::response::{content_type, dataset_answer};
use crate::practice::Area;

/// `GET /api/regions/voivodeships`: the 16 outlines with practice counts.
pub async fn voivodeships(
    State(state): State<AppState>,
    params: Params,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    params.only(&[])?;
    let snapshot = state.snapshot.load();
    dataset_answer(
        &headers,
        &snapshot,
        &["voivodeships"],
        content_type::GEOJSON,
        || {
            let mut counts: HashMap<&str, usize> = HashMap::new();
            for i in 0..snapshot.len() as u32 {
                if let Some(v) = snapshot.voivodeship(i) {
                    *counts.entry(v).or_default() += 1;
                }
            }
            let features: Vec<Value> = state
                .gazetteer
                .voivodeships()
                .map(|v| {
                    let geometry = geojson::Geometry::new(geojson::Value::from(v.outline));
                    json!({
                        "type": "Feature",
                        "id": v.teryt,
                        "geometry": geometry,
                        "properties": {
                            "teryt": v.teryt,
                            "name": v.name,
                            "name_en": v.name_en,
                            "count": counts.get(v.teryt).copied().unwrap_or(0),
                        },
                    })
                })
                .collect();
            serde_json::to_vec(&json!({
                "type": "FeatureCollection",
                "features": features,
                "attribution": "Natural Earth (public domain)",
            }))
            .map_err(|e| ApiError::Internal(e.to_string()))
        },
    )
}

/// `GET /api/categories`: the area vocabulary with practice counts (a parent
/// area counts its subareas too).
pub async fn categories(
    State(state): State<AppState>,
    params: Params,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    params.only(&[])?;
    let snapshot = state.snapshot.load();
    dataset_answer(
        &headers,
        &snapshot,
        &["categories"],
        content_type::JSON,
        || {
            let mut counts: HashMap<Area, usize> = HashMap::new();
            for i in 0..snapshot.len() as u32 {
                let area = snapshot.area(i);
                *counts.entry(area).or_default() += 1;
                if let Some(parent) = area.parent() {
                    *counts.entry(parent).or_default() += 1;
                }
            }
            let cats: Vec<Value> = Area::ALL
                .iter()
                .map(|a| {
                    json!({
                        "slug": a.slug(),
                        "name_pl": a.name_pl(),
                        "name_en": a.name_en(),
                        "path_pl": a.path_pl(),
                        "parent": a.parent().map(|p| p.slug()),
                        "count": counts.get(a).copied().unwrap_or(0),
                    })
                })
                .collect();
            serde_json::to_vec(&json!({ "categories": cats }))
                .map_err(|e| ApiError::Internal(e.to_string()))
        },
    )
}

/// `GET /api/config`: what the map page needs to know at start-up, including
/// the dataset's size (which decides whether it loads every practice or asks
/// for server clusters).
pub async fn config(State(state): State<AppState>) -> Json<Value> {
    Json(json!({
        "tile_url": state.config.tile_url,
        "tile_attribution": state.config.tile_attribution,
        "default_limit": DEFAULT_LIMIT,
        "max_limit": MAX_LIMIT,
        "practices": state.snapshot.load().len(),
    }))
}

/// `GET /healthz`: liveness with dataset counts.
pub async fn healthz(State(state): State<AppState>) -> Json<Value> {
    let s = state.snapshot.load();
    Json(json!({
        "status": "ok",
        "practices": s.len(),
        "placed": s.index().len(),
        "localities": state.gazetteer.locality_count(),
    }))
}
