//! Nominatim-compatible geocoding under `/nominatim`: `/nominatim/search`
//! (free-text `q`, or the structured `city`, `county`, `state`, `postalcode`,
//! `country`) and `/nominatim/reverse`, in `format=json`, `jsonv2` (the
//! default) or `geojson`, so geopy's `Nominatim`, Leaflet's geocoder control and
//! other Nominatim clients work unchanged.
//!
//! As in Nominatim, `lat`, `lon` and `boundingbox` are strings, `boundingbox` is
//! `[min lat, max lat, min lon, max lon]`, a search that finds nothing is `[]`
//! and a reverse lookup that finds nothing is `{"error":"Unable to geocode"}`.
//! The places are the gazetteer's (see [`crate::places::Place`]): localities and
//! administrative units, no streets; `place_id` and `osm_id` are stable local
//! identifiers, not OpenStreetMap's.

use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;

use super::params::{
    MAX_NOMINATIM_ZOOM, NominatimCommon, NominatimReverseParams, NominatimSearchParams,
    OutputFormat as Format, StatusParams, ZeroOne,
};
use crate::api::cors;
use crate::api::error::ApiError;
use crate::api::extract::And;
use crate::api::response::{CachePolicy, content_type, json as json_response};
use crate::api::schema::BadQuery;
use crate::api::state::AppState;
use crate::api::values::{ParamValue, number, required_point};
use crate::gazetteer::{Gazetteer, GeocodeQuery};
use crate::geo_util::Bbox;
use crate::geojson::point;
use crate::places::{self, MAX_RESULTS, Place, PlaceKind, SearchOptions, country_name};
use utoipa::ToSchema;

/// The attribution every answer carries.
pub const LICENCE: &str =
    "Data © GeoNames (geonames.org), CC BY 4.0; Natural Earth (public domain)";

/// The `/nominatim` routes, to be merged into the application router.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/nominatim/search", get(search))
        .route("/nominatim/search/", get(search))
        .route("/nominatim/search.php", get(search))
        .route("/nominatim/reverse", get(reverse))
        .route("/nominatim/reverse/", get(reverse))
        .route("/nominatim/reverse.php", get(reverse))
        .route("/nominatim/status", get(status))
        .route("/nominatim/status/", get(status))
        .route("/nominatim/status.php", get(status))
        .layer(cors::read_only())
}

/// A 0/1 flag given as text, checked where it is read.
fn flag(name: &str, v: Option<&str>) -> Result<bool, ApiError> {
    v.map(|v| ZeroOne::parse(v).map_err(|m| ApiError::invalid(name, m)))
        .transpose()
        .map(|f| f.is_some_and(|f| f.0))
}

fn coord(x: f64) -> String {
    format!("{x:.7}")
}

/// The `address` object of a place, as Nominatim names its parts.
#[derive(Debug, Default, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Address {
    #[serde(skip_serializing_if = "Option::is_none")]
    city: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    town: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    village: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    suburb: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    municipality: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    county: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    state: Option<String>,
    #[serde(rename = "ISO3166-2-lvl4", skip_serializing_if = "Option::is_none")]
    iso3166_2: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    postcode: Option<String>,
    country: String,
    country_code: &'static str,
}

/// The `address` of a place.
fn address(p: &Place, country: &str) -> Address {
    let mut a = Address {
        state: p.state(),
        iso3166_2: p.iso3166_2(),
        postcode: p.postcode.clone(),
        country: country.to_string(),
        country_code: "pl",
        ..Address::default()
    };
    match p.kind {
        PlaceKind::City => a.city = Some(p.name.clone()),
        PlaceKind::Town => a.town = Some(p.name.clone()),
        PlaceKind::Village => a.village = Some(p.name.clone()),
        PlaceKind::Suburb => {
            a.suburb = Some(p.name.clone());
            a.city = p.admin.gmina.as_ref().map(|g| g.name.to_string());
        }
        PlaceKind::Municipality => a.municipality = Some(format!("gmina {}", p.name)),
        PlaceKind::County | PlaceKind::State => {}
    }
    if matches!(
        p.kind,
        PlaceKind::City | PlaceKind::Town | PlaceKind::Village
    ) {
        a.municipality = p.municipality();
    }
    if p.kind != PlaceKind::State {
        a.county = p.county();
    }
    a
}

