//! The neutral geocoding result below HTTP: a [`Place`] (a locality or an
//! administrative unit of Poland) with its kind, decided in one place
//! ([`kind_of`]), and the one search pipeline ([`search`], [`reverse`]) that the
//! native API, Photon and Nominatim translate into their own vocabularies.
//!
//! Uses only the gazetteer's public API.

use std::sync::LazyLock;

use geo::BoundingRect;
use regex::Regex;

use crate::gazetteer::{
    AdminChain, Candidate, Gazetteer, GeocodeError, GeocodeQuery, Precision, ReverseResult,
};
use crate::geo_util::{Bbox, LonLat, haversine_km};
use crate::geojson::round6;

/// Most results one search returns (the geocoder ranks at most ten).
pub const MAX_RESULTS: usize = 10;

/// What kind of place an answer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaceKind {
    /// A city (100 000 inhabitants or more, or a city with powiat rights).
    City,
    /// A town.
    Town,
    /// A village or a locality of unknown size.
    Village,
    /// A district or estate of a town ("Mokotów", "Psie Pole").
    Suburb,
    /// A gmina.
    Municipality,
    /// A powiat.
    County,
    /// A voivodeship.
    State,
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
    /// The box a map shows the place in.
    pub extent: Bbox,
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

/// A box of `radius_km` around a point, its edges rounded to six decimals.
fn square(centre: LonLat, radius_km: f64) -> Bbox {
    let LonLat { lon, lat } = centre;
    let dlat = radius_km / 111.32;
    let dlon = radius_km / (111.32 * lat.to_radians().cos().max(0.1));
    Bbox::new(
        round6(lon - dlon),
        round6(lat - dlat),
        round6(lon + dlon),
        round6(lat + dlat),
    )
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
        let centre = LonLat::new(self.lon, self.lat);
        self.extent = match self.kind {
            PlaceKind::State => g
                .voivodeships()
                .find(|v| Some(v.teryt) == self.admin.voivodeship.as_ref().map(|a| &*a.teryt))
                .and_then(|v| v.outline.bounding_rect())
                .map(|r| {
                    Bbox::new(
                        round6(r.min().x),
                        round6(r.min().y),
                        round6(r.max().x),
                        round6(r.max().y),
                    )
                })
                .unwrap_or_else(|| square(centre, 80.0)),
            PlaceKind::County => square(centre, 20.0),
            PlaceKind::Municipality => square(centre, 8.0),
            _ => {
                let r = population.map_or(1.0, |p| (f64::from(p).sqrt() / 60.0).clamp(1.0, 12.0));
                square(centre, r)
            }
        };
        self.id = fnv1a(&[
            self.kind.key(),
            &self.name,
            teryt_of(&self.admin.gmina),
            teryt_of(&self.admin.powiat),
        ]);
        self
    }

    /// The place of a geocoder candidate.
    pub fn from_candidate(g: &Gazetteer, c: &Candidate) -> Place {
        let kind = kind_of(c);
        Place {
            name: c.name.to_string(),
            lat: c.lat,
            lon: c.lon,
            kind,
            postcode: c.postal_code.as_deref().map(str::to_string),
            admin: c.admin.clone(),
            score: c.score,
            extent: Bbox::new(0.0, 0.0, 0.0, 0.0),
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
            extent: Bbox::new(0.0, 0.0, 0.0, 0.0),
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

/// What kind of place a geocoder candidate is: the one place that decides.
///
/// Derived from the candidate's precision and, for localities, from its size
/// and whether it names its gmina and powiat.
pub fn kind_of(c: &Candidate) -> PlaceKind {
    if c.kind == crate::gazetteer::PlaceKind::District {
        return PlaceKind::Suburb;
    }
    match c.precision {
        Precision::Gmina => PlaceKind::Municipality,
        Precision::Powiat => PlaceKind::County,
        Precision::Voivodeship => PlaceKind::State,
        _ => settlement_kind(&c.name, &c.admin, c.population),
    }
}

impl PlaceKind {
    /// A stable key of the kind: `city`, `town`, `village`, `suburb`, `municipality`,
    /// `county`, `state` (used in place ids).
    pub fn key(self) -> &'static str {
        match self {
            PlaceKind::City => "city",
            PlaceKind::Town => "town",
            PlaceKind::Village => "village",
            PlaceKind::Suburb => "suburb",
            PlaceKind::Municipality => "municipality",
            PlaceKind::County => "county",
            PlaceKind::State => "state",
        }
    }

    /// Whether the place is a settlement (rather than an administrative unit).
    pub fn is_settlement(self) -> bool {
        matches!(
            self,
            PlaceKind::City | PlaceKind::Town | PlaceKind::Village | PlaceKind::Suburb
        )
    }
}

/// Limits of a search besides its text.
#[derive(Debug, Clone, Copy, Default)]
pub struct SearchOptions {
    /// Only places inside this box (edges included).
    pub bbox: Option<Bbox>,
    /// Among equally good places, nearer ones first.
    pub bias: Option<LonLat>,
}

/// Street words that the gazetteer does not know: `ul. Piłsudskiego 5`,
/// `al. Jana Pawła II`, `pl. Wolności`, `os. Słoneczne`, up to the next comma,
/// house number or known place.
static STREET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(^|[\s,])(ul\.?|ulica|al\.?|aleja|aleje|pl\.?|plac|os\.?|osiedle)\s+[^\s,\d]+(\s+\d+[a-z]?(/\d+[a-z]?)?)?\s*,?")
        .expect("the street pattern compiles")
});

