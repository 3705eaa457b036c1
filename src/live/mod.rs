//! Published changes on the read path, without a full rebuild: the served
//! [`View`] is the base snapshot with an overlay of changed records laid over
//! it; [`Live::apply`] makes a new overlay (its cost grows with the overlay,
//! which the merge keeps small, not with the dataset) and swaps the view in,
//! so the next request sees it. A merge folds the overlay into a new base
//! snapshot (records, rows, R-tree, grid, prepared features) off the request
//! path, when the overlay grows past [`MergePolicy::max_overlay`] or after
//! [`MergePolicy::quiet`] without changes; readers keep the old view until
//! the swap. A full reload of the dataset ([`Live::replace_base`]) drops
//! the overlay.
//!
//! Writers call [`Live::apply`] with the records as published; the records
//! go through the same builder as a snapshot's (the public view of contact
//! data and personal prose included), so nothing unpublished is answered.

mod view;

use std::collections::HashMap;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::{Duration, Instant};

use arc_swap::{ArcSwap, Guard};

use crate::practice::Practice;
use crate::snapshot::{Snapshot, SnapshotBuilder};
pub use view::View;
use view::{Entry, Overlay};

/// One published change.
// A change is made once and moved into `apply`: a boxed record would cost an
// allocation for nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// A whole published record: new, or replacing the one with its id.
    /// Its coordinates and admin chain are the writer's to set.
    Put(Practice),
    /// The practice with this id leaves public answers (archived or
    /// unpublished); nothing happens when none is public.
    Remove(String),
}

/// A change that cannot be laid over the dataset; nothing of its batch was.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ChangeError {
    /// A record without an id.
    #[error("change {index}: a practice without an id")]
    NoId {
        /// Its place in the batch.
        index: usize,
    },
    /// A record whose position cannot be held.
    #[error(
        "change {index} (practice {id}): position {lon}, {lat} is not a longitude -180..180 and a latitude -90..90"
    )]
    Position {
        /// Its place in the batch.
        index: usize,
        /// The practice.
        id: String,
        /// Its longitude.
        lon: f64,
        /// Its latitude.
        lat: f64,
    },
}

/// What an apply did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Applied {
    /// Records put (new or replacing).
    pub put: usize,
    /// Practices taken out of public answers.
    pub removed: usize,
    /// Removals of practices that were not public.
    pub absent: usize,
}

/// When the overlay is folded into a new base snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MergePolicy {
    /// Merge once the overlay holds this many changed practices.
    pub max_overlay: usize,
    /// Merge a non-empty overlay once no change came for this long.
    pub quiet: Duration,
}

impl Default for MergePolicy {
    fn default() -> MergePolicy {
        MergePolicy {
            max_overlay: 1024,
            quiet: Duration::from_secs(5),
        }
    }
}

/// What one merge did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Merged {
    /// Practices in the new base.
    pub practices: usize,
    /// Changes laid over it again (applied while it was built).
    pub replayed: usize,
    /// Time to build the new base.
    pub build: Duration,
}

/// The served dataset and the changes published over it: cheap to clone
/// (one shared pointer).
#[derive(Clone)]
pub struct Live(Arc<Inner>);

struct Inner {
    view: ArcSwap<View>,
    writer: Mutex<Writer>,
    publish_personal: bool,
    policy: MergePolicy,
    /// Wakes the merging thread (started on the first apply).
    wake: Mutex<Option<Sender<()>>>,
}

/// What only writers touch, one at a time.
#[derive(Default)]
struct Writer {
    /// The changes applied since the base in service was made, in order:
    /// replayed over a merged base for those that came during its build.
    log: Vec<Change>,
    /// Applies so far, mixed into each view's version.
    generation: u64,
    /// Whether the base or the overlay holds changes the loaded dataset does not.
    edited: bool,
    /// Per practice, the place in the store's log of public changes of the
    /// last change laid over it by [`Live::apply_logged`].
    applied_seq: HashMap<String, i64>,
}

impl Live {
    /// The live dataset over a snapshot, with people's data published or
    /// withheld as `publish_personal` says (as the snapshot was built), and
    /// the default merge policy.
    pub fn new(base: Snapshot, publish_personal: bool) -> Live {
        Live::with_policy(base, publish_personal, MergePolicy::default())
    }

