//! Practices through the workflow: create, edit, review actions, what one
//! actor sees, history, one revision, restore. Each write is one transaction
//! (see the module above).

use sqlx::any::AnyRow;
use sqlx::{Any, AnyConnection, Row, Transaction};

use super::rows::{HISTORY_SELECT, content, history_row, status_of};
use super::types::*;
use super::{DbError, DbResult, Store, invalid, not_found, now, opt_account};
use crate::practice::Practice;
use crate::workflow::{
    self, AccountId, Action, Actor, EditOutcome, Intent, Outcome, Pending, Status, Subject,
};

/// A practice's row: its workflow state.
#[derive(Debug, Clone)]
pub(super) struct State {
    pub id: String,
    pub status: Status,
    pub owner: Option<AccountId>,
    pub head: i64,
    pub published_rev: Option<i64>,
    pub pending_rev: Option<i64>,
    pub pending_status: Option<Status>,
    pub pending_author: Option<AccountId>,
    pub import_rev: Option<i64>,
    pub doubts: Vec<String>,
    pub teryt: Option<String>,
}

impl State {
    pub fn subject(&self) -> Subject<'_> {
        Subject {
            status: self.status,
            owner: self.owner,
            pending: self.pending_rev.map(|_| Pending {
                status: self.pending_status.unwrap_or(Status::Submitted),
                author: self.pending_author,
            }),
            teryt: self.teryt.as_deref(),
        }
    }

    /// Whether `v` still addresses the current content: the head revision,
    /// or the public one when nothing is pending over it (review actions
    /// after it did not change the content readers and their ETags saw).
    pub(super) fn fresh(&self, v: Version) -> bool {
        v.0 == self.head || (self.pending_rev.is_none() && self.published_rev == Some(v.0))
    }

    /// The working revision: the pending one, else the head.
    fn working(&self) -> i64 {
        self.pending_rev.unwrap_or(self.head)
    }
}

pub(super) const STATE_COLUMNS: &str = "id, status, owner_id, head, published_rev, pending_rev, \
     pending_status, pending_author, import_rev, doubts, teryt";

pub(super) fn state_row(r: &AnyRow) -> DbResult<State> {
    let id: String = r.try_get("id")?;
    let status = status_of(&r.try_get::<String, _>("status")?, &id)?;
    let pending_status = match r.try_get::<Option<String>, _>("pending_status")? {
        Some(s) => Some(status_of(&s, &id)?),
        None => None,
    };
    let doubts = match r.try_get::<Option<String>, _>("doubts")? {
        Some(s) => serde_json::from_str(&s).map_err(|e| DbError::Corrupt {
            what: format!("practice {id}"),
            why: format!("doubts: {e}"),
        })?,
        None => Vec::new(),
    };
    Ok(State {
        status,
        owner: opt_account(r, "owner_id")?,
        head: r.try_get("head")?,
        published_rev: r.try_get("published_rev")?,
        pending_rev: r.try_get("pending_rev")?,
        pending_status,
        pending_author: opt_account(r, "pending_author")?,
        import_rev: r.try_get("import_rev")?,
        doubts,
        teryt: r.try_get("teryt")?,
        id,
    })
}

