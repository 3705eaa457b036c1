//! Photon-compatible geocoding under `/photon`: `/photon/api` and
//! `/photon/reverse` answer komoot Photon's GeoJSON, so geopy's `Photon`,
//! Leaflet's geocoder control and other Photon clients work unchanged.
//!
//! The answers come from the gazetteer ([`crate::gazetteer`]): localities,
//! gminas, powiats and voivodeships of Poland, no streets or house numbers.
//! `osm_id` is a stable local identifier, not an OpenStreetMap id, and `extent`
//! is an estimate from the place's kind and population (a voivodeship's comes
//! from its outline). This module also holds the [`Place`] both this and the
//! Nominatim module render.

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use geo::BoundingRect;
use serde_json::{Map, Value, json};

use super::AppState;
use super::error::ApiError;
use super::params::{Params, check_lat, check_lon, parse_bbox};
use super::{gazetteer_json, read_only_cors};
use crate::gazetteer::{AdminChain, Candidate, Gazetteer, GeocodeError, Precision, ReverseResult};
use crate::geojson::round6;

/// Most results one request returns (the geocoder ranks at most ten).
pub const MAX_RESULTS: usize = 10;

/// The `/photon` routes, to be merged into the application router.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/photon/api", get(search))
        .route("/photon/api/", get(search))
        .route("/photon/reverse", get(reverse))
        .route("/photon/reverse/", get(reverse))
        .layer(read_only_cors())
}

/// What kind of place an answer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaceKind {
    /// A city (100 000 inhabitants or more, or a city with powiat rights).
    City,
    /// A town.
    Town,
    /// A village or a locality of unknown size.
    Village,
    /// A gmina.
    Municipality,
    /// A powiat.
    County,
    /// A voivodeship.
    State,
}

impl PlaceKind {
    /// OSM's `place=*` or `boundary` value for the kind.
    pub fn osm_value(self) -> &'static str {
        match self {
            PlaceKind::City => "city",
            PlaceKind::Town => "town",
            PlaceKind::Village => "village",
            PlaceKind::Municipality | PlaceKind::County | PlaceKind::State => "administrative",
        }
    }

    /// Nominatim's `addresstype` (and the key of the place in `address`).
    pub fn address_type(self) -> &'static str {
        match self {
            PlaceKind::City => "city",
            PlaceKind::Town => "town",
            PlaceKind::Village => "village",
            PlaceKind::Municipality => "municipality",
            PlaceKind::County => "county",
            PlaceKind::State => "state",
        }
    }

    /// Photon's `type`.
    pub fn photon_type(self) -> &'static str {
        match self {
            PlaceKind::City | PlaceKind::Town | PlaceKind::Village => "city",
            PlaceKind::Municipality | PlaceKind::County => "county",
            PlaceKind::State => "state",
        }
    }

    /// Nominatim's `place_rank`.
    pub fn place_rank(self) -> u8 {
        match self {
            PlaceKind::City => 16,
            PlaceKind::Town => 18,
            PlaceKind::Village => 19,
            PlaceKind::Municipality => 14,
            PlaceKind::County => 12,
            PlaceKind::State => 8,
        }
    }
}

/// A geocoded place, ready to render in either protocol.
#[derive(Debug, Clone)]
pub struct Place {
    /// The place's own name.
    pub name: String,
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// Its kind.
    pub kind: PlaceKind,
    /// Postal code, when tied to one.
    pub postcode: Option<String>,
    /// Gmina, powiat and voivodeship.
    pub admin: AdminChain,
    /// Confidence in 0..=1.
    pub score: f64,
    /// `[min_lon, min_lat, max_lon, max_lat]`.
    pub extent: [f64; 4],
    /// A stable identifier of the place.
    pub id: u64,
}

