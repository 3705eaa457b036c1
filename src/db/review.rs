//! The store in bulk: the review queue, an author's own work, the importer's
//! batches, the first seed, and what readers see (every published practice,
//! the log of public changes).

use std::collections::HashMap;

use serde::Serialize;
use sqlx::Row;

use super::practices::{
    NewRevision, State, changed_fields, check, encode, insert_revision, insert_state, log_change,
    state, state_row, teryt_of,
};
use super::rows::{HISTORY_SELECT, content, decode, history_row};
use super::types::*;
use super::{DbError, DbResult, Store, invalid, now};
use crate::practice::{Area, Practice};
use crate::workflow::{Actor, Denied, EditOutcome, Status};

/// What the review queue shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueFilter {
    /// Only practices in this voivodeship (TERYT code of 2 digits).
    pub voivodeship: Option<String>,
    /// Only practices of this area.
    pub area: Option<Area>,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ImportReport {
    /// New practices, submitted for review.
    pub submitted: Vec<String>,
    /// New or changed practices published at once (`publish`).
    pub published: Vec<String>,
    /// Changed practices whose change waits for review as a pending revision
    /// (people edited them since the last import, or not `publish`).
    pub pending: Vec<String>,
    /// Unpublished practices whose content the import replaced.
    pub updated: Vec<String>,
    /// The same as their last import: nothing done.
    pub unchanged: Vec<String>,
    /// Unpublished practices people changed since the last import: their
    /// work kept, the imported record not applied.
    pub kept: Vec<String>,
}

/// Rows of the queue and of an author's work, with their waiting revision.
const LIST_SELECT: &str = "SELECT p.id, p.status, p.owner_id, p.head, p.published_rev, p.pending_rev, \
     p.pending_status, p.pending_author, p.import_rev, p.doubts, p.teryt, p.title, p.updated_at \
     FROM practices p";

impl Store {
    /// The review queue (editors only): submissions and pending revisions,
    /// newest first, with the importer's doubts.
    pub async fn queue(&self, actor: &Actor, filter: &QueueFilter) -> DbResult<Vec<QueueItem>> {
        if !actor.reviews() {
            return Err(Denied {
                why: "only editors see the review queue",
            }
            .into());
        }
        let voivodeship = match &filter.voivodeship {
            Some(v) if v.len() == 2 && v.bytes().all(|b| b.is_ascii_digit()) => {
                Some(format!("{v}%"))
            }
            Some(v) => {
                return Err(invalid(
                    "voivodeship",
                    format!("{v:?} is not a TERYT code of 2 digits"),
                ));
            }
            None => None,
        };
        let rows = sqlx::query(&format!(
            "{LIST_SELECT} WHERE (p.status = 'submitted' OR p.pending_status = 'submitted') \
             AND ($1 IS NULL OR p.teryt LIKE $1) AND ($2 IS NULL OR p.area = $2) \
             ORDER BY p.updated_at DESC, p.id"
        ))
        .bind(voivodeship)
        .bind(filter.area.map(|a| a.slug()))
        .fetch_all(self.pool())
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        let mut conn = self.pool().acquire().await?;
        for r in &rows {
            let s = state_row(r)?;
            let (kind, n) = match s.pending_rev {
                Some(n) => (QueueKind::PendingRevision, n),
                None => (QueueKind::Submission, s.head),
            };
            let h = sqlx::query(&format!("{HISTORY_SELECT} AND r.n = $2"))
                .bind(&s.id)
                .bind(n)
                .fetch_one(&mut *conn)
                .await?;
            let h = history_row(&h, &s.id)?;
            let waiting = content(&mut conn, &s.id, n).await?;
            let changed = match (kind, s.published_rev) {
                (QueueKind::PendingRevision, Some(p)) => {
                    changed_fields(Some(&content(&mut conn, &s.id, p).await?), &waiting)
                }
                _ => h.changed,
            };
            out.push(QueueItem {
                id: s.id,
                title: waiting.title,
                kind,
                revision: Version(n),
                author_name: h.author_name,
                at: h.at,
                changed,
                doubts: s.doubts,
            });
        }
        Ok(out)
    }

