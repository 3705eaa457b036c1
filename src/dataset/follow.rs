//! A node following the store's log of public changes: every committed
//! publish, edit and archive, whichever node (or the importer) wrote it,
//! reaches this node's read path through [`Follower`], in log order, once.
//!
//! The follower keeps the number of the last change it applied. It reads
//! the log after that number when PostgreSQL notifies a commit (`LISTEN` on
//! [`crate::db::CHANGES_CHANNEL`], on a connection of its own), when this
//! node wrote (its writers wait for it, see [`Follower::wait_for`]), and
//! every [`FollowConfig::poll`] whatever happens (the fallback when the
//! listening connection is lost: notifications sent meanwhile are not
//! replayed by PostgreSQL, the log is). After a lost connection or a
//! restarted server it reads on from its own number: nothing is lost, and
//! nothing is applied twice (a number is applied once, in order). The log
//! numbers commit in order (see [`crate::db`]'s `log_change`), so reading
//! "after n" never skips a change that commits later.
//!
//! On SQLite (one process) there is no notification: the same follower
//! polls, and the node's own writes wake it at once.

use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::{Notify, watch};

use crate::db::{DbError, PublicChange, Store};
use crate::live::{Change, Live};

/// Changes read from the log per query.
const BATCH: i64 = 1_000;

/// How long a readiness check waits for the store's head number.
const HEAD_TIMEOUT: Duration = Duration::from_millis(500);

/// How often the follower reads the log without being told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FollowConfig {
    /// The polling fallback's period.
    pub poll: Duration,
    /// A node behind the log for longer than this is not ready (readiness
    /// answers 503, so a load balancer takes it out).
    pub max_lag: Duration,
}

impl Default for FollowConfig {
    fn default() -> FollowConfig {
        FollowConfig {
            poll: Duration::from_millis(500),
            max_lag: Duration::from_secs(5),
        }
    }
}

/// How far behind the log a node is, for its readiness answer.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedStatus {
    /// The number of the last change applied to this node's read path.
    pub applied: i64,
    /// The last number in the store's log, as last read.
    pub head: i64,
    /// Changes committed and not applied here yet.
    pub lag_changes: i64,
    /// How long this node has been behind the log (0 when it is not).
    pub lag: Duration,
    /// Whether a listening connection receives notifications (PostgreSQL).
    pub listening: bool,
    /// Time since the store last answered the follower (`None`: never).
    pub since_contact: Option<Duration>,
    /// The last error reading the log, while it lasts.
    pub error: Option<String>,
    /// Whether the node is ready: not behind for longer than the limit.
    pub ready: bool,
    /// The limit.
    pub max_lag: Duration,
}

/// Follows the store's log into a [`Live`] read path: cheap to clone.
#[derive(Clone)]
pub struct Follower(Arc<Shared>);

struct Shared {
    store: Store,
    live: Live,
    config: FollowConfig,
    /// The last number applied; writers wait on it.
    applied: watch::Sender<i64>,
    /// The last head number read from the store.
    head: AtomicI64,
    times: Mutex<Times>,
    listening: AtomicBool,
    /// Wakes the follower (a notification, or this node wrote).
    kick: Notify,
    /// One catch-up at a time.
    catching_up: tokio::sync::Mutex<()>,
}

#[derive(Default)]
struct Times {
    /// Since when the node knows it is behind the head.
    behind_since: Option<Instant>,
    /// When the store last answered.
    contact: Option<Instant>,
    /// The last error, until a read succeeds.
    error: Option<String>,
}

impl Follower {
    /// Starts following the log after `applied` (the number the read path
    /// already holds: read before its dataset was loaded) on the current
    /// tokio runtime: a task that reads the log, and on PostgreSQL one that
    /// listens for notifications.
    pub fn start(store: Store, live: Live, applied: i64, config: FollowConfig) -> Follower {
        let follower = Follower(Arc::new(Shared {
            store,
            live,
            config,
            applied: watch::Sender::new(applied),
            head: AtomicI64::new(applied),
            times: Mutex::new(Times::default()),
            listening: AtomicBool::new(false),
            kick: Notify::new(),
            catching_up: tokio::sync::Mutex::new(()),
        }));
        tokio::spawn(follower.clone().reading());
        tokio::spawn(follower.clone().listening());
        follower
    }

    fn times(&self) -> std::sync::MutexGuard<'_, Times> {
        self.0.times.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The number of the last change applied here.
    pub fn applied(&self) -> i64 {
        *self.0.applied.borrow()
    }

    /// Wakes the follower and waits until the change numbered `seq` is
    /// applied here (a writer reading its own write on this node), at most
    /// `within`; whether it was.
    pub async fn wait_for(&self, seq: i64, within: Duration) -> bool {
        self.0.kick.notify_one();
        let mut rx = self.0.applied.subscribe();
        matches!(
            tokio::time::timeout(within, rx.wait_for(|a| *a >= seq)).await,
            Ok(Ok(_))
        )
    }