    /// [`Live::new`] with a merge policy.
    pub fn with_policy(base: Snapshot, publish_personal: bool, policy: MergePolicy) -> Live {
        Live(Arc::new(Inner {
            view: ArcSwap::from_pointee(View::of(Arc::new(base))),
            writer: Mutex::new(Writer::default()),
            publish_personal,
            policy,
            wake: Mutex::new(None),
        }))
    }

    /// The view answers read now: a cheap guard, held for one request.
    pub fn current(&self) -> Guard<Arc<View>> {
        self.0.view.load()
    }

    /// The view answers read now, to keep beyond one request (a download).
    pub fn current_full(&self) -> Arc<View> {
        self.0.view.load_full()
    }

    /// The base snapshot in service.
    pub fn base(&self) -> Arc<Snapshot> {
        self.0.view.load().base().clone()
    }

    fn writer(&self) -> MutexGuard<'_, Writer> {
        self.0.writer.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Lays published changes over the dataset, in order; visible to every
    /// request that starts after this returns. The cost grows with the
    /// overlay (kept below [`MergePolicy::max_overlay`] by the merge), not
    /// with the dataset. A batch with a bad record changes nothing.
    pub fn apply(&self, changes: impl IntoIterator<Item = Change>) -> Result<Applied, ChangeError> {
        let changes: Vec<Change> = changes.into_iter().collect();
        check(&changes)?;
        let mut w = self.writer();
        let applied = self.apply_locked(&mut w, changes);
        drop(w);
        self.wake_merger();
        Ok(applied)
    }

    /// Lays one change from the store's log of public changes (`seq` is its
    /// place there, in commit order) over the dataset, unless a later change
    /// of the same practice was laid already: two writers' calls can arrive
    /// here in another order than their commits, and the read path must end
    /// at the last committed version, never an older one. `None` when the
    /// change was older and so left out.
    pub fn apply_logged(&self, seq: i64, change: Change) -> Result<Option<Applied>, ChangeError> {
        let changes = vec![change];
        check(&changes)?;
        let id = match &changes[0] {
            Change::Put(p) => p.id.clone(),
            Change::Remove(id) => id.clone(),
        };
        let mut w = self.writer();
        if w.applied_seq.get(&id).is_some_and(|&done| done >= seq) {
            return Ok(None);
        }
        w.applied_seq.insert(id, seq);
        let applied = self.apply_locked(&mut w, changes);
        drop(w);
        self.wake_merger();
        Ok(Some(applied))
    }

    /// [`Live::apply_logged`] for a batch read from the log, in one new
    /// overlay: each change whose practice had a later one laid already is
    /// left out. A batch with a bad record changes nothing; how many changes
    /// were laid.
    pub fn apply_logged_batch(&self, changes: Vec<(i64, Change)>) -> Result<usize, ChangeError> {
        let (seqs, changes): (Vec<i64>, Vec<Change>) = changes.into_iter().unzip();
        check(&changes)?;
        let mut w = self.writer();
        let mut keep = Vec::with_capacity(changes.len());
        for (seq, change) in seqs.into_iter().zip(changes) {
            let id = match &change {
                Change::Put(p) => &p.id,
                Change::Remove(id) => id,
            };
            if w.applied_seq.get(id).is_some_and(|&done| done >= seq) {
                continue;
            }
            w.applied_seq.insert(id.clone(), seq);
            keep.push(change);
        }
        let n = keep.len();
        if n > 0 {
            self.apply_locked(&mut w, keep);
        }
        drop(w);
        if n > 0 {
            self.wake_merger();
        }
        Ok(n)
    }

    /// [`Live::apply`]'s work, under the writers' lock; the caller wakes the
    /// merger after releasing it.
    fn apply_locked(&self, w: &mut Writer, changes: Vec<Change>) -> Applied {
        let current = self.0.view.load_full();
        let (overlay, applied) = next_overlay(
            current.base(),
            current.overlay().map(|o| &**o),
            &changes,
            self.0.publish_personal,
        );
        w.generation += 1;
        w.edited = true;
        w.log.extend(changes);
        let version = mixed(current.base().version(), w.generation);
        let view = View::with_overlay(current.base().clone(), Some(Arc::new(overlay)), version);
        self.0.view.store(Arc::new(view));
        applied
    }

