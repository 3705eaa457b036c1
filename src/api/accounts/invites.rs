//! Invitations. An admin makes one (`POST /api/admin/invites`): the answer
//! shows the one-time link once, `/zaproszenie.html#mi_…`. The invitee's
//! page reads who is invited (`POST /api/invitations/lookup`) and sets the
//! password (`POST /api/invitations/accept`), which makes the account. Both
//! of the invitee's requests carry the link's secret in the body and pass
//! the browser's own word on the origin (as the sign-in does): another
//! site's page neither knows the secret nor may post.

use std::time::Duration;

use axum::extract::State;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::admin::{AccountOut, role_of};
use super::require_admin;
use crate::api::error::ApiError;
use crate::api::extract::{NoParams, PathParam, Query};
use crate::api::origin::base_url;
use crate::api::writes::access::check_site;
use crate::api::writes::actor::{Signed, now_unix};
use crate::api::writes::body;
use crate::api::writes::entry::private_json;
use crate::api::writes::state::EditState;
use crate::auth::password;
use crate::auth::secret::{Kind, Secret};
use crate::db::{DbError, Invite, InviteId, NewInvite};

/// How long an invitation's link works.
pub const INVITE_LIFETIME: Duration = Duration::from_secs(7 * 24 * 3600);

/// The page the link opens (under the service's own origin).
pub const INVITE_PAGE: &str = "/zaproszenie.html";

/// An invite as an admin sees it (never the link's secret).
#[derive(Serialize, utoipa::ToSchema)]
pub struct InviteOut {
    /// Its number (to revoke it).
    pub id: i64,
    /// The invitee's e-mail.
    pub email: String,
    /// The name the account will carry.
    pub name: String,
    /// `contributor`, `editor` or `admin`.
    pub role: String,
    /// TERYT codes of its units.
    pub units: Vec<String>,
    /// When it was made (RFC 3339, UTC).
    pub created_at: String,
    /// When the link stops working (RFC 3339, UTC).
    pub expires_at: String,
    /// Whether it has expired unused.
    pub expired: bool,
}

fn rfc3339(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

impl InviteOut {
    fn of(i: Invite, now: i64) -> InviteOut {
        InviteOut {
            id: i.id.0,
            expired: i.expires_at <= now,
            email: i.email,
            name: i.name,
            role: i.role.slug().to_string(),
            units: i.units,
            created_at: i.created_at,
            expires_at: rfc3339(i.expires_at),
        }
    }
}

/// A new invitation.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInviteBody {
    /// The invitee's e-mail.
    pub email: String,
    /// The name shown as author (the e-mail when empty).
    #[serde(default)]
    pub name: String,
    /// `contributor`, `editor` or `admin`.
    pub role: String,
    /// TERYT codes of its units (2, 4, 6 or 7 digits).
    #[serde(default)]
    pub units: Vec<String>,
}

/// A new invitation: the only answer that shows its link.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CreatedInvite {
    /// The invite.
    pub invite: InviteOut,
    /// The one-time link to give the invitee (shown this once).
    pub link: String,
}

/// The most characters of an account's name.
pub const MAX_NAME_CHARS: usize = 200;

/// `GET /api/admin/invites`: invites not used and not revoked, newest first
/// (admins).
#[utoipa::path(get, path = "/api/admin/invites", tag = "admin", params(NoParams), security(("bearer" = []), ("session" = [])), responses(
    (status = 200, description = "Open invites (expired ones marked), newest first; never their links", body = Vec<InviteOut>),
    (status = 401, description = "Not signed in", body = ErrorBody),
    (status = 403, description = "Not an admin, or the service serves a CSV read-only (`serve --data`)", body = ErrorBody),
    (status = 400, description = "A malformed request, named", body = ErrorBody),
))]
pub async fn list(
    State(state): State<EditState>,
    _: Query<NoParams>,
    signed: Signed,
) -> Result<Response, ApiError> {
    require_admin(&signed)?;
    let now = now_unix();
    let out: Vec<InviteOut> = state
        .store()?
        .open_invites()
        .await?
        .into_iter()
        .map(|i| InviteOut::of(i, now))
        .collect();
    Ok(private_json(StatusCode::OK, &out, None))
}

