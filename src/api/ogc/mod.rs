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

use std::sync::Arc;

use axum::Router;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use axum::routing::{any, get};
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::Map;
use utoipa::ToSchema;

use crate::api::cors;
use crate::api::error::ApiError;
use crate::api::extract::{Bbox, Params, PathParam, parse_f64};
use crate::api::filters::{area_param, region_param, text_param, unit_type_param};
use crate::api::response::{CachePolicy, cached, etag_for, json as json_response};
use crate::api::state::AppState;
use crate::gazetteer::AdminLevel;
use crate::geojson::{feature, flat_properties};
use crate::practice::{Area, Practice, UnitType};
use crate::query::{Filter, Snapshot, SortField, SortKey};
use openapi::{CollectionParams, FormatParams, ItemParams, ItemsParams};

/// The one collection's id.
pub const COLLECTION_ID: &str = "practices";
/// Page size when `limit` is not given.
pub const DEFAULT_LIMIT: usize = 10;
/// Largest page size; larger `limit` values are clamped to it.
pub const MAX_LIMIT: usize = 10_000;
pub mod crs;
pub mod openapi;

pub use crs::{CRS84, Crs, EPSG_2180};
/// The header naming the CRS of the coordinates in a response (Part 2).
static CONTENT_CRS: header::HeaderName = header::HeaderName::from_static("content-crs");

/// The conformance classes implemented.
pub const CONFORMANCE: [&str; 6] = [
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
];
/// Feature properties that may be filtered on as `name=value`, each with the
/// equality of the value served; `area_group` is the hierarchical area (a
/// parent area matches its subareas), which no single property holds.
pub const QUERYABLES: [&str; 13] = [
    "id",
    "title",
    "area",
    "area_group",
    "town",
    "voivodeship",
    "voivodeship_teryt",
    "powiat",
    "powiat_teryt",
    "gmina",
    "gmina_teryt",
    "unit_type",
    "year",
];

/// Properties `sortby` accepts.
pub const SORTABLES: [&str; 5] = ["id", "title", "town", "area", "year"];

use crate::api::response::content_type::{GEOJSON, JSON, OPENAPI, SCHEMA};
const REL_QUERYABLES: &str = "http://www.opengis.net/def/rel/ogc/1.0/queryables";
const GREGORIAN: &str = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian";
const ALLOW: &str = "GET, HEAD, OPTIONS";

/// The `/ogc` routes, to be merged into the application router.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/ogc", get(landing))
        .route("/ogc/", get(landing))
        .route("/ogc/api", get(api_doc))
        .route("/ogc/conformance", get(conformance))
        .route("/ogc/collections", get(collections))
        .route("/ogc/collections/{cid}", get(collection))
        .route("/ogc/collections/{cid}/queryables", get(queryables))
        .route("/ogc/collections/{cid}/items", get(items))
        .route("/ogc/collections/{cid}/items/{fid}", get(item))
        .route("/ogc/{*rest}", any(not_found))
        .layer(cors::read_only())
        .layer(axum::middleware::from_fn(allow_header))
}

/// The scheme and authority the client used, e.g. `http://127.0.0.1:8080`:
/// from `X-Forwarded-Host` and `X-Forwarded-Proto` only when the operator
/// trusts a proxy to set them, else from `Host`.
fn base_url(headers: &HeaderMap, trust_forwarded: bool) -> String {
    let h = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.split(',').next().unwrap_or("").trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let forwarded = |name: &str| h(name).filter(|_| trust_forwarded);
    let scheme = forwarded("x-forwarded-proto")
        .filter(|s| s == "http" || s == "https")
        .unwrap_or_else(|| "http".into());
    let plausible = |h: &String| {
        h.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-.:[]_".contains(c))
    };
    let host = forwarded("x-forwarded-host")
        .filter(plausible)
        .or_else(|| h(header::HOST.as_str()).filter(plausible))
        .unwrap_or_else(|| "localhost".into());
    format!("{scheme}://{host}")
}

/// A link of an OGC document.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Link {
    href: String,
    rel: &'static str,
    r#type: &'static str,
    title: &'static str,
}

fn link(href: String, rel: &'static str, kind: &'static str, title: &'static str) -> Link {
    Link {
        href,
        rel,
        r#type: kind,
        title,
    }
}

