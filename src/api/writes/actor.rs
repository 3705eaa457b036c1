//! The signed-in actor of a request: a bearer token or the session cookie,
//! resolved by the store; anonymous or unknown is 401; a cookie-carried write
//! must pass the CSRF rule (403). Handlers that write take [`Signed`].

use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use super::access::{check_csrf, credential, is_write};
use super::state::EditState;
use crate::api::error::ApiError;
use crate::auth::credential::Credential;
use crate::auth::secret::Secret;
use crate::db::{Account, TokenId};
use crate::workflow::Actor;

/// How the request proved who it is.
#[derive(Debug, Clone)]
pub enum Via {
    /// An API token.
    Token(TokenId),
    /// The session cookie (its secret, for the CSRF token and sign-out).
    Session(Secret),
}

/// A request from a signed-in, active account.
#[derive(Debug, Clone)]
pub struct Signed {
    /// The account.
    pub account: Account,
    /// How it signed in.
    pub via: Via,
}

impl Signed {
    /// The actor the store checks permissions for.
    pub fn actor(&self) -> Actor {
        self.account.actor()
    }
}

/// Seconds since 1970, for session expiry.
pub fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

const SIGN_IN: &str =
    "sign in first: POST /api/session, or send Authorization: Bearer with an API token";

impl FromRequestParts<EditState> for Signed {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &EditState) -> Result<Signed, ApiError> {
        let store = state.store()?;
        match credential(&parts.headers)? {
            Credential::Anonymous => Err(ApiError::Unauthorized(SIGN_IN.into())),
            Credential::Bearer(secret) => {
                let found = store.account_by_token(secret.hash().as_str()).await?;
                match found {
                    Some((account, id)) if account.is_active() => Ok(Signed {
                        account,
                        via: Via::Token(id),
                    }),
                    _ => Err(ApiError::Unauthorized(
                        "the API token is unknown, revoked, or its account disabled".into(),
                    )),
                }
            }
            Credential::Session(secret) => {
                let record = store
                    .session_load(secret.hash().as_str(), now_unix())
                    .await?;
                let Some(account_id) = record.and_then(|r| r.account) else {
                    return Err(ApiError::Unauthorized(format!(
                        "the session has ended; {SIGN_IN}"
                    )));
                };
                let account = store.account(account_id).await?;
                if !account.is_active() {
                    return Err(ApiError::Unauthorized("the account is disabled".into()));
                }
                if is_write(&parts.method) {
                    check_csrf(&parts.headers, &secret, state.app.config.trust_forwarded)?;
                }
                Ok(Signed {
                    account,
                    via: Via::Session(secret),
                })
            }
        }
    }
}
