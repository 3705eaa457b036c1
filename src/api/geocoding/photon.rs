//! Photon-compatible geocoding under `/photon`: `/photon/api` and
//! `/photon/reverse` answer komoot Photon's GeoJSON, so geopy's `Photon`,
//! Leaflet's geocoder control and other Photon clients work unchanged.
//!
//! The answers come from the gazetteer ([`crate::gazetteer`]): localities,
//! gminas, powiats and voivodeships of Poland, no streets or house numbers.
//! `osm_id` is a stable local identifier, not an OpenStreetMap id, and `extent`
//! is an estimate from the place's kind and population (a voivodeship's comes
//! from its outline). It translates the neutral [`Place`] of
//! [`crate::places`].

use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use serde::Serialize;

use super::params::{PhotonCommon, PhotonReverseParams, PhotonSearchParams};
use crate::api::cors;
use crate::api::error::ApiError;
use crate::api::extract::And;
use crate::api::response::{CachePolicy, content_type, json as json_response};
use crate::api::schema::BadQuery;
use crate::api::state::AppState;
use crate::api::values::required_point;
use crate::gazetteer::GeocodeQuery;
use crate::geo_util::LonLat;
use crate::geojson::point;
use crate::places::{self, MAX_RESULTS, Place, PlaceKind, SearchOptions, country_name};
use utoipa::ToSchema;

/// The `/photon` routes, to be merged into the application router.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/photon/api", get(search))
        .route("/photon/api/", get(search))
        .route("/photon/reverse", get(reverse))
        .route("/photon/reverse/", get(reverse))
        .layer(cors::read_only())
}

/// Photon's `osm_tag` filter: `key`, `key:value`, `:value`, each negatable
/// with `!` before the key or the value.
fn tag_matches(filter: &str, key: &str, value: &str) -> bool {
    let (k, v) = match filter.split_once(':') {
        Some((k, v)) => (k, Some(v)),
        None => (filter, None),
    };
    let (k_neg, k) = match k.strip_prefix('!') {
        Some(k) => (true, k),
        None => (false, k),
    };
    let (v_neg, v) = match v.map(|v| v.strip_prefix('!').map_or((false, v), |s| (true, s))) {
        Some((n, v)) => (n, Some(v)),
        None => (false, None),
    };
    let key_ok = k.is_empty() || k == key;
    let val_ok = v.is_none_or(|v| v.is_empty() || v == value);
    if k_neg {
        // `!key` excludes the key altogether.
        return k.is_empty() || k != key;
    }
    key_ok && (val_ok != v_neg)
}

/// A Photon GeoJSON Feature.
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PhotonFeature {
    r#type: &'static str,
    #[schema(value_type = Point)]
    geometry: geojson::Geometry,
    properties: PhotonProperties,
}

/// The properties of a Photon feature, as komoot Photon names them.
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PhotonProperties {
    osm_type: &'static str,
    osm_id: u64,
    osm_key: &'static str,
    osm_value: &'static str,
    r#type: &'static str,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    postcode: Option<String>,
    /// The gmina of a village or suburb.
    #[serde(skip_serializing_if = "Option::is_none")]
    city: Option<String>,
    /// Powiat.
    #[serde(skip_serializing_if = "Option::is_none")]
    county: Option<String>,
    /// Voivodeship.
    #[serde(skip_serializing_if = "Option::is_none")]
    state: Option<String>,
    /// The country's name in the asked language.
    country: String,
    countrycode: &'static str,
    /// `[min lon, max lat, max lon, min lat]`, Photon's order.
    #[schema(min_items = 4, max_items = 4)]
    extent: [f64; 4],
}

/// A Photon answer.
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PhotonCollection {
    r#type: &'static str,
    features: Vec<PhotonFeature>,
}

/// A place as a Photon GeoJSON Feature.
fn photon_feature(p: &Place, country: &str) -> PhotonFeature {
    let e = p.extent;
    let city = p
        .admin
        .gmina
        .as_ref()
        .map(|a| a.name.to_string())
        .filter(|g| matches!(p.kind, PlaceKind::Village | PlaceKind::Suburb) && *g != p.name);
    PhotonFeature {
        r#type: "Feature",
        geometry: point(p.lon, p.lat),
        properties: PhotonProperties {
            osm_type: p.kind.osm_type_letter(),
            osm_id: p.id,
            osm_key: p.kind.osm_key(),
            osm_value: p.kind.osm_value(),
            r#type: p.kind.photon_type(),
            name: match p.kind {
                PlaceKind::Municipality => format!("gmina {}", p.name),
                PlaceKind::County => p.county().unwrap_or_else(|| p.name.clone()),
                PlaceKind::State => p.state().unwrap_or_else(|| p.name.clone()),
                _ => p.name.clone(),
            },
            postcode: p.postcode.clone(),
            city,
            county: p
                .county()
                .filter(|_| p.kind != PlaceKind::County && p.kind != PlaceKind::State),
            state: p.state().filter(|_| p.kind != PlaceKind::State),
            country: country.to_string(),
            countrycode: "PL",
            extent: [e.min_lon, e.max_lat, e.max_lon, e.min_lat],
        },
    }
}

