//! The served dataset over time, and the one place that decides how it is
//! loaded, saved and reloaded: from the snapshot file beside it when that names
//! the dataset's current content, else from its records (the CSV), which are
//! validated; the snapshot file written after a load from the CSV; a watcher
//! that swaps in a new snapshot when the content changes. No HTTP here; the
//! server only holds the swap.
//!
//! What a snapshot holds and the file's format are [`crate::snapshot`]'s; the
//! CSV's format is [`crate::store`]'s; writing files safely and telling when
//! one changed are [`crate::files`]'.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::files::{self, ContentWatch, Fingerprint};
use crate::live::Live;
use crate::personal;
use crate::practice::Practice;
use crate::snapshot::file::SnapshotFileError;
use crate::snapshot::{Snapshot, SnapshotBuilder};
use crate::store::{self, RowError, StoreError};

/// Where a dataset's practices come from: the CSV file now; a database plugs
/// in beside it as a second implementation. A snapshot is built from a source
/// row by row, and versioned by the source's fingerprint.
pub trait Source: Sync {
    /// What identifies the content now (its version).
    fn fingerprint(&self) -> Result<Fingerprint, StoreError>;

    /// Hands every valid practice to `each` with its position (the CSV's
    /// line), in order; returns the problems of the invalid ones and what
    /// was read (its fingerprint, stamped before reading, so that a change
    /// during the read is seen by the next check), or the error that stopped
    /// reading.
    fn read_each(
        &self,
        each: &mut (dyn FnMut(&Practice, u64) + Send),
    ) -> Result<(Vec<RowError>, ContentWatch), StoreError>;
}

/// The dataset's CSV file as a [`Source`].
#[derive(Debug, Clone, Copy)]
pub struct Csv<'a>(pub &'a Path);

impl Source for Csv<'_> {
    fn fingerprint(&self) -> Result<Fingerprint, StoreError> {
        Ok(files::fingerprint(self.0)?)
    }

    fn read_each(
        &self,
        each: &mut (dyn FnMut(&Practice, u64) + Send),
    ) -> Result<(Vec<RowError>, ContentWatch), StoreError> {
        let io = |source| StoreError::Io {
            path: self.0.to_path_buf(),
            source,
        };
        let file = files::open_regular(self.0, false)?;
        let stamp = files::Stamp::of(&file).map_err(io)?;
        let mut read = files::Hashing::new(file);
        let errors = store::read_each(
            std::io::BufReader::with_capacity(1 << 18, &mut read),
            self.0,
            |batch| {
                for (p, line) in batch.iter() {
                    each(p, *line);
                }
            },
        )?;
        Ok((errors, ContentWatch::from_read(stamp, read.fingerprint())))
    }
}

/// The snapshot file that belongs to a dataset file (`practices.csv` →
/// `practices.csv.snapshot`): the copy operators see, may delete or replace.
/// The server maps its own private copy (see [`copies`]).
pub fn snapshot_file_path(dataset: &Path) -> PathBuf {
    let mut name = dataset.file_name().unwrap_or_default().to_os_string();
    name.push(".snapshot");
    dataset.with_file_name(name)
}

/// How a dataset was loaded.
pub struct Loaded {
    /// The snapshot, versioned by the dataset's content hash.
    pub snapshot: Snapshot,
    /// The fingerprint of the dataset's bytes that were read.
    pub fingerprint: Fingerprint,
    /// The watch of the dataset from what was read (stamped before reading).
    pub watch: ContentWatch,
    /// Whether the snapshot file was used (else the CSV was read and validated).
    pub from_snapshot_file: bool,
}

/// What names a snapshot made from a dataset, and its file: the dataset's
/// size, and its hash keyed with what the prepared public text withholds
/// ([`personal::version_key`]: people's phones and e-mails in prose unless
/// `publish_personal`, and the rules' version). A snapshot file prepared under
/// the other setting, or by older rules, is then stale like one of another
/// content, and the CSV is read again: existing records are cleaned on the
/// next load.
pub fn snapshot_key(fingerprint: Fingerprint, publish_personal: bool) -> Fingerprint {
    Fingerprint {
        hash: fingerprint.hash ^ personal::version_key(publish_personal),
        ..fingerprint
    }
}

