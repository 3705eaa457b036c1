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

/// Opens a file for reading when it is a regular file. A FIFO, device,
/// socket or folder at `path` is refused at once with a clear error (the open
/// does not wait for a FIFO's writer); `no_symlink` refuses a symbolic link
/// too.
pub fn open_regular(path: &Path, no_symlink: bool) -> Result<std::fs::File, FileError> {
    let io = |source| FileError {
        path: path.to_path_buf(),
        source,
    };
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let nofollow = if no_symlink { libc::O_NOFOLLOW } else { 0 };
        options.custom_flags(libc::O_NONBLOCK | nofollow);
    }
    let f = options.open(path).map_err(io)?;
    let kind = f.metadata().map_err(io)?.file_type();
    if !kind.is_file() {
        return Err(io(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file (a FIFO, device, socket or folder); refused",
        )));
    }
    Ok(f)
}

/// Makes (or checks) a private folder: mode 0700, a real folder (not a
/// symbolic link), owned by this process's user.
pub fn private_dir(dir: &Path) -> Result<(), FileError> {
    let io = |source| FileError {
        path: dir.to_path_buf(),
        source,
    };
    let mut b = std::fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    match b.create(dir) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(io(e)),
    }
    let m = std::fs::symlink_metadata(dir).map_err(io)?;
    let refuse = |why: &str| {
        Err(io(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            why,
        )))
    };
    if !m.file_type().is_dir() {
        return refuse("not a folder; refused as a private folder");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        // SAFETY: geteuid has no preconditions.
        #[allow(unsafe_code)]
        let me = unsafe { libc::geteuid() };
        if m.uid() != me {
            return refuse("owned by another user; refused as a private folder");
        }
        if m.mode() & 0o777 != 0o700 {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).map_err(io)?;
        }
    }
    Ok(())
}

/// Writes a file atomically: a temporary file in the same folder
/// (`.NAME.tmp-PID-XXXXXX`), written, flushed to disk, then renamed over the old
/// file. The new file keeps the old one's mode and owner (a new file gets
/// [`NEW_FILE_MODE`]), so a server running as another user can still read it.
/// When writing fails the temporary file is removed (and closed) at once.
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> Result<(), FileError> {
    let old = std::fs::metadata(path).ok();
    write_with_mode(path, old.as_ref(), 0, write)
}

/// [`write_atomically`] giving the new file the mode and owner of `like` (the
/// dataset a derived file is made from), or [`NEW_FILE_MODE`] without one; its
/// owner may always read and write it, so a mode such as 000 is never copied.
pub fn write_atomically_like(
    path: &Path,
    like: Option<&std::fs::Metadata>,
    write: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> Result<(), FileError> {
    write_with_mode(path, like, 0o600, write)
}

/// [`write_atomically`] with the mode and owner of `like` (or
/// [`NEW_FILE_MODE`]), plus the mode bits `at_least`.
fn write_with_mode(
    path: &Path,
    like: Option<&std::fs::Metadata>,
    at_least: u32,
    write: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> Result<(), FileError> {
    let io = |source| FileError {
        path: path.to_path_buf(),
        source,
    };
    let dir = parent_dir(path);
    std::fs::create_dir_all(&dir).map_err(io)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!("{}{}-", temp_prefix(path), std::process::id()))
        .tempfile_in(&dir)
        .map_err(io)?;
    write(tmp.as_file_mut()).map_err(io)?;
    keep_mode_and_owner(tmp.as_file(), like, at_least).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    if let Ok(d) = std::fs::File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(unix)]
fn keep_mode_and_owner(
    f: &std::fs::File,
    old: Option<&std::fs::Metadata>,
    at_least: u32,
) -> std::io::Result<()> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let mode = old.map_or(NEW_FILE_MODE, |m| m.mode() & 0o7777) | at_least;
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
fn keep_mode_and_owner(
    f: &std::fs::File,
    old: Option<&std::fs::Metadata>,
    _at_least: u32,
) -> std::io::Result<()> {
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

/// The fingerprint of a file, read in 1 MiB pieces (a regular file only, see
/// [`open_regular`]).
pub fn fingerprint(path: &Path) -> Result<Fingerprint, FileError> {
    Ok(read_stamped(path)?.1)
}

/// What was read of a file, stamped before reading: the file system's stamp
/// of the file opened, and the fingerprint of the bytes read from it.
pub fn read_stamped(path: &Path) -> Result<(Stamp, Fingerprint), FileError> {
    let io = |source| FileError {
        path: path.to_path_buf(),
        source,
    };
    let f = open_regular(path, false)?;
    let stamp = Stamp::of(&f).map_err(io)?;
    let mut h = Hashing::new(f);
    std::io::copy(&mut h, &mut std::io::sink()).map_err(io)?;
    Ok((stamp, h.fingerprint()))
}

/// A reader that hashes what is read through it, so that what was read is
/// what is fingerprinted.
pub struct Hashing<R> {
    inner: R,
    hash: xxhash_rust::xxh3::Xxh3,
    len: u64,
}

impl<R> Hashing<R> {
    /// Hashes what is read from `inner`.
    pub fn new(inner: R) -> Hashing<R> {
        Hashing {
            inner,
            hash: xxhash_rust::xxh3::Xxh3::new(),
            len: 0,
        }
    }

    /// The fingerprint of the bytes read so far.
    pub fn fingerprint(&self) -> Fingerprint {
        Fingerprint {
            len: self.len,
            hash: self.hash.digest(),
        }
    }
}

impl<R: std::io::Read> std::io::Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hash.update(&buf[..n]);
        self.len += n as u64;
        Ok(n)
    }
}

/// What the file system says about a file without reading it: size, times
/// and inode, so that a rename over it, a rewrite or a touch is seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    len: u64,
    modified: Option<std::time::SystemTime>,
    #[cfg(unix)]
    inode_and_ctime: (u64, u64, i64, i64),
}

impl Stamp {
    /// The stamp of an open file (the one being read, whatever its path
    /// names by now).
    pub fn of(f: &std::fs::File) -> std::io::Result<Stamp> {
        Ok(Stamp::from_metadata(&f.metadata()?))
    }

    fn from_metadata(m: &std::fs::Metadata) -> Stamp {
        Stamp {
            len: m.len(),
            modified: m.modified().ok(),
            #[cfg(unix)]
            inode_and_ctime: {
                use std::os::unix::fs::MetadataExt;
                (m.dev(), m.ino(), m.ctime(), m.ctime_nsec())
            },
        }
    }
}

fn stamp(path: &Path) -> std::io::Result<Stamp> {
    Ok(Stamp::from_metadata(&std::fs::metadata(path)?))
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
    /// Starts from the content that is in service, stamping the file now.
    pub fn new(path: &Path, fingerprint: Fingerprint) -> ContentWatch {
        ContentWatch {
            stamp: stamp(path).ok(),
            fingerprint,
        }
    }

    /// Starts from the content in service as it was read: the stamp of the
    /// file taken before reading it and the fingerprint of what was read. A
    /// file replaced or changed since is seen at the next check.
    pub fn from_read(stamp: Stamp, fingerprint: Fingerprint) -> ContentWatch {
        ContentWatch {
            stamp: Some(stamp),
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
        // The stamp kept is the one taken before the bytes were hashed, so a
        // change while hashing is seen next time.
        let (read, fp) = read_stamped(path)?;
        self.stamp = Some(read);
        Ok(fp != self.fingerprint)
    }

    /// Records the content now in service.
    pub fn serving(&mut self, fingerprint: Fingerprint) {
        self.fingerprint = fingerprint;
    }
}
