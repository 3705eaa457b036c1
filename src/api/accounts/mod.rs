//! Accounts for admins, and invitations: `/api/admin/accounts` (list; role,
//! units, disabled), `/api/admin/invites` (one-time links: make, list,
//! revoke), and the invitee's side, `/api/invitations/lookup` and
//! `/api/invitations/accept` (the link's page sets the password).
//!
//! Every `/api/admin/…` answer is 403 for anyone but an admin; accounts and
//! invites appear in no other answer. The link's secret travels in the
//! URL's fragment (`/zaproszenie.html#mi_…`), which browsers never send, so
//! it is in no request line or log; only its SHA-256 is stored.

/// `/api/admin/accounts`: list, change role and units, disable, enable.
pub mod admin;
/// Invitations: the admin's endpoints and the invitee's.
pub mod invites;

use axum::Router;
use axum::routing::{get, patch, post};
use utoipa::OpenApi;

use crate::api::error::ApiError;
use crate::api::writes::actor::Signed;
use crate::api::writes::state::EditState;

/// The routes of this module, over the write state.
pub fn routes(edit: EditState) -> Router {
    Router::new()
        .route("/api/admin/accounts", get(admin::list))
        .route("/api/admin/accounts/{id}", patch(admin::change))
        .route(
            "/api/admin/invites",
            get(invites::list).post(invites::create),
        )
        .route(
            "/api/admin/invites/{id}",
            axum::routing::delete(invites::revoke),
        )
        .route("/api/invitations/lookup", post(invites::lookup))
        .route("/api/invitations/accept", post(invites::accept))
        .with_state(edit)
}

/// This module's part of `/api/openapi.json`.
#[derive(OpenApi)]
#[openapi(
    paths(
        admin::list,
        admin::change,
        invites::list,
        invites::create,
        invites::revoke,
        invites::lookup,
        invites::accept,
    ),
    components(schemas(
        admin::AccountOut,
        admin::AccountChange,
        invites::InviteOut,
        invites::NewInviteBody,
        invites::CreatedInvite,
        invites::InvitationToken,
        invites::Invitation,
        invites::Acceptance,
        invites::Accepted,
    ))
)]
pub struct AccountsDoc;

/// 403 unless the signed-in account is an admin.
pub(crate) fn require_admin(signed: &Signed) -> Result<(), ApiError> {
    if signed.actor().administers() {
        Ok(())
    } else {
        Err(ApiError::Forbidden {
            code: "forbidden",
            message: "only admins manage accounts".into(),
        })
    }
}
