//! The log of public changes as a feed for the read path of every node: the
//! changes after a sequence number with the records they published, and (on
//! PostgreSQL) a listener for the notification each commit sends.

use std::str::FromStr;

use sqlx::Row;
use sqlx::postgres::{PgConnectOptions, PgListener, PgPoolOptions};

use super::rows::decode;
use super::types::PublicChange;
use super::{Backend, CHANGES_CHANNEL, DbError, DbResult, Store};

/// One committed public change, as the read path applies it.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedChange {
    /// Its number in the log.
    pub seq: i64,
    /// The record now public, or the id no longer public.
    pub change: PublicChange,
}

/// The name a listening connection gives PostgreSQL (`application_name`),
/// so an operator (or a test) can find it in `pg_stat_activity`.
pub const LISTENER_NAME: &str = "mapa-praktyk-feed";

impl Store {
    /// Up to `limit` public changes after `seq`, oldest first, each with the
    /// published record it put (read from its revision).
    pub async fn feed_since(&self, seq: i64, limit: i64) -> DbResult<Vec<FeedChange>> {
        let rows = sqlx::query(
            "SELECT c.seq, c.practice_id, c.kind, c.revision, r.content FROM changes c \
             LEFT JOIN revisions r ON r.practice_id = c.practice_id AND r.n = c.revision \
             WHERE c.seq > $1 ORDER BY c.seq LIMIT $2",
        )
        .bind(seq)
        .bind(limit.max(1))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let seq: i64 = r.try_get("seq")?;
                let id: String = r.try_get("practice_id")?;
                let change = match r.try_get::<String, _>("kind")?.as_str() {
                    "put" => match r.try_get::<Option<String>, _>("content")? {
                        Some(json) => PublicChange::Put(Box::new(decode(&id, &json)?)),
                        None => {
                            return Err(DbError::Corrupt {
                                what: format!("change {seq} (practice {id})"),
                                why: format!(
                                    "revision {:?} it published is not stored",
                                    r.try_get::<Option<i64>, _>("revision")?
                                ),
                            });
                        }
                    },
                    "remove" => PublicChange::Remove(id),
                    other => {
                        return Err(DbError::Corrupt {
                            what: format!("change {seq} (practice {id})"),
                            why: format!("unknown kind {other:?}"),
                        });
                    }
                };
                Ok(FeedChange { seq, change })
            })
            .collect()
    }

    /// A listener for the notifications of committed changes, on its own
    /// connection; `None` on SQLite (one process writes it: followers poll).
    pub async fn change_listener(&self) -> DbResult<Option<ChangeListener>> {
        if self.backend != Backend::Postgres {
            return Ok(None);
        }
        let options = PgConnectOptions::from_str(&self.url.0)?.application_name(LISTENER_NAME);
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .connect_lazy_with(options);
        let mut listener = PgListener::connect_with(&pool).await?;
        listener.listen(CHANGES_CHANNEL).await?;
        Ok(Some(ChangeListener { listener }))
    }
}

/// Notifications of committed changes (PostgreSQL `LISTEN`).
#[derive(Debug)]
pub struct ChangeListener {
    listener: PgListener,
}

impl ChangeListener {
    /// Waits for the next notification: `Some(seq)` a change committed;
    /// `None` the connection was lost (and is being made again): the
    /// notifications sent meanwhile are lost, so the caller reads the log.
    pub async fn next(&mut self) -> DbResult<Option<i64>> {
        // A payload that is not a number still means "read the log".
        Ok(self
            .listener
            .try_recv()
            .await?
            .map(|n| n.payload().trim().parse().unwrap_or(0)))
    }
}

impl Store {
    /// The practice and time of change `seq` (`None` when no such row):
    /// what names a point of this store's log, so a snapshot made at that
    /// point is not taken for one of another database.
    pub async fn change_key(&self, seq: i64) -> DbResult<Option<(String, String)>> {
        let row = sqlx::query("SELECT practice_id, at FROM changes WHERE seq = $1")
            .bind(seq)
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| Ok((r.try_get("practice_id")?, r.try_get("at")?)))
            .transpose()
    }
}
