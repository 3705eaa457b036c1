//! The snapshot file: the validated practices of a dataset in a binary form
//! that loads without re-reading and re-validating the CSV.
//!
//! The server writes it after loading the CSV (its own private copy, which it
//! maps, and the visible `practices.csv.snapshot` beside the dataset: that
//! choice is the dataset's, see `dataset::copies`; here is only the format)
//! and on the next start uses it only when its header names the dataset's
//! current content — the file's size and xxh3 hash ([`Fingerprint`]) and this
//! format's version — and every check passes. A missing, stale, damaged or
//! foreign file is not used and the CSV is loaded.
//!
//! Layout: [`MAGIC`], format version (u32 LE), dataset size (u64 LE), dataset
//! hash (u64 LE), record count (u64 LE), the section table (offset, length and
//! xxh3-64 checksum of each section, u64 LE, the checksum seeded by the
//! dataset's hash and the section's place) and the header's own checksum;
//! then the sections, each at a multiple of 8: the records in postcard and
//! their end offsets; the rows; the admin codes; the prepared summary
//! features and their ends; the folded search text and its ends; the id map.
//! Every section is checked against its checksum before it is used, and the
//! rows, offsets and id map are checked as the snapshot is made from them
//! (see `Snapshot::from_parts`), so no file can make a start panic or a query
//! read outside what it holds. Everything derived is stored: a restart builds
//! only the R-tree (from the rows).

use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::columns::{AdminTable, Attrs, Backing, Blob, Column};
use super::held::{Parts, Snapshot};
use super::record::decode_record;
use crate::files::{FileError, Fingerprint, open_regular, write_atomically_like};

/// The first bytes of a snapshot file.
pub const MAGIC: &[u8; 14] = b"MAPA-SNAPSHOT\n";
/// Version of the layout and of the record; bumped when either changes.
pub const FORMAT_VERSION: u32 = 7;

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

/// Sections: records and their ends, rows, admin codes, prepared features and
/// their ends, search text and its ends, id map.
const SECTIONS: usize = 9;
/// Magic, format version, dataset size, dataset hash, record count.
const FIXED_LEN: usize = 14 + 4 + 8 + 8 + 8;
/// The fixed part, the section table (offset, length and checksum of each,
/// u64 LE) and the header's own checksum.
const HEADER_LEN: usize = FIXED_LEN + SECTIONS * 24 + 8;
/// Where the first section may start: the header rounded up to 8.
const BODY_START: usize = HEADER_LEN.div_ceil(8) * 8;

/// The checksum of section `k` of a snapshot file made from a dataset whose
/// hash is `dataset_hash`: xxh3-64 seeded by both, so a section moved to
/// another place or under another dataset's header does not check.
fn checksum(bytes: &[u8], dataset_hash: u64, k: usize) -> u64 {
    xxhash_rust::xxh3::xxh3_64_with_seed(bytes, seed(dataset_hash, k))
}

fn seed(dataset_hash: u64, k: usize) -> u64 {
    dataset_hash ^ (k as u64 + 1)
}

/// The header: the fixed part, the table of `(offset, length, checksum)` and
/// the checksum of both.
fn header(fp: Fingerprint, count: u64, table: &[(u64, u64, u64)]) -> Vec<u8> {
    let mut h = MAGIC.to_vec();
    h.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    h.extend_from_slice(&fp.len.to_le_bytes());
    h.extend_from_slice(&fp.hash.to_le_bytes());
    h.extend_from_slice(&count.to_le_bytes());
    for (at, len, sum) in table {
        for v in [at, len, sum] {
            h.extend_from_slice(&v.to_le_bytes());
        }
    }
    let sum = checksum(&h, fp.hash, SECTIONS);
    h.extend_from_slice(&sum.to_le_bytes());
    h.resize(BODY_START, 0);
    h
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"))
}

/// What a header says.
struct Header {
    fp: Fingerprint,
    count: u64,
    table: Vec<(u64, u64, u64)>,
}