/// The practice's state, `None` when there is no such practice.
pub(super) async fn state(conn: &mut AnyConnection, id: &str) -> DbResult<Option<State>> {
    sqlx::query(&format!(
        "SELECT {STATE_COLUMNS} FROM practices WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await?
    .as_ref()
    .map(state_row)
    .transpose()
}

pub(super) fn encode(p: &Practice) -> String {
    serde_json::to_string(p).expect("a practice serialises")
}

/// The names of the record's fields that differ between two versions.
pub(super) fn changed_fields(before: Option<&Practice>, after: &Practice) -> Vec<String> {
    let after = serde_json::to_value(after).expect("a practice serialises");
    let before = before.map(|b| serde_json::to_value(b).expect("a practice serialises"));
    let (Some(serde_json::Value::Object(b)), serde_json::Value::Object(a)) = (&before, &after)
    else {
        return match &after {
            serde_json::Value::Object(a) => a.keys().cloned().collect(),
            _ => Vec::new(),
        };
    };
    a.iter()
        .filter(|(k, v)| b.get(*k) != Some(*v))
        .map(|(k, _)| k.clone())
        .collect()
}

/// The most precise TERYT code of a record's place.
pub(super) fn teryt_of(p: &Practice) -> Option<String> {
    let a = &p.admin;
    a.gmina
        .as_ref()
        .or(a.powiat.as_ref())
        .or(a.voivodeship.as_ref())
        .map(|r| r.teryt.to_string())
}

/// Checks what a record must hold to be stored.
pub(super) fn check(p: &Practice) -> DbResult<()> {
    let id = p.id.as_str();
    if id.is_empty() || id.len() > 200 {
        return Err(invalid("id", "required, at most 200 bytes"));
    }
    if id
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '/')
    {
        return Err(invalid(
            "id",
            format!("{id:?} must not hold spaces, control characters or '/'"),
        ));
    }
    if let Some(field) = field_with_nul(&serde_json::to_value(p).expect("a practice serialises")) {
        return Err(invalid(&field, "holds a NUL character"));
    }
    if p.title.trim().is_empty() {
        return Err(invalid("title", "required"));
    }
    if p.source.trim().is_empty() {
        return Err(invalid("source", "required"));
    }
    if let Some(l) = p.location {
        if !(-180.0..=180.0).contains(&l.lon) || !l.lon.is_finite() {
            return Err(invalid("lon", format!("{} is outside -180..180", l.lon)));
        }
        if !(-90.0..=90.0).contains(&l.lat) || !l.lat.is_finite() {
            return Err(invalid("lat", format!("{} is outside -90..90", l.lat)));
        }
        if !(0.0..=1.0).contains(&l.score) {
            return Err(invalid("score", format!("{} is outside 0..1", l.score)));
        }
    }
    Ok(())
}

/// The first field of a record (a JSON value) whose text holds a NUL,
/// which neither backend stores as text.
fn field_with_nul(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => s.contains('\0').then(String::new),
        serde_json::Value::Array(a) => a.iter().find_map(field_with_nul),
        serde_json::Value::Object(o) => o.iter().find_map(|(k, v)| {
            field_with_nul(v).map(|inner| {
                if inner.is_empty() {
                    k.clone()
                } else {
                    format!("{k}.{inner}")
                }
            })
        }),
        _ => None,
    }
}

/// A new revision row.
pub(super) struct NewRevision<'a> {
    pub kind: RevisionKind,
    pub status: Status,
    pub pending: bool,
    pub actor: &'a Actor,
    pub at: &'a str,
    pub changed: &'a [String],
    pub comment: Option<&'a str>,
    pub content: &'a str,
}

