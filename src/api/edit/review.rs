//! The editing side of a practice for a signed-in account: its entry (what
//! this account may see, with status, version, pending revision, comments),
//! review actions, history, one revision, restore, the review queue and the
//! account's own submissions.

use crate::api::schema::{SignedIn, SignedInAllowed};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;

use crate::api::error::ApiError;
use crate::api::extract::{NoParams, PathParam, Query, query_params};
use crate::api::writes::actor::Signed;
use crate::api::writes::body;
use crate::api::writes::entry::{EntryOut, entry_response, private_json};
use crate::api::writes::precondition::if_match;
use crate::api::writes::state::EditState;
use crate::db::{HistoryItem, QueueFilter, QueueItem, Version};
use crate::practice::Area;
use crate::workflow::Action;

/// `GET /api/entries/{id}`.
#[utoipa::path(get, path = "/api/entries/{id}", tag = "review", params(NoParams, ("id" = String, Path, description = "The practice's id")), security(("bearer" = []), ("session" = [])), responses(
    (status = 200, description = "The practice as this account may see it", body = EntryOut),
    SignedInAllowed,
    (status = 404, description = "No such practice this account may see", body = ErrorBody),
))]
pub async fn entry(
    State(state): State<EditState>,
    _: Query<NoParams>,
    signed: Signed,
    PathParam(id): PathParam<String>,
) -> Result<Response, ApiError> {
    let e = state.store()?.entry(&signed.actor(), &id).await?;
    Ok(entry_response(StatusCode::OK, e))
}

/// A review action's body: `{"action": "publish"}`, `{"action":
/// "request_changes", "comment": "…"}`, …
#[derive(Deserialize, utoipa::ToSchema)]
pub struct ActionBody {
    /// `submit`, `publish`, `request_changes`, `reject` or `archive`.
    pub action: String,
    /// The comment (required for `request_changes` and `reject`).
    #[serde(default)]
    pub comment: Option<String>,
}

/// The longest reviewer's comment, in characters.
pub const MAX_COMMENT_CHARS: usize = 5000;

fn action_of(b: ActionBody) -> Result<Action, ApiError> {
    let comment = || -> Result<String, ApiError> {
        match b.comment.as_deref().map(str::trim) {
            Some(c) if !c.is_empty() && c.chars().count() <= MAX_COMMENT_CHARS => Ok(c.to_string()),
            Some(c) if !c.is_empty() => Err(ApiError::Unprocessable(format!(
                "comment: longer than {MAX_COMMENT_CHARS} characters"
            ))),
            _ => Err(ApiError::Unprocessable(format!(
                "comment: required for {}",
                b.action
            ))),
        }
    };
    Ok(match b.action.as_str() {
        "submit" => Action::Submit,
        "publish" => Action::Publish,
        "archive" => Action::Archive,
        "request_changes" => Action::RequestChanges {
            comment: comment()?,
        },
        "reject" => Action::Reject {
            comment: comment()?,
        },
        other => {
            return Err(ApiError::Unprocessable(format!(
                "action: unknown {other:?}; one of submit, publish, request_changes, reject, archive"
            )));
        }
    })
}

/// `POST /api/entries/{id}/actions`: a review action (`If-Match` optional).
#[utoipa::path(post, path = "/api/entries/{id}/actions", tag = "review", request_body = ActionBody, params(("id" = String, Path, description = "The practice's id")), security(("bearer" = []), ("session" = [])), responses(
    (status = 200, description = "Done: the practice now", body = EntryOut),
    SignedIn,
    (status = 403, description = "Not allowed (a contributor publishing, a reviewer's action by a contributor)", body = ErrorBody),
    (status = 404, description = "No such practice this account may see", body = ErrorBody),
    (status = 412, description = "If-Match names an older version", body = ErrorBody),
    (status = 415, description = "Not application/json", body = ErrorBody),
    (status = 422, description = "An unknown action, a missing comment", body = ErrorBody),
))]
pub async fn act(
    State(state): State<EditState>,
    signed: Signed,
    PathParam(id): PathParam<String>,
    headers: HeaderMap,
    bytes: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let action = action_of(body::read(&headers, &bytes, body::JSON)?)?;
    let version = if_match(&headers, &id, false)?;
    let written = state
        .store()?
        .act(&signed.actor(), &id, action, version)
        .await?;
    state.publish(written.seq, written.public).await;
    Ok(entry_response(StatusCode::OK, written.entry))
}

/// `GET /api/entries/{id}/history`: every revision this account may see.
#[utoipa::path(get, path = "/api/entries/{id}/history", tag = "review", params(NoParams, ("id" = String, Path, description = "The practice's id")), security(("bearer" = []), ("session" = [])), responses(
    (status = 200, description = "Revisions, oldest first: number, kind, author, time, changed fields, status, comment", body = Vec<HistoryItem>),
    SignedInAllowed,
    (status = 404, description = "No such practice this account may see", body = ErrorBody),
))]
pub async fn history(
    State(state): State<EditState>,
    _: Query<NoParams>,
    signed: Signed,
    PathParam(id): PathParam<String>,
) -> Result<Response, ApiError> {
    let h: Vec<HistoryItem> = state.store()?.history(&signed.actor(), &id).await?;
    Ok(private_json(StatusCode::OK, &h, None))
}

