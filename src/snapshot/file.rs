//! The snapshot file: the validated practices of a dataset in a binary form
//! that loads without re-reading and re-validating the CSV.
//!
//! The server writes it beside the dataset (`practices.csv` →
//! `practices.csv.snapshot`) after loading the CSV, and on the next start uses it
//! only when its header names the dataset's current content: the file's size and
//! xxh3 hash ([`Fingerprint`]) and this format's version. Anything else — a
//! missing, stale, truncated or foreign file — is ignored and the CSV is loaded
//! (that choice is the dataset's; here is only the format).
//!
//! Layout: [`MAGIC`], format version (u32 LE), dataset size (u64 LE), dataset
//! hash (u64 LE), record count (u64 LE), then length-prefixed sections: the
//! records in postcard and their end offsets; the placed points (index, lon,
//! lat); the prepared summary features and their ends; the folded search text
//! and its ends; the id map. Everything derived is stored, so a restart decodes
//! the records (on two threads, beside the R-tree's bulk load) and reads the rest.

use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::columns::{AdminTable, Attrs, Backing, Blob, Column};
use super::held::{Parts, Snapshot};
use super::record::decode_record;
use crate::files::{FileError, Fingerprint, write_atomically};

/// The first bytes of a snapshot file.
pub const MAGIC: &[u8; 14] = b"MAPA-SNAPSHOT\n";
/// Version of the layout and of the record; bumped when either changes.
pub const FORMAT_VERSION: u32 = 5;

/// The snapshot file that belongs to a dataset file.
pub fn path_for(dataset: &Path) -> PathBuf {
    let mut name = dataset.file_name().unwrap_or_default().to_os_string();
    name.push(".snapshot");
    dataset.with_file_name(name)
}

/// Why a snapshot file was not used.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotFileError {
    /// It could not be read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The snapshot file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// It belongs to another content of the dataset, or another format.
    #[error("{}: made from another version of the dataset or by another format", path.display())]
    Stale {
        /// The snapshot file.
        path: PathBuf,
    },
    /// Its records do not decode.
    #[error("{}: record {record}: {message}", path.display())]
    Corrupt {
        /// The snapshot file.
        path: PathBuf,
        /// 0-based record.
        record: u64,
        /// What was wrong.
        message: String,
    },
}

fn header(fp: Fingerprint, count: u64) -> Vec<u8> {
    let mut h = MAGIC.to_vec();
    h.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    h.extend_from_slice(&fp.len.to_le_bytes());
    h.extend_from_slice(&fp.hash.to_le_bytes());
    h.extend_from_slice(&count.to_le_bytes());
    h
}

const HEADER_LEN: usize = 14 + 4 + 8 + 8 + 8;
/// Sections: records and their ends, rows, admin codes, prepared features and
/// their ends, search text and its ends, id map.
const SECTIONS: usize = 9;
/// Where the first section may start: the header and the section table
/// (offset and length of each, u64 LE), rounded up to 8.
const BODY_START: usize = (HEADER_LEN + SECTIONS * 16).div_ceil(8) * 8;

/// The header of a snapshot file, or `None` when it is not one of this format
/// made from a dataset of this size (the hash is checked by the caller).
fn check_header(bytes: &[u8], len: u64) -> Option<(u64, u64)> {
    let head = bytes.get(..HEADER_LEN)?;
    let u64_at = |at: usize| u64::from_le_bytes(head[at..at + 8].try_into().expect("8 bytes"));
    let (size, hash, count) = (u64_at(18), u64_at(26), u64_at(34));
    let fp = Fingerprint { len: size, hash };
    (size == len && head == &header(fp, count)[..]).then_some((hash, count))
}

/// Reads the snapshot a snapshot file holds when it was made from a dataset of
/// size `len` and returns it with the dataset hash it names; the caller checks
/// the hash. The file is memory-mapped and its parts are used in place: only
/// the R-tree is built (from the rows).
pub(crate) fn read_unchecked(path: &Path, len: u64) -> Result<(Snapshot, u64), SnapshotFileError> {
    let (parts, hash) = read_parts(path, len)?;
    let snapshot =
        Snapshot::from_parts(parts, hash, None).ok_or_else(|| SnapshotFileError::Corrupt {
            path: path.to_path_buf(),
            record: 0,
            message: "the parts do not fit each other".into(),
        })?;
    Ok((snapshot, hash))
}