/// The header of a snapshot file: `Stale` when it is not one of this format
/// made from a dataset of size `len` (the hash is checked by the caller),
/// `Corrupt` when its checksum fails.
fn check_header(bytes: &[u8], len: u64, path: &Path) -> Result<Header, SnapshotFileError> {
    let stale = || SnapshotFileError::Stale {
        path: path.to_path_buf(),
    };
    let head = bytes.get(..HEADER_LEN).ok_or_else(stale)?;
    if &head[..14] != MAGIC || head[14..18] != FORMAT_VERSION.to_le_bytes() {
        return Err(stale());
    }
    let fp = Fingerprint {
        len: u64_at(head, 18),
        hash: u64_at(head, 26),
    };
    if fp.len != len {
        return Err(stale());
    }
    let table: Vec<(u64, u64, u64)> = (0..SECTIONS)
        .map(|k| {
            let at = FIXED_LEN + k * 24;
            (
                u64_at(head, at),
                u64_at(head, at + 8),
                u64_at(head, at + 16),
            )
        })
        .collect();
    let count = u64_at(head, 34);
    if bytes.get(..BODY_START) != Some(&header(fp, count, &table)[..]) {
        return Err(corrupt(path, "the header's checksum does not match"));
    }
    Ok(Header { fp, count, table })
}

fn corrupt(path: &Path, message: &str) -> SnapshotFileError {
    SnapshotFileError::Corrupt {
        path: path.to_path_buf(),
        record: 0,
        message: message.to_string(),
    }
}

/// The sections read to build the R-tree and the id map (offsets, rows, admin
/// codes, id map), checked before anything is built from them.
const SMALL: [usize; 6] = [1, 2, 3, 5, 7, 8];
/// The large sections (records, prepared features, search text), checked
/// while the R-tree is built; the prepared features are the largest.
const LARGE: [usize; 3] = [0, 4, 6];

/// Reads the snapshot an open snapshot file (`path` names it in errors) holds
/// when it was made from a dataset of size `len`, and returns it with the
/// dataset hash it names; the caller checks the hash. The file is mapped,
/// its sections are checked against their checksums (the large ones on two
/// more threads while the R-tree is built) and the rows are checked as the R-tree
/// is built from them; then the parts are used in place. The file must be one
/// nothing else writes to while it is mapped (see the dataset's private copy).
pub(crate) fn read_unchecked(
    file: &std::fs::File,
    path: &Path,
    len: u64,
) -> Result<(Snapshot, u64), SnapshotFileError> {
    let (parts, head) = read_parts(file, path, len)?;
    let records = parts.records.clone();
    let check = |which: &[usize]| check_sections(file, &head, path, which);
    let (snapshot, large) = std::thread::scope(|s| {
        // The prepared features on one thread, the records and the search
        // text on another, beside the R-tree's build.
        let prepared = s.spawn(|| check(&LARGE[1..2]));
        let others = s.spawn(|| {
            check(&[LARGE[0], LARGE[2]])?;
            check_records(&records, path)
        });
        let snapshot = Snapshot::from_parts(parts, head.fp.hash, None);
        let failed = || Err(corrupt(path, "checking the sections failed"));
        let large = [prepared, others]
            .into_iter()
            .map(|t| t.join().unwrap_or_else(|_| failed()))
            .collect::<Result<Vec<()>, _>>();
        (snapshot, large)
    });
    large?;
    let snapshot = snapshot.map_err(|why| corrupt(path, &why))?;
    Ok((snapshot, head.fp.hash))
}

