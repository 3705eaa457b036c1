//! `/api/practices`: list, one, within a polygon, and downloads.

/// `/api/clusters`: the map's view, clustered.
pub mod clusters;
/// `/api/counts`: matches per voivodeship, powiat or gmina.
pub mod counts;
/// The parameter contract of the practice endpoints.
pub mod params;
/// `/api/regions/voivodeships` and `/api/categories`.
pub mod regions;

use std::time::Instant;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::Response;
use serde_json::{Map, Value};

use super::error::ApiError;
use super::extract::{And, NoParams, PathParam, Query};
use super::response::{CachePolicy, cached, content_type, dataset_answer, etag_for, with_type};
use super::schema::{Busy, QueryAnswers};
use super::state::{AppState, POLYGON_QUERIES_AT_ONCE};
use crate::csv_out::Dialect;
use crate::download;
use crate::gazetteer::Gazetteer;
use crate::geo_util::Bbox;
use crate::geojson::detail_feature;
use crate::live::View;
use crate::query::Filter;
use params::{CsvParams, Filters, InBox, ListParams, NearEcho, Page};
pub use params::{DEFAULT_LIMIT, MAX_K, MAX_LIMIT, MAX_RADIUS_KM};

/// Largest request body accepted (GeoJSON polygons), bytes.
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;
/// Most positions a `within` polygon may have (all rings together).
pub const MAX_POLYGON_VERTICES: usize = 10_000;
/// Most work one `within` query may do, in edge tests: for each of its
/// polygons, the practices in the polygon's box times its positions (plus
/// [`crate::index::CANDIDATE_COST`] per practice), counted before that work
/// starts ([`crate::index::PracticeIndex::polygon_work`]). About half a
/// second of one core; more is refused with 413.
pub const MAX_POLYGON_WORK: u64 = 200_000_000;

/// A parsed practice query: the filter, the page, and the geocoded centre.
#[derive(Debug)]
pub struct PracticeQuery {
    /// The filters.
    pub filter: Filter,
    /// Page size.
    pub limit: usize,
    /// Page start.
    pub offset: usize,
    /// The `near=` centre, echoed in the response.
    pub near: Option<NearEcho>,
}

/// The list's parameters: a box, the filters and a page.
pub type ListQuery = And<And<InBox, Filters>, Page>;

impl PracticeQuery {
    /// The query of the filters inside `bbox`, paged. `default_limit` is
    /// `None` for downloads, which return every match unless `limit` is given.
    pub fn new(
        g: &Gazetteer,
        filters: Filters,
        bbox: Option<Bbox>,
        page: Option<&Page>,
        default_limit: Option<usize>,
    ) -> Result<PracticeQuery, ApiError> {
        let (filter, near) = filters.to_filter(g, bbox)?;
        let (limit, offset) = match page {
            Some(p) => p.limit_offset(default_limit),
            None => (usize::MAX, 0),
        };
        Ok(PracticeQuery {
            filter,
            limit,
            offset,
            near,
        })
    }

    /// The query of the list's parameters.
    pub fn of_list(
        g: &Gazetteer,
        And(And(inbox, filters), page): ListQuery,
        default_limit: Option<usize>,
    ) -> Result<PracticeQuery, ApiError> {
        let bbox = inbox.bbox.map(|b| b.0);
        PracticeQuery::new(g, filters, bbox, Some(&page), default_limit)
    }

    /// The page of matches this query asks for.
    pub fn page(&self) -> download::Page<'_> {
        download::Page {
            filter: &self.filter,
            offset: self.offset,
            limit: self.limit,
        }
    }

    /// The top-level members besides the features: the geocoded `near` centre.
    fn extra(&self) -> Map<String, Value> {
        let mut extra = Map::new();
        if let Some(n) = self
            .near
            .as_ref()
            .and_then(|n| serde_json::to_value(n).ok())
        {
            extra.insert("near".into(), n);
        }
        extra
    }
}

/// Runs a query and renders the page as a FeatureCollection.
fn collection_body(snapshot: &View, pq: &PracticeQuery) -> Vec<u8> {
    let mut out = Vec::with_capacity(4096);
    download::write_geojson(&mut out, snapshot, pq.page(), &pq.extra())
        .expect("writing to a Vec cannot fail");
    out
}

/// `GET /api/practices`: the filtered practices as GeoJSON.
#[utoipa::path(get, path = "/api/practices", tag = "practices", params(ListParams),
    responses(
        (status = 200, description = "Practices", body = PracticeCollection, content_type = "application/geo+json"),
        QueryAnswers,
    ))]
