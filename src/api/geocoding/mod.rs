//! Geocoding over HTTP: the native `/api/geocode` and `/api/reverse`, and the
//! Photon and Nominatim protocols. Each is a thin translator of the neutral
//! [`crate::places::Place`]; the OSM vocabulary they share is [`osm`], their
//! parameters are [`params`].

/// `/api/geocode` and `/api/reverse`.
pub mod native;
/// Nominatim-compatible `/nominatim`.
pub mod nominatim;
/// OSM's names of the kinds of places.
pub mod osm;
/// The parameter contract of every geocoding endpoint.
pub mod params;
/// Photon-compatible `/photon`.
pub mod photon;
