//! Request sizes and the one `Host`: a URI or headers larger than the service
//! accepts are refused here with the JSON error body (414, 431), and so is a
//! request naming two hosts (400), before any handler runs.
//!
//! Two limits are hyper's own, and never reach this layer: more header fields
//! than [`MAX_HEADERS`], and a request target longer than the `http` crate can
//! hold (65,534 bytes). hyper answers them with a bare 431 or 414, which
//! malformed.rs gives the JSON body.

use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

use super::error::error_response;

/// Longest request target (path and query) accepted, bytes.
pub const MAX_URI_BYTES: usize = 16 * 1024;
/// Most header fields a request may have: hyper's default, which hyper
/// enforces (a larger setting makes it allocate the room on every request).
pub const MAX_HEADERS: usize = 100;
/// Largest total size of a request's header names and values, bytes.
pub const MAX_HEADER_BYTES: usize = 32 * 1024;

/// Refuses, as JSON, a request whose target or headers are too large, or
/// that has more than one `Host` header (RFC 9112 §3.2: a server must refuse
/// it, as two readers may pick different hosts).
pub async fn request_limits(req: Request, next: Next) -> Response {
    let uri_len = req.uri().path_and_query().map_or(0, |p| p.as_str().len());
    if uri_len > MAX_URI_BYTES {
        return error_response(
            StatusCode::URI_TOO_LONG,
            "uri_too_long",
            &format!("request target: {uri_len} bytes, more than {MAX_URI_BYTES}"),
        );
    }
    let headers = req.headers();
    let hosts = headers.get_all(header::HOST).iter().count();
    if hosts > 1 {
        return error_response(
            StatusCode::BAD_REQUEST,
            "duplicate_host",
            &format!("Host: {hosts} headers; a request has exactly one"),
        );
    }
    let bytes: usize = headers
        .iter()
        .map(|(k, v)| k.as_str().len() + v.len())
        .sum();
    if bytes > MAX_HEADER_BYTES {
        return error_response(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "headers_too_large",
            &format!("headers: {bytes} bytes, more than {MAX_HEADER_BYTES}"),
        );
    }
    next.run(req).await
}