pub(super) async fn insert_revision(
    conn: &mut AnyConnection,
    id: &str,
    n: i64,
    r: &NewRevision<'_>,
) -> DbResult<()> {
    let label = match (r.actor, r.kind) {
        (Actor::System, RevisionKind::Import) => "import",
        (Actor::System, _) => "system",
        (Actor::Person(_), _) => "account",
    };
    sqlx::query(
        "INSERT INTO revisions (practice_id, n, kind, status, pending, author_id, author_label, \
         at, changed, comment, content) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(id)
    .bind(n)
    .bind(r.kind.slug())
    .bind(r.status.slug())
    .bind(i64::from(r.pending))
    .bind(r.actor.account().map(|a| a.0))
    .bind(label)
    .bind(r.at)
    .bind(serde_json::to_string(r.changed).expect("strings serialise"))
    .bind(r.comment)
    .bind(r.content)
    .execute(conn)
    .await?;
    Ok(())
}

/// Appends to the log of public changes; answers the change's place there
/// (`seq`). Written after the practice's row in the same transaction, so of
/// two committed changes of one practice the later commit has the larger seq.
/// On PostgreSQL the row is numbered under a lock held until the commit, so
/// numbers are committed in order (a follower reading "after n" never skips
/// a number that commits later), and a notification carrying the number is
/// sent on [`super::CHANGES_CHANNEL`] when the transaction commits. SQLite
/// takes the write lock at `BEGIN IMMEDIATE`, which orders commits already.
/// Each write calls this last before its commit, so the lock is held briefly.
pub(super) async fn log_change(
    conn: &mut AnyConnection,
    id: &str,
    kind: ChangeKind,
    revision: Option<i64>,
    at: &str,
) -> DbResult<i64> {
    let kind = match kind {
        ChangeKind::Put => "put",
        ChangeKind::Remove => "remove",
    };
    let postgres = conn.backend_name() == "PostgreSQL";
    if postgres {
        sqlx::query("SELECT CAST(pg_advisory_xact_lock($1) AS TEXT) AS locked")
            .bind(super::CHANGES_LOCK)
            .fetch_one(&mut *conn)
            .await?;
    }
    let seq: i64 = sqlx::query(
        "INSERT INTO changes (practice_id, kind, revision, at) VALUES ($1, $2, $3, $4) \
         RETURNING CAST(seq AS BIGINT) AS seq",
    )
    .bind(id)
    .bind(kind)
    .bind(revision)
    .bind(at)
    .fetch_one(&mut *conn)
    .await?
    .try_get("seq")?;
    if postgres {
        sqlx::query("SELECT CAST(pg_notify($1, $2) AS TEXT) AS sent")
            .bind(super::CHANGES_CHANNEL)
            .bind(seq.to_string())
            .fetch_one(&mut *conn)
            .await?;
    }
    Ok(seq)
}

/// A practice's row as parameters `$1`–`$14` (in [`STATE_WRITE`]'s order).
fn state_query<'q>(
    sql: &'q str,
    s: &'q State,
    latest: &'q Practice,
    at: &'q str,
) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>> {
    let doubts = (!s.doubts.is_empty())
        .then(|| serde_json::to_string(&s.doubts).expect("strings serialise"));
    sqlx::query(sql)
        .bind(s.status.slug())
        .bind(s.owner.map(|a| a.0))
        .bind(s.head)
        .bind(s.published_rev)
        .bind(s.pending_rev)
        .bind(s.pending_status.map(|p| p.slug()))
        .bind(s.pending_author.map(|a| a.0))
        .bind(s.import_rev)
        .bind(doubts)
        .bind(&latest.title)
        .bind(latest.area.slug())
        .bind(teryt_of(latest))
        .bind(at)
        .bind(&s.id)
}

/// The columns [`state_query`] binds, in order.
const STATE_WRITE: &str = "status, owner_id, head, published_rev, pending_rev, pending_status, \
     pending_author, import_rev, doubts, title, area, teryt, updated_at, id";

/// Writes a practice's state back, moving `head` from `expected_head` only
/// (so two writers of the same practice cannot both win).
pub(super) async fn save_state(
    conn: &mut AnyConnection,
    s: &State,
    expected_head: i64,
    latest: &Practice,
    at: &str,
) -> DbResult<()> {
    let sql = format!(
        "UPDATE practices SET ({STATE_WRITE}) = ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
         $11, $12, $13, $14) WHERE id = $14 AND head = $15"
    );
    let done = state_query(&sql, s, latest, at)
        .bind(expected_head)
        .execute(conn)
        .await?;
    if done.rows_affected() == 0 {
        return Err(DbError::Conflict {
            given: Version(expected_head),
            current: Version(expected_head + 1),
        });
    }
    Ok(())
}

/// Inserts a new practice's row (its first revision follows); `false` when
/// the id is taken.
pub(super) async fn insert_state(
    conn: &mut AnyConnection,
    s: &State,
    latest: &Practice,
    at: &str,
) -> DbResult<bool> {
    let sql = format!(
        "INSERT INTO practices ({STATE_WRITE}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, \
         $10, $11, $12, $13, $14) ON CONFLICT (id) DO NOTHING"
    );
    let done = state_query(&sql, s, latest, at).execute(conn).await?;
    Ok(done.rows_affected() == 1)
}

