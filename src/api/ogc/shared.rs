//! What every `/ogc` resource shares: the collection's id, the conformance
//! classes, links (absolute, from the request's host), the CRS of an
//! answer's features, and the JSON answer of a document.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use axum::response::Response;
use serde::Serialize;
use utoipa::ToSchema;

use super::crs::Crs;
use crate::api::error::ApiError;
use crate::api::extract::PathParam;
use crate::api::response::{CachePolicy, json as json_response};

/// The one collection's id.
pub const COLLECTION_ID: &str = "practices";

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

/// The conformance classes of OGC API – Features Part 4 (create, replace,
/// delete; update by merge patch) a service with writes adds.
pub const CONFORMANCE_WRITES: [&str; 2] = [
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/create-replace-delete",
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/update",
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

/// The link relation of a collection's queryables.
pub const REL_QUERYABLES: &str = "http://www.opengis.net/def/rel/ogc/1.0/queryables";
pub(crate) use crate::api::origin::base_url;

/// A link of an OGC document.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Link {
    href: String,
    rel: &'static str,
    r#type: &'static str,
    title: &'static str,
}

pub(crate) fn link(
    href: String,
    rel: &'static str,
    kind: &'static str,
    title: &'static str,
) -> Link {
    Link {
        href,
        rel,
        r#type: kind,
        title,
    }
}

/// The links as an HTTP `Link` header value (RFC 8288).
pub(crate) fn link_header(links: &[Link]) -> String {
    links
        .iter()
        .map(|l| format!("<{}>; rel=\"{}\"; type=\"{}\"", l.href, l.rel, l.r#type))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The headers of an answer holding features: its links and its CRS.
pub(crate) fn feature_headers(links: &[Link], crs: Crs) -> [(header::HeaderName, String); 2] {
    [
        (header::LINK, link_header(links)),
        (CONTENT_CRS.clone(), format!("<{}>", crs.uri())),
    ]
}

/// A feature with its point in `crs`.
pub(crate) fn in_crs(mut f: geojson::Feature, crs: Crs) -> Result<geojson::Feature, ApiError> {
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
pub(crate) fn ogc_json<T: Serialize>(
    v: &T,
    content_type: &'static str,
) -> Result<Response, ApiError> {
    json_response(v, content_type, CachePolicy::PerClient)
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

/// The path of one feature, `/collections/{cid}/items/{fid}`: its id, the
/// collection checked before the query is read.
pub struct FeaturePath(pub String);

impl<S: Send + Sync> FromRequestParts<S> for FeaturePath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<FeaturePath, ApiError> {
        let PathParam((cid, fid)) =
            PathParam::<(String, String)>::from_request_parts(parts, state).await?;
        check_collection(&cid)?;
        Ok(FeaturePath(fid))
    }
}

/// A path under the collection, `/collections/{cid}…` (the collection, its
/// queryables, its items), the collection checked before the query is read.
pub struct CollectionPath;

impl<S: Send + Sync> FromRequestParts<S> for CollectionPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<CollectionPath, ApiError> {
        let PathParam(cid) = PathParam::<String>::from_request_parts(parts, state).await?;
        check_collection(&cid)?;
        Ok(CollectionPath)
    }
}

pub async fn not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::NotFound(format!("no such OGC API resource: {}", uri.path()))
}