/// The links as an HTTP `Link` header value (RFC 8288).
fn link_header(links: &[Link]) -> String {
    links
        .iter()
        .map(|l| format!("<{}>; rel=\"{}\"; type=\"{}\"", l.href, l.rel, l.r#type))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The headers of an answer holding features: its links and its CRS.
fn feature_headers(links: &[Link], crs: Crs) -> [(header::HeaderName, String); 2] {
    [
        (header::LINK, link_header(links)),
        (CONTENT_CRS.clone(), format!("<{}>", crs.uri())),
    ]
}

/// A feature with its point in `crs`.
fn in_crs(mut f: geojson::Feature, crs: Crs) -> Result<geojson::Feature, ApiError> {
    if crs != Crs::Crs84
        && let Some(g) = f.geometry.as_mut()
        && let geojson::Value::Point(c) = &g.value
    {
        let [a, b] = crs.from_lon_lat(c[0], c[1])?;
        g.value = geojson::Value::Point(vec![a, b]);
    }
    Ok(f)
}

/// An OGC document: its links depend on the request's host, so only the
/// client may cache it.
fn ogc_json<T: Serialize>(v: &T, content_type: &'static str) -> Result<Response, ApiError> {
    json_response(v, content_type, CachePolicy::PerClient)
}

/// Checks the query of a resource that takes only `f`.
fn only_format(p: Params) -> Result<(), ApiError> {
    check_format(&p.accept::<FormatParams>()?)
}

/// `f` names JSON, in any case: `json`, `geojson`, `geo+json` or a media type.
fn check_format(p: &Params) -> Result<(), ApiError> {
    match p.str("f") {
        None => Ok(()),
        Some(f)
            if ["json", "geojson", "geo+json", JSON, GEOJSON]
                .iter()
                .any(|ok| ok.eq_ignore_ascii_case(f)) =>
        {
            Ok(())
        }
        Some(f) => Err(ApiError::bad(
            "unsupported_format",
            format!("f: format {f:?} is not served; use f=json"),
        )),
    }
}

fn check_collection(cid: &str) -> Result<(), ApiError> {
    if cid == COLLECTION_ID {
        Ok(())
    } else {
        Err(ApiError::NotFound(format!(
            "no collection {cid:?}; the only collection is {COLLECTION_ID:?}"
        )))
    }
}

/// Adds `Allow` to the answers to `OPTIONS` (which the CORS layer gives,
/// preflight or not).
async fn allow_header(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let options = req.method() == axum::http::Method::OPTIONS;
    let mut r = next.run(req).await;
    if options && r.status().is_success() {
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static(ALLOW));
    }
    r
}

async fn not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::NotFound(format!("no such OGC API resource: {}", uri.path()))
}

/// The landing page.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Landing {
    title: &'static str,
    description: &'static str,
    links: Vec<Link>,
}

/// `GET /ogc`: the landing page.
#[utoipa::path(get, path = "/", operation_id = "getLandingPage", params(FormatParams), responses(
    (status = 200, description = "The landing page", body = Landing),
    (status = 400, description = "A bad, unknown or repeated parameter", body = ErrorBody),
))]
async fn landing(
    State(state): State<AppState>,
    p: Params,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    only_format(p)?;
    let b = format!("{}/ogc", base_url(&headers, state.config.trust_forwarded));
    ogc_json(
        &Landing {
            title: "Mapa dobrych praktyk samorządowych",
            description: "Good practices of Polish local governments as OGC API – Features (one collection: practices).",
            links: vec![
                link(b.clone(), "self", JSON, "This document"),
                link(
                    format!("{b}/api"),
                    "service-desc",
                    OPENAPI,
                    "The API definition (OpenAPI 3.0)",
                ),
                link(
                    format!("{b}/conformance"),
                    "conformance",
                    JSON,
                    "Conformance classes implemented",
                ),
                link(format!("{b}/collections"), "data", JSON, "The collections"),
            ],
        },
        JSON,
    )
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Conformance {
    #[serde(rename = "conformsTo")]
    #[schema(value_type = Vec<String>)]
    conforms_to: &'static [&'static str],
}

/// `GET /ogc/conformance`.
#[utoipa::path(get, path = "/conformance", operation_id = "getConformance", params(FormatParams), responses(
    (status = 200, description = "The conformance classes", body = Conformance),
    (status = 400, description = "A bad, unknown or repeated parameter", body = ErrorBody),
))]
async fn conformance(p: Params) -> Result<Response, ApiError> {
    only_format(p)?;
    json_response(
        &Conformance {
            conforms_to: &CONFORMANCE,
        },
        JSON,
        CachePolicy::Gazetteer,
    )
}

/// Poland's bounding box, for an empty dataset.
const POLAND_BBOX: [f64; 4] = [14.07, 49.0, 24.15, 54.84];

/// The collection's extent in space (CRS84) and time.
// From the snapshot's extents, which it finds once.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Extent {
    spatial: SpatialExtent,
    temporal: TemporalExtent,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SpatialExtent {
    bbox: [[f64; 4]; 1],
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
    pub fn of(snapshot: &Snapshot) -> Extent {
        let bbox = snapshot.extent().map_or(POLAND_BBOX, |b| b.to_array());
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
    extent: Arc<Extent>,
    links: Vec<Link>,
}

/// The collections document.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Collections {
    links: Vec<Link>,
    collections: [Collection; 1],
}

