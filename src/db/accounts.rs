//! Accounts, their units, API tokens (stored as hashes) and sessions.
//! Hashing passwords and tokens is the caller's (the `auth` module): the store
//! keeps what it is given and never sees a secret.

use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{DbError, DbResult, Store, invalid, not_found, now};
use crate::workflow::{AccountId, Actor, Person, Role, unit_code};

/// An account, without its password hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Account {
    /// Its number.
    pub id: AccountId,
    /// The e-mail as given (unique regardless of case).
    pub email: String,
    /// The name shown as author.
    pub name: String,
    /// Its role.
    pub role: Role,
    /// TERYT codes of the units it is tied to.
    pub units: Vec<String>,
    /// When it was made (RFC 3339, UTC).
    pub created_at: String,
    /// When it was disabled, if it was.
    pub disabled_at: Option<String>,
}

impl Account {
    /// The actor this account acts as.
    pub fn actor(&self) -> Actor {
        Actor::Person(Person {
            account: self.id,
            role: self.role,
            units: self.units.clone(),
        })
    }

    /// Whether it may sign in and act.
    pub fn is_active(&self) -> bool {
        self.disabled_at.is_none()
    }
}

/// An API token's number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct TokenId(pub i64);

impl std::fmt::Display for TokenId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// An API token, without its hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenInfo {
    /// Its number.
    pub id: TokenId,
    /// Whose.
    pub account: AccountId,
    /// What the owner called it.
    pub label: String,
    /// When it was made.
    pub created_at: String,
    /// When it was revoked, if it was.
    pub revoked_at: Option<String>,
}

/// A stored session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// The account signed in, if any.
    pub account: Option<AccountId>,
    /// The session's data, as the session layer wrote it.
    pub data: String,
    /// Unix seconds after which it is void.
    pub expires_at: i64,
}

const ACCOUNT_COLUMNS: &str = "id, email, name, role, created_at, disabled_at";

/// The key an e-mail is unique by.
pub(super) fn email_key(email: &str) -> String {
    email.trim().to_lowercase()
}

pub(super) fn check_email(email: &str) -> DbResult<()> {
    let e = email.trim();
    let at = e.find('@');
    let ok = e.len() <= 254
        && at.is_some_and(|i| i > 0 && i + 1 < e.len())
        && !e.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        Ok(())
    } else {
        Err(invalid("email", format!("not an e-mail address: {e:?}")))
    }
}

/// Text neither backend stores: a NUL character.
pub(super) fn no_nul(field: &str, s: &str) -> DbResult<()> {
    if s.contains('\0') {
        return Err(invalid(field, "holds a NUL character"));
    }
    Ok(())
}

pub(super) fn check_units(units: &[String]) -> DbResult<Vec<String>> {
    let mut out = Vec::with_capacity(units.len());
    for u in units {
        let code = unit_code(u).map_err(|why| invalid("unit", format!("{u:?}: {why}")))?;
        if !out.contains(&code) {
            out.push(code);
        }
    }
    Ok(out)
}

pub(super) fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

