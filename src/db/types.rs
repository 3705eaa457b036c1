//! The values the store hands out: entries, revisions, versions, changes.

use serde::Serialize;

use crate::practice::Practice;
use crate::workflow::{AccountId, Status};

/// A practice's version: the number of the revision a request addressed.
/// Its strong ETag is `"<id>-<n>"` ([`Version::etag`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, utoipa::ToSchema)]
#[serde(transparent)]
pub struct Version(pub i64);

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl Version {
    /// The strong ETag of this version of practice `id`, quoted: `"id-n"`.
    pub fn etag(self, id: &str) -> String {
        format!("\"{id}-{}\"", self.0)
    }

    /// The version an ETag (as [`Version::etag`] writes it) names for
    /// practice `id`; `None` when it is not one of its ETags (a weak one, one
    /// of another practice, garbage).
    pub fn from_etag(id: &str, etag: &str) -> Option<Version> {
        let inner = etag.trim().strip_prefix('"')?.strip_suffix('"')?;
        let n = inner.strip_prefix(id)?.strip_prefix('-')?;
        if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        n.parse().ok().map(Version)
    }
}

/// How a revision came about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RevisionKind {
    /// The practice was created.
    Create,
    /// Someone changed its content.
    Edit,
    /// The importer (or the first seed) wrote it.
    Import,
    /// An earlier revision's content, restored.
    Restore,
    /// A review action (submit, publish, request changes, reject, archive).
    Review,
}

impl RevisionKind {
    /// The stored name.
    pub fn slug(self) -> &'static str {
        match self {
            RevisionKind::Create => "create",
            RevisionKind::Edit => "edit",
            RevisionKind::Import => "import",
            RevisionKind::Restore => "restore",
            RevisionKind::Review => "review",
        }
    }

    /// The kind of a stored name.
    pub fn from_slug(s: &str) -> Option<RevisionKind> {
        [
            RevisionKind::Create,
            RevisionKind::Edit,
            RevisionKind::Import,
            RevisionKind::Restore,
            RevisionKind::Review,
        ]
        .into_iter()
        .find(|k| k.slug() == s)
    }
}

/// What the public read path must learn after a write committed.
#[derive(Debug, Clone, PartialEq)]
pub enum PublicChange {
    /// This practice is now public in this version (new or changed).
    Put(Box<Practice>),
    /// The practice of this id is no longer public.
    Remove(String),
}

/// A pending revision of a published practice, in brief.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PendingSummary {
    /// Its revision number.
    pub revision: Version,
    /// Submitted or changes requested.
    pub status: Status,
    /// Who proposed it (`None`: the importer).
    pub author: Option<AccountId>,
    /// The author's name, or "system".
    pub author_name: String,
    /// When.
    pub at: String,
    /// The fields it changes from the public version.
    pub changed: Vec<String>,
}

/// A reviewer's comment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comment {
    /// The review revision that carries it.
    pub revision: Version,
    /// The reviewer.
    pub author_name: String,
    /// When.
    pub at: String,
    /// What the review did (`changes_requested`, `rejected`).
    pub status: Status,
    /// The comment.
    pub text: String,
}

/// A practice as one actor may see it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    /// The content this actor sees: a pending revision's for its author and
    /// editors, otherwise the public one (or the working one of an
    /// unpublished practice, for its author and editors).
    pub practice: Practice,
    /// The practice's status.
    pub status: Status,
    /// The version of [`Entry::practice`] (its ETag, see [`Version::etag`]).
    pub version: Version,
    /// The public version, while published.
    pub public_version: Option<Version>,
    /// The pending revision, for those who may see it.
    pub pending: Option<PendingSummary>,
    /// Who created it (`None`: the importer or the seed).
    pub owner: Option<AccountId>,
    /// Reviewers' comments, for its author and editors, oldest first.
    pub comments: Vec<Comment>,
    /// The importer's reasons to check it (for editors).
    pub doubts: Vec<String>,
}

/// What a write did: the entry as the writer now sees it, and what the public
/// read path must learn (after the commit).
#[derive(Debug, Clone, PartialEq)]
pub struct Written {
    /// The practice as the writer sees it now.
    pub entry: Entry,
    /// The change of the public version, if any.
    pub public: Option<PublicChange>,
    /// That change's place in the log of public changes (commit order):
    /// the read path lays changes of one practice in this order.
    pub seq: Option<i64>,
}

/// One revision in a practice's history.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct HistoryItem {
    /// Its number (1 first).
    pub revision: Version,
    /// How it came about.
    pub kind: RevisionKind,
    /// The status it gave the practice (or its pending revision).
    pub status: Status,
    /// Whether it is about a pending revision of the published practice.
    pub pending: bool,
    /// The author (`None`: the system).
    pub author: Option<AccountId>,
    /// The author's name, or "system".
    pub author_name: String,
    /// When (RFC 3339, UTC).
    pub at: String,
    /// The fields changed from the revision before it.
    pub changed: Vec<String>,
    /// A reviewer's comment.
    pub comment: Option<String>,
}

/// What waits in the review queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum QueueKind {
    /// A practice submitted for publishing.
    Submission,
    /// A pending revision of a published practice.
    PendingRevision,
}

/// One item of the review queue.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct QueueItem {
    /// The practice.
    pub id: String,
    /// Its title (of the content waiting).
    pub title: String,
    /// Submission or pending revision.
    pub kind: QueueKind,
    /// The revision waiting (its version, for `If-Match`).
    pub revision: Version,
    /// Who sent it.
    pub author_name: String,
    /// When.
    pub at: String,
    /// The fields a pending revision changes.
    pub changed: Vec<String>,
    /// The importer's reasons to check it.
    pub doubts: Vec<String>,
}

/// Whether a practice became public or stopped being public.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// Public in a new version.
    Put,
    /// No longer public.
    Remove,
}

/// One row of the log of public changes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LoggedChange {
    /// Increasing sequence number.
    pub seq: i64,
    /// The practice.
    pub id: String,
    /// Put or remove.
    pub kind: ChangeKind,
    /// The public revision (for put).
    pub revision: Option<Version>,
    /// When.
    pub at: String,
}
