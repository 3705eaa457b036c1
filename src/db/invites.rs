//! Invitations: an admin invites an e-mail with a role and units; the
//! invitee's one-time link carries a secret of which only the hash is kept
//! (hashing is the caller's, as for tokens). Using the link makes the
//! account, once, before the invite expires; a new invite of the same e-mail
//! replaces an open one.

use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::accounts::{
    check_email, check_units, email_key, insert_account, is_unique_violation, no_nul,
};
use super::{DbError, DbResult, Store, invalid, not_found, now};
use crate::workflow::{AccountId, Role};

/// An invite's number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct InviteId(pub i64);

impl std::fmt::Display for InviteId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// What an admin invites.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewInvite<'a> {
    /// The invitee's e-mail (the account's, once made).
    pub email: &'a str,
    /// The name shown as author (the e-mail when empty).
    pub name: &'a str,
    /// The account's role.
    pub role: Role,
    /// TERYT codes of the units it is tied to.
    pub units: &'a [String],
    /// The admin who invites (`None`: the command line).
    pub by: Option<AccountId>,
    /// The SHA-256 of the link's secret.
    pub token_hash: &'a str,
    /// Unix seconds after which the link is void.
    pub expires_at: i64,
}

/// An invite, without its secret or hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Invite {
    /// Its number.
    pub id: InviteId,
    /// The invitee's e-mail.
    pub email: String,
    /// The name the account will carry.
    pub name: String,
    /// The account's role.
    pub role: Role,
    /// Its units.
    pub units: Vec<String>,
    /// When it was made (RFC 3339, UTC).
    pub created_at: String,
    /// Unix seconds after which the link is void.
    pub expires_at: i64,
    /// When the link was used, if it was.
    pub used_at: Option<String>,
    /// When an admin revoked it (or a newer invite replaced it), if so.
    pub revoked_at: Option<String>,
    /// The account it made.
    pub account: Option<AccountId>,
}

impl Invite {
    /// Whether the link still works at `now_unix`.
    pub fn is_open(&self, now_unix: i64) -> bool {
        self.used_at.is_none() && self.revoked_at.is_none() && self.expires_at > now_unix
    }
}

const INVITE_COLUMNS: &str =
    "id, email, name, role, units, created_at, expires_at, used_at, revoked_at, account_id";

fn invite_row(r: &AnyRow) -> DbResult<Invite> {
    let id = InviteId(r.try_get("id")?);
    let corrupt = |why: String| DbError::Corrupt {
        what: format!("invite {id}"),
        why,
    };
    let role: String = r.try_get("role")?;
    let units: String = r.try_get("units")?;
    Ok(Invite {
        id,
        email: r.try_get("email")?,
        name: r.try_get("name")?,
        role: Role::from_slug(&role).ok_or_else(|| corrupt(format!("unknown role {role:?}")))?,
        units: serde_json::from_str(&units).map_err(|e| corrupt(format!("units: {e}")))?,
        created_at: r.try_get("created_at")?,
        expires_at: r.try_get("expires_at")?,
        used_at: r.try_get("used_at")?,
        revoked_at: r.try_get("revoked_at")?,
        account: super::opt_account(r, "account_id")?,
    })
}

