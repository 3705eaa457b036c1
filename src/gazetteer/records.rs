//! The records the gazetteer's tables hold: administrative units,
//! voivodeships with their outlines, localities and postal rows.

use std::collections::HashMap;
use std::sync::Arc;

use geo::MultiPolygon;

use crate::geo_util::{Bbox, LonLat};

/// Maps keyed by postal-code number, hashed with foldhash (far cheaper than
/// the default SipHash on the geocoder's hot path). The keys come from the
/// bundled data, not from callers, so flooding is no concern.
pub(crate) type CodeMap<V> = HashMap<u32, V, foldhash::fast::FixedState>;

/// An administrative unit (gmina or powiat) with its centre.
#[derive(Debug, Clone)]
pub(crate) struct Admin {
    pub teryt: Arc<str>,
    pub name: Arc<str>,
    pub lat: f64,
    pub lon: f64,
}

/// A voivodeship with its names and outline.
#[derive(Debug, Clone)]
pub(crate) struct Voivodeship {
    pub admin: Admin,
    pub name_en: String,
    pub outline: MultiPolygon<f64>,
    pub bbox: Bbox,
}

/// A locality: a distinct (name, gmina) pair of the postal data.
#[derive(Debug, Clone)]
pub(crate) struct Locality {
    pub name: Arc<str>,
    pub gmina: Option<u16>,
    pub powiat: Option<u16>,
    pub voivodeship: u8,
    pub lat: f64,
    pub lon: f64,
    pub population: u32,
    /// Postal codes as numbers (`32-600` → 32600), ascending.
    pub postal: Vec<u32>,
    /// For a district or estate, the town it lies in (a locality id).
    pub district_of: Option<u32>,
}

/// One (postal code, locality) row.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PostalEntry {
    pub locality: u32,
    pub lat: f64,
    pub lon: f64,
}

impl PostalEntry {
    /// Where the row lies.
    pub fn at(&self) -> LonLat {
        LonLat::new(self.lon, self.lat)
    }
}
