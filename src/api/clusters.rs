//! `GET /api/clusters`: the map's view at any dataset size — the practices
//! matching the list's filters inside `bbox`, grouped for `zoom` with exact
//! counts, or one by one when few (see [`crate::cluster`]).

use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};

use super::error::ApiError;
use super::params::Params;
use super::practices::{FILTER_PARAMS, parse_query};
use super::{AppState, cached, etag_for};
use crate::cluster::{MAX_ZOOM, clusters};
use crate::geojson::write_clusters;

/// `GET /api/clusters?bbox=…&zoom=…` with any filter of `/api/practices`
/// (`limit` and `offset` do not apply: every match is counted).
pub async fn clusters_in_view(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let run = || {
        let allowed: Vec<&str> = FILTER_PARAMS
            .iter()
            .copied()
            .filter(|p| !matches!(*p, "limit" | "offset"))
            .chain(["zoom"])
            .collect();
        let params = Params::parse(raw.as_deref(), &allowed)?;
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
        Ok::<_, ApiError>((pq, zoom))
    };
    let (pq, zoom) = match run() {
        Ok(x) => x,
        Err(e) => return e.into_response(),
    };
    let snapshot = state.snapshot.load_full();
    let etag = etag_for(&snapshot, &["clusters", raw.as_deref().unwrap_or("")]);
    // A viewport of the whole country at 1M practices touches every record:
    // answered on a blocking thread.
    let s = snapshot.clone();
    let body = tokio::task::spawn_blocking(move || {
        let answer = clusters(&s, &pq.filter, zoom);
        write_clusters(&answer, |i| s.prepared(i))
    })
    .await
    .map_err(|e| ApiError::Internal(format!("clustering: {e}")));
    cached(&headers, etag, "application/geo+json", &[], || body)
}