fn fnv1a(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain([0u8]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h & ((1 << 53) - 1)
}

/// A box of `radius_km` around a point.
fn square(lon: f64, lat: f64, radius_km: f64) -> [f64; 4] {
    let dlat = radius_km / 111.32;
    let dlon = radius_km / (111.32 * lat.to_radians().cos().max(0.1));
    [
        round6(lon - dlon),
        round6(lat - dlat),
        round6(lon + dlon),
        round6(lat + dlat),
    ]
}

fn teryt_of(r: &Option<crate::gazetteer::AdminRef>) -> &str {
    r.as_ref().map(|r| &*r.teryt).unwrap_or("")
}

fn name_of(r: &Option<crate::gazetteer::AdminRef>) -> Option<&str> {
    r.as_ref().map(|r| &*r.name)
}

impl Place {
    /// Sets the extent and the id from the other fields.
    fn finish(mut self, g: &Gazetteer, population: Option<u32>) -> Place {
        let (lon, lat) = (self.lon, self.lat);
        self.extent = match self.kind {
            PlaceKind::State => g
                .voivodeships()
                .find(|v| Some(v.teryt) == self.admin.voivodeship.as_ref().map(|a| &*a.teryt))
                .and_then(|v| v.outline.bounding_rect())
                .map(|r| {
                    [
                        round6(r.min().x),
                        round6(r.min().y),
                        round6(r.max().x),
                        round6(r.max().y),
                    ]
                })
                .unwrap_or_else(|| square(lon, lat, 80.0)),
            PlaceKind::County => square(lon, lat, 20.0),
            PlaceKind::Municipality => square(lon, lat, 8.0),
            _ => {
                let r = population.map_or(1.0, |p| (f64::from(p).sqrt() / 60.0).clamp(1.0, 12.0));
                square(lon, lat, r)
            }
        };
        self.id = fnv1a(&[
            self.kind.address_type(),
            &self.name,
            teryt_of(&self.admin.gmina),
            teryt_of(&self.admin.powiat),
        ]);
        self
    }

    /// The place of a geocoder candidate.
    pub fn from_candidate(g: &Gazetteer, c: &Candidate) -> Place {
        let kind = match c.precision {
            Precision::Gmina => PlaceKind::Municipality,
            Precision::Powiat => PlaceKind::County,
            Precision::Voivodeship => PlaceKind::State,
            _ => settlement_kind(&c.name, &c.admin, c.population),
        };
        Place {
            name: c.name.to_string(),
            lat: c.lat,
            lon: c.lon,
            kind,
            postcode: c.postal_code.as_deref().map(str::to_string),
            admin: c.admin.clone(),
            score: c.score,
            extent: [0.0; 4],
            id: 0,
        }
        .finish(g, c.population)
    }

    /// The place of a reverse-geocoding answer (the nearest locality).
    pub fn from_reverse(g: &Gazetteer, r: &ReverseResult) -> Place {
        let kind = settlement_kind(&r.name, &r.admin, None);
        Place {
            name: r.name.to_string(),
            lat: r.locality_lat,
            lon: r.locality_lon,
            kind,
            postcode: Some(r.postal_code.to_string()),
            admin: r.admin.clone(),
            score: 1.0,
            extent: [0.0; 4],
            id: 0,
        }
        .finish(g, None)
    }

    /// The powiat as OSM names it (`powiat oświęcimski`), unless the place is
    /// itself the city that is its powiat.
    pub fn county(&self) -> Option<String> {
        let p = name_of(&self.admin.powiat)?;
        if p == self.name && self.kind != PlaceKind::County {
            return None;
        }
        Some(if p.starts_with(char::is_uppercase) {
            p.to_string()
        } else {
            format!("powiat {p}")
        })
    }

    /// The gmina as OSM names it (`gmina Oświęcim`), unless it is the place itself.
    pub fn municipality(&self) -> Option<String> {
        let m = name_of(&self.admin.gmina)?;
        if self.kind == PlaceKind::Municipality
            || (m == self.name && self.kind != PlaceKind::Village)
            || name_of(&self.admin.powiat) == Some(m)
        {
            return None;
        }
        Some(format!("gmina {m}"))
    }

    /// The voivodeship as OSM names it (`województwo małopolskie`).
    pub fn state(&self) -> Option<String> {
        name_of(&self.admin.voivodeship).map(|v| format!("województwo {v}"))
    }

    /// ISO 3166-2 code of the voivodeship (`PL-12`: the TERYT code).
    pub fn iso3166_2(&self) -> Option<String> {
        self.admin
            .voivodeship
            .as_ref()
            .map(|v| format!("PL-{}", v.teryt))
    }

    /// The name a person reads: the place's name, or its unit's when it is a unit.
    pub fn display_name_parts(&self, country: &str) -> Vec<String> {
        let mut parts = vec![match self.kind {
            PlaceKind::Municipality => format!("gmina {}", self.name),
            PlaceKind::County => self.county().unwrap_or_else(|| self.name.clone()),
            PlaceKind::State => self.state().unwrap_or_else(|| self.name.clone()),
            _ => self.name.clone(),
        }];
        if !matches!(self.kind, PlaceKind::County | PlaceKind::State) {
            parts.extend(self.municipality());
            parts.extend(self.county());
        }
        if self.kind != PlaceKind::State {
            parts.extend(self.state());
        }
        parts.extend(self.postcode.clone());
        parts.push(country.to_string());
        parts
    }
}

/// Whether a named locality is a city, a town or a village: by population when
/// known, else by whether it names its gmina and powiat.
fn settlement_kind(name: &str, admin: &AdminChain, population: Option<u32>) -> PlaceKind {
    let names_powiat = name_of(&admin.powiat) == Some(name);
    let names_gmina = name_of(&admin.gmina) == Some(name);
    match population {
        Some(p) if p >= 100_000 => PlaceKind::City,
        _ if names_powiat => PlaceKind::City,
        Some(p) if p >= 5_000 && names_gmina => PlaceKind::Town,
        None if names_gmina => PlaceKind::Town,
        _ => PlaceKind::Village,
    }
}

/// Poland's name in a language given as `pl`, `en-GB`, `de,en;q=0.5`, ...
pub fn country_name(lang: Option<&str>) -> &'static str {
    let first = lang
        .and_then(|l| l.split([',', ';']).next())
        .map(|l| l.trim().to_ascii_lowercase())
        .unwrap_or_default();
    match first.split(['-', '_']).next().unwrap_or("") {
        "en" => "Poland",
        "de" => "Polen",
        "fr" => "Pologne",
        "it" => "Polonia",
        "es" => "Polonia",
        _ => "Polska",
    }
}

