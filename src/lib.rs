//! mapa-praktyk: a map of Polish local-government good practices.
//!
//! How data flows, one way:
//!
//! ```text
//! geodata/*.tsv ──► gazetteer::Gazetteer (embedded, loaded once)
//!                          │ geocode / reverse
//! pages, CSV ──► import ──►│──► practice::Practice (validated, geocoded)
//!                                 │
//! data/practices.csv ◄── store ◄──┘ (atomic save)      store::read_each ──► Practice, row by row
//!                                                                  │ query::SnapshotBuilder
//!   query::Snapshot (compact: encoded records, a row per practice, prepared ◄┘
//!   features, search text, id map; the large parts in mapped temporary files
//!   or in memory, then read in place from the mapped snapshot file)
//!   + index::PracticeIndex (R-tree of ids, bulk-loaded)
//!                                 │ query ──► ids ──► prepared features / decoded Practice ──► geojson (the only output shaper)
//!                                 ▼
//!                       api::router(AppState) ──► HTTP (JSON, GeoJSON, CSV, static page)
//! ```
//!
//! `main.rs` only parses the configuration, starts tracing, loads data and serves;
//! everything else lives here so tests and benchmarks use exactly what the binary uses.
#![deny(unsafe_code)]

/// HTTP: the router, the server, and one folder per protocol (`/api`, `/ogc`, geocoding).
pub mod api;
/// Server-side clustering of a viewport's matches for the map, with exact counts.
pub mod cluster;
/// Command-line and environment configuration (clap).
pub mod config;
/// CSV for people: formulas neutralised, plain or Excel dialect.
pub mod csv_out;
/// The served dataset over time: first load and hot reload of the CSV file.
pub mod dataset;
/// Downloads written in pieces through a bounded channel, a few at a time.
pub mod download;
/// Counts of a query's matches per voivodeship, powiat or gmina.
pub mod facets;
/// File-system safety: atomic writes, temporary-file cleaning, fingerprints, change watching.
pub mod files;
/// Polish gazetteer (GeoNames, Natural Earth), the geocoder and reverse geocoder.
pub mod gazetteer;
/// Great-circle geometry helpers shared by the geocoder and the index.
pub mod geo_util;
/// Shapes practices into GeoJSON features: the one place that knows the output shape.
pub mod geojson;
/// Readers for practice-database pages, institution pages and CSV.
pub mod import;
/// The R-tree over practices and its radius, k-nearest and region queries.
pub mod index;
/// The neutral geocoding result and search pipeline the HTTP protocols translate.
pub mod places;
/// The practice record and its vocabulary (areas, unit types).
pub mod practice;
/// Dataset snapshots and the filter/spatial queries over them (no HTTP here).
pub mod query;
/// What a snapshot is: records, rows, columns, prepared features, the grid, its file format.
pub mod snapshot;
/// The CSV dataset: load with validation, atomic save.
pub mod store;
/// Seeded synthetic practices for benchmarks and load tests.
pub mod synthetic;
/// The free-text filter's rule (folding and stems), shared with the map page.
pub mod text_match;
