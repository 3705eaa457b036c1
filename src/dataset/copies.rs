//! The snapshot file's two copies. Beside the dataset, `practices.csv.snapshot`
//! is the operators': they may delete it, back it up or replace it, and any
//! tool may write into it. The server never maps that one: it maps its own
//! copy, `.practices.csv.mapa/snapshot`, in a private folder (mode 0700) that
//! no other path names and that is only ever replaced whole by a rename, so
//! `cp`, `truncate`, `rsync --inplace`, `cat >` or an editor on the visible
//! file cannot reach the pages it serves.
//!
//! At start the private copy is used when it checks (header, checksums,
//! rows) and names the dataset's content; otherwise the visible file is
//! copied into the private folder and the copy is checked, so what is checked
//! is what is mapped; a private copy that does not check is removed. After a
//! load from the CSV the private copy is written first, then copied to the
//! visible path. Every start checks every section of the copy it maps.

use std::path::{Path, PathBuf};

use super::snapshot_file_path;
use crate::files::{self, FileError, Fingerprint};
use crate::snapshot::Snapshot;
use crate::snapshot::file::{self, SnapshotFileError};

/// The private folder beside a dataset: `.practices.csv.mapa`.
pub fn private_dir(dataset: &Path) -> PathBuf {
    let mut name = std::ffi::OsString::from(".");
    name.push(dataset.file_name().unwrap_or_default());
    name.push(".mapa");
    dataset.with_file_name(name)
}

/// The private copy of the snapshot file, the one the server maps.
pub fn private_copy(dataset: &Path) -> PathBuf {
    private_dir(dataset).join("snapshot")
}

/// Whether there is a snapshot file of either kind to try.
pub(super) fn any(dataset: &Path) -> bool {
    private_copy(dataset).exists() || snapshot_file_path(dataset).exists()
}

/// Logs why no snapshot file was used, in one line (not when there is none).
pub(super) fn log_unused(e: &SnapshotFileError) {
    match e {
        SnapshotFileError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {}
        e => tracing::info!(reason = %e, "snapshot file not used; reading the CSV"),
    }
}

/// The snapshot a dataset's snapshot file holds when it was made from a
/// dataset of size `len`, read from the private copy (or from a private copy
/// of the visible file made now), with the dataset hash it names; the caller
/// checks the hash.
pub(super) fn open(dataset: &Path, len: u64) -> Result<(Snapshot, u64), SnapshotFileError> {
    let private = private_copy(dataset);
    match file::open(&private, true).and_then(|f| file::read_unchecked(&f, &private, len)) {
        Ok(found) => return Ok(found),
        Err(e) => {
            log_unused(&e);
            // It is this process's own copy; one that does not serve is
            // only room taken.
            let _ = std::fs::remove_file(&private);
        }
    }
    let visible = snapshot_file_path(dataset);
    let mut from = file::open(&visible, false)?;
    file::check_head(&from, &visible, len)?;
    let io = |e: FileError| SnapshotFileError::Io {
        path: e.path,
        source: e.source,
    };
    files::private_dir(&private_dir(dataset)).map_err(io)?;
    files::write_atomically_like(&private, None, |to| {
        std::io::copy(&mut from, to).map(|_| ())
    })
    .map_err(io)?;
    // What is checked is the copy, which is what is mapped; the errors name
    // the visible file, which is where the trouble came from.
    let copied = file::open(&private, true).and_then(|f| file::read_unchecked(&f, &visible, len));
    if copied.is_err() {
        let _ = std::fs::remove_file(&private);
    }
    copied
}

/// Writes the snapshot file of a snapshot loaded from a dataset with this
/// fingerprint: the private copy, then the visible one (both with the
/// dataset's mode and owner, never without the right to read them). A
/// visible copy that cannot be written is logged: the private one serves.
pub(super) fn save(dataset: &Path, fp: Fingerprint, snapshot: &Snapshot) -> Result<(), FileError> {
    let like = std::fs::metadata(dataset).ok();
    let private = private_copy(dataset);
    files::private_dir(&private_dir(dataset))?;
    file::write_like(&private, like.as_ref(), fp, snapshot)?;
    let visible = snapshot_file_path(dataset);
    let copied = files::open_regular(&private, true).and_then(|mut from| {
        files::write_atomically_like(&visible, like.as_ref(), |to| {
            std::io::copy(&mut from, to).map(|_| ())
        })
    });
    if let Err(e) = copied {
        tracing::warn!(error = %e, "the visible snapshot file was not written; the server's own copy serves");
    }
    Ok(())
}

/// The same snapshot read in place from the private copy, made from a dataset
/// with this fingerprint, keeping its R-tree.
pub(super) fn remap(
    dataset: &Path,
    fp: Fingerprint,
    snapshot: &Snapshot,
) -> Result<Snapshot, SnapshotFileError> {
    let private = private_copy(dataset);
    let f = file::open(&private, true)?;
    file::read_in_place_of(&f, &private, fp, snapshot)
}
