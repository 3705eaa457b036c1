//! OGC API – Features Part 4 on `/ogc/collections/practices/items`: `POST`
//! (create), `PUT /items/{id}` (replace), `PATCH /items/{id}` (JSON merge
//! patch), `DELETE /items/{id}` (archive). `If-Match` with the item's
//! strong ETag is required on `PUT`, `PATCH` and `DELETE` (428 without, 412
//! when stale). An editor's create is published (201); a contributor's is
//! submitted for review (202); both with `Location`.

use crate::api::schema::SignedIn;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::shared::{COLLECTION_ID, CollectionPath, FeaturePath};
use crate::api::error::ApiError;
use crate::api::origin::base_url;
use crate::api::writes::actor::Signed;
use crate::api::writes::body;
use crate::api::writes::entry::entry_response;
use crate::api::writes::input::{merge_patch, practice_from_feature};
use crate::api::writes::precondition::if_match;
use crate::api::writes::state::EditState;
use crate::auth::secret::hex;
use crate::db::{DbError, Written};
use crate::workflow::{Action, Actor, Intent, Status};

/// The most bytes of a practice id given by a client.
pub const MAX_ID_BYTES: usize = 100;

/// The request's `Prefer: draft` (RFC 7240): keep a new practice as a
/// draft, an edit of an open one in its status, an edit of a published one
/// pending, rather than submit or publish it (the page's "Zapisz szkic").
fn prefers_draft(headers: &HeaderMap) -> bool {
    headers
        .get_all("prefer")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|p| p.trim().eq_ignore_ascii_case("draft"))
}

/// What a writer asks for: a draft when it prefers one; else editors
/// publish, contributors submit.
fn intent(actor: &Actor, headers: &HeaderMap) -> Intent {
    if prefers_draft(headers) {
        Intent::Draft
    } else if actor.reviews() {
        Intent::Publish
    } else {
        Intent::Submit
    }
}

/// A client-chosen id, or a new random one (`api-` and 12 hex digits).
fn new_id(feature: &Value) -> Result<String, ApiError> {
    match feature.get("id") {
        None | Some(Value::Null) => {
            let mut b = [0u8; 6];
            rand::TryRngCore::try_fill_bytes(&mut rand::rngs::OsRng, &mut b)
                .map_err(|e| ApiError::Internal(format!("random id: {e}")))?;
            Ok(format!("api-{}", hex(&b)))
        }
        Some(Value::String(s))
            if !s.is_empty()
                && s.len() <= MAX_ID_BYTES
                && s.bytes()
                    .all(|c| c.is_ascii_alphanumeric() || b"-_.".contains(&c)) =>
        {
            Ok(s.clone())
        }
        Some(_) => Err(ApiError::Unprocessable(format!(
            "id: a practice id is 1 to {MAX_ID_BYTES} letters, digits, '-', '_' or '.'"
        ))),
    }
}

fn item_url(headers: &HeaderMap, state: &EditState, id: &str) -> String {
    format!(
        "{}/ogc/collections/{COLLECTION_ID}/items/{id}",
        base_url(headers, state.app.config.trust_forwarded)
    )
}