/// The key a snapshot was built under (its version) for a dataset of this fingerprint.
fn key_of(fingerprint: Fingerprint, snapshot: &Snapshot) -> Fingerprint {
    Fingerprint {
        hash: snapshot.version(),
        ..fingerprint
    }
}

/// Loads a dataset with people's phones and e-mails in prose withheld (see
/// [`load_with`]).
pub fn load(dataset: &Path) -> Result<Loaded, StoreError> {
    load_with(dataset, false)
}

/// Loads a dataset: from its snapshot file when that matches the dataset's
/// content and `publish_personal` ([`snapshot_key`]), else from the CSV. A
/// stale or broken snapshot file is logged and ignored; the CSV decides.
pub fn load_with(dataset: &Path, publish_personal: bool) -> Result<Loaded, StoreError> {
    let t = std::time::Instant::now();
    let len = files::open_regular(dataset, false)?
        .metadata()
        .map_err(|source| StoreError::Io {
            path: dataset.to_path_buf(),
            source,
        })?
        .len();
    // The dataset is hashed on one thread while the snapshot file is mapped,
    // checked and its R-tree built on another; the hash then decides. Without
    // a snapshot file the CSV is read at once (and hashed as it is read).
    std::thread::scope(|s| {
        if copies::any(dataset) {
            let hashing = s.spawn(|| {
                let read = files::read_stamped(dataset);
                tracing::debug!(ms = t.elapsed().as_millis() as u64, "dataset hashed");
                read
            });
            match copies::open(dataset, len) {
                Ok((snapshot, hash)) => {
                    let (stamp, fingerprint) = hashing.join().expect("hashing does not panic")?;
                    if hash == snapshot_key(fingerprint, publish_personal).hash
                        && len == fingerprint.len
                    {
                        tracing::debug!(ms = t.elapsed().as_millis() as u64, "snapshot file read");
                        return Ok(Loaded {
                            snapshot,
                            fingerprint,
                            watch: ContentWatch::from_read(stamp, fingerprint),
                            from_snapshot_file: true,
                        });
                    }
                    tracing::info!(
                        path = %snapshot_file_path(dataset).display(),
                        "snapshot file made from another version of the dataset; reading the CSV"
                    );
                }
                Err(e) => copies::log_unused(&e),
            }
        }
        let (snapshot, watch) = from_csv(dataset, len, publish_personal)?;
        tracing::debug!(ms = t.elapsed().as_millis() as u64, "CSV read");
        Ok(Loaded {
            snapshot,
            fingerprint: watch.fingerprint(),
            watch,
            from_snapshot_file: false,
        })
    })
}

/// Reads and validates the CSV (of about `len` bytes) straight into a
/// snapshot: each valid row is encoded as it is read (see
/// [`store::read_each`]), so no record of the whole file is held at once; the
/// large columns go to temporary files beside it (see
/// [`SnapshotBuilder::spilling_to`]). The snapshot is versioned by the
/// fingerprint of the bytes read keyed with `publish_personal`
/// ([`snapshot_key`]); the watch of what was read is returned with it. Fails
/// as [`store::load`] does.
fn from_csv(
    dataset: &Path,
    len: u64,
    publish_personal: bool,
) -> Result<(Snapshot, ContentWatch), StoreError> {
    from_csv_spilling(dataset, len, publish_personal, |dir| {
        SnapshotBuilder::spilling_to(dir, len)
    })
}