pub async fn list(
    State(state): State<AppState>,
    q: ListParams,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let snapshot = state.live.current();
    let key = q.key();
    let pq = PracticeQuery::of_list(state.gazetteer, q.params, Some(DEFAULT_LIMIT))?;
    dataset_answer(
        &headers,
        &snapshot,
        &["list", &key],
        content_type::GEOJSON,
        || Ok(collection_body(&snapshot, &pq)),
    )
}

/// A download permit, or 503 with `Retry-After` when all are taken.
fn download_permit(state: &AppState) -> Result<tokio::sync::OwnedSemaphorePermit, ApiError> {
    state.downloads.clone().try_acquire_owned().map_err(|_| {
        ApiError::Busy(format!(
            "{} full downloads are already being served; try again in a few seconds",
            state.config.max_downloads
        ))
    })
}

/// A download response: the ETag answer of [`cached`], whose body, unless it is
/// a 304, is written piece by piece by `write` on a blocking thread (the pieces
/// go through a bounded channel, so memory stays bounded however large the
/// download); the body holds one of the download permits until it has been
/// sent. With every permit taken the answer is 503 `busy`.
async fn streamed(
    state: &AppState,
    snapshot: std::sync::Arc<View>,
    headers: &HeaderMap,
    etag: String,
    content_type: &'static str,
    filename: &str,
    write: impl FnOnce(&mut download::PieceWriter, &View) -> std::io::Result<()> + Send + 'static,
) -> Result<Response, ApiError> {
    let permit = download_permit(state)?;
    let mut resp = cached(
        headers,
        etag,
        content_type,
        CachePolicy::Dataset,
        &[(
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        )],
        || Ok(Vec::new()),
    )?;
    if resp.status() == axum::http::StatusCode::OK {
        // The permit lives with the body: it is given back when the body has
        // been sent or the client has gone (the writer then stops too).
        let mut rx = download::spawn((), snapshot, write);
        let pieces = futures_util::stream::poll_fn(move |cx| {
            let _held = &permit;
            rx.poll_recv(cx)
        });
        *resp.body_mut() = Body::from_stream(pieces);
    }
    Ok(resp)
}

/// `GET /api/practices.geojson`: the same, as a download of every match with
/// every public field of each (what `import` reads back).
#[utoipa::path(get, path = "/api/practices.geojson", tag = "practices", params(ListParams),
    responses(
        (status = 200, description = "GeoJSON attachment", body = PracticeCollection, content_type = "application/geo+json"),
        QueryAnswers,
        Busy,
    ))]
pub async fn download_geojson(
    State(state): State<AppState>,
    q: ListParams,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let snapshot = state.live.current_full();
    let key = q.key();
    let pq = PracticeQuery::of_list(state.gazetteer, q.params, None)?;
    let publish = state.config.publish_personal;
    let etag = etag_for(&snapshot, &["geojson", &key, &publish.to_string()]);
    let extra = pq.extra();
    streamed(
        &state,
        snapshot,
        &headers,
        etag,
        content_type::GEOJSON,
        "praktyki.geojson",
        move |w, s| download::write_geojson_download(w, s, pq.page(), &extra, publish),
    )
    .await
}

/// `GET /api/practices.csv`: the matches in the dataset's CSV format (public view).
#[utoipa::path(get, path = "/api/practices.csv", tag = "practices", params(CsvParams),
    responses(
        (status = 200, description = "CSV attachment", body = String, content_type = "text/csv"),
        QueryAnswers,
        Busy,
    ))]
pub async fn download_csv(
    State(state): State<AppState>,
    q: CsvParams,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    // `excel=1` picks the dialect (a key of its own); the rest is the filter.
    let rest: Vec<_> = q.pairs.iter().filter(|(k, _)| k != "excel").collect();
    let key = serde_urlencoded::to_string(rest).unwrap_or_default();
    let And(list, excel) = q.params;
    let dialect = excel.excel.map_or(Dialect::Plain, |e| e.0);
    let snapshot = state.live.current_full();
    let pq = PracticeQuery::of_list(state.gazetteer, list, None)?;
    let publish = state.config.publish_personal;
    let etag = etag_for(
        &snapshot,
        &["csv", &key, &publish.to_string(), &format!("{dialect:?}")],
    );
    streamed(
        &state,
        snapshot,
        &headers,
        etag,
        "text/csv; charset=utf-8",
        "praktyki.csv",
        move |w, s| download::write_csv(w, s, pq.page(), publish, dialect),
    )
    .await
}