/// 200 (or 201 created) when the public version is the written one; 202
/// when it waits for review.
async fn written_response(
    w: Written,
    state: &EditState,
    headers: &HeaderMap,
    created: bool,
) -> Response {
    let published = w.entry.status == Status::Published && w.entry.pending.is_none();
    let status = match (created, published) {
        (_, false) => StatusCode::ACCEPTED,
        (true, true) => StatusCode::CREATED,
        (false, true) => StatusCode::OK,
    };
    let location = item_url(headers, state, &w.entry.practice.id);
    state.publish(w.seq, w.public).await;
    let mut r = entry_response(status, w.entry);
    if prefers_draft(headers) {
        r.headers_mut().insert(
            HeaderName::from_static("preference-applied"),
            HeaderValue::from_static("draft"),
        );
    }
    if created && let Ok(v) = HeaderValue::from_str(&location) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

/// `POST /ogc/collections/practices/items`.
#[utoipa::path(post, path = "/collections/practices/items", operation_id = "createFeature",
    params(("Prefer" = Option<String>, Header, description = "`draft`: keep it as a draft (answered with `Preference-Applied: draft`)")),
    request_body(content = Feature, content_type = "application/geo+json", description = "A practice as a GeoJSON Feature (the detail properties; title and area required)"),
    security(("bearer" = []), ("session" = [])), responses(
    (status = 201, description = "Published (an editor's); Location names the item", body = EntryOut),
    (status = 202, description = "Submitted for review (a contributor's); Location names the item", body = EntryOut),
    (status = 400, description = "A malformed body or an unknown property, named", body = ErrorBody),
    (status = 401, description = "Not signed in", body = ErrorBody),
    (status = 403, description = "Refused by the CSRF rule, or the service is read-only", body = ErrorBody),
    (status = 409, description = "The id exists already", body = ErrorBody),
    (status = 415, description = "Not GeoJSON", body = ErrorBody),
    (status = 422, description = "A value not acceptable (missing title, unknown area, a point outside Poland), named", body = ErrorBody),
))]
pub async fn create(
    State(state): State<EditState>,
    _: CollectionPath,
    signed: Signed,
    headers: HeaderMap,
    bytes: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let feature: Value = body::read(&headers, &bytes, body::FEATURE)?;
    let id = new_id(&feature)?;
    let practice = practice_from_feature(&id, &feature, None, state.app.gazetteer)?;
    let actor = signed.actor();
    let written = state
        .store()?
        .create(&actor, practice, intent(&actor, &headers))
        .await
        .map_err(|e| match e {
            DbError::Duplicate { .. } => ApiError::Conflict(format!(
                "a practice with id {id:?} exists already: PUT or PATCH it instead"
            )),
            e => e.into(),
        })?;
    Ok(written_response(written, &state, &headers, true).await)
}

/// `PUT /ogc/collections/practices/items/{id}`: the whole feature replaced.
#[utoipa::path(put, path = "/collections/practices/items/{featureId}", operation_id = "replaceFeature",
    params(("featureId" = String, Path, description = "The practice's id"),
        ("If-Match" = String, Header, description = "The item's ETag as read"),
        ("Prefer" = Option<String>, Header, description = "`draft`: keep it a draft, or a pending revision not yet submitted")),
    request_body(content = Feature, content_type = "application/geo+json"),
    security(("bearer" = []), ("session" = [])), responses(
    (status = 200, description = "Replaced and published (an editor's)", body = EntryOut),
    (status = 202, description = "A pending revision, waiting for review (a contributor's)", body = EntryOut),
    (status = 400, description = "A malformed body or an unknown property", body = ErrorBody),
    (status = 401, description = "Not signed in", body = ErrorBody),
    (status = 403, description = "Not allowed (outside the contributor's units)", body = ErrorBody),
    (status = 404, description = "No such practice this account may see", body = ErrorBody),
    (status = 412, description = "The practice changed since the ETag given", body = ErrorBody),
    (status = 415, description = "Not GeoJSON", body = ErrorBody),
    (status = 422, description = "A value not acceptable, named", body = ErrorBody),
    (status = 428, description = "No If-Match", body = ErrorBody),
))]
pub async fn replace(
    State(state): State<EditState>,
    signed: Signed,
    FeaturePath(id): FeaturePath,
    headers: HeaderMap,
    bytes: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let feature: Value = body::read(&headers, &bytes, body::FEATURE)?;
    write(state, signed, id, headers, |_| Ok(feature)).await
}