fn own_name(p: &Place) -> String {
    p.display_name_parts("")
        .into_iter()
        .next()
        .unwrap_or_default()
}

/// What every format says of a place: its type and rank, importance, name,
/// display name and (with `addressdetails`) its address.
#[derive(Debug, Serialize, ToSchema)]
pub struct Description {
    r#type: &'static str,
    place_rank: u8,
    importance: f64,
    addresstype: &'static str,
    name: String,
    display_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    address: Option<Address>,
}

fn describe(p: &Place, d: Detail) -> Description {
    Description {
        r#type: p.kind.osm_value(),
        place_rank: p.kind.place_rank(),
        importance: (p.score * 1000.0).round() / 1000.0,
        addresstype: p.kind.address_type(),
        name: own_name(p),
        display_name: p.display_name_parts(d.country).join(", "),
        address: d.address.then(|| address(p, d.country)),
    }
}

/// What an answer holds besides each place's point.
#[derive(Clone, Copy)]
struct Detail<'a> {
    format: Format,
    address: bool,
    country: &'a str,
    /// The gazetteer, when `polygon_geojson=1` asks for outlines.
    outlines: Option<&'a Gazetteer>,
}

impl<'a> Detail<'a> {
    /// The parameters every format-aware endpoint shares: `format`,
    /// `addressdetails` (default `address`), `accept-language`,
    /// `polygon_geojson`.
    fn of(p: &'a NominatimCommon, g: &'a Gazetteer, address: bool) -> Detail<'a> {
        Detail {
            format: p.format.unwrap_or_default(),
            address: p.addressdetails.map_or(address, |f| f.0),
            country: country_name(p.accept_language.as_deref()),
            outlines: p.polygon_geojson.is_some_and(|f| f.0).then_some(g),
        }
    }

    /// The place's outline if asked for and known.
    fn outline(self, p: &Place) -> Option<geojson::Geometry> {
        self.outlines.and_then(|g| places::outline(g, p))
    }

    /// The place's outline if asked for and known, else its point.
    fn geometry(self, p: &Place) -> geojson::Geometry {
        self.outline(p).unwrap_or_else(|| point(p.lon, p.lat))
    }
}

/// A place in `format=json` or `jsonv2`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlaceJson {
    place_id: u64,
    licence: &'static str,
    osm_type: &'static str,
    osm_id: u64,
    lat: String,
    lon: String,
    /// `jsonv2`'s name of the OSM key.
    #[serde(skip_serializing_if = "Option::is_none")]
    category: Option<&'static str>,
    /// `json`'s name of the OSM key.
    #[serde(skip_serializing_if = "Option::is_none")]
    class: Option<&'static str>,
    #[serde(flatten)]
    description: Description,
    /// `[min lat, max lat, min lon, max lon]`.
    #[schema(min_items = 4, max_items = 4)]
    boundingbox: [String; 4],
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Geometry>)]
    geojson: Option<geojson::Geometry>,
}

fn place_json(p: &Place, d: Detail) -> PlaceJson {
    let e = p.extent;
    let key = p.kind.osm_key();
    PlaceJson {
        place_id: p.id,
        licence: LICENCE,
        osm_type: p.kind.osm_type(),
        osm_id: p.id,
        lat: coord(p.lat),
        lon: coord(p.lon),
        category: (d.format == Format::JsonV2).then_some(key),
        class: (d.format != Format::JsonV2).then_some(key),
        description: describe(p, d),
        boundingbox: [
            coord(e.min_lat),
            coord(e.max_lat),
            coord(e.min_lon),
            coord(e.max_lon),
        ],
        geojson: d.outline(p),
    }
}

/// A Feature of `format=geojson` or `geocodejson`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[aliases(GeoJsonFeature = Feature<GeoJsonProperties>, GeocodeJsonFeature = Feature<GeocodeJsonProperties>)]
pub struct Feature<P> {
    r#type: &'static str,
    properties: P,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<[f64; 4]>, min_items = 4, max_items = 4)]
    bbox: Option<Bbox>,
    /// The outline with `polygon_geojson=1` for a voivodeship, else the point.
    #[schema(value_type = Geometry)]
    geometry: geojson::Geometry,
}

