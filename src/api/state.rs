//! The state every handler shares: the current snapshot, the operator's
//! settings and the gazetteer.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use arc_swap::ArcSwap;
use tokio::sync::Semaphore;

use crate::config::ServeArgs;
use crate::gazetteer::Gazetteer;
use crate::query::Snapshot;

/// Settings the API needs from the operator.
#[derive(Debug, Clone)]
pub struct ApiConfig {
    /// Publish named contact persons' phones and e-mails.
    pub publish_personal: bool,
    /// Tile URL template for the page ("" for the offline base layer).
    pub tile_url: String,
    /// Tile attribution (HTML).
    pub tile_attribution: String,
    /// Folder of the map page.
    pub static_dir: PathBuf,
    /// Time limit for one request.
    pub request_timeout: Duration,
    /// Build absolute links from `X-Forwarded-Host`/`-Proto` (only behind a
    /// proxy that sets them); otherwise from `Host` alone.
    pub trust_forwarded: bool,
    /// Full downloads (`.geojson`, `.csv`) served at once; more wait for 503.
    pub max_downloads: usize,
}

impl ApiConfig {
    /// The configuration from `serve`'s arguments.
    pub fn from_args(a: &ServeArgs) -> ApiConfig {
        ApiConfig {
            publish_personal: a.publish_personal,
            tile_url: if a.tile_url.eq_ignore_ascii_case("none") {
                String::new()
            } else {
                a.tile_url.clone()
            },
            tile_attribution: a.tile_attribution.clone(),
            static_dir: a.static_dir.clone(),
            request_timeout: Duration::from_secs(a.request_timeout_secs.max(1)),
            trust_forwarded: a.trust_forwarded,
            max_downloads: a.max_downloads.max(1),
        }
    }
}

/// Shared state of every handler: one reference-counted pointer, as axum
/// clones it for every request (one atomic count, not one per member).
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// What [`AppState`] points to.
pub struct Shared {
    /// The current dataset snapshot.
    pub snapshot: Arc<ArcSwap<Snapshot>>,
    /// Operator settings.
    pub config: Arc<ApiConfig>,
    /// The gazetteer.
    pub gazetteer: &'static Gazetteer,
    /// Permits for full downloads running at once.
    pub downloads: Arc<Semaphore>,
    /// Values derived from the whole snapshot (the OGC collection's
    /// extent), computed once per snapshot.
    pub derived: Arc<Derived>,
}

/// A value derived from the whole snapshot, computed on first use and kept
/// until the snapshot is replaced (it is keyed by the snapshot's version).
pub struct PerSnapshot<T> {
    slot: Mutex<Option<(u64, Arc<T>)>>,
}

impl<T> Default for PerSnapshot<T> {
    fn default() -> Self {
        PerSnapshot {
            slot: Mutex::new(None),
        }
    }
}

impl<T> PerSnapshot<T> {
    /// The value for `snapshot`: the kept one if it was computed from this
    /// snapshot's version, else `compute`'s, which is then kept.
    pub fn get(&self, snapshot: &Snapshot, compute: impl FnOnce(&Snapshot) -> T) -> Arc<T> {
        let version = snapshot.version();
        let mut slot = self.slot.lock().unwrap_or_else(|e| e.into_inner());
        match &*slot {
            Some((v, value)) if *v == version => value.clone(),
            _ => {
                let value = Arc::new(compute(snapshot));
                *slot = Some((version, value.clone()));
                value
            }
        }
    }
}

/// Values derived from the whole snapshot, one of each type, each computed
/// once per snapshot version ([`PerSnapshot`]).
#[derive(Default)]
pub struct Derived {
    values: Mutex<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>,
}

impl Derived {
    /// The value of type `T` for `snapshot`, computed by `compute` when the
    /// snapshot is new.
    pub fn get<T: Send + Sync + 'static>(
        &self,
        snapshot: &Snapshot,
        compute: impl FnOnce(&Snapshot) -> T,
    ) -> Arc<T> {
        let slot = {
            let mut all = self.values.lock().unwrap_or_else(|e| e.into_inner());
            all.entry(TypeId::of::<T>())
                .or_insert_with(|| Arc::new(PerSnapshot::<T>::default()))
                .clone()
        };
        slot.downcast_ref::<PerSnapshot<T>>()
            .expect("a slot holds the values of its type")
            .get(snapshot, compute)
    }
}

impl AppState {
    /// State over a snapshot.
    pub fn new(snapshot: Snapshot, config: ApiConfig, gazetteer: &'static Gazetteer) -> AppState {
        AppState(Arc::new(Shared {
            snapshot: Arc::new(ArcSwap::from_pointee(snapshot)),
            downloads: Arc::new(Semaphore::new(config.max_downloads.max(1))),
            config: Arc::new(config),
            gazetteer,
            derived: Arc::default(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_snapshot_values_are_computed_once_per_version() {
        let cache = PerSnapshot::<usize>::default();
        let one = Snapshot::with_version(Vec::new(), 1);
        let two = Snapshot::with_version(Vec::new(), 2);
        let mut calls = 0;
        let mut count = |s: &Snapshot| {
            calls += 1;
            s.version() as usize
        };
        assert_eq!(*cache.get(&one, &mut count), 1);
        assert_eq!(*cache.get(&one, &mut count), 1);
        assert_eq!(*cache.get(&two, &mut count), 2);
        assert_eq!(*cache.get(&two, &mut count), 2);
        assert_eq!(calls, 2);
    }

    #[test]
    fn derived_values_are_kept_per_type() {
        let derived = Derived::default();
        let one = Snapshot::with_version(Vec::new(), 1);
        assert_eq!(*derived.get(&one, |s| s.version()), 1);
        assert_eq!(*derived.get(&one, |_| 7_u64), 1, "kept for the snapshot");
        assert_eq!(*derived.get(&one, |_| "a string"), "a string");
        let two = Snapshot::with_version(Vec::new(), 2);
        assert_eq!(*derived.get(&two, |s| s.version()), 2);
    }
}