impl Store {
    /// Stores an invite. An account of that e-mail (any case) is a
    /// duplicate; an open invite of it is revoked (the new link replaces it).
    pub async fn add_invite(&self, new: &NewInvite<'_>) -> DbResult<Invite> {
        check_email(new.email)?;
        let units = check_units(new.units)?;
        no_nul("name", new.name)?;
        if new.token_hash.len() < 32 || new.token_hash.contains('\0') {
            return Err(invalid("token", "the hash of a secret is expected"));
        }
        let email = new.email.trim();
        let name = match new.name.trim() {
            "" => email,
            n => n,
        };
        let at = now();
        let mut tx = self.write_tx().await?;
        let exists = sqlx::query("SELECT id FROM accounts WHERE email_key = $1")
            .bind(email_key(email))
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_some() {
            return Err(DbError::Duplicate {
                what: format!("an account for {email}"),
            });
        }
        sqlx::query(
            "UPDATE invites SET revoked_at = $1 \
             WHERE email_key = $2 AND used_at IS NULL AND revoked_at IS NULL",
        )
        .bind(&at)
        .bind(email_key(email))
        .execute(&mut *tx)
        .await?;
        let units_json =
            serde_json::to_string(&units).map_err(|e| invalid("units", e.to_string()))?;
        let inserted = sqlx::query(
            "INSERT INTO invites (token_hash, email, email_key, name, role, units, invited_by, \
             created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(new.token_hash)
        .bind(email)
        .bind(email_key(email))
        .bind(name)
        .bind(new.role.slug())
        .bind(units_json)
        .bind(new.by.map(|a| a.0))
        .bind(&at)
        .bind(new.expires_at)
        .fetch_one(&mut *tx)
        .await;
        let id: i64 = match inserted {
            Ok(row) => row.try_get("id")?,
            Err(e) if is_unique_violation(&e) => {
                return Err(DbError::Duplicate {
                    what: "an invite of that hash".into(),
                });
            }
            Err(e) => return Err(e.into()),
        };
        tx.commit().await?;
        self.invite(InviteId(id)).await
    }

    /// One invite.
    pub async fn invite(&self, id: InviteId) -> DbResult<Invite> {
        let row = sqlx::query(&format!(
            "SELECT {INVITE_COLUMNS} FROM invites WHERE id = $1"
        ))
        .bind(id.0)
        .fetch_optional(self.pool())
        .await?
        .ok_or_else(|| not_found(format!("invite {id}")))?;
        invite_row(&row)
    }

    /// Invites not used and not revoked (expired ones too), newest first.
    pub async fn open_invites(&self) -> DbResult<Vec<Invite>> {
        sqlx::query(&format!(
            "SELECT {INVITE_COLUMNS} FROM invites \
             WHERE used_at IS NULL AND revoked_at IS NULL ORDER BY id DESC"
        ))
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(invite_row)
        .collect()
    }

    /// The invite whose link's secret has this hash, if it still works at
    /// `now_unix`; `NotFound` for an unknown, used, revoked or expired one
    /// (the invitee learns no more than that).
    pub async fn open_invite_by_token(&self, token_hash: &str, now_unix: i64) -> DbResult<Invite> {
        let row = sqlx::query(&format!(
            "SELECT {INVITE_COLUMNS} FROM invites WHERE token_hash = $1 \
             AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $2"
        ))
        .bind(token_hash)
        .bind(now_unix)
        .fetch_optional(self.pool())
        .await?
        .ok_or_else(|| not_found("invite (unknown, used, revoked or expired)"))?;
        invite_row(&row)
    }

    /// Uses an invite: the account is made with `password_hash` (what
    /// `auth::password::hash` made), and the invite marked used, in one
    /// transaction; a second use, a revoked or an expired invite is
    /// `NotFound`.
    pub async fn accept_invite(
        &self,
        token_hash: &str,
        password_hash: &str,
        now_unix: i64,
    ) -> DbResult<super::Account> {
        if password_hash.is_empty() || password_hash.contains('\0') {
            return Err(invalid("password", "no password hash"));
        }
        let at = now();
        let mut tx = self.write_tx().await?;
        // Claimed by the update itself: of two uses at once, one wins.
        let claimed = sqlx::query(&format!(
            "UPDATE invites SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL \
             AND revoked_at IS NULL AND expires_at > $3 RETURNING {INVITE_COLUMNS}"
        ))
        .bind(&at)
        .bind(token_hash)
        .bind(now_unix)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| not_found("invite (unknown, used, revoked or expired)"))?;
        let invite = invite_row(&claimed)?;
        let id = insert_account(
            &mut tx,
            &invite.email,
            &invite.name,
            invite.role,
            &invite.units,
            password_hash,
        )
        .await?;
        sqlx::query("UPDATE invites SET account_id = $1 WHERE id = $2")
            .bind(id.0)
            .bind(invite.id.0)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        self.account(id).await
    }

    /// Revokes an open invite (its link stops working); `NotFound` for an
    /// unknown, used or already revoked one.
    pub async fn revoke_invite(&self, id: InviteId) -> DbResult<Invite> {
        let done = sqlx::query(
            "UPDATE invites SET revoked_at = $1 \
             WHERE id = $2 AND used_at IS NULL AND revoked_at IS NULL",
        )
        .bind(now())
        .bind(id.0)
        .execute(self.pool())
        .await?;
        if done.rows_affected() == 0 {
            return Err(not_found(format!("open invite {id}")));
        }
        self.invite(id).await
    }
}
