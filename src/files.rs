//! File-system safety for the dataset and its snapshot file: atomic writes
//! (a temporary file renamed into place), cleaning the temporary files of
//! interrupted saves, content fingerprints, and a watch that tells when a
//! file's content changed. Nothing here knows what the files hold.

use std::path::{Path, PathBuf};

/// A file could not be read or written.
#[derive(Debug, thiserror::Error)]
#[error("{}: {source}", path.display())]
pub struct FileError {
    /// The file (or folder).
    pub path: PathBuf,
    /// Why.
    #[source]
    pub source: std::io::Error,
}

/// Mode of a file created new (an existing file keeps its own).
pub const NEW_FILE_MODE: u32 = 0o644;

/// The prefix of the temporary files a save of `path` writes beside it:
/// `.practices.csv.tmp-<pid>-`.
fn temp_prefix(path: &Path) -> String {
    format!(
        ".{}.tmp-",
        path.file_name().unwrap_or_default().to_string_lossy()
    )
}

/// The folder a file is in (`.` for a bare name).
pub fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Writes a file atomically: a temporary file in the same folder
/// (`.NAME.tmp-PID-XXXXXX`), written, flushed to disk, then renamed over the old
/// file. The new file keeps the old one's mode and owner (a new file gets
/// [`NEW_FILE_MODE`]), so a server running as another user can still read it.
/// When writing fails the temporary file is removed.
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> Result<(), FileError> {
    let io = |source| FileError {
        path: path.to_path_buf(),
        source,
    };
    let dir = parent_dir(path);
    std::fs::create_dir_all(&dir).map_err(io)?;
    let old = std::fs::metadata(path).ok();
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!("{}{}-", temp_prefix(path), std::process::id()))
        .tempfile_in(&dir)
        .map_err(io)?;
    write(tmp.as_file_mut()).map_err(io)?;
    keep_mode_and_owner(tmp.as_file(), old.as_ref()).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    if let Ok(d) = std::fs::File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(unix)]
fn keep_mode_and_owner(f: &std::fs::File, old: Option<&std::fs::Metadata>) -> std::io::Result<()> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let mode = old.map_or(NEW_FILE_MODE, |m| m.mode() & 0o7777);
    f.set_permissions(std::fs::Permissions::from_mode(mode))?;
    if let Some(m) = old {
        let mine = f.metadata()?;
        if (mine.uid(), mine.gid()) != (m.uid(), m.gid()) {
            // Only the owner's own files or root may do this; otherwise the file
            // becomes the saver's, and the mode still lets the old owner read it
            // when it did before.
            if let Err(e) = std::os::unix::fs::fchown(f, Some(m.uid()), Some(m.gid())) {
                tracing::warn!(error = %e, uid = m.uid(), gid = m.gid(), "could not keep the dataset file's owner");
            }
        }
    }
    Ok(())
}

#[cfg(not(unix))]
fn keep_mode_and_owner(f: &std::fs::File, old: Option<&std::fs::Metadata>) -> std::io::Result<()> {
    if let Some(m) = old {
        f.set_permissions(m.permissions())?;
    }
    Ok(())
}

/// Removes the temporary files that saves of `path` left behind when their
/// process was killed (the process that wrote them is gone). Returns what was
/// removed.
pub fn clean_temp_files(path: &Path) -> Result<Vec<PathBuf>, FileError> {
    let dir = parent_dir(path);
    let io = |source| FileError {
        path: dir.clone(),
        source,
    };
    let prefix = temp_prefix(path);
    let mut removed = Vec::new();
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(removed),
        Err(e) => return Err(io(e)),
    };
    for entry in entries {
        let entry = entry.map_err(io)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(&prefix) else {
            continue;
        };
        let pid = rest.split('-').next().and_then(|p| p.parse::<u32>().ok());
        if pid.is_some_and(process_alive) {
            continue; // a save in progress
        }
        std::fs::remove_file(entry.path()).map_err(io)?;
        removed.push(entry.path());
    }
    Ok(removed)
}

fn process_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        // Without a process table to ask, assume the writer may still be alive.
        true
    }
}

/// What identifies a dataset file's content: its size and the xxh3 hash of its
/// bytes. Reloads and the snapshot file decide by it, not by modification time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint {
    /// Size in bytes.
    pub len: u64,
    /// xxh3-64 of the bytes.
    pub hash: u64,
}

/// The fingerprint of a file, read in 1 MiB pieces.
pub fn fingerprint(path: &Path) -> Result<Fingerprint, FileError> {
    use std::io::Read;
    let io = |source| FileError {
        path: path.to_path_buf(),
        source,
    };
    let mut f = std::fs::File::open(path).map_err(io)?;
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut len = 0u64;
    loop {
        let n = match f.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(io(e)),
        };
        h.update(&buf[..n]);
        len += n as u64;
    }
    Ok(Fingerprint {
        len,
        hash: h.digest(),
    })
}

/// What the file system says about a file without reading it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<std::time::SystemTime>,
    #[cfg(unix)]
    inode_and_ctime: (u64, i64, i64),
}

fn stamp(path: &Path) -> std::io::Result<Stamp> {
    let m = std::fs::metadata(path)?;
    Ok(Stamp {
        len: m.len(),
        modified: m.modified().ok(),
        #[cfg(unix)]
        inode_and_ctime: {
            use std::os::unix::fs::MetadataExt;
            (m.ino(), m.ctime(), m.ctime_nsec())
        },
    })
}

/// Tells whether a dataset file's content changed. Any sign from the file
/// system (size, modification or change time, a new inode after a rename) makes
/// it hash the file; the content alone decides, so a rewrite with the same bytes
/// is no change and a new content is seen even with an unchanged mtime.
#[derive(Debug, Clone)]
pub struct ContentWatch {
    stamp: Option<Stamp>,
    fingerprint: Fingerprint,
}

impl ContentWatch {
    /// Starts from the content that is in service.
    pub fn new(path: &Path, fingerprint: Fingerprint) -> ContentWatch {
        ContentWatch {
            stamp: stamp(path).ok(),
            fingerprint,
        }
    }

    /// The fingerprint of the content in service.
    pub fn fingerprint(&self) -> Fingerprint {
        self.fingerprint
    }

    /// Whether the content differs from the one in service. A file that cannot
    /// be read is an error (the content in service stays).
    pub fn changed(&mut self, path: &Path) -> Result<bool, FileError> {
        let now = stamp(path).map_err(|source| FileError {
            path: path.to_path_buf(),
            source,
        })?;
        if self.stamp.as_ref() == Some(&now) {
            return Ok(false);
        }
        let fp = fingerprint(path)?;
        self.stamp = Some(now);
        Ok(fp != self.fingerprint)
    }

    /// Records the content now in service.
    pub fn serving(&mut self, fingerprint: Fingerprint) {
        self.fingerprint = fingerprint;
    }
}
