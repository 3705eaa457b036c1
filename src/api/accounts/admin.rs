//! `GET /api/admin/accounts` and `PATCH /api/admin/accounts/{id}`: the
//! accounts, and an account's role, units and whether it is disabled.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::{Deserialize, Serialize};

use super::require_admin;
use crate::api::error::ApiError;
use crate::api::extract::{NoParams, PathParam, Query};
use crate::api::writes::actor::Signed;
use crate::api::writes::body;
use crate::api::writes::entry::private_json;
use crate::api::writes::state::EditState;
use crate::db::Account;
use crate::workflow::{AccountId, Role};

/// An account as an admin sees it (never its password hash).
#[derive(Serialize, utoipa::ToSchema)]
pub struct AccountOut {
    /// Its number.
    pub id: i64,
    /// E-mail.
    pub email: String,
    /// The name shown as author.
    pub name: String,
    /// `contributor`, `editor` or `admin`.
    pub role: String,
    /// TERYT codes of the units it is tied to.
    pub units: Vec<String>,
    /// When it was made (RFC 3339, UTC).
    pub created_at: String,
    /// When it was disabled, if it is.
    pub disabled_at: Option<String>,
}

impl From<Account> for AccountOut {
    fn from(a: Account) -> AccountOut {
        AccountOut {
            id: a.id.0,
            email: a.email,
            name: a.name,
            role: a.role.slug().to_string(),
            units: a.units,
            created_at: a.created_at,
            disabled_at: a.disabled_at,
        }
    }
}

/// `GET /api/admin/accounts`: every account, oldest first (admins).
#[utoipa::path(get, path = "/api/admin/accounts", tag = "admin", params(NoParams), security(("bearer" = []), ("session" = [])), responses(
    (status = 200, description = "Every account, oldest first", body = Vec<AccountOut>),
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
    let accounts: Vec<AccountOut> = state
        .store()?
        .accounts()
        .await?
        .into_iter()
        .map(AccountOut::from)
        .collect();
    Ok(private_json(StatusCode::OK, &accounts, None))
}

/// A change of an account: any of its members; the others stay.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountChange {
    /// `contributor`, `editor` or `admin`.
    #[serde(default)]
    pub role: Option<String>,
    /// TERYT codes of its units (2, 4, 6 or 7 digits); `[]` for none.
    #[serde(default)]
    pub units: Option<Vec<String>>,
    /// `true` disables it (it can no longer sign in; its tokens are revoked
    /// and its sessions end); `false` enables it again.
    #[serde(default)]
    pub disabled: Option<bool>,
}

/// The role of a name, or 422 naming the field.
pub(crate) fn role_of(s: &str) -> Result<Role, ApiError> {
    Role::from_slug(s.trim()).ok_or_else(|| {
        ApiError::Unprocessable(format!(
            "role: unknown {s:?}; one of contributor, editor, admin"
        ))
    })
}

/// `PATCH /api/admin/accounts/{id}`: changes an account's role, units or
/// whether it is disabled (admins). An admin cannot demote or disable their
/// own account (409): someone must be left to manage accounts.
#[utoipa::path(patch, path = "/api/admin/accounts/{id}", tag = "admin", request_body = AccountChange, params(("id" = i64, Path, description = "The account's number")), security(("bearer" = []), ("session" = [])), responses(
    (status = 200, description = "Changed: the account now", body = AccountOut),
    (status = 401, description = "Not signed in", body = ErrorBody),
    (status = 403, description = "Not an admin, refused by the CSRF rule, or the service is read-only", body = ErrorBody),
    (status = 404, description = "No such account", body = ErrorBody),
    (status = 409, description = "An admin's own role or own account", body = ErrorBody),
    (status = 415, description = "Not application/json", body = ErrorBody),
    (status = 422, description = "An unknown role, a malformed TERYT code", body = ErrorBody),
    (status = 400, description = "A malformed request, named", body = ErrorBody),
))]
pub async fn change(
    State(state): State<EditState>,
    signed: Signed,
    PathParam(id): PathParam<i64>,
    headers: HeaderMap,
    bytes: axum::body::Bytes,
) -> Result<Response, ApiError> {
    require_admin(&signed)?;
    let c: AccountChange = body::read(&headers, &bytes, body::JSON)?;
    let id = AccountId(id);
    let role = c.role.as_deref().map(role_of).transpose()?;
    let store = state.store()?;
    if id == signed.account.id
        && (role.is_some_and(|r| r != Role::Admin) || c.disabled == Some(true))
    {
        return Err(ApiError::Conflict(
            "an admin cannot take away their own admin role or disable their own account; \
             ask another admin"
                .into(),
        ));
    }
    let mut account = store.account(id).await?;
    if let Some(units) = &c.units {
        account = store.set_units(id, units).await?;
    }
    if let Some(role) = role.filter(|r| *r != account.role) {
        account = store.set_role(id, role).await?;
    }
    match c.disabled {
        Some(true) if account.is_active() => account = store.disable_account_id(id).await?,
        Some(false) if !account.is_active() => account = store.enable_account(id).await?,
        _ => {}
    }
    tracing::info!(
        admin = signed.account.id.0,
        account = id.0,
        role = role.map(Role::slug),
        units = c.units.is_some(),
        disabled = c.disabled,
        "account changed"
    );
    Ok(private_json(
        StatusCode::OK,
        &AccountOut::from(account),
        None,
    ))
}