    /// Reads the log now and applies what is new; how many changes.
    pub async fn catch_up(&self) -> Result<usize, DbError> {
        let _one = self.0.catching_up.lock().await;
        let result = self.read_on().await;
        let mut t = self.times();
        match &result {
            Ok(_) => {
                t.contact = Some(Instant::now());
                t.error = None;
                if self.applied() >= self.0.head.load(Ordering::Acquire) {
                    t.behind_since = None;
                }
            }
            Err(e) => {
                t.error = Some(e.to_string());
                if self.applied() < self.0.head.load(Ordering::Acquire) {
                    t.behind_since.get_or_insert_with(Instant::now);
                }
            }
        }
        result
    }

    async fn read_on(&self) -> Result<usize, DbError> {
        let head = self.0.store.last_change().await?;
        self.note_head(head);
        let mut done = 0;
        loop {
            let from = self.applied();
            if from >= head {
                return Ok(done);
            }
            let batch = self.0.store.feed_since(from, BATCH).await?;
            let Some(last) = batch.last().map(|c| c.seq) else {
                return Ok(done);
            };
            done += batch.len();
            let live = self.0.live.clone();
            tokio::task::spawn_blocking(move || apply(&live, batch))
                .await
                .map_err(|e| DbError::Corrupt {
                    what: format!("changes {}..={last}", from + 1),
                    why: format!("the read path failed applying them: {e}"),
                })?;
            self.0.applied.send_replace(last);
        }
    }

    /// Notes the store's head number: a node that sees itself behind starts
    /// its lag clock.
    fn note_head(&self, head: i64) {
        self.0.head.fetch_max(head, Ordering::AcqRel);
        let mut t = self.times();
        t.contact = Some(Instant::now());
        if head > self.applied() {
            t.behind_since.get_or_insert_with(Instant::now);
        }
    }

    /// How far behind this node is: the store's head is asked again (within
    /// half a second; the last one known otherwise). A node that cannot
    /// reach the store stays ready with what it has (reads go on during a
    /// database restart); one that knows it is behind for longer than the
    /// limit is not.
    pub async fn status(&self) -> FeedStatus {
        if let Ok(Ok(head)) = tokio::time::timeout(HEAD_TIMEOUT, self.0.store.last_change()).await {
            self.note_head(head);
        }
        let applied = self.applied();
        let head = self.0.head.load(Ordering::Acquire).max(applied);
        let t = self.times();
        let lag = match t.behind_since {
            Some(since) if head > applied => since.elapsed(),
            _ => Duration::ZERO,
        };
        FeedStatus {
            applied,
            head,
            lag_changes: head - applied,
            lag,
            listening: self.0.listening.load(Ordering::Acquire),
            since_contact: t.contact.map(|c| c.elapsed()),
            error: t.error.clone(),
            ready: lag <= self.0.config.max_lag,
            max_lag: self.0.config.max_lag,
        }
    }

    /// The reading task: catches up at start, then at every notification,
    /// write of this node, or poll period.
    async fn reading(self) {
        loop {
            let t = Instant::now();
            match self.catch_up().await {
                Ok(n) if n >= 100 => tracing::info!(
                    changes = n,
                    applied = self.applied(),
                    ms = t.elapsed().as_millis() as u64,
                    "caught up with the log of changes"
                ),
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = %e, applied = self.applied(), "reading the log of changes failed; trying again")
                }
            }
            tokio::select! {
                () = self.0.kick.notified() => {}
                () = tokio::time::sleep(self.0.config.poll) => {}
            }
        }
    }

    /// The listening task (PostgreSQL): every notification, and every lost
    /// connection (notifications may have been missed), wakes the reader.
    async fn listening(self) {
        loop {
            match self.0.store.change_listener().await {
                Ok(None) => return,
                Ok(Some(mut listener)) => {
                    self.0.listening.store(true, Ordering::Release);
                    tracing::info!("listening for committed changes");
                    self.0.kick.notify_one();
                    loop {
                        match listener.next().await {
                            Ok(Some(_)) => self.0.kick.notify_one(),
                            Ok(None) => {
                                tracing::warn!(
                                    "the listening connection was lost; reading the log"
                                );
                                self.0.kick.notify_one();
                            }
                            Err(e) => {
                                tracing::warn!(error = %e, "listening for changes failed");
                                break;
                            }
                        }
                    }
                    self.0.listening.store(false, Ordering::Release);
                    self.0.kick.notify_one();
                }
                Err(e) => tracing::warn!(error = %e, "cannot listen for changes; polling"),
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }
}

/// Lays a batch of logged changes over the read path, by the log's order
/// rule ([`Live::apply_logged_batch`]). The store checked each record before
/// committing it; one refused by the read path anyway is logged and passed
/// over, not the batch with it.
fn apply(live: &Live, batch: Vec<crate::db::FeedChange>) {
    let changes: Vec<(i64, Change)> = batch
        .into_iter()
        .map(|c| {
            let change = match c.change {
                PublicChange::Put(p) => Change::Put(*p),
                PublicChange::Remove(id) => Change::Remove(id),
            };
            (c.seq, change)
        })
        .collect();
    if live.apply_logged_batch(changes.clone()).is_ok() {
        return;
    }
    for (seq, change) in changes {
        if let Err(e) = live.apply_logged(seq, change) {
            tracing::error!(seq, error = %e, "a logged change was refused by the read path");
        }
    }
}
