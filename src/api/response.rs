//! Response policy: conditional GET with ETags, the cache presets, and the
//! content types the service answers with.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::error::ApiError;
use crate::live::View;

/// Content types.
pub mod content_type {
    /// GeoJSON (RFC 7946).
    pub const GEOJSON: &str = "application/geo+json";
    /// Plain JSON.
    pub const JSON: &str = "application/json";
    /// JSON with an explicit charset, as Photon answers.
    pub const JSON_UTF8: &str = "application/json;charset=utf-8";
    /// A JSON Schema (OGC queryables).
    pub const SCHEMA: &str = "application/schema+json";
    /// An OpenAPI 3.0 document in JSON.
    pub const OPENAPI: &str = "application/vnd.oai.openapi+json;version=3.0";
    /// CSV with a header row.
    pub const CSV: &str = "text/csv; charset=utf-8; header=present";
}

/// How long a client or a shared cache may keep an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CachePolicy {
    /// Answers derived from the dataset: a minute, revalidated with the ETag.
    Dataset,
    /// Answers of the gazetteer, which changes only with the binary: an hour.
    Gazetteer,
    /// Answers whose links depend on the request's forwarded headers: only the
    /// client may keep them, never a shared cache.
    PerClient,
    /// Never stored (errors, health).
    NoStore,
}

impl CachePolicy {
    /// The `Cache-Control` value.
    pub fn header(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            CachePolicy::Dataset => "public, max-age=60",
            CachePolicy::Gazetteer => "public, max-age=3600",
            CachePolicy::PerClient => "private, max-age=60",
            CachePolicy::NoStore => "no-store",
        })
    }
}

/// A body with its content type and cache policy.
pub fn with_type(
    body: impl IntoResponse,
    content_type: &'static str,
    cache: CachePolicy,
) -> Response {
    let mut r = body.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CACHE_CONTROL, cache.header());
    r
}

/// A serialisable value as JSON with its content type and cache policy.
pub fn json<T: serde::Serialize>(
    value: &T,
    content_type: &'static str,
    cache: CachePolicy,
) -> Result<Response, ApiError> {
    let body = serde_json::to_vec(value).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(with_type(body, content_type, cache))
}

/// Whether `If-None-Match` names `etag` (weak comparison, or `*`).
fn matches(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|v| {
            let v = v.trim();
            v == "*" || v.trim_start_matches("W/") == etag.trim_start_matches("W/")
        })
}

/// A response that honours `If-None-Match` with the given ETag, cacheable by
/// `cache`; `body` is built only when the client's copy is stale.
pub fn cached(
    headers: &HeaderMap,
    etag: String,
    content_type: &'static str,
    cache: CachePolicy,
    extra: &[(header::HeaderName, String)],
    body: impl FnOnce() -> Result<Vec<u8>, ApiError>,
) -> Result<Response, ApiError> {
    let tag = HeaderValue::from_str(&etag).map_err(|e| ApiError::Internal(e.to_string()))?;
    let mut resp = if matches(headers, &etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        with_type(body()?, content_type, cache)
    };
    let h = resp.headers_mut();
    h.insert(header::ETAG, tag);
    h.insert(header::CACHE_CONTROL, cache.header());
    for (k, v) in extra {
        if let Ok(v) = HeaderValue::from_str(v) {
            h.append(k.clone(), v);
        }
    }
    Ok(resp)
}

/// An answer derived from the dataset alone: its ETag from the snapshot and
/// `key`, cached as the dataset is ([`CachePolicy::Dataset`]).
pub fn dataset_answer(
    headers: &HeaderMap,
    snapshot: &View,
    key: &[&str],
    content_type: &'static str,
    body: impl FnOnce() -> Result<Vec<u8>, ApiError>,
) -> Result<Response, ApiError> {
    cached(
        headers,
        etag_for(snapshot, key),
        content_type,
        CachePolicy::Dataset,
        &[],
        body,
    )
}

/// A weak ETag for a response derived from the snapshot and the request.
pub fn etag_for(snapshot: &View, parts: &[&str]) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    parts.hash(&mut h);
    format!("W/\"{:x}-{:x}\"", snapshot.version(), h.finish())
}