/// Whether a geocoder error is the client's malformed request (400) rather
/// than a query that found nothing (an empty answer).
pub fn is_malformed(e: &GeocodeError) -> bool {
    matches!(
        e,
        GeocodeError::Empty | GeocodeError::TooLong { .. } | GeocodeError::ControlCharacter { .. }
    )
}

/// Decodes a query string, accepting `repeatable` names more than once.
/// Returns the checked single-valued parameters and the repeated values.
pub fn parse_lenient(
    raw: Option<&str>,
    allowed: &[&str],
    repeatable: &[&str],
) -> Result<(Params, Vec<(String, String)>), ApiError> {
    let pairs: Vec<(String, String)> = match raw {
        Some(r) if !r.is_empty() => serde_urlencoded::from_str(r)
            .map_err(|e| ApiError::bad("invalid_query", format!("malformed query string: {e}")))?,
        _ => Vec::new(),
    };
    let (multi, single): (Vec<_>, Vec<_>) = pairs
        .into_iter()
        .partition(|(k, _)| repeatable.contains(&k.as_str()));
    let mut all: Vec<&str> = allowed.to_vec();
    all.extend(repeatable);
    let encoded = serde_urlencoded::to_string(&single).unwrap_or_default();
    let params = Params::parse(Some(&encoded), &all)?;
    Ok((params, multi))
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

/// The OSM key of a place kind (`place` or `boundary`).
fn osm_key(kind: PlaceKind) -> &'static str {
    match kind {
        PlaceKind::City | PlaceKind::Town | PlaceKind::Village => "place",
        _ => "boundary",
    }
}

