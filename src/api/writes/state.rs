//! The state of the write endpoints: the read side's [`AppState`], the store
//! of record (none when a CSV is served read-only: every write endpoint then
//! answers 403 `read_only`), and the sign-in throttle.

use std::sync::Arc;

use crate::api::error::ApiError;
use crate::api::state::AppState;
use crate::auth::throttle::Throttle;
use crate::db::{PublicChange, Store};
use crate::live::Change;

/// How long a write's answer waits for its change to be applied here.
const PUBLISH_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// What every write handler gets.
#[derive(Clone)]
pub struct EditState {
    /// The read side: the snapshot, the settings, the gazetteer.
    pub app: AppState,
    /// The store of record; `None` when a CSV is served read-only.
    store: Option<Store>,
    /// Sign-in attempts per address and account.
    pub throttle: Arc<Throttle>,
}

impl EditState {
    /// The write state over `app` and `store`, with the default throttle.
    pub fn new(app: AppState, store: Option<Store>) -> EditState {
        EditState {
            app,
            store,
            throttle: Arc::new(Throttle::default()),
        }
    }

    /// The store of record, or 403 `read_only` when the service serves a CSV.
    pub fn store(&self) -> Result<&Store, ApiError> {
        self.store.as_ref().ok_or_else(|| ApiError::Forbidden {
            code: "read_only",
            message: "this service serves a CSV read-only (serve --data); accounts and writes \
need the store of record (serve without --data, or with --database)"
                .into(),
        })
    }

    /// Whether writes are taken.
    pub fn writable(&self) -> bool {
        self.store.is_some()
    }

    /// After a committed write whose public version changed: the read path
    /// learns it. The ONE call site through which writes reach the public
    /// answers (list, detail, OGC, clusters, counts, downloads).
    /// Changes reach the read path in commit order (the log's `seq`): when
    /// two writes of one practice return in the other order, the older one
    /// is left out, so the last committed version is the one answered.
    /// A node that follows the store's log (`serve`) applies the change from
    /// the log, as every other node does, and this waits until it has (the
    /// writer then reads its write here); without a follower it is applied
    /// now.
    pub async fn publish(&self, seq: Option<i64>, change: Option<PublicChange>) {
        let (Some(seq), Some(change)) = (seq, change) else {
            return;
        };
        if let Some(follower) = self.app.follower.get() {
            if !follower.wait_for(seq, PUBLISH_WAIT).await {
                tracing::warn!(
                    seq,
                    "a committed change is not applied here yet; the follower goes on reading the log"
                );
            }
            return;
        }
        let change = match change {
            PublicChange::Put(p) => Change::Put(*p),
            PublicChange::Remove(id) => Change::Remove(id),
        };
        // The store validated the record before committing it; a refusal here
        // would mean the two rules disagree, so it is logged loudly (the
        // change reaches readers at the next start from the store).
        match self.app.live.apply_logged(seq, change) {
            Ok(Some(_)) => {}
            Ok(None) => tracing::debug!(seq, "a change older than one applied was left out"),
            Err(e) => {
                tracing::error!(error = %e, "a committed change was refused by the read path")
            }
        }
    }
}