    /// Tells the merging thread of a change (starting it on the first).
    fn wake_merger(&self) {
        let mut wake = self.0.wake.lock().unwrap_or_else(|e| e.into_inner());
        if wake.as_ref().is_some_and(|tx| tx.send(()).is_ok()) {
            return;
        }
        let (tx, rx) = mpsc::channel::<()>();
        let weak = Arc::downgrade(&self.0);
        let quiet = self.0.policy.quiet;
        let started = std::thread::Builder::new()
            .name("overlay-merge".into())
            .spawn(move || merging(weak, rx, quiet));
        match started {
            Ok(_) => {
                let _ = tx.send(());
                *wake = Some(tx);
            }
            Err(e) => tracing::error!(error = %e, "the overlay's merging thread did not start"),
        }
    }

    /// Folds the overlay into a new base snapshot now (the merging thread
    /// does this by itself; tests and benchmarks call it). `None` when there
    /// was nothing to merge, or the base was replaced during the build.
    pub fn merge_now(&self) -> Option<Merged> {
        let (view, start) = {
            let w = self.writer();
            let view = self.0.view.load_full();
            view.overlay()?;
            (view, w.log.len())
        };
        let t = Instant::now();
        let mut b = SnapshotBuilder::with_capacity(view.len(), 0)
            .publishing_personal(self.0.publish_personal);
        for p in view.practices() {
            b.push(&p);
        }
        let (base, _) = b
            .finish(view.version())
            .expect("a builder in memory does not fail");
        let build = t.elapsed();
        let base = Arc::new(base);
        let mut w = self.writer();
        let now = self.0.view.load_full();
        if !Arc::ptr_eq(now.base(), view.base()) {
            return None;
        }
        let start = start.min(w.log.len());
        w.log.drain(..start);
        let replayed = w.log.len();
        let next = if w.log.is_empty() {
            View::of(base)
        } else {
            let (o, _) = next_overlay(&base, None, &w.log, self.0.publish_personal);
            View::with_overlay(base, Some(Arc::new(o)), now.version())
        };
        let practices = next.base().len();
        self.0.view.store(Arc::new(next));
        drop(w);
        tracing::info!(
            practices,
            replayed,
            ms = build.as_millis() as u64,
            "published changes merged into a new snapshot"
        );
        Some(Merged {
            practices,
            replayed,
            build,
        })
    }

    /// Serves a newly loaded dataset (a full reload), dropping the overlay:
    /// the dataset read holds what is published.
    pub fn replace_base(&self, base: Snapshot) {
        let mut w = self.writer();
        w.log.clear();
        w.edited = false;
        self.0.view.store(Arc::new(View::of(Arc::new(base))));
    }

    /// Serves the same dataset from other storage (`same` over its snapshot
    /// file), keeping the overlay, when `old` is still the base in service;
    /// returns whether it was.
    pub fn swap_storage(&self, old: &Arc<Snapshot>, same: Snapshot) -> bool {
        let _w = self.writer();
        let now = self.0.view.load_full();
        if !Arc::ptr_eq(now.base(), old) || same.len() != old.len() {
            return false;
        }
        let view = View::with_overlay(Arc::new(same), now.overlay().cloned(), now.version());
        self.0.view.store(Arc::new(view));
        true
    }

    /// Whether changes were applied since the dataset was loaded (then the
    /// base is no longer the loaded file's and must not be saved as its
    /// snapshot file).
    pub fn edited(&self) -> bool {
        self.writer().edited
    }
}

/// The merging thread: merges after a change leaves the overlay at its
/// limit, or once no change came for `quiet`; ends with the [`Live`].
fn merging(live: Weak<Inner>, wake: mpsc::Receiver<()>, quiet: Duration) {
    loop {
        let woken = match wake.recv_timeout(quiet) {
            Ok(()) => true,
            Err(RecvTimeoutError::Timeout) => false,
            Err(RecvTimeoutError::Disconnected) => return,
        };
        let Some(inner) = live.upgrade() else { return };
        let len = inner.view.load().overlay_len();
        let due = if woken {
            len >= inner.policy.max_overlay
        } else {
            len > 0
        };
        if due {
            Live(inner).merge_now();
        }
    }
}