/// A place as a Photon GeoJSON Feature.
pub fn photon_feature(p: &Place, country: &str) -> Value {
    let e = p.extent;
    let mut props = Map::new();
    props.insert(
        "osm_type".into(),
        json!(if matches!(
            p.kind,
            PlaceKind::City | PlaceKind::Town | PlaceKind::Village
        ) {
            "N"
        } else {
            "R"
        }),
    );
    props.insert("osm_id".into(), json!(p.id));
    props.insert("osm_key".into(), json!(osm_key(p.kind)));
    props.insert("osm_value".into(), json!(p.kind.osm_value()));
    props.insert("type".into(), json!(p.kind.photon_type()));
    props.insert(
        "name".into(),
        json!(match p.kind {
            PlaceKind::Municipality => format!("gmina {}", p.name),
            PlaceKind::County => p.county().unwrap_or_else(|| p.name.clone()),
            PlaceKind::State => p.state().unwrap_or_else(|| p.name.clone()),
            _ => p.name.clone(),
        }),
    );
    if let Some(pc) = &p.postcode {
        props.insert("postcode".into(), json!(pc));
    }
    if matches!(p.kind, PlaceKind::Village)
        && let Some(g) = name_of(&p.admin.gmina).filter(|g| *g != p.name)
    {
        props.insert("city".into(), json!(g));
    }
    if let Some(c) = p
        .county()
        .filter(|_| p.kind != PlaceKind::County && p.kind != PlaceKind::State)
    {
        props.insert("county".into(), json!(c));
    }
    if p.kind != PlaceKind::State
        && let Some(s) = p.state()
    {
        props.insert("state".into(), json!(s));
    }
    props.insert("country".into(), json!(country));
    props.insert("countrycode".into(), json!("PL"));
    // Photon's extent is [min lon, max lat, max lon, min lat].
    props.insert("extent".into(), json!([e[0], e[3], e[2], e[1]]));
    json!({
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round6(p.lon), round6(p.lat)]},
        "properties": props,
    })
}

fn collection(features: Vec<Value>) -> Response {
    gazetteer_json(
        json!({"type": "FeatureCollection", "features": features}),
        "application/json;charset=utf-8",
    )
}

fn limit_of(p: &Params) -> Result<usize, ApiError> {
    Ok(p.int("limit", 1, 1000)?
        .map_or(MAX_RESULTS, |l| (l as usize).min(MAX_RESULTS)))
}

fn filter_tags(places: Vec<Place>, tags: &[(String, String)]) -> Vec<Place> {
    let osm_tags: Vec<&str> = tags
        .iter()
        .filter(|(k, _)| k == "osm_tag")
        .map(|(_, v)| v.as_str())
        .collect();
    let layers: Vec<&str> = tags
        .iter()
        .filter(|(k, _)| k == "layer")
        .map(|(_, v)| v.as_str())
        .collect();
    places
        .into_iter()
        .filter(|p| {
            osm_tags
                .iter()
                .all(|t| tag_matches(t, osm_key(p.kind), p.kind.osm_value()))
        })
        .filter(|p| layers.is_empty() || layers.contains(&p.kind.photon_type()))
        .collect()
}

