//! A practice's history: its revisions as one actor may see them, one
//! revision's record, and restoring one as a new revision.

use super::rows::{HISTORY_SELECT, content, history_row};
use super::types::*;
use super::{DbError, DbResult, Store, not_found};
use crate::practice::Practice;
use crate::workflow::{self, Actor, Intent, Status};

impl Store {
    /// Every revision of a practice the actor may see, oldest first. Those
    /// who see only the public version see the revisions that were public.
    pub async fn history(&self, actor: &Actor, id: &str) -> DbResult<Vec<HistoryItem>> {
        let mut conn = self.pool().acquire().await?;
        let s = self.visible_state(&mut conn, actor, id).await?;
        let all = workflow::may_see_working(actor, &s.subject());
        let rows = sqlx::query(&format!("{HISTORY_SELECT} ORDER BY r.n"))
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let h = history_row(r, id)?;
            let own_pending = h.pending && h.author.is_some() && h.author == actor.account();
            if all || own_pending || (h.status == Status::Published && h.comment.is_none()) {
                out.push(h);
            }
        }
        Ok(out)
    }

    /// The full record of revision `n`, for a diff; `NotFound` when the
    /// actor may not see it (see [`Store::history`]).
    pub async fn revision(&self, actor: &Actor, id: &str, n: Version) -> DbResult<Practice> {
        let history = self.history(actor, id).await?;
        if !history.iter().any(|h| h.revision == n) {
            return Err(not_found(format!("revision {n} of practice {id}")));
        }
        let mut conn = self.pool().acquire().await?;
        content(&mut conn, id, n.0).await
    }

    /// Restores revision `n`'s content as a new revision: published at once
    /// for an editor of a published practice, pending for anyone else
    /// (a draft's author restores its draft in place).
    pub async fn restore(
        &self,
        actor: &Actor,
        id: &str,
        n: Version,
        if_match: Option<Version>,
    ) -> DbResult<Written> {
        let practice = self.revision(actor, id, n).await?;
        let mut tx = self.write_tx().await?;
        let s = self.visible_state(&mut tx, actor, id).await?;
        let given = if_match.unwrap_or(Version(s.head));
        if !s.fresh(given) {
            return Err(DbError::Conflict {
                given,
                current: Version(s.head),
            });
        }
        let intent = if actor.reviews() && s.status == Status::Published {
            Intent::Publish
        } else {
            Intent::Draft
        };
        let outcome = workflow::may_edit(actor, &s.subject(), intent)?;
        self.write_content(tx, actor, s, practice, outcome, RevisionKind::Restore)
            .await
    }
}