fn collection_doc(extent: Arc<Extent>, base: &str) -> Collection {
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
struct CollectionDoc {
    base: String,
}

impl FromRequestParts<AppState> for CollectionDoc {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<CollectionDoc, ApiError> {
        let PathParam(cid) = PathParam::<String>::from_request_parts(parts, state).await?;
        check_collection(&cid)?;
        only_format(Params::from_request_parts(parts, state).await?)?;
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
    let snapshot = state.snapshot.load();
    let extent = Arc::new(Extent::of(&snapshot));
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
async fn collections(
    State(state): State<AppState>,
    p: Params,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    only_format(p)?;
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
async fn collection(
    State(state): State<AppState>,
    CollectionDoc { base }: CollectionDoc,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    collection_answer(&state, &headers, base, "collection", |c, _| c)
}

/// Schema members in a fixed order (a JSON object whose member order is
/// the order given).
#[derive(Debug, Clone)]
struct Ordered(Vec<(String, PropertySchema)>);

impl Serialize for Ordered {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// The JSON Schema of one queryable.
#[derive(Debug, Clone, Default, Serialize)]
struct PropertySchema {
    #[serde(skip_serializing_if = "Option::is_none")]
    r#type: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    format: Option<&'static str>,
    #[serde(skip_serializing_if = "String::is_empty")]
    title: String,
    #[serde(rename = "enum", skip_serializing_if = "Option::is_none")]
    one_of: Option<Vec<&'static str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    minimum: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    maximum: Option<i32>,
}

impl PropertySchema {
    fn typed(t: &'static str, title: &str) -> PropertySchema {
        PropertySchema {
            r#type: Some(t),
            title: title.to_string(),
            ..PropertySchema::default()
        }
    }
}

/// The queryables as JSON Schema properties: each typed as the property is
/// served, with the equality `name=value` applies.
fn queryable_schemas() -> Vec<(String, PropertySchema)> {
    fn s(t: &'static str, title: &str) -> PropertySchema {
        PropertySchema::typed(t, title)
    }
    let areas = |title: &str| PropertySchema {
        one_of: Some(Area::ALL.map(|a| a.slug()).to_vec()),
        ..s("string", title)
    };
    let mut m = vec![
        ("id".to_string(), s("string", "Practice id (exact)")),
        (
            "title".into(),
            s("string", "Title (whole, case- and diacritic-insensitive)"),
        ),
        ("area".into(), areas("Area slug (exact)")),
        (
            "area_group".into(),
            areas("Area slug; a parent area also matches its subareas (not a property)"),
        ),
        (
            "year".into(),
            PropertySchema {
                minimum: Some(1900),
                maximum: Some(2100),
                ..s("integer", "Year the practice is filed under")
            },
        ),
        (
            "unit_type".into(),
            PropertySchema {
                one_of: Some(UnitType::ALL.map(|u| u.label()).to_vec()),
                ..s(
                    "string",
                    "Type of the unit that runs the practice (Polish label, any case)",
                )
            },
        ),
    ];
    for (unit, pl) in [
        ("voivodeship", "Voivodeship"),
        ("powiat", "Powiat"),
        ("gmina", "Gmina"),
    ] {
        m.push((
            unit.into(),
            s(
                "string",
                &format!("{pl}: Polish name (case- and diacritic-insensitive)"),
            ),
        ));
        m.push((
            format!("{unit}_teryt"),
            s("string", &format!("{pl}: TERYT code (exact)")),
        ));
    }
    m.push((
        "town".into(),
        s("string", "Town (whole, case- and diacritic-insensitive)"),
    ));
    m
}

/// The queryables document.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QueryablesDoc {
    #[serde(rename = "$schema")]
    schema: &'static str,
    #[serde(rename = "$id")]
    id: String,
    r#type: &'static str,
    title: &'static str,
    /// Each queryable's JSON Schema.
    #[schema(value_type = Object)]
    properties: Ordered,
    #[serde(rename = "additionalProperties")]
    additional_properties: bool,
}

/// `GET /ogc/collections/{collectionId}/queryables`: a JSON Schema.
#[utoipa::path(get, path = "/collections/practices/queryables", operation_id = "getQueryables", params(FormatParams), responses(
    (status = 200, description = "A JSON Schema of the queryables", body = QueryablesDoc, content_type = "application/schema+json"),
    (status = 400, description = "A bad, unknown or repeated parameter", body = ErrorBody),
))]
async fn queryables(CollectionDoc { base }: CollectionDoc) -> Result<Response, ApiError> {
    let mut props = queryable_schemas();
    // The location last but one, the town (a string) last.
    let town = props.pop();
    props.push((
        "geometry".into(),
        PropertySchema {
            format: Some("geometry-point"),
            title: "Location (CRS84)".into(),
            ..PropertySchema::default()
        },
    ));
    props.extend(town);
    ogc_json(
        &QueryablesDoc {
            schema: "https://json-schema.org/draft/2019-09/schema",
            id: format!("{base}/ogc/collections/{COLLECTION_ID}/queryables"),
            r#type: "object",
            title: "Dobre praktyki samorządowe",
            properties: Ordered(props),
            additional_properties: false,
        },
        SCHEMA,
    )
}

/// A parsed `/items` request.
#[derive(Debug)]
struct ItemsQuery {
    filter: Filter,
    limit: usize,
    offset: usize,
    skip_geometry: bool,
    /// Only these properties (`properties=`), in the order given.
    properties: Option<Vec<String>>,
    /// The CRS of the answer's coordinates.
    crs: Crs,
    /// A `bbox` given in EPSG:2180 (northing, easting): the filter's CRS84
    /// box holds it, and the matches are then cut to it exactly.
    grid_bbox: Option<[f64; 4]>,
}

/// A `datetime` filter: first and last day, `None` for an open end.
pub type DaySpan = (Option<NaiveDate>, Option<NaiveDate>);

/// Parses an OGC `datetime`: an instant (date or RFC 3339 date-time) or an
/// interval `start/end` with `..` or nothing for an open end. Days are the
/// granularity of the data, so a date-time counts as its (UTC) date.
pub fn parse_datetime(v: &str) -> Result<Option<DaySpan>, ApiError> {
    fn day(s: &str) -> Result<NaiveDate, ApiError> {
        let s = s.trim();
        if s.contains(['T', 't']) {
            chrono::DateTime::parse_from_rfc3339(s)
                .map(|d| d.naive_utc().date())
                .map_err(|e| {
                    ApiError::invalid(
                        "datetime",
                        format!("{s:?} is not an RFC 3339 date-time: {e}"),
                    )
                })
        } else {
            NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
                ApiError::invalid("datetime", format!("{s:?} is not a date YYYY-MM-DD"))
            })
        }
    }
    let open = |s: &str| -> Result<Option<NaiveDate>, ApiError> {
        match s.trim() {
            "" | ".." => Ok(None),
            s => day(s).map(Some),
        }
    };
    match v.split_once('/') {
        Some((a, b)) => {
            let (a, b) = (open(a)?, open(b)?);
            if let (Some(x), Some(y)) = (a, b)
                && x > y
            {
                return Err(ApiError::invalid(
                    "datetime",
                    format!("the interval starts ({x}) after it ends ({y})"),
                ));
            }
            Ok(if a.is_none() && b.is_none() {
                None
            } else {
                Some((a, b))
            })
        }
        None if v.trim() == ".." => Err(ApiError::invalid(
            "datetime",
            "\"..\" is only allowed as an end of an interval",
        )),
        None => {
            let d = day(v)?;
            Ok(Some((Some(d), Some(d))))
        }
    }
}