impl Store {
    /// Creates a practice: a draft, a submission, or (editors) published at
    /// once. Its id must be new (`Duplicate` otherwise).
    pub async fn create(
        &self,
        actor: &Actor,
        practice: Practice,
        intent: Intent,
    ) -> DbResult<Written> {
        workflow::may_create(actor, intent)?;
        check(&practice)?;
        let status = match intent {
            Intent::Draft => Status::Draft,
            Intent::Submit => Status::Submitted,
            Intent::Publish => Status::Published,
        };
        let published = status == Status::Published;
        let state = State {
            id: practice.id.clone(),
            status,
            owner: actor.account(),
            head: 1,
            published_rev: published.then_some(1),
            pending_rev: None,
            pending_status: None,
            pending_author: None,
            import_rev: None,
            doubts: Vec::new(),
            teryt: teryt_of(&practice),
        };
        let at = now();
        let json = encode(&practice);
        let mut tx = self.write_tx().await?;
        if !insert_state(&mut tx, &state, &practice, &at).await? {
            return Err(DbError::Duplicate {
                what: format!("practice {}", practice.id),
            });
        }
        let changed = changed_fields(None, &practice);
        let rev = NewRevision {
            kind: RevisionKind::Create,
            status,
            pending: false,
            actor,
            at: &at,
            changed: &changed,
            comment: None,
            content: &json,
        };
        insert_revision(&mut tx, &practice.id, 1, &rev).await?;
        let public = if published {
            let seq = log_change(&mut tx, &practice.id, ChangeKind::Put, Some(1), &at).await?;
            Some((seq, PublicChange::Put(Box::new(practice.clone()))))
        } else {
            None
        };
        self.finish(tx, actor, &practice.id, public).await
    }

    /// Commits a write and answers what it did.
    pub(super) async fn finish(
        &self,
        tx: Transaction<'static, Any>,
        actor: &Actor,
        id: &str,
        public: Option<(i64, PublicChange)>,
    ) -> DbResult<Written> {
        tx.commit().await?;
        let entry = self.entry(actor, id).await?;
        let (seq, public) = public.unzip();
        Ok(Written { entry, public, seq })
    }

    /// Edits a practice's content; `if_match` is the version the editor
    /// started from (stale → `Conflict`). A draft or submission changes in
    /// place; a published practice gets a pending revision (the public
    /// version stays) unless an editor publishes with `Intent::Publish`.
    pub async fn edit(
        &self,
        actor: &Actor,
        id: &str,
        practice: Practice,
        if_match: Version,
        intent: Intent,
    ) -> DbResult<Written> {
        if practice.id != id {
            return Err(invalid(
                "id",
                format!("the record's id {:?} is not {id:?}", practice.id),
            ));
        }
        check(&practice)?;
        let mut tx = self.write_tx().await?;
        let s = self.visible_state(&mut tx, actor, id).await?;
        if !s.fresh(if_match) {
            return Err(DbError::Conflict {
                given: if_match,
                current: Version(s.head),
            });
        }
        let outcome = workflow::may_edit(actor, &s.subject(), intent)?;
        let kind = RevisionKind::Edit;
        self.write_content(tx, actor, s, practice, outcome, kind)
            .await
    }