/// [`from_csv`] with the builder `spilling` makes for the dataset's folder.
/// When it cannot be made (no right to write there), the columns are built in
/// memory; when its temporary files fail (no room), the CSV is read again
/// with them in memory.
fn from_csv_spilling(
    dataset: &Path,
    len: u64,
    publish_personal: bool,
    spilling: impl FnOnce(&Path) -> std::io::Result<SnapshotBuilder>,
) -> Result<(Snapshot, ContentWatch), StoreError> {
    let dir = files::parent_dir(dataset);
    let in_memory = || SnapshotBuilder::with_capacity(0, len).publishing_personal(publish_personal);
    let builder = match spilling(&dir) {
        Ok(b) => b.publishing_personal(publish_personal),
        Err(e) => {
            tracing::info!(dir = %dir.display(), error = %e, "no temporary files beside the dataset; building in memory");
            in_memory()
        }
    };
    let (builder, mut errors, mut lines, mut read) = read_rows(&Csv(dataset), builder)?;
    let version = |read: &ContentWatch| snapshot_key(read.fingerprint(), publish_personal).hash;
    // Only the ids of the valid rows are checked, as `store::load` does.
    let (snapshot, duplicates) = match builder.finish(version(&read)) {
        Ok(built) => built,
        Err(e) => {
            tracing::warn!(dir = %dir.display(), error = %e, "temporary files beside the dataset failed; reading the CSV again, in memory");
            let builder;
            (builder, errors, lines, read) = read_rows(&Csv(dataset), in_memory())?;
            builder
                .finish(version(&read))
                .map_err(|source| StoreError::Io {
                    path: dir.clone(),
                    source,
                })?
        }
    };
    tracing::debug!("id map sorted and R-tree built");
    errors.extend(
        duplicates
            .iter()
            .map(|(i, id)| store::duplicate_id(dataset, lines[*i as usize], id)),
    );
    store::no_problems(errors)?;
    Ok((snapshot, read))
}

/// Reads a source's valid practices into `builder`: the builder, the
/// problems of the invalid ones, the position (line) of each valid one and
/// what was read.
fn read_rows(
    source: &impl Source,
    mut builder: SnapshotBuilder,
) -> Result<(SnapshotBuilder, Vec<RowError>, Vec<u64>, ContentWatch), StoreError> {
    let mut lines = Vec::new();
    let (errors, read) = source.read_each(&mut |p, line| {
        builder.push(p);
        lines.push(line);
    })?;
    tracing::debug!(rows = lines.len(), "CSV rows read and encoded");
    Ok((builder, errors, lines, read))
}

/// Writes the snapshot file for a dataset loaded from its CSV (the private
/// copy, then the visible one; see [`copies`]), unless the dataset changed
/// since it was read (then the next load decides again).
pub fn save_for(
    dataset: &Path,
    fingerprint: Fingerprint,
    snapshot: &Snapshot,
) -> Result<bool, StoreError> {
    if files::fingerprint(dataset)? != fingerprint {
        return Ok(false);
    }
    copies::save(dataset, key_of(fingerprint, snapshot), snapshot)?;
    Ok(true)
}