/// `GET /photon/api?q=&limit=&lang=&lat=&lon=&bbox=&osm_tag=&layer=`: forward
/// geocoding. `lat`/`lon` bias equally good answers towards the point; `bbox`
/// keeps only answers inside it.
async fn search(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let run = || -> Result<Vec<Value>, ApiError> {
        let (p, tags) = parse_lenient(
            raw.as_deref(),
            &[
                "q",
                "limit",
                "lang",
                "lat",
                "lon",
                "bbox",
                "zoom",
                "location_bias_scale",
                "debug",
                "dedupe",
            ],
            &["osm_tag", "layer"],
        )?;
        let q = p
            .str("q")
            .ok_or_else(|| ApiError::invalid("q", "missing search term"))?;
        let limit = limit_of(&p)?;
        let lat = p.f64("lat")?.map(|v| check_lat("lat", v)).transpose()?;
        let lon = p.f64("lon")?.map(|v| check_lon("lon", v)).transpose()?;
        let bias = match (lat, lon) {
            (Some(lat), Some(lon)) => Some((lat, lon)),
            (None, None) => None,
            _ => {
                return Err(ApiError::invalid(
                    "lat",
                    "give both lat and lon for a location bias",
                ));
            }
        };
        let bbox = p.str("bbox").map(|b| parse_bbox("bbox", b)).transpose()?;
        if let Some(s) = p.f64("location_bias_scale")?
            && !(0.0..=1.0).contains(&s)
        {
            return Err(ApiError::invalid(
                "location_bias_scale",
                "must be within 0..1",
            ));
        }
        p.int("zoom", 0, 30)?;
        let country = country_name(p.str("lang"));
        let g = state.gazetteer;
        let mut candidates = match g.geocode(&crate::gazetteer::GeocodeQuery::text(q)) {
            Ok(r) => r.candidates,
            Err(e) if is_malformed(&e) => return Err(ApiError::geocode("q", e)),
            Err(_) => Vec::new(),
        };
        if let Some(b) = bbox {
            candidates.retain(|c| c.lon >= b[0] && c.lon <= b[2] && c.lat >= b[1] && c.lat <= b[3]);
        }
        if let Some((lat, lon)) = bias {
            let d = |c: &Candidate| {
                crate::geo_util::haversine_km(
                    crate::geo_util::LonLat::new(lon, lat),
                    crate::geo_util::LonLat::new(c.lon, c.lat),
                )
            };
            candidates.sort_by(|a, b| {
                let (sa, sb) = ((a.score * 100.0).round(), (b.score * 100.0).round());
                sb.total_cmp(&sa).then(d(a).total_cmp(&d(b)))
            });
        }
        let places = candidates
            .iter()
            .map(|c| Place::from_candidate(g, c))
            .collect();
        Ok(filter_tags(places, &tags)
            .iter()
            .take(limit)
            .map(|p| photon_feature(p, country))
            .collect())
    };
    match run() {
        Ok(f) => collection(f),
        Err(e) => e.into_response(),
    }
}

/// `GET /photon/reverse?lat=&lon=&limit=&lang=&radius=`: the nearest locality,
/// or no feature outside Poland or beyond `radius` km.
async fn reverse(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let run = || -> Result<Vec<Value>, ApiError> {
        let (p, tags) = parse_lenient(
            raw.as_deref(),
            &[
                "lat",
                "lon",
                "limit",
                "lang",
                "radius",
                "query_string_filter",
                "distance_sort",
                "debug",
                "dedupe",
            ],
            &["osm_tag", "layer"],
        )?;
        let (lat, lon) = p.lat_lon()?;
        limit_of(&p)?;
        let radius_km = p.f64("radius")?;
        if let Some(r) = radius_km
            && r <= 0.0
        {
            return Err(ApiError::invalid("radius", "must be positive (km)"));
        }
        let g = state.gazetteer;
        let r = match g.reverse(crate::geo_util::LonLat::new(lon, lat)) {
            Ok(r) => r,
            Err(e) if e.is_bad_input() => return Err(ApiError::geocode("lat,lon", e)),
            Err(_) => return Ok(Vec::new()),
        };
        if radius_km.is_some_and(|max| r.distance_km > max) {
            return Ok(Vec::new());
        }
        let country = country_name(p.str("lang"));
        Ok(filter_tags(vec![Place::from_reverse(g, &r)], &tags)
            .iter()
            .map(|p| photon_feature(p, country))
            .collect())
    };
    match run() {
        Ok(f) => collection(f),
        Err(e) => e.into_response(),
    }
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
    fn country_names_follow_the_language() {
        assert_eq!(country_name(None), "Polska");
        assert_eq!(country_name(Some("en-GB,en;q=0.8")), "Poland");
        assert_eq!(country_name(Some("de")), "Polen");
        assert_eq!(country_name(Some("default")), "Polska");
    }

    #[test]
    fn repeated_tags_are_accepted_other_repeats_are_not() {
        let (p, multi) = parse_lenient(
            Some("q=x&osm_tag=place&osm_tag=!boundary"),
            &["q"],
            &["osm_tag"],
        )
        .unwrap();
        assert_eq!(p.str("q"), Some("x"));
        assert_eq!(multi.len(), 2);
        assert!(parse_lenient(Some("q=x&q=y"), &["q"], &["osm_tag"]).is_err());
        assert!(parse_lenient(Some("nope=1"), &["q"], &["osm_tag"]).is_err());
    }
}
