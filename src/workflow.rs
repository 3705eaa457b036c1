//! Who may do what to a practice, and what state it is in afterwards: roles,
//! statuses, review actions, the transition table and the permission rule.
//! Pure: no I/O, no SQL; the database (the `db` module) asks it before every
//! write and stores what it answers.
//!
//! A practice moves draft → submitted → published → archived, with changes
//! requested (a comment) and rejected on the way. An edit of a published
//! practice is a *pending revision*: the public version stays until an editor
//! publishes the revision; the pending revision has its own status
//! (submitted or changes requested).
//!
//! | action            | from                                   | to                 | who                                   |
//! |-------------------|----------------------------------------|--------------------|---------------------------------------|
//! | submit            | draft, changes requested               | submitted          | its author; an editor                 |
//! | publish           | submitted, archived (draft: editor)    | published          | an editor                             |
//! | request changes   | submitted                              | changes requested  | an editor                             |
//! | reject            | submitted, changes requested           | rejected           | an editor                             |
//! | archive           | anything but archived                  | archived           | an editor; its author before publishing |
//!
//! The same actions apply to a pending revision (then "published" means the
//! revision becomes the public version, "rejected" that it is dropped, and
//! archive is not one of them).

use serde::{Deserialize, Serialize};

/// An account's number in the store.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(transparent)]
pub struct AccountId(pub i64);

impl std::fmt::Display for AccountId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// What an account may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Submits practices, edits its own drafts; proposes changes to published
    /// practices that are its own or in its units.
    Contributor,
    /// Reviews, publishes, edits any practice.
    Editor,
    /// All an editor may, plus accounts.
    Admin,
}

impl Role {
    /// Every role, least rights first.
    pub const ALL: [Role; 3] = [Role::Contributor, Role::Editor, Role::Admin];

    /// The stable name (`contributor`, `editor`, `admin`).
    pub fn slug(self) -> &'static str {
        match self {
            Role::Contributor => "contributor",
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }

    /// The role of a name, `None` for an unknown one.
    pub fn from_slug(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.slug() == s)
    }

    /// Whether this role reviews and publishes (editor or admin).
    pub fn reviews(self) -> bool {
        matches!(self, Role::Editor | Role::Admin)
    }
}

/// Where a practice (or a pending revision) is in the workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = PracticeStatus)]
pub enum Status {
    /// Being written by its author; seen only by the author and editors.
    Draft,
    /// Waiting for an editor.
    Submitted,
    /// Sent back to the author with a comment.
    ChangesRequested,
    /// The public version.
    Published,
    /// Refused with a comment.
    Rejected,
    /// Withdrawn from the public (the public DELETE).
    Archived,
}

impl Status {
    /// Every status, in workflow order.
    pub const ALL: [Status; 6] = [
        Status::Draft,
        Status::Submitted,
        Status::ChangesRequested,
        Status::Published,
        Status::Rejected,
        Status::Archived,
    ];

    /// The stable name (`draft`, `submitted`, `changes_requested`, ...).
    pub fn slug(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Submitted => "submitted",
            Status::ChangesRequested => "changes_requested",
            Status::Published => "published",
            Status::Rejected => "rejected",
            Status::Archived => "archived",
        }
    }

    /// The status of a name, `None` for an unknown one.
    pub fn from_slug(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|x| x.slug() == s)
    }

    /// The Polish label the page shows.
    pub fn label_pl(self) -> &'static str {
        match self {
            Status::Draft => "szkic",
            Status::Submitted => "czeka na redakcję",
            Status::ChangesRequested => "do poprawy",
            Status::Published => "opublikowana",
            Status::Rejected => "odrzucona",
            Status::Archived => "zarchiwizowana",
        }
    }

    /// Whether the author may still change the content as a draft.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Status::Draft | Status::Submitted | Status::ChangesRequested
        )
    }
}

/// A review action on a practice or its pending revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// Send a draft (or a revision sent back) for review.
    Submit,
    /// Make the submission (or the pending revision) the public version.
    Publish,
    /// Send it back to the author with a comment.
    RequestChanges {
        /// What to change.
        comment: String,
    },
    /// Refuse it with a comment.
    Reject {
        /// Why.
        comment: String,
    },
    /// Withdraw it from the public (the public DELETE).
    Archive,
}

impl Action {
    /// The stable name (`submit`, `publish`, `request_changes`, `reject`, `archive`).
    pub fn slug(&self) -> &'static str {
        match self {
            Action::Submit => "submit",
            Action::Publish => "publish",
            Action::RequestChanges { .. } => "request_changes",
            Action::Reject { .. } => "reject",
            Action::Archive => "archive",
        }
    }

    /// The reviewer's comment, for the actions that carry one.
    pub fn comment(&self) -> Option<&str> {
        match self {
            Action::RequestChanges { comment } | Action::Reject { comment } => Some(comment),
            _ => None,
        }
    }
}

/// What a create or an edit asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Intent {
    /// Keep it as a draft (a new practice) or pending (an edit of a published one).
    Draft,
    /// Send it for review.
    Submit,
    /// Publish at once (editors only).
    Publish,
}