/// The parts a snapshot file holds, mapped, and the dataset hash it names.
fn read_parts(path: &Path, len: u64) -> Result<(Parts, u64), SnapshotFileError> {
    let io = |source| SnapshotFileError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    // SAFETY: snapshot files are only ever replaced whole by a rename
    // (`files::write_atomically`), never written in place, so the mapped bytes
    // do not change while they are mapped; everything read is bounds-checked.
    #[allow(unsafe_code)]
    let map = unsafe { memmap2::Mmap::map(&file) }.map_err(io)?;
    let stale = || SnapshotFileError::Stale {
        path: path.to_path_buf(),
    };
    let (hash, count) = check_header(&map, len).ok_or_else(stale)?;
    let corrupt = |message: &str| SnapshotFileError::Corrupt {
        path: path.to_path_buf(),
        record: count,
        message: message.to_string(),
    };
    let n = usize::try_from(count).map_err(|_| corrupt("record count"))?;
    let table: Vec<(usize, usize)> = (0..SECTIONS)
        .map(|k| {
            let at = HEADER_LEN + k * 16;
            let u = |at: usize| {
                map.get(at..at + 8)
                    .map(|c| u64::from_le_bytes(c.try_into().expect("8 bytes")) as usize)
            };
            Some((u(at)?, u(at + 8)?))
        })
        .collect::<Option<_>>()
        .ok_or_else(|| corrupt("section table"))?;
    let base = Arc::new(Backing::Mapped(map));
    let blob = |k: usize| {
        let (start, len) = table[k];
        Blob::part(&base, start, len).ok_or_else(|| corrupt("a section is outside the file"))
    };
    let column = |b: usize, e: usize, what: &str| {
        Column::new(blob(b)?, blob(e)?, n).ok_or_else(|| corrupt(what))
    };
    let admins = std::str::from_utf8(&blob(3)?)
        .map_err(|_| corrupt("admin codes"))?
        .split('\n')
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect();
    let parts = Parts {
        records: column(0, 1, "records")?,
        attrs: Attrs::new(blob(2)?, n).ok_or_else(|| corrupt("rows"))?,
        admins: AdminTable::from_codes(admins).ok_or_else(|| corrupt("admin codes"))?,
        prepared: column(4, 5, "prepared features")?,
        search_text: column(6, 7, "search texts")?,
        by_id: blob(8)?,
    };
    // The first and the last records decode: a cheap check of the records.
    for i in [0, n.saturating_sub(1)].into_iter().take(n.min(2)) {
        decode_record(parts.records.get(i as u32)).map_err(|message| {
            SnapshotFileError::Corrupt {
                path: path.to_path_buf(),
                record: i as u64,
                message,
            }
        })?;
    }
    Ok((parts, hash))
}

/// Reads the snapshot a snapshot file holds when it was made from a dataset
/// with this fingerprint.
pub fn read(path: &Path, fp: Fingerprint) -> Result<Snapshot, SnapshotFileError> {
    let (snapshot, hash) = read_unchecked(path, fp.len)?;
    if hash != fp.hash {
        return Err(SnapshotFileError::Stale {
            path: path.to_path_buf(),
        });
    }
    Ok(snapshot)
}

/// Writes the snapshot file of a snapshot loaded from a dataset with this
/// fingerprint, atomically (a temporary file renamed into place).
pub fn write(path: &Path, fp: Fingerprint, snapshot: &Snapshot) -> Result<(), FileError> {
    let (records, attrs, admins, text, prepared, by_id) = snapshot.parts();
    let codes = Blob::owned(admins.codes().join("\n").into_bytes());
    let sections: [&Blob; SECTIONS] = [
        &records.bytes,
        &records.ends,
        attrs.blob(),
        &codes,
        &prepared.bytes,
        &prepared.ends,
        &text.bytes,
        &text.ends,
        by_id,
    ];
    let mut table = Vec::with_capacity(SECTIONS * 16);
    let mut at = BODY_START;
    for s in sections {
        table.extend_from_slice(&(at as u64).to_le_bytes());
        table.extend_from_slice(&(s.len() as u64).to_le_bytes());
        at = (at + s.len()).div_ceil(8) * 8;
    }
    write_atomically(path, |file| {
        let mut w = BufWriter::with_capacity(1 << 20, &mut *file);
        let mut head = header(fp, snapshot.len() as u64);
        head.extend_from_slice(&table);
        head.resize(BODY_START, 0);
        w.write_all(&head)?;
        for s in sections {
            match s.spilled_file() {
                // A column a first start wrote to a temporary file is copied
                // file to file, not read through its mapping (which would
                // bring all of it into memory).
                Some(mut f) => {
                    w.flush()?;
                    f.seek(SeekFrom::Start(0))?;
                    let copied = std::io::copy(&mut f, w.get_mut())?;
                    if copied != s.len() as u64 {
                        return Err(std::io::Error::other("a temporary column changed size"));
                    }
                }
                None => w.write_all(s)?,
            }
            w.write_all(&[0; 8][..s.len().next_multiple_of(8) - s.len()])?;
        }
        w.flush()
    })
}

/// The same snapshot read in place from its snapshot file, made from a
/// dataset with this fingerprint (so its parts leave the heap), keeping its
/// R-tree; `Err` when the file no longer holds it.
pub fn read_in_place_of(
    path: &Path,
    fp: Fingerprint,
    snapshot: &Snapshot,
) -> Result<Snapshot, SnapshotFileError> {
    let (parts, hash) = read_parts(path, fp.len)?;
    if hash != fp.hash || hash != snapshot.version() {
        return Err(SnapshotFileError::Stale {
            path: path.to_path_buf(),
        });
    }
    snapshot
        .with_storage(parts)
        .ok_or_else(|| SnapshotFileError::Corrupt {
            path: path.to_path_buf(),
            record: 0,
            message: "the parts do not fit the snapshot".into(),
        })
}
