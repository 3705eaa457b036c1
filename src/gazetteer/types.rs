//! Public value types of the gazetteer and geocoder.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// Level of an administrative unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdminLevel {
    /// Województwo, TERYT code of 2 digits.
    Voivodeship,
    /// Powiat, TERYT code of 4 digits.
    Powiat,
    /// Gmina, TERYT code of 6 digits (GeoNames' form, without the type digit).
    Gmina,
}

/// A reference to one administrative unit: its TERYT code and Polish name.
/// The strings are shared with the gazetteer, so copies cost no allocation.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AdminRef {
    /// TERYT code: 2 digits (voivodeship), 4 (powiat) or 6 (gmina).
    pub teryt: Arc<str>,
    /// Polish name (`małopolskie`, `oświęcimski`, `Oświęcim`).
    pub name: Arc<str>,
}

impl AdminRef {
    /// A reference from its code and name.
    pub fn new(teryt: impl Into<Arc<str>>, name: impl Into<Arc<str>>) -> AdminRef {
        AdminRef {
            teryt: teryt.into(),
            name: name.into(),
        }
    }
}

/// The administrative chain of a place: gmina, powiat, voivodeship.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AdminChain {
    /// The gmina, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gmina: Option<AdminRef>,
    /// The powiat, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub powiat: Option<AdminRef>,
    /// The voivodeship, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voivodeship: Option<AdminRef>,
}

/// How precisely a geocoded answer locates its query, most precise first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Precision {
    /// Coordinates set by hand in the dataset (never produced by the geocoder).
    Manual,
    /// A locality that the given postal code covers.
    PostalLocality,
    /// A locality found by name (within any region the query named).
    Locality,
    /// The main locality of a postal code, the query naming no locality in it.
    PostalCode,
    /// A valid postal code missing from the gazetteer, placed from its neighbours.
    PostalArea,
    /// The centre of a gmina.
    Gmina,
    /// The centre of a powiat.
    Powiat,
    /// The centre of a voivodeship.
    Voivodeship,
}

impl Precision {
    /// The snake_case name used in JSON and CSV.
    pub fn as_str(self) -> &'static str {
        match self {
            Precision::Manual => "manual",
            Precision::PostalLocality => "postal_locality",
            Precision::Locality => "locality",
            Precision::PostalCode => "postal_code",
            Precision::PostalArea => "postal_area",
            Precision::Gmina => "gmina",
            Precision::Powiat => "powiat",
            Precision::Voivodeship => "voivodeship",
        }
    }

    /// All precisions, most precise first.
    pub const ALL: [Precision; 8] = [
        Precision::Manual,
        Precision::PostalLocality,
        Precision::Locality,
        Precision::PostalCode,
        Precision::PostalArea,
        Precision::Gmina,
        Precision::Powiat,
        Precision::Voivodeship,
    ];
}

impl std::fmt::Display for Precision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Precision {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Precision::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| format!("unknown precision {s:?}"))
    }
}

/// A structured geocoding query: any subset of the fields; `text` is free text
/// that may itself hold any of them in any order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GeocodeQuery {
    /// Free text (`"32-600 Oświęcim"`, `"MOPS w Zawierciu"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Postal code `NN-NNN`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    /// Locality (town or village) name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub town: Option<String>,
    /// Gmina name or TERYT code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gmina: Option<String>,
    /// Powiat name or TERYT code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub powiat: Option<String>,
    /// Voivodeship name (Polish, English or without diacritics) or TERYT code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voivodeship: Option<String>,
}

impl GeocodeQuery {
    /// A free-text query.
    pub fn text(text: impl Into<String>) -> Self {
        GeocodeQuery {
            text: Some(text.into()),
            ..Default::default()
        }
    }

    /// A readable one-line rendering of the query, for messages and output.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        for v in [
            &self.text,
            &self.postal_code,
            &self.town,
            &self.gmina,
            &self.powiat,
            &self.voivodeship,
        ]
        .into_iter()
        .flatten()
        {
            parts.push(v.as_str());
        }
        parts.join(", ")
    }
}

/// What kind of place a candidate is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlaceKind {
    /// A town or village (a locality of the postal data).
    #[default]
    Locality,
    /// A district or estate of a town ("Mokotów", "Psie Pole"), inside its gmina.
    District,
    /// A gmina, placed at its centre.
    Gmina,
    /// A powiat, placed at its centre.
    Powiat,
    /// A voivodeship, placed at its centre.
    Voivodeship,
}

impl PlaceKind {
    /// The snake_case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            PlaceKind::Locality => "locality",
            PlaceKind::District => "district",
            PlaceKind::Gmina => "gmina",
            PlaceKind::Powiat => "powiat",
            PlaceKind::Voivodeship => "voivodeship",
        }
    }
}

/// One place the geocoder proposes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    /// Latitude, WGS84 degrees.
    pub lat: f64,
    /// Longitude, WGS84 degrees.
    pub lon: f64,
    /// How precise this candidate is.
    pub precision: Precision,
    /// Confidence in 0..=1.
    pub score: f64,
    /// Name of the place (locality, or the unit for admin-level answers).
    pub name: Arc<str>,
    /// What kind of place it is.
    #[serde(default)]
    pub kind: PlaceKind,
    /// For a district, the town it lies in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub town: Option<Arc<str>>,
    /// Postal code, when the answer is tied to one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<Arc<str>>,
    /// Gmina, powiat and voivodeship.
    #[serde(flatten)]
    pub admin: AdminChain,
    /// Population of the locality, when GeoNames knows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub population: Option<u32>,
}

/// The geocoder's answer: the best candidate and the ranked alternatives
/// (`candidates[0]` is the best one again).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GeocodeResult {
    /// The best candidate.
    #[serde(flatten)]
    pub best: Candidate,
    /// Ranked candidates, best first, at most ten.
    pub candidates: Vec<Candidate>,
}

/// The reverse geocoder's answer for a point inside Poland.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReverseResult {
    /// The point asked about, latitude.
    pub lat: f64,
    /// The point asked about, longitude.
    pub lon: f64,
    /// The nearest locality.
    pub name: Arc<str>,
    /// The locality's centre, latitude.
    pub locality_lat: f64,
    /// The locality's centre, longitude.
    pub locality_lon: f64,
    /// Great-circle distance in kilometres from the point to the nearest point
    /// the gazetteer holds for that locality (a postal-code row of it).
    pub distance_km: f64,
    /// The postal code of that nearest row.
    pub postal_code: Arc<str>,
    /// Gmina, powiat and voivodeship of the locality.
    #[serde(flatten)]
    pub admin: AdminChain,
}