/// Someone signed in: an account, its role and the units it is tied to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// The account.
    pub account: AccountId,
    /// Its role.
    pub role: Role,
    /// TERYT codes of the units it is tied to (a voivodeship of 2 digits, a
    /// powiat of 4, a gmina of 6 or 7); empty for none.
    pub units: Vec<String>,
}

/// Who does something: a person, or the system (the command line's import
/// and seed, attributed as "system").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Actor {
    /// A signed-in account.
    Person(Person),
    /// The operator's command line.
    System,
}

impl Actor {
    /// The account, `None` for the system.
    pub fn account(&self) -> Option<AccountId> {
        match self {
            Actor::Person(p) => Some(p.account),
            Actor::System => None,
        }
    }

    /// Whether this actor reviews (an editor, an admin, the system).
    pub fn reviews(&self) -> bool {
        match self {
            Actor::Person(p) => p.role.reviews(),
            Actor::System => true,
        }
    }

    /// Whether this actor manages accounts (an admin, the system).
    pub fn administers(&self) -> bool {
        match self {
            Actor::Person(p) => p.role == Role::Admin,
            Actor::System => true,
        }
    }

    /// Whether this actor is the account `who`.
    fn is(&self, who: Option<AccountId>) -> bool {
        who.is_some() && self.account() == who
    }
}

/// A pending revision of a published practice, as the rule sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pending {
    /// Submitted or changes requested.
    pub status: Status,
    /// Who proposed it (`None`: the importer).
    pub author: Option<AccountId>,
}

/// The state of a practice as the permission rule sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subject<'a> {
    /// The practice's status.
    pub status: Status,
    /// Who created it (`None`: the importer or the seed).
    pub owner: Option<AccountId>,
    /// The pending revision of a published practice, if any.
    pub pending: Option<Pending>,
    /// The most precise TERYT code of the practice's place (its gmina, else
    /// its powiat, else its voivodeship), when placed.
    pub teryt: Option<&'a str>,
}

/// Why something is not allowed; the edge answers 403 with it (or 404 where
/// the actor may not even see the practice, see [`may_see`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{why}")]
pub struct Denied {
    /// What rule refused it, in words.
    pub why: &'static str,
}

fn denied(why: &'static str) -> Denied {
    Denied { why }
}

/// A unit code as stored: digits only, 2 (voivodeship), 4 (powiat), 6 or 7
/// (gmina; a 7th digit, TERYT's type of gmina, is dropped, since the
/// gazetteer's gmina codes are the first six).
pub fn unit_code(code: &str) -> Result<String, &'static str> {
    let code = code.trim();
    if !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err("a TERYT code has only digits");
    }
    match code.len() {
        2 | 4 | 6 => Ok(code.to_string()),
        7 => Ok(code[..6].to_string()),
        _ => Err("a TERYT code has 2 digits (voivodeship), 4 (powiat) or 6–7 (gmina)"),
    }
}

/// Whether a practice placed at `teryt` (its most precise code) lies in one
/// of `units` (codes as [`unit_code`] gives them).
pub fn in_units(units: &[String], teryt: Option<&str>) -> bool {
    teryt.is_some_and(|t| {
        units
            .iter()
            .any(|u| !u.is_empty() && t.starts_with(u.as_str()))
    })
}

/// Whether `actor` may see the practice at all (else the answer is 404, not
/// 403: another's draft does not exist for them). Published practices are
/// public; the rest only for editors and their author.
pub fn may_see(actor: &Actor, s: &Subject) -> bool {
    actor.reviews()
        || s.status == Status::Published
        || actor.is(s.owner)
        || s.pending.is_some_and(|p| actor.is(p.author))
}

/// Whether `actor` may see the pending revision (and reviewers' comments on
/// it): editors and its author.
pub fn may_see_pending(actor: &Actor, s: &Subject) -> bool {
    s.pending
        .is_some_and(|p| actor.reviews() || actor.is(p.author))
}

/// Whether `actor` may see reviewers' comments and the working content of a
/// practice that is not published: editors and its author.
pub fn may_see_working(actor: &Actor, s: &Subject) -> bool {
    actor.reviews() || actor.is(s.owner)
}

/// Whether `actor` may propose a change to a published practice: editors,
/// its author, the author of its pending revision, and contributors tied
/// to its units.
fn may_propose(actor: &Actor, s: &Subject) -> bool {
    match actor {
        Actor::System => true,
        Actor::Person(p) => {
            p.role.reviews()
                || actor.is(s.owner)
                || s.pending.is_some_and(|pending| actor.is(pending.author))
                || in_units(&p.units, s.teryt)
        }
    }
}

/// Whether `actor` may create a practice with `intent`: anyone signed in may
/// write a draft or submit; only editors publish.
pub fn may_create(actor: &Actor, intent: Intent) -> Result<(), Denied> {
    if intent == Intent::Publish && !actor.reviews() {
        return Err(denied("only an editor may publish"));
    }
    Ok(())
}

