//! CORS: every endpoint is read-only for other origins.

use axum::http::{Method, header};
use tower_http::cors::{Any, CorsLayer};

/// CORS for read-only endpoints: any origin may GET and HEAD (and POST the
/// polygon query, which changes nothing); ETag and Content-Disposition are
/// readable by scripts.
pub fn read_only() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::HEAD, Method::POST])
        .allow_headers(Any)
        .expose_headers([header::ETAG, header::CONTENT_DISPOSITION, header::LINK])
}