/// Every record of a batch can be held: an id, a position in range.
fn check(changes: &[Change]) -> Result<(), ChangeError> {
    for (index, c) in changes.iter().enumerate() {
        let Change::Put(p) = c else { continue };
        if p.id.trim().is_empty() {
            return Err(ChangeError::NoId { index });
        }
        if let Some((lon, lat)) = p.lon_lat() {
            let fits = (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat);
            if !fits {
                return Err(ChangeError::Position {
                    index,
                    id: p.id.clone(),
                    lon,
                    lat,
                });
            }
        }
    }
    Ok(())
}

/// A view's version from its base's and the apply that made it.
fn mixed(base: u64, generation: u64) -> u64 {
    xxhash_rust::xxh3::xxh3_64_with_seed(&generation.to_le_bytes(), base)
}

/// The overlay after `changes` over `base` and `before` (the overlay in
/// service, if any): the changed ids, the shadowed rows and the snapshot of
/// the records put, made anew from them.
fn next_overlay(
    base: &Snapshot,
    before: Option<&Overlay>,
    changes: &[Change],
    publish_personal: bool,
) -> (Overlay, Applied) {
    let n = base.len() as u64;
    let mut changed: HashMap<String, Entry> = before.map(|o| o.changed.clone()).unwrap_or_default();
    let mut next_key = before.map_or(n, |o| o.next_key);
    let mut new_key = || {
        next_key += 1;
        next_key - 1
    };
    let mut applied = Applied::default();
    for c in changes {
        match c {
            Change::Put(p) => {
                applied.put += 1;
                let record = Some(Arc::new(p.clone()));
                let entry = match changed.get(&p.id) {
                    // Replacing a record put before: in its place.
                    Some(e) if e.put.is_some() => Entry { put: record, ..*e },
                    // Back after a removal: a new practice, after the others.
                    Some(e) => Entry {
                        key: new_key(),
                        put: record,
                        ..*e
                    },
                    None => match base.index_of(&p.id) {
                        Some(b) => Entry {
                            base: Some(b),
                            key: u64::from(b),
                            put: record,
                        },
                        None => Entry {
                            base: None,
                            key: new_key(),
                            put: record,
                        },
                    },
                };
                changed.insert(p.id.clone(), entry);
            }
            Change::Remove(id) => {
                let entry: Option<Entry> = match changed.get(id) {
                    Some(e) if e.put.is_some() => Some(Entry { put: None, ..*e }),
                    Some(_) => None,
                    None => base.index_of(id).map(|b| Entry {
                        base: Some(b),
                        key: u64::from(b),
                        put: None,
                    }),
                };
                match entry {
                    None => applied.absent += 1,
                    // A new practice taken out again: as if never put.
                    Some(Entry { base: None, .. }) => {
                        applied.removed += 1;
                        changed.remove(id);
                    }
                    Some(e) => {
                        applied.removed += 1;
                        changed.insert(id.clone(), e);
                    }
                }
            }
        }
    }
    let mut shadowed = vec![0u64; base.len().div_ceil(64)];
    let mut shadowed_ids = Vec::new();
    let mut puts: Vec<(u64, &Practice)> = Vec::new();
    for e in changed.values() {
        if let Some(b) = e.base {
            shadowed[(b / 64) as usize] |= 1 << (b % 64);
            shadowed_ids.push(b);
        }
        if let Some(p) = &e.put {
            puts.push((e.key, p));
        }
    }
    shadowed_ids.sort_unstable();
    puts.sort_unstable_by_key(|(k, _)| *k);
    let mut b = SnapshotBuilder::with_capacity(puts.len(), 0).publishing_personal(publish_personal);
    for (_, p) in &puts {
        b.push(p);
    }
    let (records, _) = b.finish(0).expect("a builder in memory does not fail");
    let keys = puts.iter().map(|(k, _)| *k).collect();
    let overlay = Overlay {
        changed,
        records,
        keys,
        shadowed,
        shadowed_ids,
        next_key,
    };
    (overlay, applied)
}

#[cfg(test)]
mod tests;