/// The properties of a `format=geojson` Feature.
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GeoJsonProperties {
    place_id: u64,
    osm_type: &'static str,
    osm_id: u64,
    category: &'static str,
    #[serde(flatten)]
    description: Description,
}

fn place_feature(p: &Place, d: Detail) -> Feature<GeoJsonProperties> {
    Feature {
        r#type: "Feature",
        properties: GeoJsonProperties {
            place_id: p.id,
            osm_type: p.kind.osm_type(),
            osm_id: p.id,
            category: p.kind.osm_key(),
            description: describe(p, d),
        },
        bbox: Some(p.extent),
        geometry: d.geometry(p),
    }
}

/// The properties of a `format=geocodejson` Feature (GeocodeJSON 0.1).
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GeocodeJsonProperties {
    geocoding: Geocoding,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Geocoding {
    place_id: u64,
    osm_type: &'static str,
    osm_id: u64,
    osm_key: &'static str,
    osm_value: &'static str,
    r#type: &'static str,
    label: String,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    postcode: Option<String>,
    /// The place itself when it is a locality.
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
    country_code: &'static str,
}

fn geocodejson_feature(p: &Place, d: Detail) -> Feature<GeocodeJsonProperties> {
    Feature {
        r#type: "Feature",
        properties: GeocodeJsonProperties {
            geocoding: Geocoding {
                place_id: p.id,
                osm_type: p.kind.osm_type(),
                osm_id: p.id,
                osm_key: p.kind.osm_key(),
                osm_value: p.kind.osm_value(),
                r#type: p.kind.address_type(),
                label: p.display_name_parts(d.country).join(", "),
                name: own_name(p),
                postcode: p.postcode.clone(),
                city: p.kind.is_settlement().then(|| p.name.clone()),
                county: p.county(),
                state: p.state(),
                country: d.country.to_string(),
                country_code: "pl",
            },
        },
        bbox: None,
        geometry: d.geometry(p),
    }
}

/// A `format=geojson` answer.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GeoJsonCollection {
    r#type: &'static str,
    licence: &'static str,
    #[schema(value_type = Vec<GeoJsonFeature>)]
    features: Vec<Feature<GeoJsonProperties>>,
}

/// A `format=geocodejson` answer.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GeocodeJsonCollection {
    r#type: &'static str,
    geocoding: GeocodeJsonHeader,
    #[schema(value_type = Vec<GeocodeJsonFeature>)]
    features: Vec<Feature<GeocodeJsonProperties>>,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GeocodeJsonHeader {
    version: &'static str,
    attribution: &'static str,
    licence: &'static str,
}

/// Nominatim's answer to a reverse lookup that found nothing.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Unable {
    error: &'static str,
}

/// `/status` in `format=json`.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Status {
    status: u8,
    message: &'static str,
}

fn respond<T: Serialize>(v: &T) -> Result<Response, ApiError> {
    json_response(v, content_type::JSON_UTF8, CachePolicy::Gazetteer)
}

/// A search's answer in the asked format.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum SearchAnswer {
    /// `json`, `jsonv2`: the places (`[]` when nothing is found).
    Places(Vec<PlaceJson>),
    /// `geojson`.
    GeoJson(GeoJsonCollection),
    /// `geocodejson`.
    GeocodeJson(GeocodeJsonCollection),
}

/// A reverse lookup's answer in the asked format.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum ReverseAnswer {
    /// `json`, `jsonv2`: the place.
    Place(Box<PlaceJson>),
    /// `geojson`.
    GeoJson(GeoJsonCollection),
    /// `geocodejson`.
    GeocodeJson(GeocodeJsonCollection),
    /// Nothing found.
    Unable(Unable),
}

/// The places in the asked format.
fn render(places: &[Place], d: Detail) -> SearchAnswer {
    match d.format {
        Format::GeoJson => SearchAnswer::GeoJson(GeoJsonCollection {
            r#type: "FeatureCollection",
            licence: LICENCE,
            features: places.iter().map(|p| place_feature(p, d)).collect(),
        }),
        Format::GeocodeJson => SearchAnswer::GeocodeJson(GeocodeJsonCollection {
            r#type: "FeatureCollection",
            geocoding: GeocodeJsonHeader {
                version: "0.1.0",
                attribution: LICENCE,
                licence: LICENCE,
            },
            features: places.iter().map(|p| geocodejson_feature(p, d)).collect(),
        }),
        Format::Json | Format::JsonV2 => {
            SearchAnswer::Places(places.iter().map(|p| place_json(p, d)).collect())
        }
    }
}