/// `GET /api/practices/{id}`: one practice, public view.
#[utoipa::path(get, path = "/api/practices/{id}", tag = "practices", params(("id" = String, Path, description = "The practice's id"), NoParams),
    responses(
        (status = 200, description = "Feature", body = Feature, content_type = "application/geo+json"),
        (status = 304, description = "Not modified (If-None-Match matched the ETag)"),
        (status = 400, description = "Bad input", body = ErrorBody),
        (status = 404, description = "Unknown id", body = ErrorBody),
    ))]
pub async fn one(
    State(state): State<AppState>,
    PathParam(id): PathParam<String>,
    _: Query<NoParams>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let snapshot = state.live.current();
    let p = snapshot
        .by_id(&id)
        .ok_or_else(|| ApiError::NotFound(format!("no practice with id {id:?}")))?;
    let publish = state.config.publish_personal;
    dataset_answer(
        &headers,
        &snapshot,
        &["one", &id, &publish.to_string()],
        content_type::GEOJSON,
        || {
            serde_json::to_vec(&detail_feature(&p.public_view(publish)))
                .map_err(|e| ApiError::Internal(e.to_string()))
        },
    )
}

/// Reads a GeoJSON Polygon, MultiPolygon, or a Feature holding one.
pub fn polygon_from_geojson(body: &[u8]) -> Result<geo::MultiPolygon<f64>, ApiError> {
    let text = std::str::from_utf8(body)
        .map_err(|_| ApiError::bad("invalid_geojson", "body: not UTF-8 text"))?;
    if text.trim().is_empty() {
        return Err(ApiError::bad(
            "invalid_geojson",
            "body: empty; send a GeoJSON Polygon, MultiPolygon or Feature",
        ));
    }
    let gj: geojson::GeoJson = text
        .parse()
        .map_err(|e| ApiError::bad("invalid_geojson", format!("body: not GeoJSON: {e}")))?;
    let geometry = match gj {
        geojson::GeoJson::Geometry(g) => g,
        geojson::GeoJson::Feature(f) => f
            .geometry
            .ok_or_else(|| ApiError::bad("invalid_geojson", "body: the Feature has no geometry"))?,
        geojson::GeoJson::FeatureCollection(_) => {
            return Err(ApiError::bad(
                "invalid_geojson",
                "body: a FeatureCollection; send one Polygon, MultiPolygon or Feature",
            ));
        }
    };
    let g: geo::Geometry<f64> = geometry
        .value
        .try_into()
        .map_err(|e| ApiError::bad("invalid_geojson", format!("body: {e}")))?;
    let mp = match g {
        geo::Geometry::Polygon(p) => geo::MultiPolygon(vec![p]),
        geo::Geometry::MultiPolygon(mp) => mp,
        other => {
            return Err(ApiError::bad(
                "invalid_geojson",
                format!(
                    "body: a {} geometry; only Polygon and MultiPolygon are accepted",
                    geometry_name(&other)
                ),
            ));
        }
    };
    use geo::CoordsIter;
    let vertices = mp.coords_count();
    if vertices > MAX_POLYGON_VERTICES {
        return Err(ApiError::TooLarge(format!(
            "body: the polygon has {vertices} positions; at most {MAX_POLYGON_VERTICES} are accepted (simplify it first)"
        )));
    }
    for c in mp.coords_iter() {
        if !c.x.is_finite() || !c.y.is_finite() || c.x.abs() > 180.0 || c.y.abs() > 90.0 {
            return Err(ApiError::bad(
                "invalid_geojson",
                format!(
                    "body: coordinate [{}, {}] is not a lon,lat position",
                    c.x, c.y
                ),
            ));
        }
    }
    for p in &mp.0 {
        if p.exterior().0.len() < 4 {
            return Err(ApiError::bad(
                "invalid_geojson",
                "body: a polygon ring needs at least 4 positions",
            ));
        }
    }
    refuse_antimeridian_jumps(&mp)?;
    Ok(mp)
}

