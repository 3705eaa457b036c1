//! The service's own resources: what the map page needs at start-up
//! (`/api/config`), liveness (`/healthz`) and readiness (`/readyz`: how far
//! this node is behind the store's log of changes).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

use super::practices::{DEFAULT_LIMIT, MAX_LIMIT};
use super::state::AppState;

/// What the map page needs to know at start-up.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PageConfig {
    tile_url: String,
    tile_attribution: String,
    default_limit: usize,
    max_limit: usize,
    practices: usize,
}

/// Liveness with dataset counts.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Health {
    status: &'static str,
    practices: usize,
    placed: usize,
    localities: usize,
}

/// `GET /api/config`: what the map page needs to know at start-up, including
/// the dataset's size (which decides whether it loads every practice or asks
/// for server clusters).
#[utoipa::path(get, path = "/api/config", tag = "practices", responses(
    (status = 200, description = "Configuration", body = PageConfig),
))]
pub async fn config(State(state): State<AppState>) -> Json<PageConfig> {
    Json(PageConfig {
        tile_url: state.config.tile_url.clone(),
        tile_attribution: state.config.tile_attribution.clone(),
        default_limit: DEFAULT_LIMIT,
        max_limit: MAX_LIMIT,
        practices: state.live.current().len(),
    })
}

/// `GET /healthz`: liveness with dataset counts.
#[utoipa::path(get, path = "/healthz", tag = "practices", responses(
    (status = 200, description = "OK", body = Health),
))]
pub async fn healthz(State(state): State<AppState>) -> Json<Health> {
    let s = state.live.current();
    Json(Health {
        status: "ok",
        practices: s.len(),
        placed: s.placed(),
        localities: state.gazetteer.locality_count(),
    })
}

/// Readiness: how far this node's answers are behind the store's log of
/// public changes.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Readiness {
    /// `ready`, or `lagging` (503): behind the log for longer than the limit.
    status: &'static str,
    /// Whether this node follows a store's log (false: a CSV served read-only).
    follows_store: bool,
    /// The number of the last change applied to this node's answers.
    applied_seq: i64,
    /// The last number in the store's log.
    head_seq: i64,
    /// Changes committed and not in this node's answers yet.
    lag_changes: i64,
    /// How long this node has been behind the log.
    lag_seconds: f64,
    /// Above this lag the node is not ready (`serve --max-lag-secs`).
    max_lag_seconds: f64,
    /// Whether a PostgreSQL `LISTEN` connection brings notifications (else
    /// the log is polled).
    listening: bool,
    /// Seconds since the store last answered this node.
    seconds_since_contact: Option<f64>,
    /// The last error reading the log, while it lasts.
    error: Option<String>,
}

/// `GET /readyz`: whether this node's answers follow the store's log closely
/// enough to be served; 503 when it has been behind for longer than the limit
/// (a load balancer's health check then takes it out). A node that cannot
/// reach the store stays ready with the answers it has.
#[utoipa::path(get, path = "/readyz", tag = "practices", responses(
    (status = 200, description = "Ready", body = Readiness),
    (status = 503, description = "Behind the store's log for longer than the limit", body = Readiness),
))]
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Readiness>) {
    let Some(follower) = state.follower.get() else {
        return (
            StatusCode::OK,
            Json(Readiness {
                status: "ready",
                follows_store: false,
                applied_seq: 0,
                head_seq: 0,
                lag_changes: 0,
                lag_seconds: 0.0,
                max_lag_seconds: 0.0,
                listening: false,
                seconds_since_contact: None,
                error: None,
            }),
        );
    };
    let f = follower.status().await;
    let code = if f.ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = Readiness {
        status: if f.ready { "ready" } else { "lagging" },
        follows_store: true,
        applied_seq: f.applied,
        head_seq: f.head,
        lag_changes: f.lag_changes,
        lag_seconds: f.lag.as_secs_f64(),
        max_lag_seconds: f.max_lag.as_secs_f64(),
        listening: f.listening,
        seconds_since_contact: f.since_contact.map(|d| d.as_secs_f64()),
        error: f.error,
    };
    (code, Json(body))
}