/// `PATCH /ogc/collections/practices/items/{id}`: a JSON merge patch over
/// the item's feature.
#[utoipa::path(patch, path = "/collections/practices/items/{featureId}", operation_id = "updateFeature",
    params(("featureId" = String, Path, description = "The practice's id"),
        ("If-Match" = String, Header, description = "The item's ETag as read")),
    request_body(content = Object, content_type = "application/merge-patch+json", description = "A JSON merge patch (RFC 7396) of the feature"),
    security(("bearer" = []), ("session" = [])), responses(
    (status = 200, description = "Updated and published (an editor's)", body = EntryOut),
    (status = 202, description = "A pending revision, waiting for review (a contributor's)", body = EntryOut),
    SignedIn,
    (status = 403, description = "Not allowed", body = ErrorBody),
    (status = 404, description = "No such practice this account may see", body = ErrorBody),
    (status = 412, description = "The practice changed since the ETag given", body = ErrorBody),
    (status = 415, description = "Not application/merge-patch+json", body = ErrorBody),
    (status = 428, description = "No If-Match", body = ErrorBody),
))]
pub async fn patch(
    State(state): State<EditState>,
    signed: Signed,
    FeaturePath(id): FeaturePath,
    headers: HeaderMap,
    bytes: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let patch: Value = body::read(&headers, &bytes, body::MERGE_PATCH)?;
    write(state, signed, id, headers, move |current| {
        let mut f = serde_json::to_value(crate::geojson::detail_feature(current))
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        merge_patch(&mut f, &patch);
        Ok(f)
    })
    .await
}

async fn write(
    state: EditState,
    signed: Signed,
    id: String,
    headers: HeaderMap,
    feature: impl FnOnce(&crate::practice::Practice) -> Result<Value, ApiError>,
) -> Result<Response, ApiError> {
    let version = if_match(&headers, &id, true)?.unwrap_or(crate::db::Version(0));
    let actor = signed.actor();
    let entry = state.store()?.entry(&actor, &id).await?;
    let f = feature(&entry.practice)?;
    let practice = practice_from_feature(&id, &f, Some(&entry.practice), state.app.gazetteer)?;
    let written = state
        .store()?
        .edit(&actor, &id, practice, version, intent(&actor, &headers))
        .await?;
    Ok(written_response(written, &state, &headers, false).await)
}

/// `DELETE /ogc/collections/practices/items/{id}`: archived (out of every
/// public answer; its history stays).
#[utoipa::path(delete, path = "/collections/practices/items/{featureId}", operation_id = "deleteFeature",
    params(("featureId" = String, Path, description = "The practice's id"),
        ("If-Match" = String, Header, description = "The item's ETag as read")),
    security(("bearer" = []), ("session" = [])), responses(
    (status = 204, description = "Archived"),
    SignedIn,
    (status = 403, description = "Not allowed", body = ErrorBody),
    (status = 404, description = "No such practice this account may see", body = ErrorBody),
    (status = 412, description = "The practice changed since the ETag given", body = ErrorBody),
    (status = 428, description = "No If-Match", body = ErrorBody),
))]
pub async fn delete(
    State(state): State<EditState>,
    signed: Signed,
    FeaturePath(id): FeaturePath,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let version = if_match(&headers, &id, true)?;
    let written = state
        .store()?
        .act(&signed.actor(), &id, Action::Archive, version)
        .await?;
    state.publish(written.seq, written.public).await;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Gives `GET /ogc/collections/practices/items/{id}` the strong ETag of the
/// item's public version (`"<id>-<revision>"`), the one `If-Match` takes.
pub async fn strong_etag(State(state): State<EditState>, req: Request, next: Next) -> Response {
    let prefix = format!("/ogc/collections/{COLLECTION_ID}/items/");
    let id = (req.method() == Method::GET || req.method() == Method::HEAD)
        .then(|| req.uri().path().strip_prefix(&prefix).map(str::to_string))
        .flatten()
        .filter(|id| !id.is_empty() && !id.contains('/'))
        .map(|id| {
            percent_encoding::percent_decode_str(&id)
                .decode_utf8_lossy()
                .into_owned()
        });
    let mut resp = next.run(req).await;
    let Some(id) = id.filter(|_| resp.status() == StatusCode::OK) else {
        return resp;
    };
    let Ok(store) = state.store() else {
        return resp;
    };
    match store.entry(&Actor::System, &id).await {
        Ok(e) => {
            if let Some(v) = e
                .public_version
                .and_then(|v| HeaderValue::from_str(&v.etag(&id)).ok())
            {
                resp.headers_mut().insert(header::ETAG, v);
            }
        }
        Err(e) => tracing::warn!(%id, error = %e, "the item's version could not be read"),
    }
    resp
}
