//! The answers of writes: a practice as the writer may see it (its entry),
//! with its strong ETag; private, never cached.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::Value;

use crate::db::{Comment, Entry, PendingSummary};

/// A practice as the signed-in account may see it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct EntryOut {
    /// The content this account sees, as a GeoJSON Feature (the whole record).
    #[schema(value_type = Object)]
    pub feature: Value,
    /// `draft`, `submitted`, `changes_requested`, `published`, `rejected`, `archived`.
    pub status: String,
    /// The status in Polish (`czeka na redakcję`).
    pub status_label: String,
    /// The version of `feature`.
    pub version: i64,
    /// Its strong ETag, for `If-Match`.
    pub etag: String,
    /// The public version, while published.
    pub public_version: Option<i64>,
    /// The pending revision, if any and visible to this account.
    #[schema(value_type = Option<Object>)]
    pub pending: Option<PendingSummary>,
    /// Reviewers' comments, oldest first.
    #[schema(value_type = Vec<Object>)]
    pub comments: Vec<Comment>,
    /// The importer's reasons to check it.
    pub doubts: Vec<String>,
}

impl EntryOut {
    /// The entry's answer shape.
    pub fn of(e: Entry) -> EntryOut {
        let id = e.practice.id.clone();
        EntryOut {
            feature: serde_json::to_value(crate::geojson::detail_feature(&e.practice))
                .unwrap_or(Value::Null),
            status: e.status.slug().to_string(),
            status_label: e.status.label_pl().to_string(),
            version: e.version.0,
            etag: e.version.etag(&id),
            public_version: e.public_version.map(|v| v.0),
            pending: e.pending,
            comments: e.comments,
            doubts: e.doubts,
        }
    }
}

/// An entry answer with its ETag.
pub fn entry_response(status: StatusCode, e: Entry) -> Response {
    let etag = e.version.etag(&e.practice.id);
    let mut r = private_json(status, &EntryOut::of(e), None);
    if let Ok(v) = HeaderValue::from_str(&etag) {
        r.headers_mut().insert(header::ETAG, v);
    }
    r
}

/// A JSON answer nobody caches (it names an account), with a cookie maybe.
pub fn private_json<T: Serialize>(
    status: StatusCode,
    value: &T,
    cookie: Option<String>,
) -> Response {
    let body = serde_json::to_vec(value).unwrap_or_default();
    let mut r = (status, body).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    set_private(&mut r, cookie);
    r
}

/// Marks an answer as private (`no-store`), with a cookie maybe.
pub fn set_private(r: &mut Response, cookie: Option<String>) {
    let h = r.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Some(c) = cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
        h.insert(header::SET_COOKIE, c);
    }
}
