//! mapa-praktyk: a map of Polish local-government good practices.
//!
//! How data flows, one way:
//!
//! ```text
//! geodata/*.tsv ──► gazetteer::Gazetteer (embedded, loaded once)
//!                          │ geocode / reverse
//! pages, CSV ──► import ──►│──► practice::Practice (validated, geocoded)
//!                                 │
//! data/practices.csv ◄── store ◄──┘ (atomic save through files)
//!        │        db::Store (SQLite / PostgreSQL: revisions, workflow, accounts)
//!        │ dataset::Source (the CSV, or the database's published practices): row by row
//!        ▼
//!   snapshot::SnapshotBuilder ──► snapshot::Snapshot (compact: encoded records,
//!   a row per practice, prepared features, search text, id map, R-tree of ids;
//!   the large parts in mapped temporary files or in memory, then read in place
//!   from the server's private copy of the snapshot file, checked first;
//!   extents and cluster cells derived on first use)
//!        │ query::Filter ──► Snapshot::query ──► ids
//!        ▼
//!   live::Live ◄── Live::apply(Change) (published records, from the writers)
//!   live::View: the snapshot with the overlay of changes laid over it,
//!   merged into a new snapshot in the background
//!        ├──► cluster / facets / download ──► geojson, csv_out (output shapes)
//!        ▼
//!   api::router(AppState) ──► HTTP (JSON, GeoJSON, CSV, static page)
//! ```
//!
//! The modules' floors, bottom to top. A module imports only from floors below
//! its own, never from its own floor or above (`tests/layers.rs` reads this
//! table and checks it against every `crate::` and `super::` path in `src/`,
//! and that no modules anywhere below `src/` import each other in a circle):
//!
//! ```text
//! Floors
//!  11  admin, api
//!  10  dataset, import
//!   9  cluster, download, facets
//!   8  live
//!   7  query
//!   6  csv_out, db, snapshot
//!   5  auth, store, places
//!   4  geojson, synthetic
//!   3  practice, text_match, workflow
//!   2  gazetteer, index, personal
//!   1  config, files, geo_util
//! ```
//!
//! - 1–3, vocabulary: configuration, file-system safety (`files`, knowing
//!   nothing of what files hold), points and boxes, the gazetteer and geocoder,
//!   the R-tree, people's phones and e-mails in prose (`personal`), the
//!   practice record and the text rule, and `workflow` (who may do what to a
//!   practice: roles, statuses, the transition table; pure).
//! - 4–5, formats: `geojson` (practice → feature, the one output shaper),
//!   `store` (the CSV), `places` (the neutral geocoding result).
//! - 6, `db`: the store of record (SQLite or PostgreSQL): practices with
//!   every revision through the workflow, accounts, tokens, sessions, the log
//!   of public changes; its published practices feed the snapshot through
//!   `dataset::database`.
//! - 6, `snapshot`: what is held (records, rows, columns, prepared features,
//!   the grid's cells, derived extents) and its binary file. It never reads
//!   queries, answers or HTTP.
//! - 7, `query`: filters planned onto a snapshot; 8, `live`: the view the
//!   answers read, the snapshot with published changes laid over it, and
//!   the background merge; 9, answers over a view's query.
//! - 10, `dataset`: the load, save and reload policy over snapshot, store and
//!   files, with the seam for a second source of records; `import` reads pages.
//! - 5, `auth`: accounts' secrets (Argon2id passwords, tokens and session
//!   ids stored hashed, the CSRF and sign-in throttle rules); it imports nothing
//!   of the crate.
//! - 11, `admin`: the operator's commands on the database (accounts, tokens,
//!   import into it).
//! - 11, `api`: HTTP only. Inside it, the documents (`api::docs`) sit on top,
//!   the protocol folders (`practices`, `ogc`, `geocoding`) never import each
//!   other, and what they share (`extract`, `values`, `schema`, `error`,
//!   `response`) sits below them.
//!
//! `main.rs` only parses the configuration, starts tracing, loads data and serves;
//! everything else lives here so tests and benchmarks use exactly what the binary uses.
#![deny(unsafe_code)]

/// The operator's commands on the database: accounts, API tokens, an import into it.
pub mod admin;
/// HTTP: the router, the server, and one folder per protocol (`/api`, `/ogc`, geocoding).
pub mod api;
/// Accounts' secrets: Argon2id passwords, hashed tokens and session ids, CSRF, the sign-in throttle.
pub mod auth;
/// The map's answer for a viewport: a query's matches grouped into the snapshot's cells, exact counts.
pub mod cluster;
/// Command-line and environment configuration (clap).
pub mod config;
/// CSV for people: formulas neutralised, plain or Excel dialect.
pub mod csv_out;
/// Load, save and reload policy: snapshot file or CSV, the saved snapshot, the watcher; the source seam.
pub mod dataset;
/// The store of record (SQLite or PostgreSQL): practices' revisions and workflow, accounts, the change log.
pub mod db;
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
/// Shapes practices (and cluster cells) into GeoJSON: the one place that knows the output shape.
pub mod geojson;
/// Readers for practice-database pages, institution pages and CSV.
pub mod import;
/// The R-tree over practices and its radius, k-nearest and region queries.
pub mod index;
/// Published changes on the read path: the view (snapshot + overlay), `apply`, the background merge.
pub mod live;
/// People's phones and e-mail addresses in prose: found by plain rules, withheld unless published.
pub mod personal;
/// The neutral geocoding result and search pipeline the HTTP protocols translate.
pub mod places;
/// The practice record and its vocabulary (areas, unit types).
pub mod practice;
/// The filter/spatial queries over a snapshot: `Filter` → `Matches` (no HTTP here).
pub mod query;
/// What a snapshot is: records, rows, columns, prepared features, the grid, its file format.
pub mod snapshot;
/// The CSV dataset's format: rows read with validation, rows written, the atomic save.
pub mod store;
/// Seeded synthetic practices for benchmarks and load tests.
pub mod synthetic;
/// The free-text filter's rule (folding and stems), shared with the map page.
pub mod text_match;
/// Roles, statuses, review actions: the transition table and who may do what (pure).
pub mod workflow;