/// The places that pass the `osm_tag` and `layer` filters, at most `limit`,
/// as a Photon answer.
fn answer(places: Vec<Place>, common: &PhotonCommon) -> Result<Response, ApiError> {
    let limit = common
        .limit
        .map_or(MAX_RESULTS, |l| l.get().min(MAX_RESULTS));
    let country = country_name(common.lang.as_deref());
    json_response(
        &PhotonCollection {
            r#type: "FeatureCollection",
            features: filter_tags(places, &common.osm_tag, &common.layer)
                .iter()
                .take(limit)
                .map(|p| photon_feature(p, country))
                .collect(),
        },
        content_type::JSON_UTF8,
        CachePolicy::Gazetteer,
    )
}

fn filter_tags(places: Vec<Place>, osm_tags: &[String], layers: &[String]) -> Vec<Place> {
    places
        .into_iter()
        .filter(|p| {
            osm_tags
                .iter()
                .all(|t| tag_matches(t, p.kind.osm_key(), p.kind.osm_value()))
        })
        .filter(|p| layers.is_empty() || layers.iter().any(|l| l == p.kind.photon_type()))
        .collect()
}

/// `GET /photon/api?q=&limit=&lang=&lat=&lon=&bbox=&osm_tag=&layer=`: forward
/// geocoding. `lat`/`lon` bias equally good answers towards the point; `bbox`
/// keeps only answers inside it.
#[utoipa::path(get, path = "/photon/api", tag = "photon", params(PhotonSearchParams), responses(
    (status = 200, description = "A GeoJSON FeatureCollection (empty when nothing is found)", body = PhotonCollection),
    BadQuery,
))]
pub async fn search(
    State(state): State<AppState>,
    p: PhotonSearchParams,
) -> Result<Response, ApiError> {
    let And(p, common) = p.params;
    let q =
        p.q.ok_or_else(|| ApiError::invalid("q", "missing search term"))?;
    let bias = match (p.lat, p.lon) {
        (Some(lat), Some(lon)) => Some(LonLat::new(lon.0, lat.0)),
        (None, None) => None,
        _ => {
            return Err(ApiError::invalid(
                "lat",
                "give both lat and lon for a location bias",
            ));
        }
    };
    let bbox = p.bbox.map(|b| b.0);
    if let Some(s) = p.location_bias_scale
        && !(0.0..=1.0).contains(&s.0)
    {
        return Err(ApiError::invalid(
            "location_bias_scale",
            "must be within 0..1",
        ));
    }
    let places = places::search(
        state.gazetteer,
        &GeocodeQuery::text(q),
        SearchOptions { bbox, bias },
    )
    .map_err(|e| ApiError::geocode("q", e))?;
    answer(places, &common)
}

/// `GET /photon/reverse?lat=&lon=&limit=&lang=&radius=`: the nearest locality,
/// or no feature outside Poland or beyond `radius` km.
#[utoipa::path(get, path = "/photon/reverse", tag = "photon", params(PhotonReverseParams), responses(
    (status = 200, description = "A GeoJSON FeatureCollection with at most one feature", body = PhotonCollection),
    BadQuery,
))]
pub async fn reverse(
    State(state): State<AppState>,
    p: PhotonReverseParams,
) -> Result<Response, ApiError> {
    let And(And(at, p), common) = p.params;
    let at = required_point(at.lon, at.lat)?;
    let radius_km = p.radius.map(|r| r.0);
    if let Some(r) = radius_km
        && r <= 0.0
    {
        return Err(ApiError::invalid("radius", "must be positive (km)"));
    }
    let found =
        places::reverse(state.gazetteer, at).map_err(|e| ApiError::geocode("lat,lon", e))?;
    let places = match found {
        Some((place, r)) if radius_km.is_none_or(|max| r.distance_km <= max) => vec![place],
        _ => Vec::new(),
    };
    answer(places, &common)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osm_tag_filters() {
        assert!(tag_matches("place", "place", "city"));
        assert!(tag_matches("place:city", "place", "city"));
        assert!(!tag_matches("place:town", "place", "city"));
        assert!(tag_matches(":city", "place", "city"));
        assert!(!tag_matches("!place", "place", "city"));
        assert!(tag_matches("!boundary", "place", "city"));
        assert!(tag_matches("place:!town", "place", "city"));
        assert!(!tag_matches("place:!city", "place", "city"));
    }

    #[test]
    fn repeated_tags_are_accepted_other_repeats_are_not() {
        let lenient = |raw: &str| PhotonSearchParams::parse(Some(raw));
        let And(p, common) = lenient("q=x&osm_tag=place&osm_tag=!boundary")
            .unwrap()
            .params;
        assert_eq!(p.q.as_deref(), Some("x"));
        assert_eq!(common.osm_tag, ["place", "!boundary"]);
        assert!(lenient("q=x&q=y").is_err());
        assert!(lenient("nope=1").is_err());
    }
}