/// Refuses a ring with two consecutive positions more than 180° of longitude
/// apart: read flat, such a ring spans the map the other way round (a thin
/// box across the antimeridian would cover every practice). RFC 7946 §3.1.9
/// says such a polygon is cut in two at the antimeridian; the client cuts it.
fn refuse_antimeridian_jumps(mp: &geo::MultiPolygon<f64>) -> Result<(), ApiError> {
    for p in &mp.0 {
        for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
            if let Some(w) = ring.0.windows(2).find(|w| (w[1].x - w[0].x).abs() > 180.0) {
                return Err(ApiError::bad(
                    "crosses_antimeridian",
                    format!(
                        "body: a ring jumps from longitude {} to {}, more than 180°; a polygon \
crossing the antimeridian must be cut in two there (RFC 7946 §3.1.9)",
                        w[0].x, w[1].x
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Refuses an area whose exact test would cost more than [`MAX_POLYGON_WORK`]
/// on this snapshot.
fn refuse_too_much_work(snapshot: &View, area: &geo::MultiPolygon<f64>) -> Result<(), ApiError> {
    let work = snapshot.polygon_work(area);
    if work > MAX_POLYGON_WORK {
        return Err(ApiError::TooComplex(format!(
            "body: testing this polygon needs about {work} edge tests (each polygon's positions \
times the practices in its box), more than the {MAX_POLYGON_WORK} one query may do; simplify \
it, split it, or send a smaller one"
        )));
    }
    Ok(())
}

fn geometry_name(g: &geo::Geometry<f64>) -> &'static str {
    match g {
        geo::Geometry::Point(_) => "Point",
        geo::Geometry::Line(_) | geo::Geometry::LineString(_) => "LineString",
        geo::Geometry::MultiPoint(_) => "MultiPoint",
        geo::Geometry::MultiLineString(_) => "MultiLineString",
        geo::Geometry::GeometryCollection(_) => "GeometryCollection",
        _ => "non-polygon",
    }
}

/// `POST /api/practices/within`: the practices inside a GeoJSON polygon, with
/// the list's filters as query parameters. The polygon test runs on a blocking
/// thread, so a large polygon never holds up the async workers, and the
/// request timeout still answers the client. At most
/// [`POLYGON_QUERIES_AT_ONCE`] run at once (more are answered 503), each
/// within [`MAX_POLYGON_WORK`], and each stops when its deadline passes or
/// its client is gone.
#[utoipa::path(post, path = "/api/practices/within", tag = "practices", params(ListParams),
    request_body(content = Polygon, description = "A GeoJSON Polygon, MultiPolygon or Feature", content_type = "application/geo+json"),
    responses(
        (status = 200, description = "Practices", body = PracticeCollection, content_type = "application/geo+json"),
        (status = 400, description = "Bad input, naming the parameter; a ring jumping more than 180° of longitude (`crosses_antimeridian`: cut a polygon crossing the antimeridian in two, RFC 7946 §3.1.9)", body = ErrorBody),
        (status = 404, description = "near= names no place the gazetteer knows", body = ErrorBody),
        (status = 413, description = "Body over 2 MiB, polygon over 10,000 positions, or more than 200,000,000 edge tests: each polygon's positions times the practices in its box (`polygon_too_complex`)", body = ErrorBody),
        (status = 503, description = "Too many polygon queries at once (`busy`; Retry-After says when to try again), or the request timeout passed (`timeout`)", body = ErrorBody,
            headers(("Retry-After" = u32, description = "Seconds to wait before trying again (with `busy`)"))),
    ))]
pub async fn within(
    State(state): State<AppState>,
    q: ListParams,
    body: Body,
) -> Result<Response, ApiError> {
    let mut pq = PracticeQuery::of_list(state.gazetteer, q.params, Some(DEFAULT_LIMIT))?;
    let bytes = axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|_| ApiError::TooLarge(format!("body: larger than {MAX_BODY_BYTES} bytes")))?;
    let permit = state.polygon_queries.clone().try_acquire_owned().map_err(|_| {
        ApiError::Busy(format!(
            "{POLYGON_QUERIES_AT_ONCE} polygon queries are running, the most at once; try again shortly"
        ))
    })?;
    let snapshot = state.live.current_full();
    // The same bound as the request's: when the timeout has answered the
    // client, the blocking thread stops too instead of finishing unseen work;
    // and so it does when this future is dropped (timeout, client gone).
    pq.filter.deadline = Some(Instant::now() + state.config.request_timeout);
    let abandoned = SetOnDrop::default();
    pq.filter.abandoned = Some(abandoned.0.clone());
    let body = tokio::task::spawn_blocking(move || {
        // Held until the work ends, not only until the client is answered.
        let _permit = permit;
        let area = polygon_from_geojson(&bytes)?;
        refuse_too_much_work(&snapshot, &area)?;
        pq.filter.within = Some(area);
        within_body(&snapshot, &pq)
    })
    .await
    .map_err(|e| ApiError::Internal(format!("polygon query task: {e}")))??;
    Ok(with_type(body, content_type::GEOJSON, CachePolicy::NoStore))
}

/// A flag set when it is dropped: with the handler's future, when the client
/// is answered, gone, or timed out.
#[derive(Debug, Default)]
struct SetOnDrop(std::sync::Arc<std::sync::atomic::AtomicBool>);

impl Drop for SetOnDrop {
    fn drop(&mut self) {
        self.0.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// The answer to a polygon query, or a timeout when the query's deadline
/// passed before the polygon work was done (its answer would be incomplete).
fn within_body(snapshot: &View, pq: &PracticeQuery) -> Result<Vec<u8>, ApiError> {
    let body = collection_body(snapshot, pq);
    if pq.filter.expired() {
        return Err(ApiError::Timeout(
            "the polygon query took longer than the request timeout".into(),
        ));
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every synthetic practice lies inside this rectangle around Poland.
    const POLAND: &[u8] =
        br#"{"type":"Polygon","coordinates":[[[13,48],[25,48],[25,56],[13,56],[13,48]]]}"#;

    fn polygon_query(deadline: Option<Instant>) -> PracticeQuery {
        let g = Gazetteer::bundled();
        let list = ListParams::parse(None).unwrap().params;
        let mut pq = PracticeQuery::of_list(g, list, Some(DEFAULT_LIMIT)).unwrap();
        pq.filter.within = Some(polygon_from_geojson(POLAND).unwrap());
        pq.filter.deadline = deadline;
        pq
    }

    #[test]
    fn polygon_work_stops_at_the_deadline() {
        let snapshot = View::from(crate::snapshot::Snapshot::new(crate::synthetic::practices(
            Gazetteer::bundled(),
            500,
            3,
        )));
        let body = within_body(&snapshot, &polygon_query(None)).unwrap();
        let v: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["numberMatched"], 500);
        // A deadline already passed: the polygon loop gives up at once and the
        // incomplete answer is never served.
        let late = polygon_query(Some(Instant::now()));
        match within_body(&snapshot, &late) {
            Err(ApiError::Timeout(m)) => assert!(m.contains("request timeout"), "{m}"),
            other => panic!("expected a timeout, got {:?}", other.map(|b| b.len())),
        }
        // The index stopped before testing a single candidate.
        let area = late.filter.within.as_ref().unwrap();
        assert!(
            snapshot
                .base()
                .index()
                .in_polygon_until(area, late.filter.deadline)
                .is_empty()
        );
        assert_eq!(snapshot.base().index().in_polygon(area).len(), 500);
    }

    #[test]
    fn polygon_work_stops_when_the_client_is_gone() {
        let snapshot = View::from(crate::snapshot::Snapshot::new(crate::synthetic::practices(
            Gazetteer::bundled(),
            500,
            3,
        )));
        let mut pq = polygon_query(None);
        let gone = SetOnDrop::default();
        pq.filter.abandoned = Some(gone.0.clone());
        assert!(within_body(&snapshot, &pq).is_ok());
        // The handler's future dropped: the work gives up, unserved.
        drop(gone);
        match within_body(&snapshot, &pq) {
            Err(ApiError::Timeout(_)) => {}
            other => panic!(
                "expected the work to stop, got {:?}",
                other.map(|b| b.len())
            ),
        }
        let area = pq.filter.within.as_ref().unwrap();
        assert!(
            snapshot
                .base()
                .index()
                .in_polygon_while(area, || !pq.filter.expired())
                .is_empty()
        );
    }

    #[test]
    fn polygons_crossing_the_antimeridian_are_refused() {
        let across = br#"{"type":"MultiPolygon","coordinates":[[[[10,50],[11,50],[11,51],[10,50]]],
            [[[170,50],[175,50],[175,51],[170,50]],[[171,50.1],[-179,50.2],[171,50.3],[171,50.1]]]]}"#;
        match polygon_from_geojson(across) {
            Err(ApiError::BadRequest { code, message }) => {
                assert_eq!(code, "crosses_antimeridian");
                assert!(message.contains("171 to -179"), "{message}");
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        // 180° apart exactly is the edge of the rule, not past it.
        let wide = br#"{"type":"Polygon","coordinates":[[[-90,0],[90,0],[90,1],[-90,0]]]}"#;
        assert!(polygon_from_geojson(wide).is_ok());
    }
}
