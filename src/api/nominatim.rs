//! Nominatim-compatible geocoding under `/nominatim`: `/nominatim/search`
//! (free-text `q`, or the structured `city`, `county`, `state`, `postalcode`,
//! `country`) and `/nominatim/reverse`, in `format=json`, `jsonv2` (the
//! default) or `geojson`, so geopy's `Nominatim`, Leaflet's geocoder control and
//! other Nominatim clients work unchanged.
//!
//! As in Nominatim, `lat`, `lon` and `boundingbox` are strings, `boundingbox` is
//! `[min lat, max lat, min lon, max lon]`, a search that finds nothing is `[]`
//! and a reverse lookup that finds nothing is `{"error":"Unable to geocode"}`.
//! The places are the gazetteer's (see [`super::photon::Place`]): localities and
//! administrative units, no streets; `place_id` and `osm_id` are stable local
//! identifiers, not OpenStreetMap's.

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Map, Value, json};

use super::AppState;
use super::error::ApiError;
use super::params::{Params, parse_f64};
use super::photon::{MAX_RESULTS, Place, PlaceKind, country_name, is_malformed, parse_lenient};
use super::{gazetteer_json, read_only_cors};
use crate::gazetteer::GeocodeQuery;
use crate::geojson::round6;

/// The attribution every answer carries.
pub const LICENCE: &str =
    "Data © GeoNames (geonames.org), CC BY 4.0; Natural Earth (public domain)";

/// The `/nominatim` routes, to be merged into the application router.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/nominatim/search", get(search))
        .route("/nominatim/search.php", get(search))
        .route("/nominatim/reverse", get(reverse))
        .route("/nominatim/reverse.php", get(reverse))
        .route("/nominatim/status", get(status))
        .route("/nominatim/status.php", get(status))
        .layer(read_only_cors())
}

/// Output formats served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    JsonV2,
    GeoJson,
}

fn format_of(p: &Params) -> Result<Format, ApiError> {
    match p.str("format") {
        None | Some("jsonv2") => Ok(Format::JsonV2),
        Some("json") => Ok(Format::Json),
        Some("geojson") => Ok(Format::GeoJson),
        Some(f) => Err(ApiError::invalid(
            "format",
            format!("{f:?} is not served; use json, jsonv2 or geojson"),
        )),
    }
}

/// A 0/1 flag parameter (Nominatim also takes `true`/`false`).
fn flag(p: &Params, name: &str, default: bool) -> Result<bool, ApiError> {
    match p.str(name) {
        None => Ok(default),
        Some("1") | Some("true") | Some("True") => Ok(true),
        Some("0") | Some("false") | Some("False") => Ok(false),
        Some(v) => Err(ApiError::invalid(name, format!("{v:?} is not 0 or 1"))),
    }
}

fn coord(x: f64) -> String {
    format!("{x:.7}")
}

/// The `address` object of a place, in Nominatim's order.
fn address(p: &Place, country: &str) -> Map<String, Value> {
    let mut a = Map::new();
    match p.kind {
        PlaceKind::City | PlaceKind::Town | PlaceKind::Village => {
            a.insert(p.kind.address_type().into(), json!(p.name));
            if let Some(m) = p.municipality() {
                a.insert("municipality".into(), json!(m));
            }
            if let Some(c) = p.county() {
                a.insert("county".into(), json!(c));
            }
        }
        PlaceKind::Municipality => {
            a.insert("municipality".into(), json!(format!("gmina {}", p.name)));
            if let Some(c) = p.county() {
                a.insert("county".into(), json!(c));
            }
        }
        PlaceKind::County => {
            if let Some(c) = p.county() {
                a.insert("county".into(), json!(c));
            }
        }
        PlaceKind::State => {}
    }
    if let Some(s) = p.state() {
        a.insert("state".into(), json!(s));
    }
    if let Some(iso) = p.iso3166_2() {
        a.insert("ISO3166-2-lvl4".into(), json!(iso));
    }
    if let Some(pc) = &p.postcode {
        a.insert("postcode".into(), json!(pc));
    }
    a.insert("country".into(), json!(country));
    a.insert("country_code".into(), json!("pl"));
    a
}

fn own_name(p: &Place) -> String {
    p.display_name_parts("")
        .into_iter()
        .next()
        .unwrap_or_default()
}

fn osm_type(p: &Place) -> &'static str {
    match p.kind {
        PlaceKind::City | PlaceKind::Town | PlaceKind::Village => "node",
        _ => "relation",
    }
}

fn class(p: &Place) -> &'static str {
    match p.kind {
        PlaceKind::City | PlaceKind::Town | PlaceKind::Village => "place",
        _ => "boundary",
    }
}

