//! OGC API – Features, Part 1: Core (1.0) under `/ogc`, so that QGIS, GDAL's
//! OAPIF driver and OWSLib read the practices without learning our API.
//!
//! One collection, `practices`, over the same snapshot, filters and public view
//! as `/api/practices`:
//!
//! - `/ogc` landing page, `/ogc/api` OpenAPI 3.0, `/ogc/conformance`;
//! - `/ogc/collections`, `/ogc/collections/practices` (extent in CRS84 and time),
//!   `/ogc/collections/practices/queryables` (JSON Schema);
//! - `/ogc/collections/practices/items` with `bbox`, `limit` (default
//!   [`DEFAULT_LIMIT`], larger than [`MAX_LIMIT`] clamped), `offset`, `datetime`,
//!   `q` and the [`QUERYABLES`] as `name=value`; `next`/`prev` links page through;
//! - `/ogc/collections/practices/items/{featureId}`.
//!
//! Coordinates are CRS84 unless `crs` asks for EPSG:2180 (the Polish grid,
//! northing then easting, [`crs`]), and a `bbox` may be given in either
//! (`bbox-crs`); `Content-Crs` names the answer's.
//!
//! Every answer is JSON (GeoJSON for features) whatever the `Accept` header; `f`
//! may be `json` (or `geojson`). Unknown parameters and bad values are 400 with
//! the API's JSON error body; unknown collections and features are 404. Links are
//! absolute, built from the `Host` header (`X-Forwarded-Host` and
//! `X-Forwarded-Proto` when a proxy sets them).

/// `/ogc/collections` and `/ogc/collections/practices`, with the extent.
pub mod collections;
/// The CRSs served: CRS84 and EPSG:2180.
pub mod crs;
/// EPSG:2180 boxes and the `bbox` of `/items` in either CRS.
pub mod grid;
/// `/ogc/collections/practices/items` and one item.
pub mod items;
/// An `/items` request as the query's `Filter`: the one conversion.
pub mod items_query;
/// The landing page and the conformance classes.
pub mod landing;
/// The links of a page of items.
pub mod paging;
/// The parameter contract of `/ogc`.
pub mod params;
/// `/ogc/collections/practices/queryables`.
pub mod queryables;
/// Links, the collection's id, the JSON answer of a document.
pub mod shared;
/// The types of `/items` parameter values.
pub mod values;
/// Part 4: create, replace, update (merge patch), delete (archive).
pub mod write;

use axum::Router;
use axum::routing::{MethodRouter, any, get};

use crate::api::cors;
use crate::api::state::AppState;
pub use crs::{CRS84, Crs, EPSG_2180};
pub use shared::{COLLECTION_ID, CONFORMANCE, QUERYABLES};
pub use values::{DEFAULT_LIMIT, ITEM_PROPERTIES, MAX_LIMIT, SORTABLES};

/// The `/ogc` routes, to be merged into the application router; `api_doc`
/// answers `/ogc/api` (the document is assembled above this module).
pub fn routes(api_doc: MethodRouter<AppState>) -> Router<AppState> {
    Router::new()
        .route("/ogc", get(landing::landing))
        .route("/ogc/", get(landing::landing))
        .route("/ogc/api", api_doc)
        .route("/ogc/conformance", get(landing::conformance))
        .route("/ogc/collections", get(collections::collections))
        .route("/ogc/collections/{cid}", get(collections::collection))
        .route(
            "/ogc/collections/{cid}/queryables",
            get(queryables::queryables),
        )
        .route("/ogc/collections/{cid}/items", get(items::items))
        .route("/ogc/collections/{cid}/items/{fid}", get(items::item))
        .route("/ogc/{*rest}", any(shared::not_found))
        .layer(cors::read_only())
}
