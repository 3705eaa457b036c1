//! The bundled gazetteer of Poland and the geocoder over it.
//!
//! Data comes from `geodata/` (see its README), embedded in the binary at build
//! time: GeoNames postal codes (every locality with its postal codes, gmina, powiat
//! and voivodeship), GeoNames cities500 populations, and the Natural Earth outlines
//! of the 16 voivodeships.
//!
//! Inside, each file imports only files on the floors below it (and the
//! [`Gazetteer`] it adds methods to):
//! - `geodata` (the files as text, their error, reading rows), `postal`
//!   ([`PostalCode`]), `records` (what the tables hold), `grid` (nearest
//!   postal row), `normalize` (folding and keys), `types` (the answers);
//! - `forms` (inflected names, prefix index) and `load` (one reader per file);
//! - `data` (the tables and their indexes, built from the readers);
//! - `resolve`, `rank`, `adjective` (towns named by their adjective),
//!   `mention`, `context` (what the words around a mention say of it), then
//!   `geocode` and `locate`, which read queries and texts and choose the
//!   answer.
//!
//! ```
//! use mapa_praktyk::gazetteer::{Gazetteer, GeocodeQuery, Precision};
//! use mapa_praktyk::geo_util::LonLat;
//! let g = Gazetteer::bundled();
//! let r = g.geocode(&GeocodeQuery::text("MOPS w Zawierciu")).unwrap();
//! assert_eq!(&*r.best.name, "Zawiercie");
//! assert_eq!(r.best.precision, Precision::Locality);
//! assert_eq!(&*r.best.admin.voivodeship.unwrap().name, "śląskie");
//!
//! let r = g.geocode(&GeocodeQuery::text("32-600 Oświęcim")).unwrap();
//! assert_eq!(r.best.precision, Precision::PostalLocality);
//! assert_eq!(&*r.best.admin.gmina.unwrap().teryt, "121301");
//!
//! let back = g.reverse(LonLat::new(19.2343, 50.0352)).unwrap();
//! assert_eq!(&*back.name, "Oświęcim");
//! ```

mod adjective;
mod context;
mod data;
mod forms;
mod geocode;
mod geodata;
mod grid;
mod load;
mod locate;
mod mention;
mod normalize;
mod postal;
mod rank;
mod records;
mod resolve;
mod types;

use geo::Contains;

pub use geodata::{GazetteerError, GeodataText};
pub use locate::{MAX_TEXT_CHARS, TextPlace};
pub use normalize::{fold, key};
pub use postal::PostalCode;
pub use types::*;

use crate::geo_util::{LonLat, haversine_km};
use data::Tables;

/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 500;

/// Errors of the geocoder and reverse geocoder; each names what was wrong.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GeocodeError {
    /// The query holds nothing to look up.
    #[error("the query is empty")]
    Empty,
    /// The query is longer than [`MAX_QUERY_CHARS`].
    #[error("the query is {chars} characters long; at most {MAX_QUERY_CHARS} are accepted")]
    TooLong {
        /// Its length in characters.
        chars: usize,
    },
    /// The query holds a control character.
    #[error("the query holds a control character (U+{code:04X}) at character {position}")]
    ControlCharacter {
        /// The character's code point.
        code: u32,
        /// Its 0-based position in characters.
        position: usize,
    },
    /// Something that looks like a postal code but is not `NN-NNN`.
    #[error("malformed postal code {0:?}: a Polish postal code is NN-NNN, e.g. 32-600")]
    MalformedPostalCode(String),
    /// A well-formed postal code of an area that does not exist.
    #[error("postal code {0} is not used in Poland (no codes with its prefix)")]
    UnknownPostalCode(String),
    /// A named voivodeship, powiat or gmina that the gazetteer does not know.
    #[error("unknown {level}: {name:?}")]
    UnknownRegion {
        /// `voivodeship`, `powiat` or `gmina`.
        level: &'static str,
        /// The name or code as given.
        name: String,
    },
    /// Nothing in the query matched a place.
    #[error("no place found for {0:?}")]
    NotFound(String),
    /// A place was named, but none of that name lies in the region the query named.
    #[error("no place {place:?} in {region}")]
    NoMatchInRegion {
        /// What was looked for.
        place: String,
        /// The region it had to lie in.
        region: String,
    },
    /// Latitude or longitude out of range or not finite.
    #[error("invalid coordinates: {0}")]
    InvalidCoordinates(String),
    /// A point that is not in Poland.
    #[error("the point ({lat}, {lon}) is outside coverage: the gazetteer covers Poland only")]
    OutsideCoverage {
        /// Latitude asked about.
        lat: f64,
        /// Longitude asked about.
        lon: f64,
    },
}

