//! `/api/geocode` and `/api/reverse`: the gazetteer over HTTP.

use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::error::ApiError;
use super::params::Params;
use super::{AppState, gazetteer_json};
use crate::gazetteer::{Candidate, GeocodeQuery};
use crate::geojson::{round_km, round6};

fn geo_json(v: Value) -> Response {
    gazetteer_json(v, "application/geo+json")
}

/// A geocoder candidate as a GeoJSON Feature.
pub fn candidate_feature(c: &Candidate, rank: usize) -> Value {
    let mut props = Map::new();
    props.insert("rank".into(), json!(rank));
    props.insert("name".into(), json!(c.name));
    props.insert("precision".into(), json!(c.precision));
    props.insert("score".into(), json!((c.score * 1000.0).round() / 1000.0));
    props.insert("postal_code".into(), json!(c.postal_code));
    props.insert("gmina".into(), json!(c.admin.gmina));
    props.insert("powiat".into(), json!(c.admin.powiat));
    props.insert("voivodeship".into(), json!(c.admin.voivodeship));
    props.insert("population".into(), json!(c.population));
    json!({
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round6(c.lon), round6(c.lat)]},
        "properties": props,
    })
}

/// `GET /api/geocode?q=` (or `postal_code`, `town`, `gmina`, `powiat`,
/// `voivodeship`, and `limit`): ranked candidates as a FeatureCollection.
pub async fn geocode(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let run = || -> Result<Value, ApiError> {
        let p = Params::parse(
            raw.as_deref(),
            &[
                "q",
                "postal_code",
                "town",
                "gmina",
                "powiat",
                "voivodeship",
                "limit",
            ],
        )?;
        let q = GeocodeQuery {
            text: p.str("q").map(str::to_string),
            postal_code: p.str("postal_code").map(str::to_string),
            town: p.str("town").map(str::to_string),
            gmina: p.str("gmina").map(str::to_string),
            powiat: p.str("powiat").map(str::to_string),
            voivodeship: p.str("voivodeship").map(str::to_string),
        };
        if q == GeocodeQuery::default() {
            return Err(ApiError::invalid(
                "q",
                "give q, or one of postal_code, town, gmina, powiat, voivodeship",
            ));
        }
        let limit = p.int("limit", 1, 10)?.unwrap_or(10) as usize;
        let r = state
            .gazetteer
            .geocode(&q)
            .map_err(|e| ApiError::geocode("q", e))?;
        let features: Vec<Value> = r
            .candidates
            .iter()
            .take(limit)
            .enumerate()
            .map(|(i, c)| candidate_feature(c, i + 1))
            .collect();
        Ok(json!({
            "type": "FeatureCollection",
            "query": q,
            "features": features,
        }))
    };
    match run() {
        Ok(v) => geo_json(v),
        Err(e) => e.into_response(),
    }
}

/// `GET /api/reverse?lat=&lon=`: the nearest locality and its admin chain.
pub async fn reverse(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let run = || -> Result<Value, ApiError> {
        let p = Params::parse(raw.as_deref(), &["lat", "lon"])?;
        let (lat, lon) = p.lat_lon()?;
        let r = state
            .gazetteer
            .reverse(crate::geo_util::LonLat::new(lon, lat))
            .map_err(|e| ApiError::geocode("lat,lon", e))?;
        Ok(json!({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round6(r.locality_lon), round6(r.locality_lat)]},
            "properties": {
                "name": r.name,
                "distance_km": round_km(r.distance_km),
                "postal_code": r.postal_code,
                "gmina": r.admin.gmina,
                "powiat": r.admin.powiat,
                "voivodeship": r.admin.voivodeship,
                "query": {"lat": lat, "lon": lon},
            },
        }))
    };
    match run() {
        Ok(v) => geo_json(v),
        Err(e) => e.into_response(),
    }
}
