//! HTTP: the axum router, one module per resource, and the HTTP error type.
//!
//! Only this module knows about HTTP. State is an [`AppState`] holding the current
//! dataset [`Snapshot`] behind an `ArcSwap`: readers load it without locks; a
//! reload builds a whole new snapshot and swaps it in.

/// The `excel` parameter of the CSV download.
pub mod csv_dialect;
pub mod error;
pub mod nominatim;
pub mod ogc;
pub mod openapi;
pub mod params;
pub mod photon;
pub mod places;
pub mod practices;
pub mod regions;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwap;
use axum::Router;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tower_http::compression::CompressionLayer;
use tower_http::cors::{Any, CorsLayer};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::config::ServeArgs;
use crate::gazetteer::Gazetteer;
use crate::query::Snapshot;

pub use error::ApiError;

/// Settings the API needs from the operator.
#[derive(Debug, Clone)]
pub struct ApiConfig {
    /// Publish named contact persons' phones and e-mails.
    pub publish_personal: bool,
    /// Tile URL template for the page ("" for the offline base layer).
    pub tile_url: String,
    /// Tile attribution (HTML).
    pub tile_attribution: String,
    /// Folder of the map page.
    pub static_dir: PathBuf,
    /// Time limit for one request.
    pub request_timeout: Duration,
}

impl ApiConfig {
    /// The configuration from `serve`'s arguments.
    pub fn from_args(a: &ServeArgs) -> ApiConfig {
        ApiConfig {
            publish_personal: a.publish_personal,
            tile_url: if a.tile_url.eq_ignore_ascii_case("none") {
                String::new()
            } else {
                a.tile_url.clone()
            },
            tile_attribution: a.tile_attribution.clone(),
            static_dir: a.static_dir.clone(),
            request_timeout: Duration::from_secs(a.request_timeout_secs.max(1)),
        }
    }
}

/// Shared state of every handler; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// The current dataset snapshot.
    pub snapshot: Arc<ArcSwap<Snapshot>>,
    /// Operator settings.
    pub config: Arc<ApiConfig>,
    /// The gazetteer.
    pub gazetteer: &'static Gazetteer,
}

impl AppState {
    /// State over a snapshot.
    pub fn new(snapshot: Snapshot, config: ApiConfig, gazetteer: &'static Gazetteer) -> AppState {
        AppState {
            snapshot: Arc::new(ArcSwap::from_pointee(snapshot)),
            config: Arc::new(config),
            gazetteer,
        }
    }
}

/// Largest request body accepted (GeoJSON polygons), bytes.
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// The whole application: API routes, the map page, and the middleware.
pub fn router(state: AppState) -> Router {
    let static_dir = state.config.static_dir.clone();
    let timeout = state.config.request_timeout;
    let api = Router::new()
        .route("/api/practices", get(practices::list))
        .route("/api/practices.geojson", get(practices::download_geojson))
        .route("/api/practices.csv", get(practices::download_csv))
        .route("/api/practices/within", post(practices::within))
        .route("/api/practices/{id}", get(practices::one))
        .route("/api/geocode", get(places::geocode))
        .route("/api/reverse", get(places::reverse))
        .route("/api/regions/voivodeships", get(regions::voivodeships))
        .route("/api/categories", get(regions::categories))
        .route("/api/config", get(regions::config))
        .route("/api/openapi.json", get(openapi::openapi))
        .route("/healthz", get(regions::healthz))
        .route("/api", get(api_not_found))
        .route("/api/{*rest}", get(api_not_found).post(api_not_found))
        .layer(read_only_cors().expose_headers([header::ETAG, header::CONTENT_DISPOSITION]));
    let page = Router::new()
        .fallback_service(ServeDir::new(static_dir).append_index_html_on_directories(true))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=300"),
        ));
    api.merge(page)
        .merge(ogc::routes())
        .merge(photon::routes())
        .merge(nominatim::routes())
        .with_state(state)
        .layer(CompressionLayer::new().gzip(true).br(true).zstd(true))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            timeout,
        ))
        .layer(TraceLayer::new_for_http())
}

/// CORS for read-only endpoints: any origin may GET and HEAD.
pub(crate) fn read_only_cors() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([axum::http::Method::GET, axum::http::Method::HEAD])
        .allow_headers(Any)
}

/// A JSON answer of the geocoding endpoints with its content type, cacheable
/// for an hour (it changes only with the gazetteer, that is with the binary).
pub(crate) fn gazetteer_json(v: serde_json::Value, content_type: &'static str) -> Response {
    let mut r = axum::Json(v).into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    r
}