/// The text without a street and house number (`ul. Piłsudskiego 5,
/// Zawiercie` → `Zawiercie`), or `None` when it names no street.
pub fn without_street(text: &str) -> Option<String> {
    if !STREET.is_match(text) {
        return None;
    }
    let rest = STREET.replace_all(text, " ");
    let rest = rest.trim_matches(|c: char| c.is_whitespace() || c == ',');
    (!rest.is_empty()).then(|| rest.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// The one search pipeline: geocodes `query`, falling back to the town when
/// the text names a street the gazetteer does not hold, keeps the places in
/// `bbox`, and orders equally good ones by distance from `bias`.
///
/// A malformed query (empty, too long, control characters) is an error; a
/// query that finds nothing is an empty list.
pub fn search(
    g: &Gazetteer,
    query: &GeocodeQuery,
    options: SearchOptions,
) -> Result<Vec<Place>, GeocodeError> {
    let mut candidates = match g.geocode(query) {
        Ok(r) => r.candidates,
        Err(e) if is_malformed(&e) => return Err(e),
        Err(e) => match query.text.as_deref().and_then(without_street) {
            Some(town) => g
                .geocode(&GeocodeQuery {
                    text: Some(town),
                    ..query.clone()
                })
                .map(|r| r.candidates)
                .unwrap_or_default(),
            None => {
                tracing::debug!(error = %e, "search found nothing");
                Vec::new()
            }
        },
    };
    if let Some(b) = options.bbox {
        candidates.retain(|c| b.contains(LonLat::new(c.lon, c.lat)));
    }
    if let Some(centre) = options.bias {
        let d = |c: &Candidate| haversine_km(centre, LonLat::new(c.lon, c.lat));
        candidates.sort_by(|a, b| {
            let (sa, sb) = ((a.score * 100.0).round(), (b.score * 100.0).round());
            sb.total_cmp(&sa).then(d(a).total_cmp(&d(b)))
        });
    }
    Ok(candidates
        .iter()
        .map(|c| Place::from_candidate(g, c))
        .collect())
}

/// The nearest locality to a point, with its distance in km; `None` outside
/// Poland. Bad coordinates are an error.
pub fn reverse(g: &Gazetteer, at: LonLat) -> Result<Option<(Place, ReverseResult)>, GeocodeError> {
    match g.reverse(at) {
        Ok(r) => Ok(Some((Place::from_reverse(g, &r), r))),
        Err(e) if e.is_bad_input() => Err(e),
        Err(_) => Ok(None),
    }
}

/// The outline of a voivodeship place, as GeoJSON geometry.
pub fn outline(g: &Gazetteer, p: &Place) -> Option<geojson::Geometry> {
    if p.kind != PlaceKind::State {
        return None;
    }
    let teryt = p.admin.voivodeship.as_ref().map(|a| &*a.teryt)?;
    g.voivodeships()
        .find(|v| v.teryt == teryt)
        .map(|v| geojson::Geometry::new(geojson::Value::from(v.outline)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn street_words_are_dropped_for_the_town() {
        assert_eq!(
            without_street("ul. Piłsudskiego Zawiercie").as_deref(),
            Some("Zawiercie")
        );
        assert_eq!(
            without_street("ul. Piłsudskiego 5/2, 42-400 Zawiercie").as_deref(),
            Some("42-400 Zawiercie")
        );
        assert_eq!(without_street("Zawiercie"), None);
        assert_eq!(without_street("Ulanów"), None);
    }

    #[test]
    fn a_street_not_in_the_gazetteer_falls_back_to_the_town() {
        let g = Gazetteer::bundled();
        let places = search(
            g,
            &GeocodeQuery::text("ul. Piłsudskiego Zawiercie"),
            SearchOptions::default(),
        )
        .unwrap();
        assert_eq!(places.first().map(|p| p.name.as_str()), Some("Zawiercie"));
    }

    #[test]
    fn country_names_follow_the_language() {
        assert_eq!(country_name(None), "Polska");
        assert_eq!(country_name(Some("en-GB,en;q=0.8")), "Poland");
        assert_eq!(country_name(Some("de")), "Polen");
        assert_eq!(country_name(Some("default")), "Polska");
    }

    #[test]
    fn kinds_come_from_precision_and_size() {
        let g = Gazetteer::bundled();
        let kind = |q: &str| kind_of(&g.geocode(&GeocodeQuery::text(q)).unwrap().best);
        assert_eq!(kind("Kraków"), PlaceKind::City);
        assert_eq!(kind("województwo śląskie"), PlaceKind::State);
    }
}