/// The properties of an item in the list, in the order served; what
/// `properties=` may name.
pub const ITEM_PROPERTIES: [&str; 21] = [
    "id",
    "title",
    "area",
    "area_name",
    "area_path",
    "town",
    "unit",
    "unit_type",
    "cost_pln",
    "year",
    "summary",
    "voivodeship",
    "powiat",
    "gmina",
    "precision",
    "score",
    "source",
    "source_url",
    "voivodeship_teryt",
    "powiat_teryt",
    "gmina_teryt",
];

/// A town name: letters, digits, spaces and `-.'()`, as Polish place names
/// are written.
fn town_param(v: &str) -> Result<String, ApiError> {
    if let Some(c) = v
        .chars()
        .find(|&c| !(c.is_alphanumeric() || c == ' ' || "-.'()".contains(c)))
    {
        return Err(ApiError::invalid(
            "town",
            format!("{v:?}: {c:?} does not occur in town names"),
        ));
    }
    Ok(v.to_string())
}

/// A boolean parameter (`true`/`false`, any case).
fn boolean(p: &Params, name: &str) -> Result<bool, ApiError> {
    match p.str(name) {
        None => Ok(false),
        Some(v) if v.eq_ignore_ascii_case("true") => Ok(true),
        Some(v) if v.eq_ignore_ascii_case("false") => Ok(false),
        Some(v) => Err(ApiError::invalid(
            name,
            format!("{v:?} is not true or false"),
        )),
    }
}

