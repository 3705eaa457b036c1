//! The served dataset over time: the first load of the CSV file into a
//! [`Snapshot`], and the watcher that swaps in a new snapshot when the file
//! changes. No HTTP here; the server only holds the swap.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwap;

use crate::query::Snapshot;
use crate::store::StoreError;

/// The dataset file could not be loaded.
#[derive(Debug, thiserror::Error)]
#[error("loading {path}: {source}")]
pub struct LoadError {
    /// The dataset file.
    pub path: PathBuf,
    /// Why.
    #[source]
    pub source: StoreError,
}

/// Loads a dataset file into a snapshot, logging practices without coordinates.
pub fn load_snapshot(path: &Path) -> Result<Snapshot, LoadError> {
    let practices = crate::store::load(path).map_err(|source| LoadError {
        path: path.to_path_buf(),
        source,
    })?;
    let snapshot = Snapshot::new(practices);
    for &i in snapshot.unplaced() {
        let p = snapshot.practice(i);
        tracing::warn!(id = %p.id, title = %p.title, "practice has no coordinates: listed, but not on the map");
    }
    tracing::info!(
        practices = snapshot.practices().len(),
        placed = snapshot.index().len(),
        path = %path.display(),
        "dataset loaded"
    );
    Ok(snapshot)
}

/// Watches the dataset file every `every` and swaps a new snapshot into `slot`
/// when it changes. A file that fails to load is reported and the current
/// snapshot stays. Runs on the current tokio runtime until it stops.
pub fn watch(slot: Arc<ArcSwap<Snapshot>>, path: PathBuf, every: Duration) {
    tokio::spawn(async move {
        let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
        let mut last = modified(&path);
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            let now = modified(&path);
            if now == last {
                continue;
            }
            last = now;
            let p = path.clone();
            match tokio::task::spawn_blocking(move || load_snapshot(&p)).await {
                Ok(Ok(s)) => {
                    slot.store(Arc::new(s));
                    tracing::info!(path = %path.display(), "dataset changed: new snapshot in service");
                }
                Ok(Err(e)) => {
                    tracing::error!(error = %e, "dataset changed but does not load; keeping the previous snapshot")
                }
                Err(e) => tracing::error!(error = %e, "reload task failed"),
            }
        }
    });
}
