//! `GET /api/clusters`: the map's view at any dataset size — the practices
//! matching the list's filters inside `bbox`, grouped for `zoom` with exact
//! counts, or one by one when few (see [`crate::cluster`]).

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;

use super::PracticeQuery;
use super::params::ClusterParams;
use crate::api::error::ApiError;
use crate::api::extract::And;
use crate::api::response::{CachePolicy, cached, content_type, etag_for};
use crate::api::schema::QueryAnswers;
use crate::api::state::AppState;
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
    q: ClusterParams,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let key = q.key();
    let And(filters, view) = q.params;
    let zoom = view.zoom.ok_or_else(|| {
        ApiError::invalid("zoom", format!("required: the map's zoom, 0 to {MAX_ZOOM}"))
    })?;
    let bbox = view.bbox.ok_or_else(|| {
        ApiError::invalid(
            "bbox",
            "required: the map's viewport minLon,minLat,maxLon,maxLat",
        )
    })?;
    let zoom = zoom.0 as u8;
    let pq = PracticeQuery::new(state.gazetteer, filters, Some(bbox.0), None, None)?;
    let snapshot = state.live.current_full();
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