/// `GET /api/entries/{id}/revisions/{n}`: the whole record at revision n.
#[utoipa::path(get, path = "/api/entries/{id}/revisions/{n}", tag = "review", params(NoParams, ("id" = String, Path, description = "The practice's id"), ("n" = i64, Path, description = "The revision number")), security(("bearer" = []), ("session" = [])), responses(
    (status = 200, description = "The record at that revision, as a Feature", body = Feature),
    SignedInAllowed,
    (status = 404, description = "No such practice or revision this account may see", body = ErrorBody),
))]
pub async fn revision(
    State(state): State<EditState>,
    _: Query<NoParams>,
    signed: Signed,
    PathParam((id, n)): PathParam<(String, i64)>,
) -> Result<Response, ApiError> {
    let p = state
        .store()?
        .revision(&signed.actor(), &id, Version(n))
        .await?;
    Ok(private_json(
        StatusCode::OK,
        &crate::geojson::detail_feature(&p),
        None,
    ))
}

/// The restore request: which revision's content comes back.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RestoreBody {
    /// The revision number.
    pub revision: i64,
}

/// `POST /api/entries/{id}/restore`: a new revision with an earlier one's
/// content (pending for a contributor, published for an editor).
#[utoipa::path(post, path = "/api/entries/{id}/restore", tag = "review", request_body = RestoreBody, params(("id" = String, Path, description = "The practice's id")), security(("bearer" = []), ("session" = [])), responses(
    (status = 200, description = "Restored: the practice now", body = EntryOut),
    SignedInAllowed,
    (status = 404, description = "No such practice or revision this account may see", body = ErrorBody),
    (status = 412, description = "If-Match names an older version", body = ErrorBody),
    (status = 415, description = "Not application/json", body = ErrorBody),
))]
pub async fn restore(
    State(state): State<EditState>,
    signed: Signed,
    PathParam(id): PathParam<String>,
    headers: HeaderMap,
    bytes: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let b: RestoreBody = body::read(&headers, &bytes, body::JSON)?;
    let version = if_match(&headers, &id, false)?;
    let written = state
        .store()?
        .restore(&signed.actor(), &id, Version(b.revision), version)
        .await?;
    state.publish(written.seq, written.public).await;
    Ok(entry_response(StatusCode::OK, written.entry))
}

/// The queue's filters.
#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueParams {
    /// A voivodeship's TERYT code (2 digits).
    pub voivodeship: Option<String>,
    /// An area slug.
    pub area: Option<String>,
}

query_params!(QueueParams);

/// `GET /api/review/queue`: submissions and pending revisions, newest first
/// (editors).
#[utoipa::path(get, path = "/api/review/queue", tag = "review", params(QueueParams), security(("bearer" = []), ("session" = [])), responses(
    (status = 200, description = "Submissions and pending revisions, newest first", body = Vec<QueueItem>),
    (status = 400, description = "A bad or unknown parameter", body = ErrorBody),
    (status = 401, description = "Not signed in", body = ErrorBody),
    (status = 403, description = "Not a reviewer", body = ErrorBody),
    (status = 422, description = "A filter value not acceptable (a voivodeship that is not a TERYT code, an unknown area), named", body = ErrorBody),
))]
pub async fn queue(
    State(state): State<EditState>,
    q: Query<QueueParams>,
    signed: Signed,
) -> Result<Response, ApiError> {
    let p = q.params;
    let area = match p.area.as_deref().filter(|a| !a.is_empty()) {
        Some(a) => Some(
            Area::from_slug(a)
                .ok_or_else(|| ApiError::invalid("area", format!("unknown area {a:?}")))?,
        ),
        None => None,
    };
    let filter = QueueFilter {
        voivodeship: p.voivodeship.filter(|v| !v.is_empty()),
        area,
    };
    let items: Vec<QueueItem> = state.store()?.queue(&signed.actor(), &filter).await?;
    Ok(private_json(StatusCode::OK, &items, None))
}

/// `GET /api/mine`: the account's drafts, submissions and pending revisions
/// with their status and reviewers' comments.
#[utoipa::path(get, path = "/api/mine", tag = "review", params(NoParams), security(("bearer" = []), ("session" = [])), responses(
    (status = 200, description = "The account's drafts, submissions and pending revisions", body = Vec<EntryOut>),
    SignedInAllowed,
))]
pub async fn mine(
    State(state): State<EditState>,
    _: Query<NoParams>,
    signed: Signed,
) -> Result<Response, ApiError> {
    let entries: Vec<EntryOut> = state
        .store()?
        .mine(&signed.actor())
        .await?
        .into_iter()
        .map(EntryOut::of)
        .collect();
    Ok(private_json(StatusCode::OK, &entries, None))
}
