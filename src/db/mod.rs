//! The store of record: practices with every revision, the workflow's state,
//! accounts, tokens and sessions, and the log of public changes — in an
//! embedded SQLite file by default, or in PostgreSQL, behind one [`Store`].
//!
//! One code path serves both backends: queries go through sqlx's `Any`
//! driver with `$1`-style parameters (both understand them), never with SQL
//! built from input. Each backend has its own numbered migrations
//! (`migrations/sqlite`, `migrations/postgres`), embedded and run at
//! [`Store::open`].
//!
//! Every write runs in one transaction: the new revision, the practice's
//! state and, when the public version changes, a row of the `changes` log
//! (see [`Store::changes_since`]). The caller applies [`Written::public`]
//! to the live read path after the commit. Who may do what is
//! [`crate::workflow`]'s rule; this module asks it and stores the answer.

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Executor, Row};

use crate::workflow::{AccountId, Denied};

mod accounts;
mod feed;
mod history;
mod invites;
mod practices;
mod review;
mod rows;
mod types;

pub use accounts::{Account, SessionRecord, TokenId, TokenInfo};
pub use feed::{ChangeListener, FeedChange};
pub use invites::{Invite, InviteId, NewInvite};
pub use review::{ImportReport, QueueFilter};
pub use types::{
    ChangeKind, Comment, Entry, HistoryItem, LoggedChange, PendingSummary, PublicChange, QueueItem,
    QueueKind, RevisionKind, Version, Written,
};

/// Which database a [`Store`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// An embedded SQLite file (WAL, `synchronous=FULL`, foreign keys on).
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// The store: cheap to clone (a pool inside).
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// The URL as sqlx takes it, for a PostgreSQL listener's own connection.
    url: Url,
}

/// A database URL, kept out of debug output (it may hold a password).
#[derive(Clone)]
struct Url(std::sync::Arc<str>);

impl std::fmt::Debug for Url {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Url(..)")
    }
}

/// The PostgreSQL channel on which each committed public change is
/// announced, with its sequence number as the payload.
pub const CHANGES_CHANNEL: &str = "mapa_changes";

/// The PostgreSQL advisory lock (transaction-scoped) under which rows of the
/// `changes` log are numbered, so that they commit in number order.
pub(crate) const CHANGES_LOCK: i64 = 0x6d61_7061_6368; // "mapach"

/// What went wrong in the store; the HTTP edge maps each kind to a status.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// No such practice, revision, account or token — or one the actor may
    /// not see (another's draft is 404, never 403).
    #[error("{what} not found")]
    NotFound {
        /// What was looked for.
        what: String,
    },
    /// The workflow does not allow it.
    #[error("not allowed: {0}")]
    Denied(#[from] Denied),
    /// The version the request addressed is no longer the current one.
    #[error("the practice changed since version {given}; it is now at {current}")]
    Conflict {
        /// The version the request named.
        given: Version,
        /// The current version (for the new ETag).
        current: Version,
    },
    /// A value is not acceptable.
    #[error("{field}: {why}")]
    Invalid {
        /// The field.
        field: String,
        /// What is wrong with it.
        why: String,
    },
    /// Something unique exists already.
    #[error("{what} exists already")]
    Duplicate {
        /// What.
        what: String,
    },
    /// The database failed (connection, disk, a broken row).
    #[error("database: {0}")]
    Backend(#[from] sqlx::Error),
    /// A migration failed at open.
    #[error("database migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A stored record does not read back (a broken row).
    #[error("stored record of {what} does not read: {why}")]
    Corrupt {
        /// Which record.
        what: String,
        /// Why.
        why: String,
    },
}

/// The result of store operations.
pub type DbResult<T> = Result<T, DbError>;

pub(crate) fn invalid(field: &str, why: impl Into<String>) -> DbError {
    DbError::Invalid {
        field: field.to_string(),
        why: why.into(),
    }
}

pub(crate) fn not_found(what: impl Into<String>) -> DbError {
    DbError::NotFound { what: what.into() }
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Store {
    /// Opens (and migrates) the store at `url`: `postgres://…` or
    /// `postgresql://…` for PostgreSQL; `sqlite:PATH`, `sqlite://PATH` or a
    /// plain file path for SQLite (the file is created when missing, in WAL
    /// mode with `synchronous=FULL`, so every commit is on disk when it
    /// returns).
    pub async fn open(url: &str) -> DbResult<Store> {
        sqlx::any::install_default_drivers();
        let (backend, url) = normalise_url(url)?;
        let options = AnyConnectOptions::from_str(&url)?;
        let pool_url = Url(url.as_str().into());
        let pool = match backend {
            Backend::Sqlite => {
                AnyPoolOptions::new()
                    .max_connections(8)
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            conn.execute(
                                "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                                 PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;",
                            )
                            .await?;
                            Ok(())
                        })
                    })
                    .connect_with(options)
                    .await?
            }
            Backend::Postgres => {
                AnyPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(30))
                    .connect_with(options)
                    .await?
            }
        };
        let migrator = match backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&pool).await?;
        Ok(Store {
            pool,
            backend,
            url: pool_url,
        })
    }

    /// Which database this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Closes the pool, waiting for connections in use.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// A transaction for a write. SQLite's takes the write lock at once
    /// (`BEGIN IMMEDIATE`), so two writers wait for each other instead of
    /// failing when a read turns into a write.
    pub(crate) async fn write_tx(&self) -> DbResult<sqlx::Transaction<'static, sqlx::Any>> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }
}

/// The backend of a URL and the URL sqlx takes for it.
fn normalise_url(url: &str) -> DbResult<(Backend, String)> {
    let url = url.trim();
    if url.is_empty() {
        return Err(invalid("database", "empty URL"));
    }
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok((Backend::Postgres, url.to_string()));
    }
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    if path.is_empty() || path == ":memory:" {
        return Err(invalid(
            "database",
            "an SQLite store needs a file (an in-memory one would lose every write)",
        ));
    }
    if url.contains("://") && !url.starts_with("sqlite://") {
        return Err(invalid(
            "database",
            format!("unknown kind of database URL {url:?}: give postgres://… or a file path"),
        ));
    }
    let mut out = format!("sqlite://{path}?mode=rwc");
    if !query.is_empty() {
        out.push('&');
        out.push_str(query);
    }
    Ok((Backend::Sqlite, out))
}

/// The file of an SQLite store's URL (as [`Store::open`] takes it); `None`
/// for PostgreSQL or a URL it refuses.
pub fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    match normalise_url(url) {
        Ok((Backend::Sqlite, u)) => {
            let path = u.strip_prefix("sqlite://")?;
            Some(path.split_once('?').map_or(path, |(p, _)| p).into())
        }
        _ => None,
    }
}

/// Now, as stored: RFC 3339 UTC with milliseconds (sorts as text).
pub(crate) fn now() -> String {
    let t: chrono::DateTime<chrono::Utc> = std::time::SystemTime::now().into();
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Reads a nullable account id column.
pub(crate) fn opt_account(row: &AnyRow, col: &str) -> DbResult<Option<AccountId>> {
    Ok(row.try_get::<Option<i64>, _>(col)?.map(AccountId))
}

#[cfg(test)]
mod tests;