/// `POST /api/admin/invites`: invites an e-mail with a role and units
/// (admins); a new invite of the same e-mail replaces an open one.
#[utoipa::path(post, path = "/api/admin/invites", tag = "admin", request_body = NewInviteBody, security(("bearer" = []), ("session" = [])), responses(
    (status = 201, description = "The invite and its one-time link, shown this once", body = CreatedInvite),
    (status = 401, description = "Not signed in", body = ErrorBody),
    (status = 403, description = "Not an admin, refused by the CSRF rule, or the service is read-only", body = ErrorBody),
    (status = 409, description = "An account of that e-mail exists already", body = ErrorBody),
    (status = 415, description = "Not application/json", body = ErrorBody),
    (status = 422, description = "Not an e-mail, an unknown role, a malformed TERYT code, a name too long", body = ErrorBody),
    (status = 400, description = "A malformed request, named", body = ErrorBody),
))]
pub async fn create(
    State(state): State<EditState>,
    signed: Signed,
    headers: HeaderMap,
    bytes: axum::body::Bytes,
) -> Result<Response, ApiError> {
    require_admin(&signed)?;
    let b: NewInviteBody = body::read(&headers, &bytes, body::JSON)?;
    let role = role_of(&b.role)?;
    if b.name.chars().count() > MAX_NAME_CHARS {
        return Err(ApiError::Unprocessable(format!(
            "name: longer than {MAX_NAME_CHARS} characters"
        )));
    }
    let secret = Secret::generate(Kind::Invite);
    let hash = secret.hash();
    let now = now_unix();
    let invite = state
        .store()?
        .add_invite(&NewInvite {
            email: &b.email,
            name: &b.name,
            role,
            units: &b.units,
            by: Some(signed.account.id),
            token_hash: hash.as_str(),
            expires_at: now + INVITE_LIFETIME.as_secs() as i64,
        })
        .await?;
    tracing::info!(
        admin = signed.account.id.0,
        invite = invite.id.0,
        role = role.slug(),
        "invite made"
    );
    let link = format!(
        "{}{INVITE_PAGE}#{}",
        base_url(&headers, state.app.config.trust_forwarded),
        secret.expose()
    );
    let out = CreatedInvite {
        invite: InviteOut::of(invite, now),
        link,
    };
    Ok(private_json(StatusCode::CREATED, &out, None))
}

/// `DELETE /api/admin/invites/{id}`: revokes an open invite; its link stops
/// working (admins).
#[utoipa::path(delete, path = "/api/admin/invites/{id}", tag = "admin", params(("id" = i64, Path, description = "The invite's number")), security(("bearer" = []), ("session" = [])), responses(
    (status = 204, description = "Revoked"),
    (status = 401, description = "Not signed in", body = ErrorBody),
    (status = 403, description = "Not an admin, refused by the CSRF rule, or the service is read-only", body = ErrorBody),
    (status = 404, description = "No such open invite", body = ErrorBody),
    (status = 400, description = "A malformed request, named", body = ErrorBody),
))]
pub async fn revoke(
    State(state): State<EditState>,
    signed: Signed,
    PathParam(id): PathParam<i64>,
) -> Result<Response, ApiError> {
    require_admin(&signed)?;
    state.store()?.revoke_invite(InviteId(id)).await?;
    tracing::info!(admin = signed.account.id.0, invite = id, "invite revoked");
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The link's secret, as the invitee's page sends it.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvitationToken {
    /// The link's fragment: `mi_` and 64 hex digits.
    pub token: String,
}

/// Who is invited, for the invitee's page.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Invitation {
    /// The invitee's e-mail (the account's sign-in).
    pub email: String,
    /// The name the account will carry.
    pub name: String,
    /// `contributor`, `editor` or `admin`.
    pub role: String,
    /// When the link stops working (RFC 3339, UTC).
    pub expires_at: String,
}

/// The password the invitee sets.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Acceptance {
    /// The link's fragment: `mi_` and 64 hex digits.
    pub token: String,
    /// The new password (at least 10 characters).
    pub password: String,
}

