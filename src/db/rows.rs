//! Reading stored rows: a status, a revision's record, a history line.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::types::{HistoryItem, RevisionKind, Version};
use super::{DbError, DbResult, not_found, opt_account};
use crate::practice::Practice;
use crate::workflow::Status;

pub(super) fn status_of(s: &str, id: &str) -> DbResult<Status> {
    Status::from_slug(s).ok_or_else(|| DbError::Corrupt {
        what: format!("practice {id}"),
        why: format!("unknown status {s:?}"),
    })
}

/// The record stored in revision `n` of practice `id`.
pub(super) async fn content(conn: &mut AnyConnection, id: &str, n: i64) -> DbResult<Practice> {
    let row = sqlx::query("SELECT content FROM revisions WHERE practice_id = $1 AND n = $2")
        .bind(id)
        .bind(n)
        .fetch_optional(conn)
        .await?
        .ok_or_else(|| not_found(format!("revision {n} of practice {id}")))?;
    decode(id, &row.try_get::<String, _>("content")?)
}

pub(super) fn decode(id: &str, json: &str) -> DbResult<Practice> {
    serde_json::from_str(json).map_err(|e| DbError::Corrupt {
        what: format!("practice {id}"),
        why: e.to_string(),
    })
}

pub(super) const HISTORY_SELECT: &str = "SELECT r.n, r.kind, r.status, r.pending, r.author_id, \
     COALESCE(a.name, r.author_label) AS author_name, r.at, r.changed, r.comment \
     FROM revisions r LEFT JOIN accounts a ON a.id = r.author_id WHERE r.practice_id = $1";

pub(super) fn history_row(r: &AnyRow, id: &str) -> DbResult<HistoryItem> {
    let kind: String = r.try_get("kind")?;
    let changed: String = r.try_get("changed")?;
    Ok(HistoryItem {
        revision: Version(r.try_get("n")?),
        kind: RevisionKind::from_slug(&kind).ok_or_else(|| DbError::Corrupt {
            what: format!("practice {id}"),
            why: format!("unknown revision kind {kind:?}"),
        })?,
        status: status_of(&r.try_get::<String, _>("status")?, id)?,
        pending: r.try_get::<i64, _>("pending")? != 0,
        author: opt_account(r, "author_id")?,
        author_name: r.try_get("author_name")?,
        at: r.try_get("at")?,
        changed: serde_json::from_str(&changed).map_err(|e| DbError::Corrupt {
            what: format!("practice {id}"),
            why: format!("changed fields: {e}"),
        })?,
        comment: r.try_get("comment")?,
    })
}
