//! Geocoding over HTTP: the native `/api/geocode` and `/api/reverse`, and the
//! Photon and Nominatim protocols. Each is a thin translator of the neutral
//! [`crate::places::Place`]; the OSM vocabulary they share is [`osm`].

pub mod native;
pub mod nominatim;
pub mod openapi;
pub mod osm;
pub mod photon;
