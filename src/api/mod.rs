//! HTTP: the router. Everything else of the edge has its own file or folder:
//!
//! ```text
//! state.rs      AppState (the snapshot swap, settings, gazetteer), ApiConfig
//! server.rs     serve: connection cap, header/idle timeouts, bounded shutdown
//! error.rs      ApiError -> JSON 4xx/5xx; the layer that makes every error JSON
//! limits.rs     URI and header sizes refused as JSON (414, 431), below hyper's
//! malformed.rs  the JSON body on hyper's own answers to requests it cannot read
//! extract.rs    Params (query), PathParam, LonLat and Bbox parsing
//! filters.rs    q, area and region parameters that /api and /ogc share
//! response.rs   conditional GET (ETag), cache presets, content types
//! cors.rs       read-only CORS
//! openapi.rs    /api/openapi.json, assembled from the protocol folders
//! security.rs   security headers; the page's files only from inside their folder
//! practices/    /api: practices, regions, categories, config, its OpenAPI
//! ogc/          /ogc: OGC API – Features
//! geocoding/    /api/geocode, /photon, /nominatim over one neutral place
//! ```
//!
//! Protocol folders never import each other; what they share lives in the files
//! above or below `api/` (`crate::places`, `crate::query`).

pub mod cors;
/// The `excel` parameter of the CSV download.
pub mod csv_dialect;
pub mod error;
pub mod extract;
pub mod filters;
pub mod geocoding;
pub mod limits;
pub mod malformed;
pub mod ogc;
pub mod openapi;
pub mod practices;
pub mod response;
pub mod security;
pub mod server;
pub mod state;

use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post};
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

pub use error::ApiError;
pub use server::{ServeError, serve};
pub use state::{ApiConfig, AppState};

/// The whole application: API routes, the map page, and the middleware.
pub fn router(state: AppState) -> Router {
    let static_dir = state.config.static_dir.clone();
    let timeout = state.config.request_timeout;
    let csp = HeaderValue::from_str(&security::content_security_policy(&state.config.tile_url))
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'; frame-ancestors *"));
    let api = Router::new()
        .route("/api/practices", get(practices::list))
        .route("/api/clusters", get(practices::clusters::clusters_in_view))
        .route("/api/counts", get(practices::counts::counts))
        .route("/api/practices.geojson", get(practices::download_geojson))
        .route("/api/practices.csv", get(practices::download_csv))
        .route("/api/practices/within", post(practices::within))
        .route("/api/practices/{id}", get(practices::one))
        .route("/api/geocode", get(geocoding::native::geocode))
        .route("/api/reverse", get(geocoding::native::reverse))
        .route(
            "/api/regions/voivodeships",
            get(practices::regions::voivodeships),
        )
        .route("/api/categories", get(practices::regions::categories))
        .route("/api/config", get(practices::regions::config))
        .route("/api/openapi.json", get(openapi::openapi))
        .route("/healthz", get(practices::regions::healthz))
        .route("/api", get(api_not_found))
        .route("/api/{*rest}", get(api_not_found).post(api_not_found))
        .layer(cors::read_only());
    let page = Router::new()
        .fallback_service(ServeDir::new(&static_dir).append_index_html_on_directories(true))
        .layer(from_fn_with_state(static_dir, security::inside_static_dir))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=300"),
        ));
    api.merge(page)
        .merge(ogc::routes())
        .merge(geocoding::photon::routes())
        .merge(geocoding::nominatim::routes())
        .with_state(state)
        .layer(CompressionLayer::new().gzip(true).br(true).zstd(true))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            timeout,
        ))
        .layer(from_fn_with_state(csp, security::headers))
        .layer(from_fn(error::json_errors))
        .layer(from_fn(limits::request_limits))
        .layer(TraceLayer::new_for_http())
}

async fn api_not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::NotFound(format!("no such endpoint: {}", uri.path()))
}