/// What an allowed edit does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditOutcome {
    /// The working content (a draft, a submission) changes, the practice
    /// takes this status.
    Working(Status),
    /// A pending revision of the published practice, with this status.
    Pending(Status),
    /// A new public version at once.
    Publish,
}

/// Whether `actor` may edit the practice with `intent`, and what it does.
///
/// - A draft, a submission or one sent back: its author (contributors: not
///   to publish) or an editor; it keeps its status unless `intent` says to
///   submit (or, for an editor, publish).
/// - A published practice: its author, a contributor of its units or an
///   editor propose a pending revision (an editor publishes it at once with
///   `Intent::Publish`); a pending revision of someone else's is in the way
///   of everyone but editors.
/// - Rejected or archived: only editors (a pending revision for an archived
///   one is meaningless, so editors' edits then work on the content itself).
pub fn may_edit(actor: &Actor, s: &Subject, intent: Intent) -> Result<EditOutcome, Denied> {
    may_create(actor, intent)?;
    if !may_see(actor, s) {
        return Err(denied("not yours to edit"));
    }
    match s.status {
        Status::Published => {
            if !may_propose(actor, s) {
                return Err(denied(
                    "only its author, an editor or a contributor of its unit may change it",
                ));
            }
            if s.pending
                .is_some_and(|p| !actor.reviews() && !actor.is(p.author))
            {
                return Err(denied(
                    "a change by someone else waits for review; an editor decides it first",
                ));
            }
            Ok(match intent {
                Intent::Publish => EditOutcome::Publish,
                Intent::Submit => EditOutcome::Pending(Status::Submitted),
                Intent::Draft => EditOutcome::Pending(
                    s.pending
                        .map(|p| p.status)
                        .filter(|_| actor.reviews())
                        .unwrap_or(Status::Submitted),
                ),
            })
        }
        st if st.is_open() => {
            if !actor.reviews() && !actor.is(s.owner) {
                return Err(denied("only its author or an editor may change it"));
            }
            Ok(match intent {
                Intent::Publish => EditOutcome::Publish,
                Intent::Submit => EditOutcome::Working(Status::Submitted),
                Intent::Draft => EditOutcome::Working(st),
            })
        }
        _ => {
            if !actor.reviews() {
                return Err(denied(
                    "rejected and archived practices are changed by editors",
                ));
            }
            Ok(match intent {
                Intent::Publish => EditOutcome::Publish,
                Intent::Submit => EditOutcome::Working(Status::Submitted),
                Intent::Draft => EditOutcome::Working(Status::Draft),
            })
        }
    }
}

/// What an allowed action does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The practice takes this status.
    Practice(Status),
    /// The pending revision takes this status (`Published`: it becomes the
    /// public version; `Rejected`: it is dropped).
    Pending(Status),
}

/// The transition table: the status `action` leads to from `from`, `None`
/// when it does not apply there.
pub fn transition(action: &Action, from: Status) -> Option<Status> {
    use Status::*;
    match (action, from) {
        (Action::Submit, Draft | ChangesRequested) => Some(Submitted),
        (Action::Publish, Submitted | Draft | ChangesRequested | Archived) => Some(Published),
        (Action::RequestChanges { .. }, Submitted) => Some(ChangesRequested),
        (Action::Reject { .. }, Submitted | ChangesRequested) => Some(Rejected),
        (Action::Archive, Draft | Submitted | ChangesRequested | Published | Rejected) => {
            Some(Archived)
        }
        _ => None,
    }
}

/// Whether `actor` may take `action` on the practice, and what it does.
///
/// On a published practice with a pending revision, submit, publish,
/// request changes and reject act on the revision; archive acts on the
/// practice. Comments must not be empty.
pub fn may(actor: &Actor, action: &Action, s: &Subject) -> Result<Outcome, Denied> {
    if !may_see(actor, s) {
        return Err(denied("not yours to see"));
    }
    if action.comment().is_some_and(|c| c.trim().is_empty()) {
        return Err(denied("a comment saying why is required"));
    }
    let on_pending = s.status == Status::Published && !matches!(action, Action::Archive);
    if on_pending {
        let Some(p) = s.pending else {
            return Err(denied("nothing waits for review here"));
        };
        let to = transition(action, p.status)
            .filter(|&t| t != Status::Archived)
            .ok_or(denied("not possible in this status"))?;
        let author_submits = matches!(action, Action::Submit) && actor.is(p.author);
        if !actor.reviews() && !author_submits {
            return Err(denied("only an editor may review"));
        }
        return Ok(Outcome::Pending(to));
    }
    let to = transition(action, s.status).ok_or(denied("not possible in this status"))?;
    if actor.reviews() {
        return Ok(Outcome::Practice(to));
    }
    let own = actor.is(s.owner);
    match action {
        Action::Submit if own => Ok(Outcome::Practice(to)),
        Action::Archive if own && s.status != Status::Published => Ok(Outcome::Practice(to)),
        Action::Archive => Err(denied("only an editor may archive a published practice")),
        Action::Submit => Err(denied("only its author or an editor may submit it")),
        _ => Err(denied("only an editor may review")),
    }
}

#[cfg(test)]
mod tests;