/// The same snapshot read in place from the private copy of the snapshot
/// file just written for it (so its parts leave the heap and its temporary
/// files), keeping its R-tree; `Err` when the file no longer holds it.
pub fn remap(
    dataset: &Path,
    fingerprint: Fingerprint,
    snapshot: &Snapshot,
) -> Result<Snapshot, SnapshotFileError> {
    copies::remap(dataset, key_of(fingerprint, snapshot), snapshot)
}

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
/// matches the dataset's content and `publish_personal`), logging practices
/// without coordinates.
pub fn load_snapshot(path: &Path, publish_personal: bool) -> Result<Loaded, LoadError> {
    let started = std::time::Instant::now();
    let loaded = load_with(path, publish_personal).map_err(|source| LoadError {
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
    let cleaned = files::clean_temp_files(path).and_then(|mut a| {
        a.extend(files::clean_temp_files(&snapshot_file_path(path))?);
        a.extend(files::clean_temp_files(&copies::private_copy(path))?);
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
/// in `slot` from that file, mapped, so its parts leave the heap and its
/// temporary files (unless the slot holds another snapshot by then). When the
/// write fails (a full disk), the temporary files are closed at once (the
/// parts they held move to memory) and [`watch`] tries again later. One save
/// of a dataset runs at a time.
pub fn save_snapshot_file(path: PathBuf, fingerprint: Fingerprint, slot: Live) {
    let Some(saving) = Saving::start(&path) else {
        return;
    };
    tokio::task::spawn_blocking(move || {
        let _saving = saving;
        // A base with published changes merged in is not the dataset file's.
        if slot.edited() {
            return;
        }
        let snapshot = slot.base();
        match save_for(&path, fingerprint, &snapshot) {
            Ok(true) => {
                tracing::info!(path = %snapshot_file_path(&path).display(), "snapshot file written")
            }
            Ok(false) => return,
            Err(e) => {
                tracing::warn!(error = %e, "snapshot file not written; trying again later");
                if let Some(in_memory) = snapshot.without_temporary_files()
                    && slot.swap_storage(&snapshot, in_memory)
                {
                    tracing::info!(
                        "temporary files closed; the dataset is held in memory until its snapshot file is written"
                    );
                    slot.current().warm_up();
                }
                return;
            }
        }
        match remap(&path, fingerprint, &snapshot) {
            Ok(mapped) => {
                if slot.swap_storage(&snapshot, mapped) {
                    tracing::debug!("snapshot now served from its file");
                    slot.current().warm_up();
                }
            }
            Err(e) => tracing::warn!(error = %e, "snapshot file not mapped"),
        }
    });
}

/// The datasets whose snapshot file is being written in this process.
static SAVING: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

/// A save of a dataset's snapshot file in progress; ends when dropped.
struct Saving(PathBuf);

impl Saving {
    /// `None` when one is already in progress for this dataset.
    fn start(path: &Path) -> Option<Saving> {
        let mut saving = SAVING.lock().unwrap_or_else(|e| e.into_inner());
        if saving.iter().any(|p| p == path) {
            return None;
        }
        saving.push(path.to_path_buf());
        Some(Saving(path.to_path_buf()))
    }
}

impl Drop for Saving {
    fn drop(&mut self) {
        SAVING
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|p| p != &self.0);
    }
}

/// Warms up the snapshot in `slot` on a blocking thread (see
/// [`Snapshot::warm_up`]).
pub fn warm_up(slot: &Live) {
    let snapshot = slot.base();
    tokio::task::spawn_blocking(move || snapshot.warm_up());
}

/// Longest wait, in checks, between two tries to write a snapshot file that
/// failed.
const MAX_SAVE_BACKOFF: u32 = 64;

/// Watches the dataset file every `every` and swaps a new snapshot into `slot`
/// when its content changes (by size and hash, see [`ContentWatch`]; the
/// published changes laid over the old one go with it: the file holds what is
/// published), starting
/// from `watch`, the content in service as it was read. A file that fails to
/// load is reported and the current snapshot stays. While the snapshot in
/// service has no snapshot file (its write failed), the write is tried
/// again after 1, 2, 4 … up to [`MAX_SAVE_BACKOFF`] checks. Runs on the
/// current tokio runtime until it stops.
pub fn watch(
    slot: Live,
    path: PathBuf,
    every: Duration,
    watch: ContentWatch,
    publish_personal: bool,
) {
    tokio::spawn(async move {
        let mut watch = watch;
        let mut tick = tokio::time::interval(every);
        let (mut backoff, mut wait) = (1, 1);
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
                if slot.base().is_from_file() || slot.edited() {
                    (backoff, wait) = (1, 1);
                } else if wait > 1 {
                    wait -= 1;
                } else {
                    backoff = (backoff * 2).min(MAX_SAVE_BACKOFF);
                    wait = backoff;
                    save_snapshot_file(path.clone(), watch.fingerprint(), slot.clone());
                }
                continue;
            }
            let p = path.clone();
            match tokio::task::spawn_blocking(move || load_snapshot(&p, publish_personal)).await {
                Ok(Ok(loaded)) => {
                    watch = loaded.watch;
                    slot.replace_base(loaded.snapshot);
                    warm_up(&slot);
                    if !loaded.from_snapshot_file {
                        (backoff, wait) = (1, 1);
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

/// The snapshot file beside the dataset and the private copy the server maps.
pub mod copies;
/// The store of record as a source: published practices into a snapshot; the first seed.
pub mod database;
/// Following the store's log of public changes into the read path (every node).
pub mod follow;

#[cfg(test)]
mod tests;

#[cfg(test)]
mod damage_tests;