/// Parses `sortby=+title,-year` (a name alone is ascending).
fn parse_sortby(v: &str) -> Result<Vec<SortKey>, ApiError> {
    v.split(',')
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(|k| {
            let (descending, name) = match k.strip_prefix('-') {
                Some(n) => (true, n),
                None => (false, k.strip_prefix('+').unwrap_or(k)),
            };
            let field = match name {
                "id" => SortField::Id,
                "title" => SortField::Title,
                "town" => SortField::Town,
                "area" => SortField::Area,
                "year" => SortField::Year,
                _ => {
                    return Err(ApiError::invalid(
                        "sortby",
                        format!(
                            "cannot sort by {name:?}; sortable: {}",
                            SORTABLES.join(", ")
                        ),
                    ));
                }
            };
            Ok(SortKey { field, descending })
        })
        .collect()
}

fn parse_items(state: &AppState, p: &Params) -> Result<ItemsQuery, ApiError> {
    check_format(p)?;
    let crs = Crs::parse("crs", p.str("crs"))?;
    let bbox_crs = Crs::parse("bbox-crs", p.str("bbox-crs"))?;
    let mut grid_bbox = None;
    let mut f = Filter::default();
    if let Some(b) = p.str("bbox") {
        let parts: Vec<&str> = b.split(',').collect();
        // A 3D box is minLon,minLat,minZ,maxLon,maxLat,maxZ; heights are ignored.
        let b2 = if parts.len() == 6 {
            // Ignored, but still numbers.
            parse_f64("bbox", parts[2])?;
            parse_f64("bbox", parts[5])?;
            [parts[0], parts[1], parts[3], parts[4]].join(",")
        } else {
            b.to_string()
        };
        f.bbox = Some(match bbox_crs {
            Crs::Crs84 => Bbox::parse("bbox", &b2)?.to_array().into(),
            Crs::Poland1992 => {
                let b = parse_grid_bbox(&b2)?;
                grid_bbox = Some(b);
                grid_envelope(b)?.into()
            }
        });
    }
    if let Some(d) = p.str("datetime") {
        f.dates = parse_datetime(d)?;
    }
    f.text = text_param(p)?;
    let area = |name: &str| {
        p.str(name)
            .map(|a| {
                area_param(a).map_err(|known| {
                    ApiError::invalid(name, format!("unknown area {a:?}; known: {known}"))
                })
            })
            .transpose()
    };
    f.area_exact = area("area")?;
    f.area = area("area_group")?;
    let g = state.gazetteer;
    f.voivodeship = region_param(g, p, "voivodeship", AdminLevel::Voivodeship)?;
    f.powiat = region_param(g, p, "powiat", AdminLevel::Powiat)?;
    f.gmina = region_param(g, p, "gmina", AdminLevel::Gmina)?;
    f.unit_type = unit_type_param(p)?;
    for (name, slot) in [
        ("voivodeship_teryt", &mut f.voivodeship),
        ("powiat_teryt", &mut f.powiat),
        ("gmina_teryt", &mut f.gmina),
    ] {
        if let Some(code) = p.str(name) {
            if slot.as_deref().is_some_and(|c| c != code) {
                // Both given and different: nothing can match.
                f.id = Some(String::new());
            }
            *slot = Some(code.to_string());
        }
    }
    if let Some(y) = p.int("year", 1900, 2100)? {
        f.year_from = Some(y as i32);
        f.year_to = Some(y as i32);
    }
    f.id = f.id.or(p.str("id").map(str::to_string));
    f.title = p.str("title").map(str::to_string);
    f.town = p.str("town").map(town_param).transpose()?;
    if let Some(s) = p.str("sortby") {
        f.sort = parse_sortby(s)?;
    }
    let properties = p
        .str("properties")
        .map(|v| {
            v.split(',')
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(|n| {
                    if ITEM_PROPERTIES.contains(&n) {
                        Ok(n.to_string())
                    } else {
                        Err(ApiError::invalid(
                            "properties",
                            format!("no property {n:?}; served: {}", ITEM_PROPERTIES.join(", ")),
                        ))
                    }
                })
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()?;
    let limit = match p.str("limit") {
        None => DEFAULT_LIMIT,
        Some(v) => {
            let n: u64 = v.parse().map_err(|_| {
                ApiError::invalid(
                    "limit",
                    format!("{v:?} is not a whole number of at least 1"),
                )
            })?;
            if n == 0 {
                return Err(ApiError::invalid("limit", "must be at least 1"));
            }
            (n.min(MAX_LIMIT as u64)) as usize
        }
    };
    let offset = p.int("offset", 0, i64::from(u32::MAX))?.unwrap_or(0) as usize;
    Ok(ItemsQuery {
        filter: f,
        limit,
        offset,
        skip_geometry: boolean(p, "skipGeometry")?,
        properties,
        crs,
        grid_bbox,
    })
}

/// A bbox in EPSG:2180: minNorthing,minEasting,maxNorthing,maxEasting, in
/// metres, within the grid's area (Poland and its surroundings).
fn parse_grid_bbox(v: &str) -> Result<[f64; 4], ApiError> {
    let n: Vec<f64> = v
        .split(',')
        .map(|x| parse_f64("bbox", x))
        .collect::<Result<_, _>>()?;
    let [n0, e0, n1, e1] = n[..] else {
        return Err(ApiError::invalid(
            "bbox",
            "expected minNorthing,minEasting,maxNorthing,maxEasting (EPSG:2180)",
        ));
    };
    if n0 > n1 || e0 > e1 {
        return Err(ApiError::invalid(
            "bbox",
            "a minimum is greater than its maximum",
        ));
    }
    let inside = |x: f64| (-1_000_000.0..=2_000_000.0).contains(&x);
    if ![n0, e0, n1, e1].into_iter().all(inside) {
        return Err(ApiError::invalid(
            "bbox",
            "outside EPSG:2180's area (-1,000 km to 2,000 km on each axis)",
        ));
    }
    Ok([n0, e0, n1, e1])
}

/// The CRS84 box around an EPSG:2180 box `[min northing, min easting, max
/// northing, max easting]`: its edges, each taken at 32 points (a grid line
/// is a slight curve in longitude and latitude), and a margin of 1e-6°.
fn grid_envelope(b: [f64; 4]) -> Result<[f64; 4], ApiError> {
    const STEPS: usize = 32;
    let mut env = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    for i in 0..=STEPS {
        let t = i as f64 / STEPS as f64;
        let n = b[0] + t * (b[2] - b[0]);
        let e = b[1] + t * (b[3] - b[1]);
        for (a, c) in [(n, b[1]), (n, b[3]), (b[0], e), (b[2], e)] {
            let [lon, lat] = Crs::Poland1992.to_lon_lat(a, c)?;
            env = [
                env[0].min(lon),
                env[1].min(lat),
                env[2].max(lon),
                env[3].max(lat),
            ];
        }
    }
    Ok([env[0] - 1e-6, env[1] - 1e-6, env[2] + 1e-6, env[3] + 1e-6])
}

/// Whether a practice lies inside an EPSG:2180 box, edges included.
fn in_grid_box(lon_lat: Option<(f64, f64)>, b: [f64; 4]) -> bool {
    lon_lat
        .and_then(|(lon, lat)| Crs::Poland1992.from_lon_lat(lon, lat).ok())
        .is_some_and(|[n, e]| n >= b[0] && n <= b[2] && e >= b[1] && e <= b[3])
}

/// The request's query pairs without `limit` and `offset`, then the given ones.
fn page_query(pairs: &[(String, String)], limit: usize, offset: usize) -> String {
    let mut out: Vec<(String, String)> = pairs
        .iter()
        .filter(|(k, _)| k != "limit" && k != "offset")
        .cloned()
        .collect();
    out.push(("limit".into(), limit.to_string()));
    if offset > 0 {
        out.push(("offset".into(), offset.to_string()));
    }
    serde_urlencoded::to_string(&out).unwrap_or_default()
}

/// One page of items.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemsPage {
    r#type: &'static str,
    #[schema(value_type = Vec<Feature>)]
    features: Vec<geojson::Feature>,
    #[serde(rename = "numberMatched")]
    number_matched: usize,
    #[serde(rename = "numberReturned")]
    number_returned: usize,
    #[serde(rename = "timeStamp")]
    time_stamp: String,
    links: Vec<Link>,
}

/// An item as served in a page: flat properties, optionally only some of
/// them, optionally without geometry.
fn item_feature(p: &Practice, q: &ItemsQuery) -> Result<geojson::Feature, ApiError> {
    let mut props = flat_properties(p, false);
    if let Some(only) = &q.properties {
        props = only
            .iter()
            .filter_map(|k| props.remove_entry(k.as_str()))
            .collect();
    }
    let mut f = feature(p, props);
    if q.skip_geometry {
        f.geometry = None;
    }
    in_crs(f, q.crs)
}

/// Now, as RFC 3339 in UTC to the second.
fn time_stamp() -> String {
    chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now())
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// `GET /ogc/collections/{collectionId}/items`.
#[utoipa::path(get, path = "/collections/practices/items", operation_id = "getFeatures", params(ItemsParams), responses(
    (status = 200, description = "A page of practices with numberMatched and next/prev links", body = ItemsPage, content_type = "application/geo+json"),
    (status = 400, description = "A bad, unknown or repeated parameter", body = ErrorBody),
    (status = 404, description = "No such collection or feature", body = ErrorBody),
))]
async fn items(
    State(state): State<AppState>,
    PathParam(cid): PathParam<String>,
    p: Params,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    check_collection(&cid)?;
    let p = p.accept::<ItemsParams>()?;
    let q = parse_items(&state, &p)?;
    let pairs = p.pairs();
    let base = base_url(&headers, state.config.trust_forwarded);
    let snapshot = state.snapshot.load();
    let mut matches = snapshot.query(&q.filter);
    if let Some(b) = q.grid_bbox {
        matches
            .items
            .retain(|m| in_grid_box(snapshot.lon_lat(m.id), b));
    }
    let page: Vec<u32> = matches
        .items
        .iter()
        .map(|m| m.id)
        .skip(q.offset)
        .take(q.limit)
        .collect();
    let url = format!("{base}/ogc/collections/{COLLECTION_ID}/items");
    let mut links = vec![
        link(
            format!("{url}?{}", page_query(pairs, q.limit, q.offset)),
            "self",
            GEOJSON,
            "This page",
        ),
        link(
            format!("{base}/ogc/collections/{COLLECTION_ID}"),
            "collection",
            JSON,
            "The collection",
        ),
    ];
    if q.offset + page.len() < matches.len() {
        links.push(link(
            format!(
                "{url}?{}",
                page_query(pairs, q.limit, q.offset + page.len())
            ),
            "next",
            GEOJSON,
            "Next page",
        ));
    }
    if q.offset > 0 {
        // Past the end, the previous page is the last one that holds items.
        let prev = q.offset.min(matches.len()).saturating_sub(q.limit);
        links.push(link(
            format!("{url}?{}", page_query(pairs, q.limit, prev)),
            "prev",
            GEOJSON,
            "Previous page",
        ));
    }
    let key = serde_urlencoded::to_string(pairs).unwrap_or_default();
    let etag = etag_for(&snapshot, &["ogc-items", &base, &key]);
    let mut header_links = links.clone();
    header_links.push(link(
        format!("{base}/ogc/collections/{COLLECTION_ID}/queryables"),
        REL_QUERYABLES,
        SCHEMA,
        "Queryable properties",
    ));
    cached(
        &headers,
        etag,
        GEOJSON,
        CachePolicy::PerClient,
        &feature_headers(&header_links, q.crs),
        || {
            let body = ItemsPage {
                r#type: "FeatureCollection",
                features: page
                    .iter()
                    .map(|&i| item_feature(&snapshot.practice(i), &q))
                    .collect::<Result<_, _>>()?,
                number_matched: matches.len(),
                number_returned: page.len(),
                time_stamp: time_stamp(),
                links,
            };
            serde_json::to_vec(&body).map_err(|e| ApiError::Internal(e.to_string()))
        },
    )
}