/// The parts a snapshot file holds, mapped, and its header; the sections in
/// [`SMALL`] are checked against their checksums, the others are the
/// caller's to check.
fn read_parts(
    file: &std::fs::File,
    path: &Path,
    len: u64,
) -> Result<(Parts, Header), SnapshotFileError> {
    let io = |source| SnapshotFileError::Io {
        path: path.to_path_buf(),
        source,
    };
    // SAFETY: the file is the dataset's private copy, which nothing rewrites
    // in place (it is replaced whole by a rename; ordinary tools reach only
    // the visible snapshot file), or a file only this process holds; every
    // part is checked against its checksum before it is used and everything
    // read is bounds-checked.
    #[allow(unsafe_code)]
    let map = unsafe { memmap2::Mmap::map(file) }.map_err(io)?;
    let head = check_header(&map, len, path)?;
    let n = usize::try_from(head.count).map_err(|_| corrupt(path, "record count"))?;
    let base = Arc::new(Backing::Mapped(map));
    let blobs: Vec<Blob> = head
        .table
        .iter()
        .map(|&(at, len, _)| {
            let (at, len) = (usize::try_from(at).ok()?, usize::try_from(len).ok()?);
            Blob::part(&base, at, len)
        })
        .collect::<Option<_>>()
        .ok_or_else(|| corrupt(path, "a section is outside the file"))?;
    check_sections(file, &head, path, &SMALL)?;
    let column = |b: usize, e: usize, what: &str| {
        Column::new(blobs[b].clone(), blobs[e].clone(), n).ok_or_else(|| corrupt(path, what))
    };
    let admins = std::str::from_utf8(&blobs[3])
        .map_err(|_| corrupt(path, "admin codes"))?
        .split('\n')
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect();
    let parts = Parts {
        records: column(0, 1, "records")?,
        attrs: Attrs::new(blobs[2].clone(), n).ok_or_else(|| corrupt(path, "rows"))?,
        admins: AdminTable::from_codes(admins).ok_or_else(|| corrupt(path, "admin codes"))?,
        prepared: column(4, 5, "prepared features")?,
        search_text: column(6, 7, "search texts")?,
        by_id: blobs[8].clone(),
    };
    Ok((parts, head))
}

