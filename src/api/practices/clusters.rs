//! `GET /api/clusters`: the map's view at any dataset size — the practices
//! matching the list's filters inside `bbox`, grouped for `zoom` with exact
//! counts, or one by one when few (see [`crate::cluster`]).

use crate::api::openapi::QueryAnswers;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;

use super::super::error::ApiError;
use super::super::extract::Params;
use super::super::response::{CachePolicy, cached, content_type, etag_for};
use super::super::state::AppState;
use super::openapi::ClusterParams;
use super::parse_query;
use crate::cluster::{MAX_ZOOM, clusters};

/// `GET /api/clusters?bbox=…&zoom=…` with any filter of `/api/practices`
/// (`limit` and `offset` do not apply: every match is counted).
#[utoipa::path(get, path = "/api/clusters", tag = "practices", params(ClusterParams),
    responses(
        (status = 200, description = "Clusters and practices", body = PracticeCollection, content_type = "application/geo+json"),
        QueryAnswers,
    ))]
pub async fn clusters_in_view(
    State(state): State<AppState>,
    params: Params,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let key = serde_urlencoded::to_string(params.pairs()).unwrap_or_default();
    let params = params.accept::<ClusterParams>()?;
    let zoom = params.int("zoom", 0, i64::from(MAX_ZOOM))?.ok_or_else(|| {
        ApiError::invalid("zoom", format!("required: the map's zoom, 0 to {MAX_ZOOM}"))
    })? as u8;
    let pq = parse_query(state.gazetteer, &params, None)?;
    if pq.filter.bbox.is_none() {
        return Err(ApiError::invalid(
            "bbox",
            "required: the map's viewport minLon,minLat,maxLon,maxLat",
        ));
    }
    let snapshot = state.snapshot.load_full();
    let etag = etag_for(&snapshot, &["clusters", &key]);
    // A viewport of the whole country at 1M practices touches every record:
    // answered on a blocking thread.
    let s = snapshot.clone();
    let body = tokio::task::spawn_blocking(move || {
        let answer = clusters(&s, &pq.filter, zoom);
        answer.to_geojson(|i| s.prepared(i))
    })
    .await
    .map_err(|e| ApiError::Internal(format!("clustering: {e}")));
    cached(
        &headers,
        etag,
        content_type::GEOJSON,
        CachePolicy::Dataset,
        &[],
        || body,
    )
}