async fn api_not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::NotFound(format!("no such endpoint: {}", uri.path()))
}

/// A response that honours `If-None-Match` with the given ETag and is cacheable
/// for a minute.
pub(crate) fn cached(
    headers: &HeaderMap,
    etag: String,
    content_type: &'static str,
    extra: &[(header::HeaderName, String)],
    body: impl FnOnce() -> Result<Vec<u8>, ApiError>,
) -> Response {
    let tag = HeaderValue::from_str(&etag).expect("ETag is ASCII");
    let matches = headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|v| {
            let v = v.trim();
            v == "*" || v.trim_start_matches("W/") == etag.trim_start_matches("W/")
        });
    let mut resp = if matches {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        match body() {
            Ok(b) => {
                let mut r = b.into_response();
                r.headers_mut()
                    .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
                r
            }
            Err(e) => return e.into_response(),
        }
    };
    let h = resp.headers_mut();
    h.insert(header::ETAG, tag);
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=60"),
    );
    for (k, v) in extra {
        if let Ok(v) = HeaderValue::from_str(v) {
            h.insert(k.clone(), v);
        }
    }
    resp
}

/// A weak ETag for a response derived from the snapshot and the request.
pub(crate) fn etag_for(snapshot: &Snapshot, parts: &[&str]) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    parts.hash(&mut h);
    format!("W/\"{:x}-{:x}\"", snapshot.version(), h.finish())
}

/// Error of starting or running the server.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The dataset could not be loaded.
    #[error("loading {path}: {source}")]
    Load {
        /// The dataset file.
        path: PathBuf,
        /// Why.
        source: crate::store::StoreError,
    },
    /// The address could not be bound.
    #[error("listening on {addr}: {source}")]
    Bind {
        /// The address.
        addr: std::net::SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The server failed while running.
    #[error("serving: {0}")]
    Io(#[from] std::io::Error),
}

/// Loads a dataset file into a snapshot, logging practices without coordinates.
pub fn load_snapshot(path: &std::path::Path) -> Result<Snapshot, ServeError> {
    let practices = crate::store::load(path).map_err(|source| ServeError::Load {
        path: path.to_path_buf(),
        source,
    })?;
    let snapshot = Snapshot::new(practices);
    for &i in snapshot.unplaced() {
        let p = snapshot.practice(i);
        tracing::warn!(id = %p.id, title = %p.title, "practice has no coordinates: listed, but not on the map");
    }
    tracing::info!(
        practices = snapshot.practices().len(),
        placed = snapshot.index().len(),
        path = %path.display(),
        "dataset loaded"
    );
    Ok(snapshot)
}

/// Watches the dataset file and swaps in a new snapshot when it changes. A file
/// that fails to load is reported and the current snapshot stays.
fn watch_dataset(state: AppState, path: PathBuf, every: Duration) {
    tokio::spawn(async move {
        let modified = |p: &std::path::Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
        let mut last = modified(&path);
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            let now = modified(&path);
            if now == last {
                continue;
            }
            last = now;
            let p = path.clone();
            match tokio::task::spawn_blocking(move || load_snapshot(&p)).await {
                Ok(Ok(s)) => {
                    state.snapshot.store(Arc::new(s));
                    tracing::info!(path = %path.display(), "dataset changed: new snapshot in service");
                }
                Ok(Err(e)) => {
                    tracing::error!(error = %e, "dataset changed but does not load; keeping the previous snapshot")
                }
                Err(e) => tracing::error!(error = %e, "reload task failed"),
            }
        }
    });
}

/// Runs the server until SIGTERM or Ctrl-C, then shuts down gracefully.
pub async fn serve(args: ServeArgs) -> Result<(), ServeError> {
    let gazetteer = Gazetteer::bundled();
    // The typo index is built beside the start-up, not on the first misspelt query.
    tokio::task::spawn_blocking(|| Gazetteer::bundled().warm_up());
    let snapshot = load_snapshot(&args.data)?;
    let state = AppState::new(snapshot, ApiConfig::from_args(&args), gazetteer);
    if args.reload_secs > 0 {
        watch_dataset(
            state.clone(),
            args.data.clone(),
            Duration::from_secs(args.reload_secs),
        );
    }
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .map_err(|source| ServeError::Bind {
            addr: args.addr,
            source,
        })?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, "serving on http://{addr}/");
    {
        use std::io::Write;
        // Announced on stdout for scripts that start the server on port 0.
        let mut out = std::io::stdout();
        let _ = writeln!(out, "mapa-praktyk listening on http://{addr}/");
        let _ = out.flush();
    }
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    tracing::info!("shut down");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("signal received, finishing requests in flight");
}