impl GeocodeError {
    /// A stable machine-readable code for the error.
    pub fn code(&self) -> &'static str {
        match self {
            GeocodeError::Empty => "empty_query",
            GeocodeError::TooLong { .. } => "query_too_long",
            GeocodeError::ControlCharacter { .. } => "control_character",
            GeocodeError::MalformedPostalCode(_) => "malformed_postal_code",
            GeocodeError::UnknownPostalCode(_) => "unknown_postal_code",
            GeocodeError::UnknownRegion { .. } => "unknown_region",
            GeocodeError::NotFound(_) => "not_found",
            GeocodeError::NoMatchInRegion { .. } => "no_match_in_region",
            GeocodeError::InvalidCoordinates(_) => "invalid_coordinates",
            GeocodeError::OutsideCoverage { .. } => "outside_coverage",
        }
    }

    /// Whether the error is the caller's mistake in the input (as opposed to a
    /// well-formed query that found nothing).
    pub fn is_bad_input(&self) -> bool {
        !matches!(
            self,
            GeocodeError::NotFound(_)
                | GeocodeError::NoMatchInRegion { .. }
                | GeocodeError::OutsideCoverage { .. }
        )
    }
}

/// A voivodeship as published: codes, names and outline.
#[derive(Debug, Clone)]
pub struct VoivodeshipInfo<'a> {
    /// TERYT code (`24`).
    pub teryt: &'a str,
    /// Polish name (`śląskie`).
    pub name: &'a str,
    /// English name (`Silesia`).
    pub name_en: &'a str,
    /// Outline (Natural Earth, generalised).
    pub outline: &'a geo::MultiPolygon<f64>,
}

/// The loaded gazetteer. Cheap to share: load it once ([`Gazetteer::bundled`]).
pub struct Gazetteer {
    t: Tables,
    /// Town adjectives ("wrzesiński" → Września), built on first use.
    adjectives: std::sync::OnceLock<adjective::Adjectives>,
}

/// Distance from the nearest locality within which a point counts as inside
/// Poland without testing the outlines (the outlines are generalised at borders).
const NEAR_LOCALITY_KM: f64 = 3.0;

