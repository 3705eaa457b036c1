//! Signing in and out, and who is signed in: `POST /api/session` (e-mail and
//! password → the session cookie and the CSRF token), `DELETE /api/session`,
//! `GET /api/me`.

use crate::api::schema::{SignedIn, SignedInAllowed};
use std::time::Instant;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::api::error::ApiError;
use crate::api::extract::{NoParams, Query};
use crate::api::writes::access::{check_site, client_address, credential, over_tls};
use crate::api::writes::actor::{Signed, Via, now_unix};
use crate::api::writes::body;
use crate::api::writes::entry::{private_json, set_private};
use crate::api::writes::state::EditState;
use crate::auth::credential::Credential;
use crate::auth::csrf;
use crate::auth::password;
use crate::auth::secret::{Kind, Secret};
use crate::auth::session;
use crate::db::{Account, DbError, SessionRecord};

/// The sign-in form.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    /// The account's e-mail (any case).
    pub email: String,
    /// Its password.
    pub password: String,
}

/// An account as its owner sees it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Me {
    /// Account number.
    pub id: i64,
    /// E-mail.
    pub email: String,
    /// Name shown as author.
    pub name: String,
    /// `contributor`, `editor` or `admin`.
    pub role: String,
    /// TERYT codes of the units the account is tied to.
    pub units: Vec<String>,
    /// The CSRF token to send in `X-CSRF-Token` with writes (session only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub csrf_token: Option<String>,
    /// `session` or `token`.
    pub signed_in_with: &'static str,
}

impl Me {
    fn of(a: &Account, via: &Via) -> Me {
        let (csrf_token, with) = match via {
            Via::Session(s) => (Some(csrf::token_for(s)), "session"),
            Via::Token(_) => (None, "token"),
        };
        Me {
            id: a.id.0,
            email: a.email.clone(),
            name: a.name.clone(),
            role: a.role.slug().to_string(),
            units: a.units.clone(),
            csrf_token,
            signed_in_with: with,
        }
    }
}

const WRONG: &str = "wrong e-mail or password";

/// `POST /api/session`: signs in; a new session id every time (the one the
/// request carried, if any, ends).
#[utoipa::path(post, path = "/api/session", tag = "accounts", request_body = SignIn, responses(
    (status = 200, description = "Signed in: the account and its CSRF token; the session cookie is set", body = Me),
    (status = 401, description = "Wrong e-mail or password", body = ErrorBody),
    (status = 403, description = "Sent from another site's page, or the service is read-only", body = ErrorBody),
    (status = 415, description = "Not application/json", body = ErrorBody),
    (status = 429, description = "Too many failed sign-ins: wait Retry-After seconds", body = ErrorBody),
    (status = 400, description = "A malformed request, named", body = ErrorBody),
))]
pub async fn sign_in(
    State(state): State<EditState>,
    parts: axum::http::request::Parts,
    bytes: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let headers = &parts.headers;
    let trust = state.app.config.trust_forwarded;
    // Login CSRF: another site's page must not sign a browser in.
    check_site(headers, trust)?;
    let form: SignIn = body::read(headers, &bytes, body::JSON)?;
    let address = client_address(&parts, trust);
    if let Err(wait) = state.throttle.check(address, &form.email, Instant::now()) {
        return Err(ApiError::TooManyRequests {
            retry_after_secs: wait.retry_after_secs,
            message: format!(
                "too many failed sign-ins; try again in {} s",
                wait.retry_after_secs
            ),
        });
    }
    let found = match state.store()?.account_by_email(&form.email).await {
        Ok(found) => Some(found),
        Err(DbError::NotFound { .. }) => None,
        Err(e) => return Err(e.into()),
    };
    let password_given = form.password;
    let verified = tokio::task::spawn_blocking(move || match found {
        Some((account, hash)) => {
            let ok = password::verify(&password_given, &hash);
            (ok && account.is_active()).then_some(account)
        }
        None => {
            password::verify_nobody(&password_given);
            None
        }
    })
    .await
    .map_err(|e| ApiError::Internal(format!("password check: {e}")))?;
    let Some(account) = verified else {
        state.throttle.failed(address, &form.email, Instant::now());
        return Err(ApiError::Unauthorized(WRONG.into()));
    };
    state.throttle.succeeded(&form.email);
    if let Ok(Credential::Session(old)) = credential(headers) {
        state.store()?.session_delete(old.hash().as_str()).await?;
    }
    let secret = Secret::generate(Kind::Session);
    let record = SessionRecord {
        account: Some(account.id),
        data: String::new(),
        expires_at: now_unix() + session::SESSION_LIFETIME.as_secs() as i64,
    };
    state
        .store()?
        .session_save(secret.hash().as_str(), &record)
        .await?;
    tracing::info!(account = account.id.0, "signed in");
    let me = Me::of(&account, &Via::Session(secret.clone()));
    let cookie = session::set_cookie(&secret, over_tls(headers, trust));
    Ok(private_json(StatusCode::OK, &me, Some(cookie)))
}

/// `DELETE /api/session`: signs out (the session ends in the store too).
#[utoipa::path(delete, path = "/api/session", tag = "accounts", security(("bearer" = []), ("session" = [])), responses(
    (status = 204, description = "Signed out; the cookie is removed"),
    SignedIn,
    (status = 403, description = "Refused by the CSRF rule", body = ErrorBody),
))]
pub async fn sign_out(
    State(state): State<EditState>,
    signed: Signed,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if let Via::Session(s) = &signed.via {
        state.store()?.session_delete(s.hash().as_str()).await?;
    }
    let cookie = session::clear_cookie(over_tls(&headers, state.app.config.trust_forwarded));
    let mut r = StatusCode::NO_CONTENT.into_response();
    set_private(&mut r, Some(cookie));
    Ok(r)
}

/// `GET /api/me`: the signed-in account (and, with a session, its CSRF token).
#[utoipa::path(get, path = "/api/me", tag = "accounts", params(NoParams), security(("bearer" = []), ("session" = [])), responses(
    (status = 200, description = "The signed-in account", body = Me),
    SignedInAllowed,
))]
pub async fn me(_: Query<NoParams>, signed: Signed) -> Response {
    private_json(StatusCode::OK, &Me::of(&signed.account, &signed.via), None)
}
