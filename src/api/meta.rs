//! The service's own resources: what the map page needs at start-up
//! (`/api/config`) and liveness (`/healthz`).

use axum::Json;
use axum::extract::State;
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