/// Whether a country name or code means Poland.
fn is_poland(s: &str) -> bool {
    let s = crate::gazetteer::fold(s);
    [
        "pl",
        "pol",
        "polska",
        "poland",
        "polen",
        "pologne",
        "polonia",
        "rzeczpospolita polska",
    ]
    .contains(&s.trim())
}

/// Strips an OSM-style unit word (`powiat x`, `województwo x`, `gmina x`).
fn strip_unit<'a>(s: &'a str, words: &[&str]) -> &'a str {
    let t = s.trim();
    for w in words {
        if let Some(rest) = t.strip_prefix(w)
            && rest.starts_with(' ')
        {
            return rest.trim();
        }
    }
    t
}

/// Parses Nominatim's `viewbox=<x1>,<y1>,<x2>,<y2>` (any two corners).
fn parse_viewbox(v: &str) -> Result<Bbox, ApiError> {
    let n: Vec<f64> = v
        .split(',')
        .map(|x| number("viewbox", x))
        .collect::<Result<_, _>>()?;
    if n.len() != 4 {
        return Err(ApiError::invalid(
            "viewbox",
            "expected four numbers <x1>,<y1>,<x2>,<y2>",
        ));
    }
    Ok(Bbox::new(
        n[0].min(n[2]),
        n[1].min(n[3]),
        n[0].max(n[2]),
        n[1].max(n[3]),
    ))
}

/// `GET /nominatim/search`: free text (q) or structured (city, county,
/// state, postalcode).
#[utoipa::path(get, path = "/nominatim/search", tag = "nominatim", params(NominatimSearchParams), responses(
    (status = 200, description = "An array of places (json, jsonv2) or a FeatureCollection (geojson, geocodejson)", body = SearchAnswer),
    BadQuery,
))]
pub async fn search(
    State(state): State<AppState>,
    p: NominatimSearchParams,
) -> Result<Response, ApiError> {
    let And(And(p, st), common) = p.params;
    if p.json_callback.is_some() {
        return Err(ApiError::invalid("json_callback", "JSONP is not served"));
    }
    let g = state.gazetteer;
    let detail = Detail::of(&common, g, false);
    for (name, v) in [
        ("extratags", &common.extratags),
        ("namedetails", &common.namedetails),
        ("polygon_kml", &common.polygon_kml),
        ("polygon_svg", &common.polygon_svg),
        ("polygon_text", &common.polygon_text),
        ("debug", &common.debug),
    ] {
        flag(name, v.as_deref())?;
    }
    let limit = p.limit.map_or(MAX_RESULTS, |l| l.get().min(MAX_RESULTS));
    let viewbox = p.viewbox.as_deref().map(parse_viewbox).transpose()?;
    let bounded = p.bounded.is_some_and(|b| b.0);
    let query = match (p.q.as_deref(), st.any()) {
        (Some(_), true) => {
            return Err(ApiError::invalid(
                "q",
                "structured query parameters (amenity, street, city, county, state, country, postalcode) cannot be used together with q",
            ));
        }
        (Some(q), false) => GeocodeQuery::text(q),
        (None, true) => GeocodeQuery {
            town: st.city.clone(),
            powiat: st
                .county
                .as_deref()
                .map(|c| strip_unit(c, &["powiat"]).to_string()),
            voivodeship: st
                .state
                .as_deref()
                .map(|s| strip_unit(s, &["województwo", "wojewodztwo", "woj."]).to_string()),
            postal_code: st.postalcode.clone(),
            ..Default::default()
        },
        (None, false) => {
            return Err(ApiError::invalid("q", "give q or a structured query"));
        }
    };
    let other_country = st.country.as_deref().is_some_and(|c| !is_poland(c))
        || p.countrycodes
            .as_deref()
            .is_some_and(|cc| !cc.split(',').any(|c| c.trim().eq_ignore_ascii_case("pl")));
    let only_street = query == GeocodeQuery::default();
    let found = if other_country || only_street {
        Vec::new()
    } else {
        places::search(
            g,
            &query,
            SearchOptions {
                bbox: viewbox.filter(|_| bounded),
                bias: None,
            },
        )
        .map_err(|e| ApiError::geocode("q", e))?
    };
    let excluded: Vec<u64> = p
        .exclude_place_ids
        .as_deref()
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_default();
    let feature_type = p.feature_type.as_deref().or(p.featuretype.as_deref());
    let found: Vec<Place> = found
        .into_iter()
        .filter(|pl| !excluded.contains(&pl.id))
        .filter(|pl| match feature_type {
            Some("country") => false,
            Some("state") => pl.kind == PlaceKind::State,
            Some("city") => pl.kind.is_settlement(),
            _ => true,
        })
        .take(limit)
        .collect();
    respond(&render(&found, detail))
}