/// The account the invitation made.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Accepted {
    /// The account: sign in with its e-mail and the new password.
    pub account: AccountOut,
}

const INVALID: &str = "this invitation link is not valid: unknown, used, revoked or expired";

/// The stored hash of a presented link secret; a malformed one is the same
/// 404 as an unknown one.
fn token_hash(token: &str) -> Result<String, ApiError> {
    Secret::parse(Kind::Invite, token.trim())
        .map(|s| s.hash().as_str().to_string())
        .ok_or_else(|| ApiError::NotFound(INVALID.into()))
}

/// The open invite of a link's hash; 404 with the invitee's message.
async fn open(store: &crate::db::Store, hash: &str) -> Result<Invite, ApiError> {
    match store.open_invite_by_token(hash, now_unix()).await {
        Err(DbError::NotFound { .. }) => Err(ApiError::NotFound(INVALID.into())),
        other => Ok(other?),
    }
}

/// `POST /api/invitations/lookup`: who an invitation link is for (the
/// invitee's page, before the password is set).
#[utoipa::path(post, path = "/api/invitations/lookup", tag = "accounts", request_body = InvitationToken, responses(
    (status = 200, description = "The invitation", body = Invitation),
    (status = 403, description = "Sent from another site's page, or the service is read-only", body = ErrorBody),
    (status = 404, description = "An unknown, used, revoked or expired link", body = ErrorBody),
    (status = 415, description = "Not application/json", body = ErrorBody),
    (status = 400, description = "A malformed request, named", body = ErrorBody),
))]
pub async fn lookup(
    State(state): State<EditState>,
    parts: Parts,
    bytes: axum::body::Bytes,
) -> Result<Response, ApiError> {
    check_site(&parts.headers, state.app.config.trust_forwarded)?;
    let b: InvitationToken = body::read(&parts.headers, &bytes, body::JSON)?;
    let hash = token_hash(&b.token)?;
    let invite = open(state.store()?, &hash).await?;
    let out = Invitation {
        email: invite.email,
        name: invite.name,
        role: invite.role.slug().to_string(),
        expires_at: rfc3339(invite.expires_at),
    };
    Ok(private_json(StatusCode::OK, &out, None))
}

/// `POST /api/invitations/accept`: sets the invitee's password (Argon2id)
/// and makes the account; the link works once.
#[utoipa::path(post, path = "/api/invitations/accept", tag = "accounts", request_body = Acceptance, responses(
    (status = 201, description = "The account is made: sign in with its e-mail and the password", body = Accepted),
    (status = 403, description = "Sent from another site's page, or the service is read-only", body = ErrorBody),
    (status = 404, description = "An unknown, used, revoked or expired link", body = ErrorBody),
    (status = 409, description = "An account of that e-mail was made meanwhile", body = ErrorBody),
    (status = 415, description = "Not application/json", body = ErrorBody),
    (status = 422, description = "A password too short or too long", body = ErrorBody),
    (status = 400, description = "A malformed request, named", body = ErrorBody),
))]
pub async fn accept(
    State(state): State<EditState>,
    parts: Parts,
    bytes: axum::body::Bytes,
) -> Result<Response, ApiError> {
    check_site(&parts.headers, state.app.config.trust_forwarded)?;
    let b: Acceptance = body::read(&parts.headers, &bytes, body::JSON)?;
    let hash = token_hash(&b.token)?;
    let store = state.store()?;
    // The link first: no hashing work for a request without a valid one.
    open(store, &hash).await?;
    let pw = b.password;
    let password_hash = tokio::task::spawn_blocking(move || password::hash(&pw))
        .await
        .map_err(|e| ApiError::Internal(format!("password hashing: {e}")))?
        .map_err(|e| ApiError::Unprocessable(format!("password: {e}")))?;
    let account = match store.accept_invite(&hash, &password_hash, now_unix()).await {
        Err(DbError::NotFound { .. }) => {
            return Err(ApiError::NotFound(INVALID.into()));
        }
        other => other?,
    };
    tracing::info!(account = account.id.0, "invitation accepted");
    let out = Accepted {
        account: AccountOut::from(account),
    };
    Ok(private_json(StatusCode::CREATED, &out, None))
}