/// `GET /ogc/collections/{collectionId}/items/{featureId}`: the detail view.
#[utoipa::path(get, path = "/collections/practices/items/{featureId}", operation_id = "getFeature", params(ItemParams), responses(
    (status = 200, description = "The practice's detail view", body = Feature, content_type = "application/geo+json"),
    (status = 400, description = "A bad, unknown or repeated parameter", body = ErrorBody),
    (status = 404, description = "No such collection or feature", body = ErrorBody),
))]
async fn item(
    State(state): State<AppState>,
    PathParam((cid, fid)): PathParam<(String, String)>,
    p: Params,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    check_collection(&cid)?;
    let p = p.accept::<ItemParams>()?;
    check_format(&p)?;
    let crs = Crs::parse("crs", p.str("crs"))?;
    let snapshot = state.snapshot.load();
    let practice = snapshot.by_id(&fid).ok_or_else(|| {
        ApiError::NotFound(format!("no practice with id {fid:?} in {COLLECTION_ID}"))
    })?;
    let base = base_url(&headers, state.config.trust_forwarded);
    let publish = state.config.publish_personal;
    let etag = etag_for(
        &snapshot,
        &["ogc-item", &base, &fid, &publish.to_string(), crs.uri()],
    );
    let c = format!("{base}/ogc/collections/{COLLECTION_ID}");
    let enc: String = serde_urlencoded::to_string([("", &fid)])
        .unwrap_or_default()
        .trim_start_matches('=')
        .replace('+', "%20");
    let links = vec![
        link(format!("{c}/items/{enc}"), "self", GEOJSON, "This practice"),
        link(
            format!("{base}/api/practices/{enc}"),
            "alternate",
            GEOJSON,
            "This practice in the map API",
        ),
        link(c, "collection", JSON, "The collection"),
    ];
    cached(
        &headers,
        etag,
        GEOJSON,
        CachePolicy::PerClient,
        &feature_headers(&links, crs),
        || {
            let view = practice.public_view(publish);
            let mut f = in_crs(feature(&view, flat_properties(&view, true)), crs)?;
            let mut extra = Map::new();
            extra.insert(
                "links".into(),
                serde_json::to_value(&links).map_err(|e| ApiError::Internal(e.to_string()))?,
            );
            f.foreign_members = Some(extra);
            serde_json::to_vec(&f).map_err(|e| ApiError::Internal(e.to_string()))
        },
    )
}