/// Inserts an account and its units in `conn`'s transaction (values
/// checked by the caller); a taken e-mail is `Duplicate`.
pub(super) async fn insert_account(
    conn: &mut sqlx::AnyConnection,
    email: &str,
    name: &str,
    role: Role,
    units: &[String],
    password_hash: &str,
) -> DbResult<AccountId> {
    let inserted = sqlx::query(
        "INSERT INTO accounts (email, email_key, name, role, password_hash, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(email)
    .bind(email_key(email))
    .bind(name)
    .bind(role.slug())
    .bind(password_hash)
    .bind(now())
    .fetch_one(&mut *conn)
    .await;
    let id: i64 = match inserted {
        Ok(row) => row.try_get("id")?,
        Err(e) if is_unique_violation(&e) => {
            return Err(DbError::Duplicate {
                what: format!("an account for {email}"),
            });
        }
        Err(e) => return Err(e.into()),
    };
    insert_units(conn, AccountId(id), units).await?;
    Ok(AccountId(id))
}

/// Ties an account to units (after any old ones were deleted).
async fn insert_units(
    conn: &mut sqlx::AnyConnection,
    id: AccountId,
    units: &[String],
) -> DbResult<()> {
    for u in units {
        sqlx::query("INSERT INTO account_units (account_id, teryt) VALUES ($1, $2)")
            .bind(id.0)
            .bind(u)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

impl Store {
    pub(super) async fn account_row(&self, row: &AnyRow) -> DbResult<Account> {
        let id = AccountId(row.try_get("id")?);
        let role: String = row.try_get("role")?;
        let units =
            sqlx::query("SELECT teryt FROM account_units WHERE account_id = $1 ORDER BY teryt")
                .bind(id.0)
                .fetch_all(self.pool())
                .await?
                .iter()
                .map(|r| r.try_get::<String, _>("teryt"))
                .collect::<Result<_, _>>()?;
        Ok(Account {
            id,
            email: row.try_get("email")?,
            name: row.try_get("name")?,
            role: Role::from_slug(&role).ok_or_else(|| DbError::Corrupt {
                what: format!("account {id}"),
                why: format!("unknown role {role:?}"),
            })?,
            units,
            created_at: row.try_get("created_at")?,
            disabled_at: row.try_get("disabled_at")?,
        })
    }

    /// Adds an account. The e-mail must be unique regardless of case;
    /// `units` are TERYT codes (see [`crate::workflow::unit_code`]);
    /// `password_hash` is what `auth::password::hash` made.
    pub async fn add_account(
        &self,
        email: &str,
        name: &str,
        role: Role,
        units: &[String],
        password_hash: &str,
    ) -> DbResult<Account> {
        check_email(email)?;
        let units = check_units(units)?;
        if password_hash.is_empty() {
            return Err(invalid("password", "no password hash"));
        }
        no_nul("name", name)?;
        no_nul("password", password_hash)?;
        let name = if name.trim().is_empty() {
            email.trim()
        } else {
            name.trim()
        };
        let mut tx = self.write_tx().await?;
        let id = insert_account(&mut tx, email.trim(), name, role, &units, password_hash).await?;
        tx.commit().await?;
        self.account(id).await
    }

    /// Every account, oldest first.
    pub async fn accounts(&self) -> DbResult<Vec<Account>> {
        let rows = sqlx::query(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM accounts ORDER BY id"
        ))
        .fetch_all(self.pool())
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            out.push(self.account_row(r).await?);
        }
        Ok(out)
    }

    /// The account of a number.
    pub async fn account(&self, id: AccountId) -> DbResult<Account> {
        let row = sqlx::query(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = $1"
        ))
        .bind(id.0)
        .fetch_optional(self.pool())
        .await?
        .ok_or_else(|| not_found(format!("account {id}")))?;
        self.account_row(&row).await
    }

    /// The account of an e-mail (any case) with its password hash, for
    /// signing in; disabled accounts too (the caller refuses them).
    pub async fn account_by_email(&self, email: &str) -> DbResult<(Account, String)> {
        let row = sqlx::query(&format!(
            "SELECT {ACCOUNT_COLUMNS}, password_hash FROM accounts WHERE email_key = $1"
        ))
        .bind(email_key(email))
        .fetch_optional(self.pool())
        .await?
        .ok_or_else(|| not_found("account"))?;
        let hash: String = row.try_get("password_hash")?;
        Ok((self.account_row(&row).await?, hash))
    }

    /// Changes an account's role.
    pub async fn set_role(&self, id: AccountId, role: Role) -> DbResult<Account> {
        let done = sqlx::query("UPDATE accounts SET role = $1 WHERE id = $2")
            .bind(role.slug())
            .bind(id.0)
            .execute(self.pool())
            .await?;
        if done.rows_affected() == 0 {
            return Err(not_found(format!("account {id}")));
        }
        self.account(id).await
    }

    /// Replaces the units an account is tied to.
    pub async fn set_units(&self, id: AccountId, units: &[String]) -> DbResult<Account> {
        let units = check_units(units)?;
        let mut tx = self.write_tx().await?;
        let exists = sqlx::query("SELECT id FROM accounts WHERE id = $1")
            .bind(id.0)
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_none() {
            return Err(not_found(format!("account {id}")));
        }
        sqlx::query("DELETE FROM account_units WHERE account_id = $1")
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        insert_units(&mut tx, id, &units).await?;
        tx.commit().await?;
        self.account(id).await
    }

    /// Disables an account: it can no longer sign in, its tokens are revoked
    /// and its sessions deleted, in one transaction.
    pub async fn disable_account(&self, email: &str) -> DbResult<Account> {
        let row = sqlx::query("SELECT id FROM accounts WHERE email_key = $1")
            .bind(email_key(email))
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| not_found(format!("account {}", email.trim())))?;
        self.disable_account_id(AccountId(row.try_get("id")?)).await
    }

    /// Disables the account of a number, as [`Store::disable_account`] does.
    pub async fn disable_account_id(&self, id: AccountId) -> DbResult<Account> {
        let at = now();
        let mut tx = self.write_tx().await?;
        let done = sqlx::query(
            "UPDATE accounts SET disabled_at = COALESCE(disabled_at, $1) WHERE id = $2",
        )
        .bind(&at)
        .bind(id.0)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(not_found(format!("account {id}")));
        }
        sqlx::query(
            "UPDATE tokens SET revoked_at = $1 WHERE account_id = $2 AND revoked_at IS NULL",
        )
        .bind(&at)
        .bind(id.0)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM sessions WHERE account_id = $1")
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        self.account(id).await
    }

    /// Enables a disabled account again (its revoked tokens stay revoked).
    pub async fn enable_account(&self, id: AccountId) -> DbResult<Account> {
        let done = sqlx::query("UPDATE accounts SET disabled_at = NULL WHERE id = $1")
            .bind(id.0)
            .execute(self.pool())
            .await?;
        if done.rows_affected() == 0 {
            return Err(not_found(format!("account {id}")));
        }
        self.account(id).await
    }

    /// Stores a new API token's hash for an account.
    pub async fn add_token(
        &self,
        account: AccountId,
        token_hash: &str,
        label: &str,
    ) -> DbResult<TokenId> {
        no_nul("label", label)?;
        if token_hash.len() < 32 || token_hash.contains('\0') {
            return Err(invalid("token", "the hash of a token is expected"));
        }
        let inserted = sqlx::query(
            "INSERT INTO tokens (account_id, token_hash, label, created_at) \
             SELECT id, $2, $3, $4 FROM accounts WHERE id = $1 AND disabled_at IS NULL \
             RETURNING id",
        )
        .bind(account.0)
        .bind(token_hash)
        .bind(label.trim())
        .bind(now())
        .fetch_optional(self.pool())
        .await;
        match inserted {
            Ok(Some(row)) => Ok(TokenId(row.try_get("id")?)),
            Ok(None) => Err(not_found(format!("active account {account}"))),
            Err(e) if is_unique_violation(&e) => Err(DbError::Duplicate {
                what: "a token of that hash".into(),
            }),
            Err(e) => Err(e.into()),
        }
    }

    /// The active account whose active token has this hash, and the token;
    /// `None` for an unknown, revoked token or a disabled account.
    pub async fn account_by_token(&self, token_hash: &str) -> DbResult<Option<(Account, TokenId)>> {
        let row = sqlx::query(
            "SELECT a.id, a.email, a.name, a.role, a.created_at, a.disabled_at, t.id AS token_id \
             FROM tokens t JOIN accounts a ON a.id = t.account_id \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND a.disabled_at IS NULL",
        )
        .bind(token_hash)
        .fetch_optional(self.pool())
        .await?;
        match row {
            Some(r) => Ok(Some((
                self.account_row(&r).await?,
                TokenId(r.try_get("token_id")?),
            ))),
            None => Ok(None),
        }
    }

    /// Revokes a token (again is fine); `NotFound` for an unknown one.
    pub async fn revoke_token(&self, id: TokenId) -> DbResult<TokenInfo> {
        let done =
            sqlx::query("UPDATE tokens SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2")
                .bind(now())
                .bind(id.0)
                .execute(self.pool())
                .await?;
        if done.rows_affected() == 0 {
            return Err(not_found(format!("token {id}")));
        }
        self.token(id).await
    }

    /// One token.
    pub async fn token(&self, id: TokenId) -> DbResult<TokenInfo> {
        let r = sqlx::query(
            "SELECT id, account_id, label, created_at, revoked_at FROM tokens WHERE id = $1",
        )
        .bind(id.0)
        .fetch_optional(self.pool())
        .await?
        .ok_or_else(|| not_found(format!("token {id}")))?;
        token_row(&r)
    }

    /// An account's tokens, oldest first.
    pub async fn tokens(&self, account: AccountId) -> DbResult<Vec<TokenInfo>> {
        sqlx::query(
            "SELECT id, account_id, label, created_at, revoked_at FROM tokens \
             WHERE account_id = $1 ORDER BY id",
        )
        .bind(account.0)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(token_row)
        .collect()
    }

    /// Saves a session (creates or replaces it).
    pub async fn session_save(&self, id: &str, session: &SessionRecord) -> DbResult<()> {
        sqlx::query(
            "INSERT INTO sessions (id, account_id, data, expires_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (id) DO UPDATE SET account_id = excluded.account_id, \
             data = excluded.data, expires_at = excluded.expires_at",
        )
        .bind(id)
        .bind(session.account.map(|a| a.0))
        .bind(&session.data)
        .bind(session.expires_at)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// A session not expired at `now_unix`, of an account not disabled.
    pub async fn session_load(&self, id: &str, now_unix: i64) -> DbResult<Option<SessionRecord>> {
        let row = sqlx::query(
            "SELECT s.account_id, s.data, s.expires_at FROM sessions s \
             LEFT JOIN accounts a ON a.id = s.account_id \
             WHERE s.id = $1 AND s.expires_at > $2 AND a.disabled_at IS NULL",
        )
        .bind(id)
        .bind(now_unix)
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| {
            Ok(SessionRecord {
                account: super::opt_account(&r, "account_id")?,
                data: r.try_get("data")?,
                expires_at: r.try_get("expires_at")?,
            })
        })
        .transpose()
    }

    /// Deletes a session (a sign-out).
    pub async fn session_delete(&self, id: &str) -> DbResult<()> {
        sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Deletes the sessions expired at `now_unix`; how many.
    pub async fn sessions_delete_expired(&self, now_unix: i64) -> DbResult<u64> {
        Ok(sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now_unix)
            .execute(self.pool())
            .await?
            .rows_affected())
    }
}

fn token_row(r: &AnyRow) -> DbResult<TokenInfo> {
    Ok(TokenInfo {
        id: TokenId(r.try_get("id")?),
        account: AccountId(r.try_get("account_id")?),
        label: r.try_get("label")?,
        created_at: r.try_get("created_at")?,
        revoked_at: r.try_get("revoked_at")?,
    })
}
