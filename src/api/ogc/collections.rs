//! The collections (`/ogc/collections`) and the one collection
//! (`/ogc/collections/practices`), with its extent in space and time.

use axum::extract::{FromRequestParts, State};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use axum::response::Response;
use serde::Serialize;
use utoipa::ToSchema;

use super::crs::{self, CRS84};
use super::params::{CollectionParams, FormatParams, JsonOnly};
use super::shared::{COLLECTION_ID, CollectionPath, Link, REL_QUERYABLES, base_url, link};
use crate::api::error::ApiError;
use crate::api::response::content_type::{GEOJSON, JSON, SCHEMA};
use crate::api::response::{CachePolicy, cached, etag_for};
use crate::api::state::AppState;
use crate::geo_util::Bbox;
use crate::live::View;

const GREGORIAN: &str = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian";

/// Poland's bounding box, for an empty dataset.
const POLAND_BBOX: Bbox = Bbox::new(14.07, 49.0, 24.15, 54.84);

/// The collection's extent in space (CRS84) and time.
// Built per request from the snapshot's extents, which it finds once.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Extent {
    spatial: SpatialExtent,
    temporal: TemporalExtent,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SpatialExtent {
    #[schema(value_type = [[f64; 4]; 1])]
    bbox: [Bbox; 1],
    crs: &'static str,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemporalExtent {
    /// One interval, its ends open (`null`) for a dataset without dates.
    interval: [[Option<String>; 2]; 1],
    trs: &'static str,
}

impl Extent {
    /// The extent of the snapshot's practices.
    pub fn of(snapshot: &View) -> Extent {
        let bbox = snapshot.extent().unwrap_or(POLAND_BBOX);
        let interval = match snapshot.time_extent() {
            Some((a, b)) => [
                Some(format!("{a}T00:00:00Z")),
                Some(format!("{b}T23:59:59Z")),
            ],
            None => [None, None],
        };
        Extent {
            spatial: SpatialExtent {
                bbox: [bbox],
                crs: CRS84,
            },
            temporal: TemporalExtent {
                interval: [interval],
                trs: GREGORIAN,
            },
        }
    }
}

/// The collection document.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Collection {
    id: &'static str,
    title: &'static str,
    description: &'static str,
    item_type: &'static str,
    crs: [&'static str; 2],
    storage_crs: &'static str,
    #[schema(value_type = Extent)]
    extent: Extent,
    links: Vec<Link>,
}

/// The collections document.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Collections {
    links: Vec<Link>,
    collections: [Collection; 1],
}

fn collection_doc(extent: Extent, base: &str) -> Collection {
    let c = format!("{base}/ogc/collections/{COLLECTION_ID}");
    Collection {
        id: COLLECTION_ID,
        title: "Dobre praktyki samorządowe",
        description: "Good practices of Polish local governments, placed by the gazetteer; the same records and public view as /api/practices.",
        item_type: "feature",
        crs: crs::SERVED,
        storage_crs: CRS84,
        extent,
        links: vec![
            link(c.clone(), "self", JSON, "This collection"),
            link(format!("{c}/items"), "items", GEOJSON, "The practices"),
            link(
                format!("{c}/queryables"),
                REL_QUERYABLES,
                SCHEMA,
                "Queryable properties",
            ),
            link(
                format!("{base}/api/practices.csv"),
                "alternate",
                "text/csv",
                "The practices as CSV",
            ),
        ],
    }
}

/// A request for a document of the collection (`/collections/{cid}`,
/// `/collections/{cid}/queryables`): the path names the collection, the query
/// holds at most `f`. Gives the base of the answer's links.
pub struct CollectionDoc {
    /// The scheme and authority of the answer's links.
    pub base: String,
}

impl FromRequestParts<AppState> for CollectionDoc {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<CollectionDoc, ApiError> {
        CollectionPath::from_request_parts(parts, state).await?;
        JsonOnly::from_request_parts(parts, state).await?;
        Ok(CollectionDoc {
            base: base_url(&parts.headers, state.config.trust_forwarded),
        })
    }
}

/// A document that describes the collection: its links depend on the
/// request's host and its extent on the snapshot, and so does its ETag.
fn collection_answer<T: Serialize>(
    state: &AppState,
    headers: &HeaderMap,
    base: String,
    what: &str,
    doc: impl FnOnce(Collection, String) -> T,
) -> Result<Response, ApiError> {
    let snapshot = state.live.current();
    let extent = Extent::of(&snapshot);
    cached(
        headers,
        etag_for(&snapshot, &[what, &base]),
        JSON,
        CachePolicy::PerClient,
        &[],
        || {
            serde_json::to_vec(&doc(collection_doc(extent, &base), base))
                .map_err(|e| ApiError::Internal(e.to_string()))
        },
    )
}

/// `GET /ogc/collections`.
#[utoipa::path(get, path = "/collections", operation_id = "getCollections", params(FormatParams), responses(
    (status = 200, description = "The collections", body = Collections),
    (status = 400, description = "A bad, unknown or repeated parameter", body = ErrorBody),
))]
pub async fn collections(
    State(state): State<AppState>,
    _: JsonOnly,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let base = base_url(&headers, state.config.trust_forwarded);
    collection_answer(&state, &headers, base, "collections", |c, base| {
        Collections {
            links: vec![link(
                format!("{base}/ogc/collections"),
                "self",
                JSON,
                "The collections",
            )],
            collections: [c],
        }
    })
}

/// `GET /ogc/collections/{collectionId}`.
#[utoipa::path(get, path = "/collections/{collectionId}", operation_id = "describeCollection", params(CollectionParams), responses(
    (status = 200, description = "The collection", body = Collection),
    (status = 400, description = "A bad, unknown or repeated parameter", body = ErrorBody),
    (status = 404, description = "No such collection or feature", body = ErrorBody),
))]
pub async fn collection(
    State(state): State<AppState>,
    CollectionDoc { base }: CollectionDoc,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    collection_answer(&state, &headers, base, "collection", |c, _| c)
}
