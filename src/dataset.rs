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

/// Loads a dataset file into a snapshot (from its snapshot file when that
/// matches the dataset's content), logging practices without coordinates.
pub fn load_snapshot(path: &Path) -> Result<crate::snapshot_file::Loaded, LoadError> {
    let started = std::time::Instant::now();
    let loaded = crate::snapshot_file::load(path).map_err(|source| LoadError {
        path: path.to_path_buf(),
        source,
    })?;
    let snapshot = &loaded.snapshot;
    for &i in snapshot.unplaced() {
        let p = snapshot.practice(i);
        tracing::warn!(id = %p.id, title = %p.title, "practice has no coordinates: listed, but not on the map");
    }
    tracing::info!(
        practices = snapshot.practices().len(),
        placed = snapshot.index().len(),
        path = %path.display(),
        from_snapshot_file = loaded.from_snapshot_file,
        ms = started.elapsed().as_millis() as u64,
        "dataset loaded"
    );
    Ok(loaded)
}

/// Removes the temporary files that interrupted saves of the dataset or of its
/// snapshot file left behind, logging each.
pub fn clean_temp_files(path: &Path) {
    let cleaned = crate::store::clean_temp_files(path).and_then(|mut a| {
        a.extend(crate::store::clean_temp_files(
            &crate::snapshot_file::path_for(path),
        )?);
        Ok(a)
    });
    match cleaned {
        Ok(removed) => {
            for f in removed {
                tracing::warn!(file = %f.display(), "removed a temporary file left by an interrupted save");
            }
        }
        Err(e) => tracing::warn!(error = %e, "could not look for temporary files left by saves"),
    }
}

/// Writes the snapshot file of a dataset just loaded from its CSV, on a
/// blocking thread, so the next start skips the CSV; then serves the snapshot
/// in `slot` from that file, mapped, so its parts leave the heap (unless the
/// slot holds another snapshot by then).
pub fn save_snapshot_file(
    path: PathBuf,
    fingerprint: crate::store::Fingerprint,
    slot: Arc<ArcSwap<Snapshot>>,
) {
    tokio::task::spawn_blocking(move || {
        let snapshot = slot.load_full();
        match crate::snapshot_file::save_for(&path, fingerprint, &snapshot) {
            Ok(true) => {
                tracing::info!(path = %crate::snapshot_file::path_for(&path).display(), "snapshot file written")
            }
            Ok(false) => return,
            Err(e) => {
                tracing::warn!(error = %e, "snapshot file not written");
                return;
            }
        }
        match crate::snapshot_file::remap(&path, fingerprint, &snapshot) {
            Ok(mapped) => {
                let before = slot.compare_and_swap(&snapshot, Arc::new(mapped));
                if Arc::ptr_eq(&before, &snapshot) {
                    tracing::debug!("snapshot now served from its file");
                    slot.load().warm_up();
                }
            }
            Err(e) => tracing::warn!(error = %e, "snapshot file not mapped"),
        }
    });
}

/// Warms up the snapshot in `slot` on a blocking thread (see
/// [`Snapshot::warm_up`]).
pub fn warm_up(slot: &ArcSwap<Snapshot>) {
    let snapshot = slot.load_full();
    tokio::task::spawn_blocking(move || snapshot.warm_up());
}

/// Watches the dataset file every `every` and swaps a new snapshot into `slot`
/// when its content changes (by size and hash, see
/// [`crate::store::ContentWatch`]). A file that fails to load is reported and
/// the current snapshot stays. Runs on the current tokio runtime until it stops.
pub fn watch(
    slot: Arc<ArcSwap<Snapshot>>,
    path: PathBuf,
    every: Duration,
    fingerprint: crate::store::Fingerprint,
) {
    tokio::spawn(async move {
        let mut watch = crate::store::ContentWatch::new(&path, fingerprint);
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            let p = path.clone();
            let mut w = watch.clone();
            let checked = tokio::task::spawn_blocking(move || (w.changed(&p), w)).await;
            let changed = match checked {
                Ok((Ok(changed), w)) => {
                    watch = w;
                    changed
                }
                Ok((Err(e), _)) => {
                    tracing::error!(error = %e, "dataset cannot be read; keeping the previous snapshot");
                    continue;
                }
                Err(e) => {
                    tracing::error!(error = %e, "reload check failed");
                    continue;
                }
            };
            if !changed {
                continue;
            }
            let p = path.clone();
            match tokio::task::spawn_blocking(move || load_snapshot(&p)).await {
                Ok(Ok(loaded)) => {
                    watch.serving(loaded.fingerprint);
                    slot.store(Arc::new(loaded.snapshot));
                    warm_up(&slot);
                    if !loaded.from_snapshot_file {
                        save_snapshot_file(path.clone(), loaded.fingerprint, slot.clone());
                    }
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
