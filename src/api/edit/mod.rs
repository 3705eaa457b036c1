//! `/api`'s editing side, for signed-in accounts: signing in and out, the
//! account, its API tokens, a practice's entry, review actions, history,
//! restore, the review queue and the account's own submissions.

/// `POST /api/import/read`: the importer's reading of a page, for the form.
pub mod reading;
/// Review: entries, actions, history, revisions, restore, queue, mine.
pub mod review;
/// `POST`/`DELETE /api/session`, `GET /api/me`.
pub mod session;
/// The account's API tokens.
pub mod tokens;