/// `GET /ogc/api`: the OpenAPI 3.0 definition of the `/ogc` paths.
#[utoipa::path(get, path = "/api", operation_id = "getAPI", params(FormatParams), responses(
    (status = 200, description = "This API definition (OpenAPI 3.0)", body = Object, content_type = "application/vnd.oai.openapi+json;version=3.0"),
    (status = 400, description = "A bad, unknown or repeated parameter", body = ErrorBody),
))]
async fn api_doc(
    State(state): State<AppState>,
    p: Params,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    only_format(p)?;
    ogc_json(
        &openapi::document(&base_url(&headers, state.config.trust_forwarded)),
        OPENAPI,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn datetime_instants_and_intervals() {
        assert_eq!(
            parse_datetime("2010-05-01").unwrap(),
            Some((Some(d("2010-05-01")), Some(d("2010-05-01"))))
        );
        assert_eq!(
            parse_datetime("2010-05-01T23:30:00+02:00").unwrap(),
            Some((Some(d("2010-05-01")), Some(d("2010-05-01"))))
        );
        assert_eq!(
            parse_datetime("2010-01-01/..").unwrap(),
            Some((Some(d("2010-01-01")), None))
        );
        assert_eq!(
            parse_datetime("/2012-12-31").unwrap(),
            Some((None, Some(d("2012-12-31"))))
        );
        assert_eq!(parse_datetime("../..").unwrap(), None);
        assert!(parse_datetime("2012-12-31/2010-01-01").is_err());
        assert!(parse_datetime("2010-13-01").is_err());
        assert!(parse_datetime("..").is_err());
        assert!(parse_datetime("yesterday").is_err());
    }

    #[test]
    fn page_links_replace_limit_and_offset() {
        let pairs = vec![
            ("bbox".to_string(), "14,49,24,55".to_string()),
            ("limit".to_string(), "2".to_string()),
            ("offset".to_string(), "2".to_string()),
        ];
        assert_eq!(
            page_query(&pairs, 2, 4),
            "bbox=14%2C49%2C24%2C55&limit=2&offset=4"
        );
        assert_eq!(page_query(&pairs, 2, 0), "bbox=14%2C49%2C24%2C55&limit=2");
    }

    #[test]
    fn base_url_trusts_forwarded_headers_only_when_configured() {
        let mut h = HeaderMap::new();
        assert_eq!(base_url(&h, true), "http://localhost");
        h.insert(header::HOST, HeaderValue::from_static("127.0.0.1:8080"));
        assert_eq!(base_url(&h, true), "http://127.0.0.1:8080");
        h.insert("x-forwarded-proto", HeaderValue::from_static("https"));
        h.insert(
            "x-forwarded-host",
            HeaderValue::from_static("praktyki.example.org"),
        );
        assert_eq!(base_url(&h, true), "https://praktyki.example.org");
        // Not configured: a client's forwarded headers are ignored.
        assert_eq!(base_url(&h, false), "http://127.0.0.1:8080");
        h.insert("x-forwarded-host", HeaderValue::from_static("evil/\"x"));
        assert_eq!(base_url(&h, true), "https://127.0.0.1:8080");
    }

    #[test]
    fn item_properties_are_the_served_ones() {
        let practices = crate::store::load(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/practices.csv"),
        )
        .unwrap();
        let keys: Vec<String> = flat_properties(&practices[0], false)
            .keys()
            .cloned()
            .collect();
        let mut want: Vec<&str> = ITEM_PROPERTIES.to_vec();
        let mut have: Vec<&str> = keys.iter().map(String::as_str).collect();
        want.sort_unstable();
        have.sort_unstable();
        assert_eq!(have, want);
    }

    #[test]
    fn sortby_reads_signs_and_rejects_unknown_names() {
        let k = parse_sortby("-year,+title,town").unwrap();
        assert_eq!(k.len(), 3);
        assert!(k[0].descending && k[0].field == SortField::Year);
        assert!(!k[1].descending && k[1].field == SortField::Title);
        assert!(parse_sortby("summary").is_err());
    }
}
