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
use serde_json::{Map, Value, json};

use crate::api::error::ApiError;
use crate::api::extract::{Params, parse_f64};
use crate::api::response::{CachePolicy, content_type, json as json_response};
use crate::api::{AppState, cors};
use crate::gazetteer::{Gazetteer, GeocodeQuery};
use crate::geojson::round6;
use crate::places::{self, MAX_RESULTS, Place, PlaceKind, SearchOptions, country_name};

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

/// Output formats served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    JsonV2,
    GeoJson,
    GeocodeJson,
}

fn format_of(p: &Params) -> Result<Format, ApiError> {
    match p.str("format") {
        None | Some("jsonv2") => Ok(Format::JsonV2),
        Some("json") => Ok(Format::Json),
        Some("geojson") => Ok(Format::GeoJson),
        Some("geocodejson") => Ok(Format::GeocodeJson),
        Some(f) => Err(ApiError::invalid(
            "format",
            format!("{f:?} is not served; use json, jsonv2, geojson or geocodejson"),
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
        PlaceKind::Suburb => {
            a.insert("suburb".into(), json!(p.name));
            if let Some(g) = p.admin.gmina.as_ref() {
                a.insert("city".into(), json!(&*g.name));
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

/// What an answer holds besides each place's point.
#[derive(Clone, Copy)]
struct Detail<'a> {
    format: Format,
    address: bool,
    country: &'a str,
    /// The gazetteer, when `polygon_geojson=1` asks for outlines.
    outlines: Option<&'a Gazetteer>,
}

/// A place in `format=json` or `jsonv2`.
fn place_json(p: &Place, d: Detail) -> Value {
    let (f, details, country) = (d.format, d.address, d.country);
    let e = p.extent;
    let mut m = Map::new();
    m.insert("place_id".into(), json!(p.id));
    m.insert("licence".into(), json!(LICENCE));
    m.insert("osm_type".into(), json!(p.kind.osm_type()));
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
        json!(p.kind.osm_key()),
    );
    describe(p, details, country, &mut m);
    m.insert(
        "boundingbox".into(),
        json!([coord(e[1]), coord(e[3]), coord(e[0]), coord(e[2])]),
    );
    if let Some(outline) = d.outlines.and_then(|g| places::outline(g, p)) {
        m.insert("geojson".into(), json!(outline));
    }
    Value::Object(m)
}

/// A place as a Feature of `format=geojson`: its outline with
/// `polygon_geojson=1` for a voivodeship, else its point.
fn place_feature(p: &Place, d: Detail) -> Value {
    let (details, country) = (d.address, d.country);
    let mut props = Map::new();
    props.insert("place_id".into(), json!(p.id));
    props.insert("osm_type".into(), json!(p.kind.osm_type()));
    props.insert("osm_id".into(), json!(p.id));
    props.insert("category".into(), json!(p.kind.osm_key()));
    describe(p, details, country, &mut props);
    json!({
        "type": "Feature",
        "properties": props,
        "bbox": p.extent,
        "geometry": d.outlines.and_then(|g| places::outline(g, p)).map_or_else(
            || json!({"type": "Point", "coordinates": [round6(p.lon), round6(p.lat)]}),
            |o| json!(o),
        ),
    })
}

/// A place as a Feature of `format=geocodejson` (the GeocodeJSON 0.1 spec).
fn geocodejson_feature(p: &Place, d: Detail) -> Value {
    let mut g = Map::new();
    g.insert("place_id".into(), json!(p.id));
    g.insert("osm_type".into(), json!(p.kind.osm_type()));
    g.insert("osm_id".into(), json!(p.id));
    g.insert("osm_key".into(), json!(p.kind.osm_key()));
    g.insert("osm_value".into(), json!(p.kind.osm_value()));
    g.insert("type".into(), json!(p.kind.address_type()));
    g.insert(
        "label".into(),
        json!(p.display_name_parts(d.country).join(", ")),
    );
    g.insert("name".into(), json!(own_name(p)));
    if let Some(pc) = &p.postcode {
        g.insert("postcode".into(), json!(pc));
    }
    if p.kind.is_settlement() {
        g.insert("city".into(), json!(p.name));
    }
    if let Some(c) = p.county() {
        g.insert("county".into(), json!(c));
    }
    if let Some(s) = p.state() {
        g.insert("state".into(), json!(s));
    }
    g.insert("country".into(), json!(d.country));
    g.insert("country_code".into(), json!("pl"));
    json!({
        "type": "Feature",
        "properties": {"geocoding": g},
        "geometry": d.outlines.and_then(|gz| places::outline(gz, p)).map_or_else(
            || json!({"type": "Point", "coordinates": [round6(p.lon), round6(p.lat)]}),
            |o| json!(o),
        ),
    })
}

fn respond(v: Value) -> Result<Response, ApiError> {
    json_response(&v, content_type::JSON_UTF8, CachePolicy::Gazetteer)
}

fn render(places: &[Place], d: Detail) -> Value {
    match d.format {
        Format::GeoJson => json!({
            "type": "FeatureCollection",
            "licence": LICENCE,
            "features": places.iter().map(|p| place_feature(p, d)).collect::<Vec<_>>(),
        }),
        Format::GeocodeJson => json!({
            "type": "FeatureCollection",
            "geocoding": {"version": "0.1.0", "attribution": LICENCE, "licence": LICENCE},
            "features": places.iter().map(|p| geocodejson_feature(p, d)).collect::<Vec<_>>(),
        }),
        _ => Value::Array(places.iter().map(|p| place_json(p, d)).collect()),
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
async fn search(State(state): State<AppState>, p: Params) -> Result<Response, ApiError> {
    let p = p.only(&SEARCH_PARAMS)?;
    if p.str("json_callback").is_some() {
        return Err(ApiError::invalid("json_callback", "JSONP is not served"));
    }
    let format = format_of(&p)?;
    let address = flag(&p, "addressdetails", false)?;
    for name in [
        "extratags",
        "namedetails",
        "bounded",
        "polygon_kml",
        "polygon_svg",
        "polygon_text",
        "dedupe",
        "debug",
    ] {
        flag(&p, name, false)?;
    }
    let polygon = flag(&p, "polygon_geojson", false)?;
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
        .str("exclude_place_ids")
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_default();
    let feature_type = p.str("featureType").or(p.str("featuretype"));
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
    let detail = Detail {
        format,
        address,
        country,
        outlines: polygon.then_some(g),
    };
    respond(render(&found, detail))
}

/// `GET /nominatim/reverse?lat=&lon=`: the nearest locality.
async fn reverse(State(state): State<AppState>, p: Params) -> Result<Response, ApiError> {
    let p = p.only(&[
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
    ])?;
    let format = format_of(&p)?;
    let address = flag(&p, "addressdetails", true)?;
    let polygon = flag(&p, "polygon_geojson", false)?;
    let at = p.lon_lat()?;
    let zoom = p.int("zoom", 0, 18)?.unwrap_or(18);
    let country = country_name(p.str("accept-language"));
    let g = state.gazetteer;
    let Some((mut place, r)) =
        places::reverse(g, at).map_err(|e| ApiError::geocode("lat,lon", e))?
    else {
        return respond(json!({"error": "Unable to geocode"}));
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
    let detail = Detail {
        format,
        address,
        country,
        outlines: polygon.then_some(g),
    };
    respond(match format {
        Format::GeoJson | Format::GeocodeJson => render(&[place], detail),
        _ => place_json(&place, detail),
    })
}

/// `GET /nominatim/status`: `OK`, or `{"status":0,"message":"OK"}` with `format=json`.
async fn status(p: Params) -> Result<Response, ApiError> {
    let p = p.only(&["format"])?;
    if p.str("format") == Some("json") {
        respond(json!({"status": 0, "message": "OK"}))
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
            [18.5, 49.5, 19.5, 50.5]
        );
        assert!(parse_viewbox("1,2,3").is_err());
    }
}