    /// The actor's own work: practices it created and pending revisions it
    /// proposed, with their status and reviewers' comments, newest first.
    pub async fn mine(&self, actor: &Actor) -> DbResult<Vec<Entry>> {
        let Some(me) = actor.account() else {
            return Ok(Vec::new());
        };
        let ids: Vec<String> = sqlx::query(
            "SELECT id FROM practices WHERE owner_id = $1 OR pending_author = $1 \
             ORDER BY updated_at DESC, id",
        )
        .bind(me.0)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| r.try_get("id"))
        .collect::<Result<_, _>>()?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.push(self.entry(actor, &id).await?);
        }
        Ok(out)
    }

    /// Copies practices in as published, by the system, in one transaction
    /// (the first start of an empty store, from the CSV: all or nothing, so
    /// an interrupted seed is done again at the next start). An id already
    /// stored is an error: seeding is for an empty store.
    pub async fn seed(&self, practices: &[Practice]) -> DbResult<usize> {
        let at = now();
        let mut tx = self.write_tx().await?;
        for p in practices {
            check(p).map_err(|e| match e {
                DbError::Invalid { field, why } => invalid(&format!("{}: {field}", p.id), why),
                e => e,
            })?;
            let s = State {
                id: p.id.clone(),
                status: Status::Published,
                owner: None,
                head: 1,
                published_rev: Some(1),
                pending_rev: None,
                pending_status: None,
                pending_author: None,
                import_rev: Some(1),
                doubts: Vec::new(),
                teryt: teryt_of(p),
            };
            if !insert_state(&mut tx, &s, p, &at).await? {
                return Err(DbError::Duplicate {
                    what: format!("practice {}", p.id),
                });
            }
            let rev = NewRevision {
                kind: RevisionKind::Import,
                status: Status::Published,
                pending: false,
                actor: &Actor::System,
                at: &at,
                changed: &changed_fields(None, p),
                comment: None,
                content: &encode(p),
            };
            insert_revision(&mut tx, &p.id, 1, &rev).await?;
            log_change(&mut tx, &p.id, ChangeKind::Put, Some(1), &at).await?;
        }
        tx.commit().await?;
        Ok(practices.len())
    }

    /// How many practices the store holds (of any status).
    pub async fn count(&self) -> DbResult<i64> {
        Ok(
            sqlx::query("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM practices")
                .fetch_one(self.pool())
                .await?
                .try_get("n")?,
        )
    }

    /// Imports a batch. New ids are submitted (published with `publish`,
    /// except the `doubtful` ones, which stay submitted with their reasons).
    /// An id already stored: the same as its last import → nothing; people
    /// changed it since → a pending revision (published practices) or kept
    /// (unpublished ones), never a silent overwrite; otherwise the new
    /// content (published with `publish` unless doubtful, else pending).
    pub async fn import(
        &self,
        actor: &Actor,
        practices: Vec<Practice>,
        publish: bool,
        doubtful: &HashMap<String, Vec<String>>,
    ) -> DbResult<ImportReport> {
        if !actor.reviews() {
            return Err(Denied {
                why: "only editors import",
            }
            .into());
        }
        let mut report = ImportReport::default();
        for p in practices {
            check(&p)?;
            let doubts = doubtful.get(&p.id).cloned().unwrap_or_default();
            let publish_it = publish && doubts.is_empty();
            let mut tx = self.write_tx().await?;
            let Some(mut s) = state(&mut tx, &p.id).await? else {
                let created = self
                    .import_new(&mut tx, actor, &p, publish_it, doubts)
                    .await?;
                tx.commit().await?;
                if created {
                    report.published.push(p.id);
                } else {
                    report.submitted.push(p.id);
                }
                continue;
            };
            let last = match s.import_rev {
                Some(n) => Some(content(&mut tx, &p.id, n).await?),
                None => None,
            };
            if last.as_ref() == Some(&p) || content(&mut tx, &p.id, s.head).await? == p {
                report.unchanged.push(p.id);
                continue;
            }
            let edited = match s.import_rev {
                None => true,
                Some(n) => sqlx::query(
                    "SELECT n FROM revisions WHERE practice_id = $1 AND n > $2 \
                         AND kind IN ('create', 'edit', 'restore') LIMIT 1",
                )
                .bind(&p.id)
                .bind(n)
                .fetch_optional(&mut *tx)
                .await?
                .is_some(),
            };
            if !doubts.is_empty() {
                s.doubts = doubts;
            }
            let published = s.status == Status::Published;
            let outcome = match (published, edited) {
                (true, true) => EditOutcome::Pending(Status::Submitted),
                (true, false) if publish_it => EditOutcome::Publish,
                (true, false) => EditOutcome::Pending(Status::Submitted),
                (false, true) => {
                    report.kept.push(p.id);
                    continue;
                }
                (false, false) if publish_it => EditOutcome::Publish,
                (false, false) => EditOutcome::Working(Status::Submitted),
            };
            let id = p.id.clone();
            self.write_content(tx, actor, s, p, outcome, RevisionKind::Import)
                .await?;
            match outcome {
                EditOutcome::Publish => report.published.push(id),
                EditOutcome::Pending(_) => report.pending.push(id),
                EditOutcome::Working(_) => report.updated.push(id),
            }
        }
        Ok(report)
    }

    /// Inserts an imported practice that is new; `true` when published.
    async fn import_new(
        &self,
        conn: &mut sqlx::AnyConnection,
        actor: &Actor,
        p: &Practice,
        publish: bool,
        doubts: Vec<String>,
    ) -> DbResult<bool> {
        let at = now();
        let status = if publish {
            Status::Published
        } else {
            Status::Submitted
        };
        let s = State {
            id: p.id.clone(),
            status,
            owner: None,
            head: 1,
            published_rev: publish.then_some(1),
            pending_rev: None,
            pending_status: None,
            pending_author: None,
            import_rev: Some(1),
            doubts,
            teryt: teryt_of(p),
        };
        insert_state(conn, &s, p, &at).await?;
        let rev = NewRevision {
            kind: RevisionKind::Import,
            status,
            pending: false,
            actor,
            at: &at,
            changed: &changed_fields(None, p),
            comment: None,
            content: &encode(p),
        };
        insert_revision(conn, &p.id, 1, &rev).await?;
        if publish {
            log_change(conn, &p.id, ChangeKind::Put, Some(1), &at).await?;
        }
        Ok(publish)
    }

    /// Up to `limit` published practices (their public version) with ids
    /// after `after`, in id order: page through every one without holding
    /// the table twice.
    pub async fn published_page(&self, after: Option<&str>, limit: i64) -> DbResult<Vec<Practice>> {
        let rows = sqlx::query(
            "SELECT p.id, r.content FROM practices p \
             JOIN revisions r ON r.practice_id = p.id AND r.n = p.published_rev \
             WHERE p.status = 'published' AND ($1 IS NULL OR p.id > $1) \
             ORDER BY p.id LIMIT $2",
        )
        .bind(after)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                decode(
                    &r.try_get::<String, _>("id")?,
                    &r.try_get::<String, _>("content")?,
                )
            })
            .collect()
    }

    /// Hands every published practice to `each`, a page of `page` at a time,
    /// in id order; how many.
    pub async fn published(
        &self,
        page: i64,
        mut each: impl FnMut(Vec<Practice>),
    ) -> DbResult<usize> {
        let mut after: Option<String> = None;
        let mut n = 0;
        loop {
            let batch = self.published_page(after.as_deref(), page.max(1)).await?;
            let Some(last) = batch.last() else {
                return Ok(n);
            };
            after = Some(last.id.clone());
            n += batch.len();
            each(batch);
        }
    }

    /// The public changes after `seq`, oldest first, at most `limit`.
    pub async fn changes_since(&self, seq: i64, limit: i64) -> DbResult<Vec<LoggedChange>> {
        let rows = sqlx::query(
            "SELECT seq, practice_id, kind, revision, at FROM changes WHERE seq > $1 \
             ORDER BY seq LIMIT $2",
        )
        .bind(seq)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(LoggedChange {
                    seq: r.try_get("seq")?,
                    id: r.try_get("practice_id")?,
                    kind: match r.try_get::<String, _>("kind")?.as_str() {
                        "put" => ChangeKind::Put,
                        _ => ChangeKind::Remove,
                    },
                    revision: r.try_get::<Option<i64>, _>("revision")?.map(Version),
                    at: r.try_get("at")?,
                })
            })
            .collect()
    }

    /// Whether a practice with this id was public once and has been archived
    /// (the practice pages answer 410 Gone for it, not 404).
    pub async fn is_archived(&self, id: &str) -> DbResult<bool> {
        // Archived and once public (a `put` in the log of public changes): a
        // draft or submission archived before publication stays unknown.
        let row = sqlx::query(
            "SELECT status FROM practices p WHERE id = $1 AND EXISTS \
             (SELECT 1 FROM changes c WHERE c.practice_id = p.id AND c.kind = 'put')",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        Ok(match row {
            Some(r) => r.try_get::<String, _>("status")? == Status::Archived.slug(),
            None => false,
        })
    }

    /// The last sequence number of the log of public changes (0 when empty).
    pub async fn last_change(&self) -> DbResult<i64> {
        Ok(
            sqlx::query("SELECT CAST(COALESCE(MAX(seq), 0) AS BIGINT) AS n FROM changes")
                .fetch_one(self.pool())
                .await?
                .try_get("n")?,
        )
    }
}