/// `GET /nominatim/reverse?lat=&lon=`: the nearest locality.
#[utoipa::path(get, path = "/nominatim/reverse", tag = "nominatim", params(NominatimReverseParams), responses(
    (status = 200, description = "A place, or {\"error\": \"Unable to geocode\"}", body = ReverseAnswer),
    BadQuery,
))]
pub async fn reverse(
    State(state): State<AppState>,
    p: NominatimReverseParams,
) -> Result<Response, ApiError> {
    let And(And(at, p), common) = p.params;
    let g = state.gazetteer;
    let detail = Detail::of(&common, g, true);
    let at = required_point(at.lon, at.lat)?;
    let zoom = p.zoom.map_or(MAX_NOMINATIM_ZOOM, |z| z.0);
    let Some((mut place, r)) =
        places::reverse(g, at).map_err(|e| ApiError::geocode("lat,lon", e))?
    else {
        return respond(&ReverseAnswer::Unable(Unable {
            error: "Unable to geocode",
        }));
    };
    // Coarse zooms answer the unit instead of the locality, as Nominatim does.
    if zoom < 10 {
        let unit = if zoom < 8 {
            r.admin.voivodeship.clone()
        } else {
            r.admin.powiat.clone()
        };
        if let Some(u) = unit {
            let q = GeocodeQuery {
                voivodeship: (zoom < 8).then(|| u.teryt.to_string()),
                powiat: (zoom >= 8).then(|| u.teryt.to_string()),
                ..Default::default()
            };
            if let Some(unit_place) = places::search(g, &q, SearchOptions::default())
                .ok()
                .and_then(|v| v.into_iter().next())
            {
                place = unit_place;
            }
        }
    }
    respond(&match render(&[place], detail) {
        SearchAnswer::Places(found) => match found.into_iter().next() {
            Some(p) => ReverseAnswer::Place(Box::new(p)),
            None => ReverseAnswer::Unable(Unable {
                error: "Unable to geocode",
            }),
        },
        SearchAnswer::GeoJson(c) => ReverseAnswer::GeoJson(c),
        SearchAnswer::GeocodeJson(c) => ReverseAnswer::GeocodeJson(c),
    })
}

/// `GET /nominatim/status`: `OK`, or `{"status":0,"message":"OK"}` with `format=json`.
#[utoipa::path(get, path = "/nominatim/status", tag = "nominatim", params(StatusParams), responses(
    (status = 200, description = "OK", content(("text/plain" = String), ("application/json" = Status))),
    (status = 400, description = "Bad input", body = ErrorBody),
))]
pub async fn status(p: StatusParams) -> Result<Response, ApiError> {
    if p.params.format.as_deref() == Some("json") {
        respond(&Status {
            status: 0,
            message: "OK",
        })
    } else {
        Ok("OK".into_response())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_and_countries() {
        assert_eq!(strip_unit("powiat oświęcimski", &["powiat"]), "oświęcimski");
        assert_eq!(strip_unit("powiatowy", &["powiat"]), "powiatowy");
        assert!(is_poland("Polska"));
        assert!(is_poland("PL"));
        assert!(!is_poland("Germany"));
    }

    #[test]
    fn viewbox_takes_any_two_corners() {
        assert_eq!(
            parse_viewbox("19.5,50.5,18.5,49.5").unwrap(),
            Bbox::new(18.5, 49.5, 19.5, 50.5)
        );
        assert!(parse_viewbox("1,2,3").is_err());
    }
}