/// Checks only the header of an open snapshot file (see [`check_header`]):
/// whether it is worth copying.
pub(crate) fn check_head(
    file: &std::fs::File,
    path: &Path,
    len: u64,
) -> Result<(), SnapshotFileError> {
    let mut head = vec![0; BODY_START];
    match read_exact_at(file, &mut head, 0) {
        Ok(()) => check_header(&head, len, path).map(|_| ()),
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Err(SnapshotFileError::Stale {
            path: path.to_path_buf(),
        }),
        Err(source) => Err(SnapshotFileError::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// The first and the last records decode: a cheap check of the records
/// (their bytes are checked by the checksum).
fn check_records(records: &Column, path: &Path) -> Result<(), SnapshotFileError> {
    let n = records.ends.len() / 8;
    for i in [0, n.saturating_sub(1)].into_iter().take(n.min(2)) {
        decode_record(records.get(i as u32)).map_err(|message| SnapshotFileError::Corrupt {
            path: path.to_path_buf(),
            record: i as u64,
            message,
        })?;
    }
    Ok(())
}

/// Checks sections against their checksums. They are read with `pread`, not
/// through the mapping, so that checking a file does not make all of it
/// resident in the server (only the parts queries read are).
fn check_sections(
    file: &std::fs::File,
    head: &Header,
    path: &Path,
    which: &[usize],
) -> Result<(), SnapshotFileError> {
    let mut buf = vec![0u8; 1 << 20];
    for &k in which {
        let (at, len, want) = head.table[k];
        let mut sum = xxhash_rust::xxh3::Xxh3::with_seed(seed(head.fp.hash, k));
        let mut done = 0;
        while done < len {
            let n = (len - done).min(buf.len() as u64) as usize;
            read_exact_at(file, &mut buf[..n], at + done).map_err(|source| {
                SnapshotFileError::Io {
                    path: path.to_path_buf(),
                    source,
                }
            })?;
            sum.update(&buf[..n]);
            done += n as u64;
        }
        if sum.digest() != want {
            return Err(corrupt(
                path,
                &format!("section {k} does not match its checksum"),
            ));
        }
    }
    Ok(())
}

#[cfg(unix)]
fn read_exact_at(file: &std::fs::File, buf: &mut [u8], at: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, at)
}

#[cfg(not(unix))]
fn read_exact_at(file: &std::fs::File, buf: &mut [u8], at: u64) -> std::io::Result<()> {
    use std::io::Read;
    let mut f = file.try_clone()?;
    f.seek(SeekFrom::Start(at))?;
    f.read_exact(buf)
}

/// Reads the snapshot a snapshot file holds when it was made from a dataset
/// with this fingerprint.
pub fn read(path: &Path, fp: Fingerprint) -> Result<Snapshot, SnapshotFileError> {
    let file = open(path, false)?;
    let (snapshot, hash) = read_unchecked(&file, path, fp.len)?;
    if hash != fp.hash {
        return Err(SnapshotFileError::Stale {
            path: path.to_path_buf(),
        });
    }
    Ok(snapshot)
}

/// Opens a snapshot file: a regular file only (see [`open_regular`]), and
/// not a symbolic link when `private`.
pub(crate) fn open(path: &Path, private: bool) -> Result<std::fs::File, SnapshotFileError> {
    open_regular(path, private).map_err(|e| SnapshotFileError::Io {
        path: e.path,
        source: e.source,
    })
}

/// Writes the snapshot file of a snapshot loaded from a dataset with this
/// fingerprint, atomically (a temporary file renamed into place), with the
/// mode and owner of `like` (the dataset) or [`crate::files::NEW_FILE_MODE`].
pub fn write(path: &Path, fp: Fingerprint, snapshot: &Snapshot) -> Result<(), FileError> {
    write_like(path, None, fp, snapshot)
}

/// [`write`] with the mode and owner of `like`.
pub(crate) fn write_like(
    path: &Path,
    like: Option<&std::fs::Metadata>,
    fp: Fingerprint,
    snapshot: &Snapshot,
) -> Result<(), FileError> {
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
    write_atomically_like(path, like, |file| {
        // The sections first, each checksummed as it is written; then the
        // header, which holds the checksums.
        file.seek(SeekFrom::Start(BODY_START as u64))?;
        let mut w = BufWriter::with_capacity(1 << 20, &mut *file);
        let mut table = Vec::with_capacity(SECTIONS);
        let mut at = BODY_START as u64;
        for (k, s) in sections.into_iter().enumerate() {
            let sum = match s.spilled_file() {
                // A column a first start wrote to a temporary file is read
                // from the file, not through its mapping (which would bring
                // all of it into memory), and hashed on the way.
                Some(mut f) => {
                    f.seek(SeekFrom::Start(0))?;
                    let mut sum = xxhash_rust::xxh3::Xxh3::with_seed(seed(fp.hash, k));
                    let mut buf = vec![0; 1 << 20];
                    let mut copied = 0;
                    loop {
                        let got = std::io::Read::read(&mut f, &mut buf)?;
                        if got == 0 {
                            break;
                        }
                        sum.update(&buf[..got]);
                        w.write_all(&buf[..got])?;
                        copied += got;
                    }
                    if copied != s.len() {
                        return Err(std::io::Error::other("a temporary column changed size"));
                    }
                    sum.digest()
                }
                None => {
                    w.write_all(s)?;
                    checksum(s, fp.hash, k)
                }
            };
            table.push((at, s.len() as u64, sum));
            let pad = s.len().next_multiple_of(8) - s.len();
            w.write_all(&[0; 8][..pad])?;
            at += (s.len() + pad) as u64;
        }
        w.flush()?;
        drop(w);
        file.seek(SeekFrom::Start(0))?;
        file.write_all(&header(fp, snapshot.len() as u64, &table))
    })
}

/// The same snapshot read in place from an open snapshot file (`path` names
/// it in errors), made from a dataset with this fingerprint (so its parts
/// leave the heap), keeping its R-tree; `Err` when the file does not hold it.
pub(crate) fn read_in_place_of(
    file: &std::fs::File,
    path: &Path,
    fp: Fingerprint,
    snapshot: &Snapshot,
) -> Result<Snapshot, SnapshotFileError> {
    let (parts, head) = read_parts(file, path, fp.len)?;
    check_sections(file, &head, path, &LARGE)?;
    check_records(&parts.records, path)?;
    let hash = head.fp.hash;
    if hash != fp.hash || hash != snapshot.version() {
        return Err(SnapshotFileError::Stale {
            path: path.to_path_buf(),
        });
    }
    snapshot
        .with_storage(parts)
        .map_err(|why| corrupt(path, &why))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gazetteer::Gazetteer;

    /// Makes the checksums of a snapshot file again after a change: what a
    /// writer that knows the format could make, so that only the checks of
    /// the rows and offsets stand between it and the answers.
    fn reseal(bytes: &mut [u8]) {
        let fp = Fingerprint {
            len: u64_at(bytes, 18),
            hash: u64_at(bytes, 26),
        };
        let table: Vec<(u64, u64, u64)> = (0..SECTIONS)
            .map(|k| {
                let at = FIXED_LEN + k * 24;
                let (o, l) = (u64_at(bytes, at), u64_at(bytes, at + 8));
                let sum = checksum(&bytes[o as usize..(o + l) as usize], fp.hash, k);
                (o, l, sum)
            })
            .collect();
        let head = header(fp, u64_at(bytes, 34), &table);
        bytes[..BODY_START].copy_from_slice(&head);
    }

    #[test]
    fn values_no_practice_has_are_refused_even_under_good_checksums() {
        let dir = tempfile::tempdir().unwrap();
        let ps = crate::synthetic::practices(Gazetteer::bundled(), 50, 4);
        let s = Snapshot::new(ps);
        let fp = Fingerprint {
            len: 1234,
            hash: 99,
        };
        let path = dir.path().join("s");
        write(&path, fp, &s).unwrap();
        let good = std::fs::read(&path).unwrap();
        let section = |k: usize| u64_at(&good, FIXED_LEN + k * 24) as usize;
        let rows = section(2);
        type Change<'a> = Box<dyn Fn(&mut Vec<u8>) + 'a>;
        let cases: Vec<(&str, Change<'_>)> = vec![
            (
                "NaN latitude",
                Box::new(|b| b[rows + 8..rows + 16].copy_from_slice(&f64::NAN.to_le_bytes())),
            ),
            (
                "infinite longitude",
                Box::new(|b| b[rows + 40..rows + 48].copy_from_slice(&f64::INFINITY.to_le_bytes())),
            ),
            (
                "latitude 1e300",
                Box::new(|b| b[rows + 8..rows + 16].copy_from_slice(&1e300f64.to_le_bytes())),
            ),
            (
                "unit id out of range",
                Box::new(|b| b[rows + 30..rows + 32].copy_from_slice(&60000u16.to_le_bytes())),
            ),
            (
                "record ends out of order",
                Box::new(|b| {
                    let e = section(1) + 8;
                    b[e..e + 8].copy_from_slice(&0u64.to_le_bytes())
                }),
            ),
            (
                "a record end past its bytes",
                Box::new(|b| {
                    let e = section(1) + 49 * 8;
                    b[e..e + 8].copy_from_slice(&u64::MAX.to_le_bytes())
                }),
            ),
            (
                "id map out of range",
                Box::new(|b| {
                    let e = section(8);
                    b[e..e + 4].copy_from_slice(&500u32.to_le_bytes())
                }),
            ),
        ];
        for (what, change) in cases {
            let mut bad = good.clone();
            change(&mut bad);
            reseal(&mut bad);
            std::fs::write(&path, &bad).unwrap();
            let r = std::panic::catch_unwind(|| read(&path, fp).map(|_| ()));
            assert!(
                matches!(r, Ok(Err(SnapshotFileError::Corrupt { .. }))),
                "{what}: {r:?}"
            );
        }
        // Not resealed, a changed byte fails its checksum.
        let mut bad = good.clone();
        bad[rows + 3] ^= 1;
        std::fs::write(&path, &bad).unwrap();
        let e = read(&path, fp)
            .err()
            .expect("a flipped byte is seen")
            .to_string();
        assert!(e.contains("section 2 does not match its checksum"), "{e}");
        // The good file reads.
        std::fs::write(&path, &good).unwrap();
        assert_eq!(read(&path, fp).unwrap().len(), 50);
    }
}
