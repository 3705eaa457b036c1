//! The features: a page of them (`/ogc/collections/practices/items`) and
//! one (`/ogc/collections/practices/items/{featureId}`).

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Serialize;
use serde_json::Map;
use utoipa::ToSchema;

use super::crs::Crs;
use super::items_query::ItemsQuery;
use super::paging::{PageAt, page_links};
use super::params::{ItemParams, ItemsParams, check_format};
use super::shared::{
    COLLECTION_ID, CollectionPath, FeaturePath, Link, REL_QUERYABLES, base_url, feature_headers,
    in_crs, link,
};
use crate::api::error::ApiError;
use crate::api::extract::And;
use crate::api::response::content_type::{GEOJSON, JSON, SCHEMA};
use crate::api::response::{CachePolicy, cached, etag_for};
use crate::api::state::AppState;
use crate::geojson::{feature, flat_properties};
use crate::practice::Practice;

/// One page of items.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemsPage {
    r#type: &'static str,
    #[schema(value_type = Vec<Feature>)]
    features: Vec<geojson::Feature>,
    #[serde(rename = "numberMatched")]
    number_matched: usize,
    #[serde(rename = "numberReturned")]
    number_returned: usize,
    #[serde(rename = "timeStamp")]
    time_stamp: String,
    links: Vec<Link>,
}

/// An item as served in a page: flat properties, optionally only some of
/// them, optionally without geometry.
fn item_feature(p: &Practice, q: &ItemsQuery) -> Result<geojson::Feature, ApiError> {
    let mut props = flat_properties(p, false);
    if let Some(only) = &q.properties {
        props = only
            .iter()
            .filter_map(|k| props.remove_entry(k.as_str()))
            .collect();
    }
    let mut f = feature(p, props);
    if q.skip_geometry {
        f.geometry = None;
    }
    in_crs(f, q.crs)
}

/// Now, as RFC 3339 in UTC to the second.
fn time_stamp() -> String {
    chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now())
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// `GET /ogc/collections/{collectionId}/items`.
#[utoipa::path(get, path = "/collections/practices/items", operation_id = "getFeatures", params(ItemsParams), responses(
    (status = 200, description = "A page of practices with numberMatched and next/prev links", body = ItemsPage, content_type = "application/geo+json"),
    (status = 400, description = "A bad, unknown or repeated parameter", body = ErrorBody),
    (status = 404, description = "No such collection or feature", body = ErrorBody),
))]
pub async fn items(
    State(state): State<AppState>,
    _: CollectionPath,
    p: ItemsParams,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let q = ItemsQuery::new(state.gazetteer, p.params)?;
    let pairs = &p.pairs;
    let base = base_url(&headers, state.config.trust_forwarded);
    let snapshot = state.live.current();
    let publish = state.config.publish_personal;
    let mut matches = snapshot.query(&q.filter);
    if let Some(b) = q.grid_bbox {
        matches.items.retain(|m| b.contains(snapshot.lon_lat(m.id)));
    }
    let page: Vec<u32> = matches
        .items
        .iter()
        .map(|m| m.id)
        .skip(q.offset)
        .take(q.limit)
        .collect();
    let links = page_links(
        &base,
        pairs,
        PageAt {
            limit: q.limit,
            offset: q.offset,
            returned: page.len(),
            matched: matches.len(),
        },
    );
    let key = serde_urlencoded::to_string(pairs).unwrap_or_default();
    let etag = etag_for(&snapshot, &["ogc-items", &base, &key]);
    let mut header_links = links.clone();
    header_links.push(link(
        format!("{base}/ogc/collections/{COLLECTION_ID}/queryables"),
        REL_QUERYABLES,
        SCHEMA,
        "Queryable properties",
    ));
    cached(
        &headers,
        etag,
        GEOJSON,
        CachePolicy::PerClient,
        &feature_headers(&header_links, q.crs),
        || {
            let body = ItemsPage {
                r#type: "FeatureCollection",
                features: page
                    .iter()
                    .map(|&i| item_feature(&snapshot.practice(i).public_view(publish), &q))
                    .collect::<Result<_, _>>()?,
                number_matched: matches.len(),
                number_returned: page.len(),
                time_stamp: time_stamp(),
                links,
            };
            serde_json::to_vec(&body).map_err(|e| ApiError::Internal(e.to_string()))
        },
    )
}

/// `GET /ogc/collections/{collectionId}/items/{featureId}`: the detail view.
#[utoipa::path(get, path = "/collections/practices/items/{featureId}", operation_id = "getFeature", params(ItemParams), responses(
    (status = 200, description = "The practice's detail view", body = Feature, content_type = "application/geo+json"),
    (status = 400, description = "A bad, unknown or repeated parameter", body = ErrorBody),
    (status = 404, description = "No such collection or feature", body = ErrorBody),
))]
pub async fn item(
    State(state): State<AppState>,
    FeaturePath(fid): FeaturePath,
    p: ItemParams,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let And(_, And(format, crs)) = p.params;
    check_format(format.f.as_deref())?;
    let crs = crs.crs.unwrap_or(Crs::Crs84);
    let snapshot = state.live.current();
    let practice = snapshot.by_id(&fid).ok_or_else(|| {
        ApiError::NotFound(format!("no practice with id {fid:?} in {COLLECTION_ID}"))
    })?;
    let base = base_url(&headers, state.config.trust_forwarded);
    let publish = state.config.publish_personal;
    let etag = etag_for(
        &snapshot,
        &["ogc-item", &base, &fid, &publish.to_string(), crs.uri()],
    );
    let c = format!("{base}/ogc/collections/{COLLECTION_ID}");
    let enc: String = serde_urlencoded::to_string([("", &fid)])
        .unwrap_or_default()
        .trim_start_matches('=')
        .replace('+', "%20");
    let links = vec![
        link(format!("{c}/items/{enc}"), "self", GEOJSON, "This practice"),
        link(
            format!("{base}/api/practices/{enc}"),
            "alternate",
            GEOJSON,
            "This practice in the map API",
        ),
        link(c, "collection", JSON, "The collection"),
    ];
    cached(
        &headers,
        etag,
        GEOJSON,
        CachePolicy::PerClient,
        &feature_headers(&links, crs),
        || {
            let view = practice.public_view(publish);
            let mut f = in_crs(feature(&view, flat_properties(&view, true)), crs)?;
            let mut extra = Map::new();
            extra.insert(
                "links".into(),
                serde_json::to_value(&links).map_err(|e| ApiError::Internal(e.to_string()))?,
            );
            f.foreign_members = Some(extra);
            serde_json::to_vec(&f).map_err(|e| ApiError::Internal(e.to_string()))
        },
    )
}
