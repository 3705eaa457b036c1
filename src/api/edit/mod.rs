//! Writes over HTTP: the practice a client sends, read and checked.

/// A written practice (GeoJSON Feature) read into a record; JSON merge patch.
pub mod input;