    /// Stores new content as `outcome` says, as the next revision.
    pub(super) async fn write_content(
        &self,
        mut tx: Transaction<'static, Any>,
        actor: &Actor,
        mut s: State,
        practice: Practice,
        outcome: EditOutcome,
        kind: RevisionKind,
    ) -> DbResult<Written> {
        let at = now();
        let base = match outcome {
            EditOutcome::Pending(_) | EditOutcome::Publish => s.published_rev.unwrap_or(s.head),
            EditOutcome::Working(_) => s.working(),
        };
        let before = content(&mut tx, &s.id, base).await?;
        let changed = changed_fields(Some(&before), &practice);
        let n = s.head + 1;
        let expected = s.head;
        let (status, pending) = match outcome {
            EditOutcome::Working(st) => {
                s.status = st;
                (st, false)
            }
            EditOutcome::Pending(st) => {
                s.pending_rev = Some(n);
                s.pending_status = Some(st);
                if s.pending_author.is_none() || !actor.reviews() {
                    s.pending_author = actor.account();
                }
                (st, true)
            }
            EditOutcome::Publish => {
                s.status = Status::Published;
                s.published_rev = Some(n);
                s.pending_rev = None;
                s.pending_status = None;
                s.pending_author = None;
                (Status::Published, false)
            }
        };
        s.head = n;
        if kind == RevisionKind::Import {
            s.import_rev = Some(n);
        }
        let json = encode(&practice);
        let rev = NewRevision {
            kind,
            status,
            pending,
            actor,
            at: &at,
            changed: &changed,
            comment: None,
            content: &json,
        };
        // The row first: of two writers of one version, the second waits
        // for the first's commit on it and then finds the version stale (a
        // conflict), rather than a duplicate revision number.
        let latest = if pending { &before } else { &practice };
        save_state(&mut tx, &s, expected, latest, &at).await?;
        insert_revision(&mut tx, &s.id, n, &rev).await?;
        let public = if outcome == EditOutcome::Publish {
            let seq = log_change(&mut tx, &s.id, ChangeKind::Put, Some(n), &at).await?;
            Some((seq, PublicChange::Put(Box::new(practice))))
        } else {
            None
        };
        self.finish(tx, actor, &s.id, public).await
    }

    /// The state of a practice the actor may see; `NotFound` otherwise.
    pub(super) async fn visible_state(
        &self,
        conn: &mut AnyConnection,
        actor: &Actor,
        id: &str,
    ) -> DbResult<State> {
        match state(conn, id).await? {
            Some(s) if workflow::may_see(actor, &s.subject()) => Ok(s),
            _ => Err(not_found(format!("practice {id}"))),
        }
    }

    /// Takes a review action (submit, publish, request changes, reject,
    /// archive); `if_match`, when given, must be current.
    pub async fn act(
        &self,
        actor: &Actor,
        id: &str,
        action: Action,
        if_match: Option<Version>,
    ) -> DbResult<Written> {
        let mut tx = self.write_tx().await?;
        let mut s = self.visible_state(&mut tx, actor, id).await?;
        if let Some(v) = if_match.filter(|&v| !s.fresh(v)) {
            return Err(DbError::Conflict {
                given: v,
                current: Version(s.head),
            });
        }
        let outcome = workflow::may(actor, &action, &s.subject())?;
        let at = now();
        let n = s.head + 1;
        let expected = s.head;
        let mut public = None;
        let (status, pending, subject_rev) = match outcome {
            Outcome::Practice(to) => {
                let was_public = s.status == Status::Published;
                s.status = to;
                let subject_rev = if was_public {
                    s.published_rev.unwrap_or(s.head)
                } else {
                    s.head
                };
                if to == Status::Published {
                    s.published_rev = Some(n);
                } else if to == Status::Archived {
                    s.pending_rev = None;
                    s.pending_status = None;
                    s.pending_author = None;
                }
                if was_public && to != Status::Published {
                    public = Some(PublicChange::Remove(id.to_string()));
                }
                (to, false, subject_rev)
            }
            Outcome::Pending(to) => {
                let subject_rev = s.pending_rev.expect("the rule acts on a pending revision");
                match to {
                    Status::Published => {
                        s.published_rev = Some(n);
                        s.pending_rev = None;
                        s.pending_status = None;
                        s.pending_author = None;
                    }
                    Status::Rejected => {
                        s.pending_rev = None;
                        s.pending_status = None;
                        s.pending_author = None;
                    }
                    other => s.pending_status = Some(other),
                }
                (to, true, subject_rev)
            }
        };
        let subject = content(&mut tx, id, subject_rev).await?;
        if status == Status::Published {
            public = Some(PublicChange::Put(Box::new(subject.clone())));
        }
        // A pending revision sent back keeps being the working one: the
        // review revision carries its content and becomes the pending one.
        if pending && s.pending_rev.is_some() {
            s.pending_rev = Some(n);
        }
        s.head = n;
        let json = encode(&subject);
        let rev = NewRevision {
            kind: RevisionKind::Review,
            status,
            pending,
            actor,
            at: &at,
            changed: &[],
            comment: action.comment(),
            content: &json,
        };
        // The listed title and place stay the public version's while a
        // pending revision is reviewed.
        let latest = match s.published_rev {
            Some(p) if pending && p != n => content(&mut tx, id, p).await?,
            _ => subject.clone(),
        };
        // The row before the revision, as in `edit`: a concurrent writer of
        // the same version gets a conflict.
        save_state(&mut tx, &s, expected, &latest, &at).await?;
        insert_revision(&mut tx, id, n, &rev).await?;
        let public = match public {
            Some(c @ PublicChange::Put(_)) => Some((
                log_change(&mut tx, id, ChangeKind::Put, Some(n), &at).await?,
                c,
            )),
            Some(c @ PublicChange::Remove(_)) => Some((
                log_change(&mut tx, id, ChangeKind::Remove, None, &at).await?,
                c,
            )),
            None => None,
        };
        self.finish(tx, actor, id, public).await
    }