impl Gazetteer {
    /// The gazetteer embedded in the binary, loaded once on first use.
    pub fn bundled() -> &'static Gazetteer {
        static G: std::sync::OnceLock<Gazetteer> = std::sync::OnceLock::new();
        G.get_or_init(|| {
            Gazetteer::load(&GeodataText::EMBEDDED).expect("the embedded gazetteer is valid")
        })
    }

    /// Loads a gazetteer from the text of its files.
    pub fn load(src: &GeodataText<'_>) -> Result<Gazetteer, GazetteerError> {
        Ok(Gazetteer {
            t: Tables::load(src)?,
            adjectives: std::sync::OnceLock::new(),
        })
    }

    /// Builds the indexes that are otherwise built on first use (the typo
    /// index, about a quarter of a second), so that a server's first misspelt
    /// query does not pay for it. Idempotent and cheap once done.
    pub fn warm_up(&self) {
        self.t.fuzzy_index();
        self.t.prefix_index();
    }

    /// Number of localities (distinct locality and gmina pairs).
    pub fn locality_count(&self) -> usize {
        self.t.localities().len()
    }

    /// Number of distinct postal codes.
    pub fn postal_code_count(&self) -> usize {
        self.t.postal_codes().len()
    }

    /// Every locality as `(name, lon, lat, voivodeship TERYT)`.
    pub fn localities(&self) -> impl Iterator<Item = (&str, f64, f64, &str)> + '_ {
        self.t.localities().iter().map(|l| {
            (
                &*l.name,
                l.lon,
                l.lat,
                &*self.t.voivodeship(l.voivodeship).admin.teryt,
            )
        })
    }

    /// The admin chain of locality `i` (as listed by [`Gazetteer::localities`]).
    pub fn locality_admin(&self, i: usize) -> AdminChain {
        self.admin_chain(self.t.locality(i as u32))
    }

    /// The 16 voivodeships, in TERYT order.
    pub fn voivodeships(&self) -> impl Iterator<Item = VoivodeshipInfo<'_>> + '_ {
        self.t.voivodeships().iter().map(|v| VoivodeshipInfo {
            teryt: &v.admin.teryt,
            name: &v.admin.name,
            name_en: &v.name_en,
            outline: &v.outline,
        })
    }

    /// Finds a region by TERYT code or name (Polish, English, without diacritics,
    /// with or without `woj.`/`powiat`/`gmina`). A gmina name shared by several
    /// gminas (an urban and a rural gmina of one town) gives the first.
    pub fn find_region(&self, level: AdminLevel, name: &str) -> Result<AdminRef, GeocodeError> {
        let found = match level {
            AdminLevel::Voivodeship => self.find_voivodeship(name).map(|i| {
                let v = &self.t.voivodeship(i).admin;
                AdminRef {
                    teryt: v.teryt.clone(),
                    name: v.name.clone(),
                }
            }),
            AdminLevel::Powiat => self
                .find_powiats(name)
                .first()
                .map(|&i| self.admin_ref(self.t.powiat(i))),
            AdminLevel::Gmina => self
                .find_gminas(name)
                .first()
                .map(|&i| self.admin_ref(self.t.gmina(i))),
        };
        found.ok_or_else(|| GeocodeError::UnknownRegion {
            level: level_name(level),
            name: name.to_string(),
        })
    }

    /// Geocodes a structured or free-text query. See the module docs.
    pub fn geocode(&self, query: &GeocodeQuery) -> Result<GeocodeResult, GeocodeError> {
        geocode::geocode(self, query)
    }

    /// Finds the nearest locality and the admin chain of a point. A point
    /// outside Poland gives [`GeocodeError::OutsideCoverage`].
    pub fn reverse(&self, p: LonLat) -> Result<ReverseResult, GeocodeError> {
        check_lon_lat(p)?;
        let LonLat { lon, lat } = p;
        // Well away from every row (0.1° is over 6 km here) and from every
        // outline: outside, without searching.
        if !self.t.grid().covers(p, 0.1) && !self.inside_outlines(p) {
            return Err(GeocodeError::OutsideCoverage { lat, lon });
        }
        let nearest = self
            .t
            .grid()
            .nearest(p)
            .ok_or(GeocodeError::OutsideCoverage { lat, lon })?;
        let (code, row) = self.t.row(nearest);
        let loc = &self.t.locality(row.locality);
        let distance_km = haversine_km(p, row.at());
        if distance_km > NEAR_LOCALITY_KM && !self.inside_outlines(p) {
            return Err(GeocodeError::OutsideCoverage { lat, lon });
        }
        Ok(ReverseResult {
            lat,
            lon,
            name: loc.name.clone(),
            locality_lat: loc.lat,
            locality_lon: loc.lon,
            distance_km,
            postal_code: self.t.postal_text(code),
            admin: self.admin_chain(loc),
        })
    }

    /// The voivodeship whose outline holds the point, if any.
    pub fn voivodeship_at(&self, p: LonLat) -> Option<AdminRef> {
        let pt = geo::Point::from(p);
        self.t
            .voivodeships()
            .iter()
            .find(|v| v.bbox.contains(p) && v.outline.contains(&pt))
            .map(|v| AdminRef {
                teryt: v.admin.teryt.clone(),
                name: v.admin.name.clone(),
            })
    }

    fn inside_outlines(&self, p: LonLat) -> bool {
        self.voivodeship_at(p).is_some()
    }

    fn admin_ref(&self, a: &records::Admin) -> AdminRef {
        AdminRef {
            teryt: a.teryt.clone(),
            name: a.name.clone(),
        }
    }

    fn admin_chain(&self, l: &records::Locality) -> AdminChain {
        AdminChain {
            gmina: l.gmina.map(|g| self.admin_ref(self.t.gmina(g))),
            powiat: l.powiat.map(|p| self.admin_ref(self.t.powiat(p))),
            voivodeship: Some(self.admin_ref(&self.t.voivodeship(l.voivodeship).admin)),
        }
    }

    fn find_voivodeship(&self, name: &str) -> Option<u8> {
        let k = key(name);
        let k = strip_prefixes(&k, &["wojewodztwo ", "woj "]);
        if let Some(i) = self
            .t
            .voivodeships()
            .iter()
            .position(|v| &*v.admin.teryt == k)
        {
            return Some(i as u8);
        }
        self.t.voivodeship_key(k)
    }

    /// Every powiat a name or code may mean ("bielski" is two powiats).
    fn find_powiats(&self, name: &str) -> Vec<u16> {
        let k = key(name);
        let k = strip_prefixes(&k, &["powiat ", "pow "]);
        if let Some(i) = self.t.powiat_teryt(k) {
            return vec![i];
        }
        // As written or inflected: "zawierciańskiego", "oświęcimskim".
        self.powiats_named(k)
    }

    /// Every gmina a name or code may mean (a town's urban and rural gmina).
    fn find_gminas(&self, name: &str) -> Vec<u16> {
        let k = key(name);
        let k = strip_prefixes(&k, &["gmina ", "gm "]);
        if let Some(i) = self.t.gmina_teryt(k) {
            return vec![i];
        }
        self.gminas_named(k)
    }
}

fn strip_prefixes<'a>(k: &'a str, prefixes: &[&str]) -> &'a str {
    prefixes.iter().find_map(|p| k.strip_prefix(p)).unwrap_or(k)
}

pub(crate) fn level_name(level: AdminLevel) -> &'static str {
    match level {
        AdminLevel::Voivodeship => "voivodeship",
        AdminLevel::Powiat => "powiat",
        AdminLevel::Gmina => "gmina",
    }
}

/// Checks that a point's latitude and longitude are finite and within ±90 / ±180.
pub fn check_lon_lat(p: LonLat) -> Result<(), GeocodeError> {
    let LonLat { lon, lat } = p;
    if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
        return Err(GeocodeError::InvalidCoordinates(format!(
            "latitude {lat} is not a number between -90 and 90"
        )));
    }
    if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) {
        return Err(GeocodeError::InvalidCoordinates(format!(
            "longitude {lon} is not a number between -180 and 180"
        )));
    }
    Ok(())
}
