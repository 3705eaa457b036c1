//! API tokens of the signed-in account: `GET /api/tokens`, `POST
//! /api/tokens` (the token shown once), `DELETE /api/tokens/{id}` (revoked at
//! once: a stolen token stops working).

use crate::api::schema::{SignedIn, SignedInAllowed};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::api::error::ApiError;
use crate::api::extract::{NoParams, PathParam, Query};
use crate::api::writes::actor::Signed;
use crate::api::writes::body;
use crate::api::writes::entry::private_json;
use crate::api::writes::state::EditState;
use crate::auth::secret::{Kind, Secret};
use crate::db::{TokenId, TokenInfo};

/// The most characters of a token's label.
pub const MAX_LABEL_CHARS: usize = 100;

/// A new token's request.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    /// What the token is for (`QGIS na laptopie`).
    #[serde(default)]
    pub label: String,
}

/// A new token: the only answer that shows it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CreatedToken {
    /// Its number (to revoke it).
    pub id: i64,
    /// The label.
    pub label: String,
    /// The token: send it as `Authorization: Bearer <token>`. Shown once.
    pub token: String,
}

/// A token as listed (never the token itself).
#[derive(Serialize, utoipa::ToSchema)]
pub struct TokenOut {
    /// Its number.
    pub id: i64,
    /// The label.
    pub label: String,
    /// When it was made.
    pub created_at: String,
    /// When it was revoked, if it was.
    pub revoked_at: Option<String>,
}

impl From<TokenInfo> for TokenOut {
    fn from(t: TokenInfo) -> TokenOut {
        TokenOut {
            id: t.id.0,
            label: t.label,
            created_at: t.created_at,
            revoked_at: t.revoked_at,
        }
    }
}

/// `GET /api/tokens`: the signed-in account's tokens.
#[utoipa::path(get, path = "/api/tokens", tag = "accounts", params(NoParams), security(("bearer" = []), ("session" = [])), responses(
    (status = 200, description = "The account's tokens (never the tokens themselves)", body = Vec<TokenOut>),
    SignedInAllowed,
))]
pub async fn list(
    State(state): State<EditState>,
    _: Query<NoParams>,
    signed: Signed,
) -> Result<Response, ApiError> {
    let tokens: Vec<TokenOut> = state
        .store()?
        .tokens(signed.account.id)
        .await?
        .into_iter()
        .map(TokenOut::from)
        .collect();
    Ok(private_json(StatusCode::OK, &tokens, None))
}

/// `POST /api/tokens`: a new token for the signed-in account.
#[utoipa::path(post, path = "/api/tokens", tag = "accounts", request_body = NewToken, security(("bearer" = []), ("session" = [])), responses(
    (status = 201, description = "The new token, shown this once", body = CreatedToken),
    SignedIn,
    (status = 403, description = "Refused by the CSRF rule", body = ErrorBody),
    (status = 415, description = "Not application/json", body = ErrorBody),
    (status = 422, description = "A label too long", body = ErrorBody),
))]
pub async fn create(
    State(state): State<EditState>,
    signed: Signed,
    headers: axum::http::HeaderMap,
    bytes: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let req: NewToken = body::read(&headers, &bytes, body::JSON)?;
    if req.label.chars().count() > MAX_LABEL_CHARS {
        return Err(ApiError::Unprocessable(format!(
            "label: longer than {MAX_LABEL_CHARS} characters"
        )));
    }
    let secret = Secret::generate(Kind::Token);
    let id = state
        .store()?
        .add_token(signed.account.id, secret.hash().as_str(), &req.label)
        .await?;
    tracing::info!(account = signed.account.id.0, token = id.0, "token created");
    let out = CreatedToken {
        id: id.0,
        label: req.label,
        token: secret.expose().to_string(),
    };
    Ok(private_json(StatusCode::CREATED, &out, None))
}

/// `DELETE /api/tokens/{id}`: revokes one of the account's tokens (an admin
/// may revoke anyone's). Another's token is 404.
#[utoipa::path(delete, path = "/api/tokens/{id}", tag = "accounts", params(("id" = i64, Path, description = "The token's number")), security(("bearer" = []), ("session" = [])), responses(
    (status = 204, description = "Revoked"),
    SignedInAllowed,
    (status = 404, description = "No such token of this account", body = ErrorBody),
))]
pub async fn revoke(
    State(state): State<EditState>,
    signed: Signed,
    PathParam(id): PathParam<i64>,
) -> Result<Response, ApiError> {
    let id = TokenId(id);
    let token = state.store()?.token(id).await?;
    if token.account != signed.account.id && !signed.actor().administers() {
        return Err(ApiError::NotFound(format!("token {id} not found")));
    }
    state.store()?.revoke_token(id).await?;
    tracing::info!(account = signed.account.id.0, token = id.0, "token revoked");
    Ok(StatusCode::NO_CONTENT.into_response())
}