/// What every format says of a place: its type and rank, importance, name,
/// display name and (with `addressdetails`) its address.
fn describe(p: &Place, details: bool, country: &str, m: &mut Map<String, Value>) {
    m.insert("type".into(), json!(p.kind.osm_value()));
    m.insert("place_rank".into(), json!(p.kind.place_rank()));
    m.insert(
        "importance".into(),
        json!((p.score * 1000.0).round() / 1000.0),
    );
    m.insert("addresstype".into(), json!(p.kind.address_type()));
    m.insert("name".into(), json!(own_name(p)));
    m.insert(
        "display_name".into(),
        json!(p.display_name_parts(country).join(", ")),
    );
    if details {
        m.insert("address".into(), Value::Object(address(p, country)));
    }
}

/// A place in `format=json` or `jsonv2`.
fn place_json(p: &Place, f: Format, details: bool, country: &str) -> Value {
    let e = p.extent;
    let mut m = Map::new();
    m.insert("place_id".into(), json!(p.id));
    m.insert("licence".into(), json!(LICENCE));
    m.insert("osm_type".into(), json!(osm_type(p)));
    m.insert("osm_id".into(), json!(p.id));
    m.insert("lat".into(), json!(coord(p.lat)));
    m.insert("lon".into(), json!(coord(p.lon)));
    m.insert(
        if f == Format::JsonV2 {
            "category"
        } else {
            "class"
        }
        .into(),
        json!(class(p)),
    );
    describe(p, details, country, &mut m);
    m.insert(
        "boundingbox".into(),
        json!([coord(e[1]), coord(e[3]), coord(e[0]), coord(e[2])]),
    );
    Value::Object(m)
}

/// A place as a Feature of `format=geojson`.
fn place_feature(p: &Place, details: bool, country: &str) -> Value {
    let mut props = Map::new();
    props.insert("place_id".into(), json!(p.id));
    props.insert("osm_type".into(), json!(osm_type(p)));
    props.insert("osm_id".into(), json!(p.id));
    props.insert("category".into(), json!(class(p)));
    describe(p, details, country, &mut props);
    json!({
        "type": "Feature",
        "properties": props,
        "bbox": p.extent,
        "geometry": {"type": "Point", "coordinates": [round6(p.lon), round6(p.lat)]},
    })
}

fn respond(v: Value) -> Response {
    gazetteer_json(v, "application/json; charset=utf-8")
}