    /// The practice as `actor` may see it; `NotFound` when it may not see it.
    pub async fn entry(&self, actor: &Actor, id: &str) -> DbResult<Entry> {
        let mut conn = self.pool().acquire().await?;
        let s = self.visible_state(&mut conn, actor, id).await?;
        let subject = s.subject();
        let sees_pending = workflow::may_see_pending(actor, &subject);
        let sees_working = workflow::may_see_working(actor, &subject);
        let shown = if sees_pending {
            s.pending_rev.unwrap_or(s.head)
        } else if s.status == Status::Published {
            s.published_rev.unwrap_or(s.head)
        } else {
            s.head
        };
        let practice = content(&mut conn, id, shown).await?;
        let pending = match s.pending_rev.filter(|_| sees_pending) {
            Some(n) => {
                let r = sqlx::query(&format!("{HISTORY_SELECT} AND r.n = $2"))
                    .bind(id)
                    .bind(n)
                    .fetch_one(&mut *conn)
                    .await?;
                let h = history_row(&r, id)?;
                let public = match s.published_rev {
                    Some(p) => Some(content(&mut conn, id, p).await?),
                    None => None,
                };
                Some(PendingSummary {
                    revision: Version(n),
                    status: s.pending_status.unwrap_or(Status::Submitted),
                    author: s.pending_author,
                    author_name: h.author_name,
                    at: h.at,
                    changed: changed_fields(public.as_ref(), &practice),
                })
            }
            None => None,
        };
        let comments = if sees_working || sees_pending {
            let rows = sqlx::query(&format!(
                "{HISTORY_SELECT} AND r.comment IS NOT NULL ORDER BY r.n"
            ))
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
            rows.iter()
                .map(|r| {
                    let h = history_row(r, id)?;
                    Ok(Comment {
                        revision: h.revision,
                        author_name: h.author_name,
                        at: h.at,
                        status: h.status,
                        text: h.comment.unwrap_or_default(),
                    })
                })
                .collect::<DbResult<_>>()?
        } else {
            Vec::new()
        };
        Ok(Entry {
            practice,
            status: s.status,
            version: Version(if sees_pending || sees_working {
                s.head
            } else {
                shown
            }),
            public_version: s
                .published_rev
                .filter(|_| s.status == Status::Published)
                .map(Version),
            pending,
            owner: s.owner,
            comments,
            doubts: if actor.reviews() {
                s.doubts.clone()
            } else {
                Vec::new()
            },
        })
    }
}
