//! Request sizes: a URI or headers larger than the service accepts are refused
//! here with the JSON error body (414, 431), before any handler runs.
//!
//! hyper has limits of its own; the server (server.rs) sets them above these,
//! so that every size refused is refused here, with its measure in the
//! message. One limit stays hyper's: a request target longer than the `http`
//! crate can hold (65,534 bytes) never becomes a request; hyper answers it
//! with a bare 414, which malformed.rs gives the JSON body.

use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;

use super::error::error_response;

/// Longest request target (path and query) accepted, bytes.
pub const MAX_URI_BYTES: usize = 16 * 1024;
/// Most header fields a request may have.
pub const MAX_HEADERS: usize = 100;
/// Largest total size of a request's header names and values, bytes.
pub const MAX_HEADER_BYTES: usize = 32 * 1024;

/// hyper's header-field count, above [`MAX_HEADERS`] so that this module
/// answers first. (hyper's buffer for the request line and headers keeps its
/// default, about 400 KB, far above [`MAX_URI_BYTES`] and
/// [`MAX_HEADER_BYTES`]; it also bounds the write buffer, and a smaller one
/// made large answers slower.)
pub const HYPER_MAX_HEADERS: usize = 4 * MAX_HEADERS;

/// Refuses, as JSON, a request whose target or headers are too large.
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
    if headers.len() > MAX_HEADERS {
        return error_response(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "headers_too_large",
            &format!("headers: {} fields, more than {MAX_HEADERS}", headers.len()),
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