fn render(places: &[Place], f: Format, details: bool, country: &str) -> Value {
    match f {
        Format::GeoJson => json!({
            "type": "FeatureCollection",
            "licence": LICENCE,
            "features": places.iter().map(|p| place_feature(p, details, country)).collect::<Vec<_>>(),
        }),
        _ => Value::Array(
            places
                .iter()
                .map(|p| place_json(p, f, details, country))
                .collect(),
        ),
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

const SEARCH_PARAMS: [&str; 31] = [
    "q",
    "amenity",
    "street",
    "city",
    "county",
    "state",
    "country",
    "postalcode",
    "format",
    "limit",
    "addressdetails",
    "extratags",
    "namedetails",
    "accept-language",
    "countrycodes",
    "viewbox",
    "bounded",
    "exclude_place_ids",
    "featureType",
    "featuretype",
    "layer",
    "polygon_geojson",
    "polygon_kml",
    "polygon_svg",
    "polygon_text",
    "polygon_threshold",
    "email",
    "dedupe",
    "debug",
    "entrances",
    "json_callback",
];

/// Parses Nominatim's `viewbox=<x1>,<y1>,<x2>,<y2>` (any two corners).
fn parse_viewbox(v: &str) -> Result<[f64; 4], ApiError> {
    let n: Vec<f64> = v
        .split(',')
        .map(|x| parse_f64("viewbox", x))
        .collect::<Result<_, _>>()?;
    if n.len() != 4 {
        return Err(ApiError::invalid(
            "viewbox",
            "expected four numbers <x1>,<y1>,<x2>,<y2>",
        ));
    }
    Ok([
        n[0].min(n[2]),
        n[1].min(n[3]),
        n[0].max(n[2]),
        n[1].max(n[3]),
    ])
}

/// `GET /nominatim/search`.
async fn search(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let run = || -> Result<Value, ApiError> {
        let (p, _) = parse_lenient(raw.as_deref(), &SEARCH_PARAMS, &[])?;
        if p.str("json_callback").is_some() {
            return Err(ApiError::invalid("json_callback", "JSONP is not served"));
        }
        let f = format_of(&p)?;
        let details = flag(&p, "addressdetails", false)?;
        for name in [
            "extratags",
            "namedetails",
            "bounded",
            "polygon_geojson",
            "polygon_kml",
            "polygon_svg",
            "polygon_text",
            "dedupe",
            "debug",
        ] {
            flag(&p, name, false)?;
        }
        let limit = p
            .int("limit", 1, 1000)?
            .map_or(MAX_RESULTS, |l| (l as usize).min(MAX_RESULTS));
        let country = country_name(p.str("accept-language"));
        let viewbox = p.str("viewbox").map(parse_viewbox).transpose()?;
        let bounded = flag(&p, "bounded", false)?;
        let structured = [
            "amenity",
            "street",
            "city",
            "county",
            "state",
            "country",
            "postalcode",
        ]
        .into_iter()
        .any(|k| p.str(k).is_some());
        let query = match (p.str("q"), structured) {
            (Some(_), true) => {
                return Err(ApiError::invalid(
                    "q",
                    "structured query parameters (amenity, street, city, county, state, country, postalcode) cannot be used together with q",
                ));
            }
            (Some(q), false) => GeocodeQuery::text(q),
            (None, true) => GeocodeQuery {
                town: p.str("city").map(str::to_string),
                powiat: p
                    .str("county")
                    .map(|c| strip_unit(c, &["powiat"]).to_string()),
                voivodeship: p
                    .str("state")
                    .map(|s| strip_unit(s, &["województwo", "wojewodztwo", "woj."]).to_string()),
                postal_code: p.str("postalcode").map(str::to_string),
                ..Default::default()
            },
            (None, false) => {
                return Err(ApiError::invalid("q", "give q or a structured query"));
            }
        };
        let other_country = p.str("country").is_some_and(|c| !is_poland(c))
            || p.str("countrycodes")
                .is_some_and(|cc| !cc.split(',').any(|c| c.trim().eq_ignore_ascii_case("pl")));
        let only_street = query == GeocodeQuery::default();
        let g = state.gazetteer;
        let mut candidates = if other_country || only_street {
            Vec::new()
        } else {
            match g.geocode(&query) {
                Ok(r) => r.candidates,
                Err(e) if is_malformed(&e) => return Err(ApiError::geocode("q", e)),
                Err(_) => Vec::new(),
            }
        };
        if let (Some(b), true) = (viewbox, bounded) {
            candidates.retain(|c| c.lon >= b[0] && c.lon <= b[2] && c.lat >= b[1] && c.lat <= b[3]);
        }
        let excluded: Vec<u64> = p
            .str("exclude_place_ids")
            .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
            .unwrap_or_default();
        let places: Vec<Place> = candidates
            .iter()
            .map(|c| Place::from_candidate(g, c))
            .filter(|pl| !excluded.contains(&pl.id))
            .filter(|pl| match p.str("featureType").or(p.str("featuretype")) {
                Some("country") => false,
                Some("state") => pl.kind == PlaceKind::State,
                Some("city") => {
                    matches!(
                        pl.kind,
                        PlaceKind::City | PlaceKind::Town | PlaceKind::Village
                    )
                }
                _ => true,
            })
            .take(limit)
            .collect();
        Ok(render(&places, f, details, country))
    };
    match run() {
        Ok(v) => respond(v),
        Err(e) => e.into_response(),
    }
}

/// `GET /nominatim/reverse?lat=&lon=`: the nearest locality.
async fn reverse(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let run = || -> Result<Value, ApiError> {
        let (p, _) = parse_lenient(
            raw.as_deref(),
            &[
                "lat",
                "lon",
                "format",
                "addressdetails",
                "accept-language",
                "zoom",
                "namedetails",
                "extratags",
                "layer",
                "polygon_geojson",
                "polygon_kml",
                "polygon_svg",
                "polygon_text",
                "polygon_threshold",
                "email",
                "debug",
                "entrances",
            ],
            &[],
        )?;
        let f = format_of(&p)?;
        let details = flag(&p, "addressdetails", true)?;
        let (lat, lon) = p.lat_lon()?;
        let zoom = p.int("zoom", 0, 18)?.unwrap_or(18);
        let country = country_name(p.str("accept-language"));
        let g = state.gazetteer;
        let r = match g.reverse(crate::geo_util::LonLat::new(lon, lat)) {
            Ok(r) => r,
            Err(e) if e.is_bad_input() => return Err(ApiError::geocode("lat,lon", e)),
            Err(_) => return Ok(json!({"error": "Unable to geocode"})),
        };
        let mut place = Place::from_reverse(g, &r);
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
                if let Ok(res) = g.geocode(&q) {
                    place = Place::from_candidate(g, &res.best);
                }
            }
        }
        Ok(match f {
            Format::GeoJson => render(&[place], f, details, country),
            _ => place_json(&place, f, details, country),
        })
    };
    match run() {
        Ok(v) => respond(v),
        Err(e) => e.into_response(),
    }
}

/// `GET /nominatim/status`: `OK`, or `{"status":0,"message":"OK"}` with `format=json`.
async fn status(RawQuery(raw): RawQuery) -> Response {
    match Params::parse(raw.as_deref(), &["format"]) {
        Ok(p) if p.str("format") == Some("json") => respond(json!({"status": 0, "message": "OK"})),
        Ok(_) => "OK".into_response(),
        Err(e) => e.into_response(),
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
            [18.5, 49.5, 19.5, 50.5]
        );
        assert!(parse_viewbox("1,2,3").is_err());
    }
}
