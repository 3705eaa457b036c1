//! `/api/geocode` and `/api/reverse`: the gazetteer over HTTP.

use axum::extract::State;
use axum::response::Response;
use serde::Serialize;

use super::params::{GeocodeParams, MAX_CANDIDATES, ReverseParams};
use crate::api::error::ApiError;
use crate::api::response::{CachePolicy, content_type, json};
use crate::api::state::AppState;
use crate::api::values::required_point;
use crate::gazetteer::{AdminRef, Candidate, GeocodeQuery, Precision};
use crate::geo_util::LonLat;
use crate::geojson::{round_km, round6};

/// A GeoJSON Point.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Point {
    r#type: &'static str,
    coordinates: [f64; 2],
}

impl Point {
    /// The point of `lon`, `lat`, rounded to six decimals.
    pub fn new(lon: f64, lat: f64) -> Point {
        Point {
            r#type: "Point",
            coordinates: [round6(lon), round6(lat)],
        }
    }
}

/// A GeoJSON Feature with typed properties.
#[derive(Debug, Serialize)]
pub struct Feature<P> {
    r#type: &'static str,
    geometry: Point,
    properties: P,
}

impl<P> Feature<P> {
    /// A point feature.
    pub fn new(geometry: Point, properties: P) -> Feature<P> {
        Feature {
            r#type: "Feature",
            geometry,
            properties,
        }
    }
}

/// The properties of a geocoder candidate.
#[derive(Debug, Serialize)]
pub struct CandidateProperties<'a> {
    rank: usize,
    name: &'a str,
    /// `locality`, `district`, `gmina`, `powiat` or `voivodeship`.
    kind: crate::gazetteer::PlaceKind,
    /// For a district, the town it lies in.
    #[serde(skip_serializing_if = "Option::is_none")]
    town: Option<&'a str>,
    precision: Precision,
    score: f64,
    postal_code: Option<&'a str>,
    gmina: &'a Option<AdminRef>,
    powiat: &'a Option<AdminRef>,
    voivodeship: &'a Option<AdminRef>,
    population: Option<u32>,
}

/// A geocoder candidate as a GeoJSON Feature.
pub fn candidate_feature(c: &Candidate, rank: usize) -> Feature<CandidateProperties<'_>> {
    Feature::new(
        Point::new(c.lon, c.lat),
        CandidateProperties {
            rank,
            name: &c.name,
            kind: c.kind,
            town: c.town.as_deref(),
            precision: c.precision,
            score: (c.score * 1000.0).round() / 1000.0,
            postal_code: c.postal_code.as_deref(),
            gmina: &c.admin.gmina,
            powiat: &c.admin.powiat,
            voivodeship: &c.admin.voivodeship,
            population: c.population,
        },
    )
}

#[derive(Serialize)]
struct Candidates<'a> {
    r#type: &'static str,
    query: &'a GeocodeQuery,
    features: Vec<Feature<CandidateProperties<'a>>>,
}

/// `GET /api/geocode?q=` (or `postal_code`, `town`, `gmina`, `powiat`,
/// `voivodeship`, and `limit`): ranked candidates as a FeatureCollection.
#[utoipa::path(get, path = "/api/geocode", tag = "geocoding", params(GeocodeParams), responses(
    (status = 200, description = "Candidates", body = Object, content_type = "application/geo+json"),
    (status = 400, description = "Bad input", body = ErrorBody),
    (status = 404, description = "Nothing found (or nothing in the named region)", body = ErrorBody),
))]
pub async fn geocode(
    State(state): State<AppState>,
    p: GeocodeParams,
) -> Result<Response, ApiError> {
    let p = p.params;
    let q = GeocodeQuery {
        text: p.q,
        postal_code: p.postal_code,
        town: p.town,
        gmina: p.gmina,
        powiat: p.powiat,
        voivodeship: p.voivodeship,
    };
    if q == GeocodeQuery::default() {
        return Err(ApiError::invalid(
            "q",
            "give q, or one of postal_code, town, gmina, powiat, voivodeship",
        ));
    }
    let limit = p.limit.map_or(MAX_CANDIDATES as usize, |l| l.get());
    let r = state
        .gazetteer
        .geocode(&q)
        .map_err(|e| ApiError::geocode("q", e))?;
    let features = r
        .candidates
        .iter()
        .take(limit)
        .enumerate()
        .map(|(i, c)| candidate_feature(c, i + 1))
        .collect();
    json(
        &Candidates {
            r#type: "FeatureCollection",
            query: &q,
            features,
        },
        content_type::GEOJSON,
        CachePolicy::Gazetteer,
    )
}

#[derive(Serialize)]
struct ReverseProperties<'a> {
    name: &'a str,
    distance_km: f64,
    postal_code: &'a str,
    gmina: &'a Option<AdminRef>,
    powiat: &'a Option<AdminRef>,
    voivodeship: &'a Option<AdminRef>,
    query: LatLonEcho,
}

#[derive(Serialize)]
struct LatLonEcho {
    lat: f64,
    lon: f64,
}

/// `GET /api/reverse?lat=&lon=`: the nearest locality and its admin chain.
#[utoipa::path(get, path = "/api/reverse", tag = "geocoding", params(ReverseParams), responses(
    (status = 200, description = "Feature", body = Feature, content_type = "application/geo+json"),
    (status = 400, description = "Bad coordinates", body = ErrorBody),
    (status = 404, description = "Outside coverage (Poland)", body = ErrorBody),
))]
pub async fn reverse(
    State(state): State<AppState>,
    p: ReverseParams,
) -> Result<Response, ApiError> {
    let at: LonLat = required_point(p.params.lon, p.params.lat)?;
    let r = state
        .gazetteer
        .reverse(at)
        .map_err(|e| ApiError::geocode("lat,lon", e))?;
    json(
        &Feature::new(
            Point::new(r.locality_lon, r.locality_lat),
            ReverseProperties {
                name: &r.name,
                distance_km: round_km(r.distance_km),
                postal_code: &r.postal_code,
                gmina: &r.admin.gmina,
                powiat: &r.admin.powiat,
                voivodeship: &r.admin.voivodeship,
                query: LatLonEcho {
                    lat: at.lat,
                    lon: at.lon,
                },
            },
        ),
        content_type::GEOJSON,
        CachePolicy::Gazetteer,
    )
}
