//! The snapshot file: the validated practices of a dataset in a binary form
//! that loads without re-reading and re-validating the CSV.
//!
//! The server writes it beside the dataset (`practices.csv` →
//! `practices.csv.snapshot`) after loading the CSV, and on the next start uses it
//! only when its header names the dataset's current content: the file's size and
//! xxh3 hash ([`Fingerprint`]) and this format's version. Anything else — a
//! missing, stale, truncated or foreign file — is ignored and the CSV is loaded.
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

use serde::{Deserialize, Serialize};

use crate::compact::{AdminTable, Attrs, Backing, Blob, Column};
use crate::gazetteer::{AdminChain, AdminRef, Precision};
use crate::practice::{Area, Contact, Location, Practice, UnitType};
use crate::query::{Parts, Snapshot};
use crate::store::{self, AdminInterner, Fingerprint, StoreError};

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

/// A practice as the snapshot file stores it: every field, strings borrowed
/// from the file's bytes when reading.
#[derive(Serialize, Deserialize)]
struct Record<'a> {
    id: &'a str,
    title: &'a str,
    area: &'a str,
    summary: &'a str,
    body: &'a str,
    cost_pln: Option<u64>,
    funding: Option<&'a str>,
    dates: [Option<i32>; 4],
    unit_type: Option<&'a str>,
    town: Option<&'a str>,
    powiat: Option<&'a str>,
    voivodeship: Option<&'a str>,
    postal_code: Option<&'a str>,
    post_office: Option<&'a str>,
    street: Option<&'a str>,
    unit: Option<&'a str>,
    phone: Option<&'a str>,
    websites: Vec<&'a str>,
    email: Option<&'a str>,
    population: Option<u64>,
    /// Contacts as their JSON array ("" when none).
    contacts: String,
    source: &'a str,
    source_url: Option<&'a str>,
    location: Option<(f64, f64, &'a str, f64)>,
    placed_from: Option<&'a str>,
    admin: [Option<(&'a str, &'a str)>; 3],
}

fn day(d: Option<chrono::NaiveDate>) -> Option<i32> {
    use chrono::Datelike;
    d.map(|d| d.num_days_from_ce())
}

fn date(n: Option<i32>) -> Result<Option<chrono::NaiveDate>, String> {
    n.map(|n| chrono::NaiveDate::from_num_days_from_ce_opt(n).ok_or(format!("day {n}")))
        .transpose()
}

impl<'a> Record<'a> {
    fn of(p: &'a Practice) -> Record<'a> {
        let admin = |a: &'a Option<AdminRef>| a.as_ref().map(|a| (&*a.teryt, &*a.name));
        Record {
            id: &p.id,
            title: &p.title,
            area: p.area.slug(),
            summary: &p.summary,
            body: &p.body,
            cost_pln: p.cost_pln,
            funding: p.funding.as_deref(),
            dates: [
                day(p.date_added),
                day(p.date_updated),
                day(p.period_start),
                day(p.period_end),
            ],
            unit_type: p.unit_type.map(|u| u.label()),
            town: p.town.as_deref(),
            powiat: p.powiat.as_deref(),
            voivodeship: p.voivodeship.as_deref(),
            postal_code: p.postal_code.as_deref(),
            post_office: p.post_office.as_deref(),
            street: p.street.as_deref(),
            unit: p.unit.as_deref(),
            phone: p.phone.as_deref(),
            websites: p.websites.iter().map(String::as_str).collect(),
            email: p.email.as_deref(),
            population: p.population,
            contacts: if p.contacts.is_empty() {
                String::new()
            } else {
                serde_json::to_string(&p.contacts).unwrap_or_default()
            },
            source: &p.source,
            source_url: p.source_url.as_deref(),
            placed_from: p.placed_from.as_deref(),
            location: p
                .location
                .map(|l| (l.lon, l.lat, l.precision.as_str(), l.score)),
            admin: [
                admin(&p.admin.gmina),
                admin(&p.admin.powiat),
                admin(&p.admin.voivodeship),
            ],
        }
    }

    fn practice(self, admins: &mut AdminInterner) -> Result<Practice, String> {
        let s = |x: Option<&str>| x.map(str::to_string);
        let [gmina, powiat, voivodeship] = self.admin.map(|a| a.map(|(t, n)| admins.get(t, n)));
        let [date_added, date_updated, period_start, period_end] = self.dates;
        Ok(Practice {
            id: self.id.to_string(),
            title: self.title.to_string(),
            area: Area::from_slug(self.area).ok_or(format!("area {:?}", self.area))?,
            summary: self.summary.to_string(),
            body: self.body.to_string(),
            cost_pln: self.cost_pln,
            funding: s(self.funding),
            date_added: date(date_added)?,
            date_updated: date(date_updated)?,
            period_start: date(period_start)?,
            period_end: date(period_end)?,
            unit_type: self
                .unit_type
                .map(|u| UnitType::from_label(u).ok_or(format!("unit type {u:?}")))
                .transpose()?,
            town: s(self.town),
            powiat: s(self.powiat),
            voivodeship: s(self.voivodeship),
            postal_code: s(self.postal_code),
            post_office: s(self.post_office),
            street: s(self.street),
            unit: s(self.unit),
            phone: s(self.phone),
            websites: self.websites.into_iter().map(str::to_string).collect(),
            email: s(self.email),
            population: self.population,
            contacts: if self.contacts.is_empty() {
                Vec::new()
            } else {
                serde_json::from_str::<Vec<Contact>>(&self.contacts).map_err(|e| e.to_string())?
            },
            source: self.source.to_string(),
            source_url: s(self.source_url),
            placed_from: s(self.placed_from),
            location: self
                .location
                .map(|(lon, lat, precision, score)| {
                    Ok::<_, String>(Location {
                        lon,
                        lat,
                        precision: precision.parse::<Precision>()?,
                        score,
                    })
                })
                .transpose()?,
            admin: AdminChain {
                gmina,
                powiat,
                voivodeship,
            },
        })
    }
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

/// Appends postcard's output to a `Vec`, each string as one copy (postcard's
/// own `to_extend` pushes it byte by byte).
struct Append<'a>(&'a mut Vec<u8>);

impl postcard::ser_flavors::Flavor for Append<'_> {
    type Output = ();

    fn try_extend(&mut self, data: &[u8]) -> postcard::Result<()> {
        self.0.extend_from_slice(data);
        Ok(())
    }

    fn try_push(&mut self, data: u8) -> postcard::Result<()> {
        self.0.push(data);
        Ok(())
    }

    fn finalize(self) -> postcard::Result<()> {
        Ok(())
    }
}

/// Encodes a practice as the snapshot's record, appended to `out`.
pub(crate) fn encode_record(p: &Practice, out: &mut Vec<u8>) {
    postcard::serialize_with_flavor(&Record::of(p), Append(out))
        .expect("a record of strings and numbers encodes");
}

/// Decodes a record.
pub(crate) fn decode_record(bytes: &[u8]) -> Result<Practice, String> {
    postcard::from_bytes::<Record>(bytes)
        .map_err(|e| e.to_string())?
        .practice(&mut AdminInterner::default())
}

/// The id of a record without decoding the rest (it comes first).
pub(crate) fn record_id(bytes: &[u8]) -> Option<&str> {
    postcard::take_from_bytes::<&str>(bytes)
        .ok()
        .map(|(id, _)| id)
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
    // (`store::write_atomically`), never written in place, so the mapped bytes
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
pub fn write(path: &Path, fp: Fingerprint, snapshot: &Snapshot) -> Result<(), StoreError> {
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
    store::write_atomically(path, |file| {
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

/// How a dataset was loaded.
pub struct Loaded {
    /// The snapshot, versioned by the dataset's content hash.
    pub snapshot: Snapshot,
    /// The dataset's fingerprint when it was read.
    pub fingerprint: Fingerprint,
    /// Whether the snapshot file was used (else the CSV was read and validated).
    pub from_snapshot_file: bool,
}

/// Loads a dataset: from its snapshot file when that matches the dataset's
/// content, else from the CSV. A stale or broken snapshot file is logged and
/// ignored; the CSV decides.
pub fn load(dataset: &Path) -> Result<Loaded, StoreError> {
    let t = std::time::Instant::now();
    let len = std::fs::metadata(dataset)
        .map_err(|source| StoreError::Io {
            path: dataset.to_path_buf(),
            source,
        })?
        .len();
    let snap_path = path_for(dataset);
    // The dataset is hashed on one thread while the snapshot file is mapped
    // and its R-tree built on another; the hash then decides. Without a
    // usable snapshot file the CSV is read at once, the hash finishing beside.
    std::thread::scope(|s| {
        let hashing = s.spawn(|| {
            let fp = store::fingerprint(dataset);
            tracing::debug!(ms = t.elapsed().as_millis() as u64, "dataset hashed");
            fp
        });
        let hashed = || hashing.join().expect("hashing does not panic");
        let (snapshot, fingerprint) = match read_unchecked(&snap_path, len) {
            Ok((snapshot, hash)) => {
                let fingerprint = hashed()?;
                if hash == fingerprint.hash && len == fingerprint.len {
                    tracing::debug!(ms = t.elapsed().as_millis() as u64, "snapshot file read");
                    return Ok(Loaded {
                        snapshot,
                        fingerprint,
                        from_snapshot_file: true,
                    });
                }
                tracing::info!(
                    path = %snap_path.display(),
                    "snapshot file made from another version of the dataset; reading the CSV"
                );
                from_csv(dataset, len, || Ok(fingerprint))?
            }
            Err(e) => {
                match e {
                    SnapshotFileError::Io { source, .. }
                        if source.kind() == std::io::ErrorKind::NotFound => {}
                    e => tracing::info!(reason = %e, "snapshot file not used; reading the CSV"),
                }
                from_csv(dataset, len, hashed)?
            }
        };
        tracing::debug!(ms = t.elapsed().as_millis() as u64, "CSV read");
        Ok(Loaded {
            snapshot,
            fingerprint,
            from_snapshot_file: false,
        })
    })
}

/// Reads and validates the CSV (of about `len` bytes) straight into a
/// snapshot: each valid row is encoded as it is read (see
/// [`store::read_each`]), so no record of the whole file is held at once; the
/// large columns go to temporary files beside it (see
/// [`crate::query::SnapshotBuilder::spilling_to`]). `fingerprint`, asked once
/// the rows are read, versions the snapshot. Fails as [`store::load`] does.
fn from_csv(
    dataset: &Path,
    len: u64,
    fingerprint: impl FnOnce() -> Result<Fingerprint, StoreError>,
) -> Result<(Snapshot, Fingerprint), StoreError> {
    from_csv_spilling(dataset, len, fingerprint, |dir| {
        crate::query::SnapshotBuilder::spilling_to(dir, len)
    })
}

/// [`from_csv`] with the builder `spilling` makes for the dataset's folder.
/// When it cannot be made (no right to write there), the columns are built in
/// memory; when its temporary files fail (no room), the CSV is read again
/// with them in memory.
fn from_csv_spilling(
    dataset: &Path,
    len: u64,
    fingerprint: impl FnOnce() -> Result<Fingerprint, StoreError>,
    spilling: impl FnOnce(&Path) -> std::io::Result<crate::query::SnapshotBuilder>,
) -> Result<(Snapshot, Fingerprint), StoreError> {
    let dir = store::parent_dir(dataset);
    let in_memory = || crate::query::SnapshotBuilder::with_capacity(0, len);
    let builder = spilling(&dir).unwrap_or_else(|e| {
        tracing::info!(dir = %dir.display(), error = %e, "no temporary files beside the dataset; building in memory");
        in_memory()
    });
    let (builder, mut errors, mut lines) = read_rows(dataset, builder)?;
    let fingerprint = fingerprint()?;
    // Only the ids of the valid rows are checked, as `store::load` does.
    let (snapshot, duplicates) = match builder.finish(fingerprint.hash) {
        Ok(built) => built,
        Err(e) => {
            tracing::warn!(dir = %dir.display(), error = %e, "temporary files beside the dataset failed; reading the CSV again, in memory");
            let builder;
            (builder, errors, lines) = read_rows(dataset, in_memory())?;
            builder
                .finish(fingerprint.hash)
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
    Ok((snapshot, fingerprint))
}

/// Reads the CSV's valid rows into `builder`: the builder, the problems of
/// the invalid rows and the line of each valid one.
fn read_rows(
    dataset: &Path,
    mut builder: crate::query::SnapshotBuilder,
) -> Result<
    (
        crate::query::SnapshotBuilder,
        Vec<store::RowError>,
        Vec<u64>,
    ),
    StoreError,
> {
    let mut lines = Vec::new();
    let errors = store::read_each(store::open(dataset)?, dataset, |batch| {
        for (p, line) in batch.iter() {
            builder.push(p);
            lines.push(*line);
        }
    })?;
    tracing::debug!(rows = lines.len(), "CSV rows read and encoded");
    Ok((builder, errors, lines))
}

/// Writes the snapshot file for a dataset loaded from its CSV, unless the
/// dataset changed while it was read (then the next load decides again).
pub fn save_for(
    dataset: &Path,
    fingerprint: Fingerprint,
    snapshot: &Snapshot,
) -> Result<bool, StoreError> {
    if store::fingerprint(dataset)? != fingerprint {
        return Ok(false);
    }
    write(&path_for(dataset), fingerprint, snapshot)?;
    Ok(true)
}

/// The same snapshot read in place from the snapshot file just written for it
/// (so its parts leave the heap), keeping its R-tree; `Err` gives it back when
/// the file no longer holds it.
pub fn remap(
    dataset: &Path,
    fingerprint: Fingerprint,
    snapshot: &Snapshot,
) -> Result<Snapshot, SnapshotFileError> {
    let path = path_for(dataset);
    let (parts, hash) = read_parts(&path, fingerprint.len)?;
    if hash != fingerprint.hash || hash != snapshot.version() {
        return Err(SnapshotFileError::Stale { path });
    }
    snapshot
        .with_storage(parts)
        .ok_or_else(|| SnapshotFileError::Corrupt {
            path,
            record: 0,
            message: "the parts do not fit the snapshot".into(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gazetteer::Gazetteer;

    fn dataset(dir: &Path, n: usize) -> (PathBuf, Vec<Practice>) {
        let mut ps = crate::synthetic::practices(Gazetteer::bundled(), n, 5);
        ps[1].contacts = vec![Contact {
            name: "Anna Nowak".into(),
            role: Some("koordynatorka".into()),
            phone: Some("+48 32 123 45 67".into()),
            email: None,
        }];
        ps[2].location = None;
        ps[2].admin = AdminChain::default();
        ps[3].websites = vec!["https://a.pl".into(), "https://b.pl".into()];
        ps[3].period_end = chrono::NaiveDate::from_ymd_opt(2021, 6, 30);
        ps[3].unit_type = Some(UnitType::from_label("gmina miejska").expect("a unit type"));
        let path = dir.join("practices.csv");
        store::save(&path, &ps).unwrap();
        // What the CSV holds (sorted by id, floats as written) is the reference.
        (path.clone(), store::load(&path).unwrap())
    }

    #[test]
    fn round_trip_gives_the_same_practices() {
        let dir = tempfile::tempdir().unwrap();
        let (path, ps) = dataset(dir.path(), 40);
        let loaded = load(&path).unwrap();
        assert!(!loaded.from_snapshot_file);
        assert!(save_for(&path, loaded.fingerprint, &loaded.snapshot).unwrap());
        let again = load(&path).unwrap();
        assert!(again.from_snapshot_file);
        assert_eq!(again.snapshot.practices().collect::<Vec<_>>(), ps);
        // The stored derived parts answer as freshly built ones do.
        let fresh = Snapshot::new(ps.clone());
        for i in 0..ps.len() as u32 {
            let (mut a, mut b) = (Vec::new(), Vec::new());
            again.snapshot.prepared(i).write(&mut a, None);
            fresh.prepared(i).write(&mut b, None);
            assert_eq!(a, b);
            assert!(again.snapshot.by_id(&ps[i as usize].id).is_some());
        }
        let near = crate::query::Filter {
            near: Some(crate::query::Near {
                lon: 19.9,
                lat: 50.0,
                radius_km: None,
                k: Some(7),
            }),
            text: Some("syntetyczna".into()),
            ..Default::default()
        };
        assert_eq!(again.snapshot.query(&near), fresh.query(&near));
        assert_eq!(again.snapshot.version(), loaded.snapshot.version());
        // Read in place: nothing of the records is copied to the heap.
        assert!(fresh.derived_bytes() > 10_000);
        assert!(
            again.snapshot.derived_bytes() < 100,
            "{} heap bytes",
            again.snapshot.derived_bytes()
        );
        // The snapshot served after the first save reads the same file in place.
        let mapped = remap(&path, loaded.fingerprint, &loaded.snapshot).unwrap();
        assert!(mapped.derived_bytes() < 100);
        assert_eq!(mapped.practices().collect::<Vec<_>>(), ps);
        assert_eq!(mapped.query(&near), fresh.query(&near));
    }

    /// A CSV of `n` practices whose row `multi_line` has a description over
    /// three lines, so that lines and rows part after it.
    fn long_dataset(dir: &Path, n: usize, multi_line: usize) -> (PathBuf, Vec<Practice>) {
        let mut ps = crate::synthetic::practices(Gazetteer::bundled(), n, 6);
        ps[multi_line].body = "pierwsza linia\ndruga, \"cytat\"\ntrzecia".into();
        let path = dir.join("practices.csv");
        store::save(&path, &ps).unwrap();
        (path.clone(), store::load(&path).unwrap())
    }

    #[test]
    fn the_first_start_streams_the_csv_into_the_same_snapshot() {
        // More rows than one batch of the reader, so rows cross threads in
        // several batches and must keep their order.
        let dir = tempfile::tempdir().unwrap();
        let (path, ps) = long_dataset(dir.path(), 2 * store::BATCH + 77, 5);
        let loaded = load(&path).unwrap();
        assert!(!loaded.from_snapshot_file);
        assert_eq!(loaded.snapshot.practices().collect::<Vec<_>>(), ps);
        let fresh = Snapshot::new(ps.clone());
        for i in [0u32, 5, 1500, ps.len() as u32 - 1] {
            let (mut a, mut b) = (Vec::new(), Vec::new());
            loaded.snapshot.prepared(i).write(&mut a, None);
            fresh.prepared(i).write(&mut b, None);
            assert_eq!(a, b);
            assert_eq!(
                loaded.snapshot.by_id(&ps[i as usize].id),
                Some(ps[i as usize].clone())
            );
        }
        assert_eq!(loaded.snapshot.index().len(), fresh.index().len());
        assert_eq!(loaded.snapshot.version(), loaded.fingerprint.hash);
    }

    #[test]
    fn a_first_start_spills_its_large_columns_and_writes_the_same_file() {
        let dir = tempfile::tempdir().unwrap();
        let (path, ps) = long_dataset(dir.path(), store::BATCH + 50, 5);
        let loaded = load(&path).unwrap();
        // The records, prepared features and search text are temporary files,
        // mapped: not on the heap.
        let (records, _, _, text, prepared, _) = loaded.snapshot.parts();
        for c in [records, text, prepared] {
            assert!(c.bytes.spilled_file().is_some());
        }
        let in_memory = Snapshot::with_version(ps.clone(), loaded.fingerprint.hash);
        assert!(loaded.snapshot.derived_bytes() + 100_000 < in_memory.derived_bytes());
        // Its snapshot file equals, byte for byte, the one of the same
        // practices built in memory.
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        write(&a, loaded.fingerprint, &loaded.snapshot).unwrap();
        write(&b, loaded.fingerprint, &in_memory).unwrap();
        assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
        assert_eq!(loaded.snapshot.practices().collect::<Vec<_>>(), ps);
        // The temporary files have no name: nothing is left beside the dataset.
        drop(loaded);
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["a", "b", "practices.csv"]);
    }

    #[test]
    fn records_encode_as_postcard_does() {
        let dir = tempfile::tempdir().unwrap();
        let (_, ps) = dataset(dir.path(), 12);
        let mut out = b"before".to_vec();
        let mut expected = out.clone();
        for p in &ps {
            encode_record(p, &mut out);
            expected.extend(postcard::to_stdvec(&Record::of(p)).unwrap());
        }
        assert_eq!(out, expected);
    }

    #[test]
    fn a_spilling_builder_builds_the_same_parts_as_one_in_memory() {
        let dir = tempfile::tempdir().unwrap();
        for n in [0, 1, 300] {
            let ps = crate::synthetic::practices(Gazetteer::bundled(), n, 3);
            let mut spilling = crate::query::SnapshotBuilder::spilling_to(dir.path(), 0).unwrap();
            let mut memory = crate::query::SnapshotBuilder::with_capacity(n, 0);
            for p in &ps {
                spilling.push(p);
                memory.push(p);
            }
            let (a, _) = spilling.finish(7).unwrap();
            let (b, _) = memory.finish(7).unwrap();
            let (pa, pb) = (a.parts(), b.parts());
            for (x, y) in [(pa.0, pb.0), (pa.3, pb.3), (pa.4, pb.4)] {
                assert_eq!(&*x.bytes, &*y.bytes, "{n} practices");
                assert_eq!(&*x.ends, &*y.ends, "{n} practices");
            }
            assert_eq!(&**pa.1.blob(), &**pb.1.blob());
            assert_eq!(&**pa.5, &**pb.5);
            assert_eq!(a.practices().collect::<Vec<_>>(), ps);
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn temporary_files_that_fail_leave_the_columns_in_memory() {
        let dir = tempfile::tempdir().unwrap();
        let (path, ps) = long_dataset(dir.path(), 300, 5);
        let fp = store::fingerprint(&path).unwrap();
        // Every write to /dev/full fails as a full disk does.
        let full = || {
            std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .open("/dev/full")
                .unwrap()
        };
        let spilling = |_: &Path| {
            Ok(crate::query::SnapshotBuilder::spilling_into(
                [full(), full(), full()],
                fp.len,
            ))
        };
        let (snapshot, got) = from_csv_spilling(&path, fp.len, || Ok(fp), spilling).unwrap();
        assert_eq!(got, fp);
        assert_eq!(snapshot.practices().collect::<Vec<_>>(), ps);
        assert!(!snapshot.parts().0.bytes.is_mapped());
        // No folder for temporary files: in memory too.
        let none = |_: &Path| Err(std::io::Error::other("no room"));
        let (snapshot, _) = from_csv_spilling(&path, fp.len, || Ok(fp), none).unwrap();
        assert_eq!(snapshot.practices().collect::<Vec<_>>(), ps);
    }

    #[test]
    fn a_bad_row_fails_the_first_start_with_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let n = 2 * store::BATCH + 10;
        let (path, ps) = long_dataset(dir.path(), n, 5);
        let text = std::fs::read_to_string(&path).unwrap();
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        // Row 5 spans three lines: data row k (0-based) is on line k + 2,
        // plus 2 after row 5.
        let line_of = |row: usize| row + 2 + if row > 5 { 2 } else { 0 };
        let bad = |lines: &mut Vec<String>, row: usize, from: &str, to: &str| {
            let l = &mut lines[line_of(row) - 1];
            assert!(l.contains(from), "{l}");
            *l = l.replacen(from, to, 1);
        };
        // An area that is not one, in the second batch; an id used twice (the
        // later row is reported) in the third.
        let area = ps[1500].area.slug();
        bad(&mut lines, 1500, &format!(",{area},"), ",nie-ma-takiej,");
        let (first_id, dup_id) = (&ps[3].id, &ps[n - 3].id);
        bad(&mut lines, n - 3, dup_id, first_id);
        std::fs::write(&path, lines.join("\n") + "\n").unwrap();
        let Err(StoreError::Invalid { errors }) = load(&path).map(|_| ()) else {
            panic!("the bad rows load")
        };
        let found: Vec<(u64, &str)> = errors.iter().map(|e| (e.line, e.column.as_str())).collect();
        assert_eq!(
            found,
            [
                (line_of(1500) as u64, "area"),
                (line_of(n - 3) as u64, "id")
            ],
            "{errors:?}"
        );
        assert!(errors[1].problem.contains("used by an earlier row"));
        assert!(errors[0].to_string().starts_with(&format!(
            "{}:{}: area: ",
            path.display(),
            line_of(1500)
        )));
        // The same problems as the loader of records reports.
        let Err(StoreError::Invalid { errors: old }) = store::load(&path) else {
            panic!("the bad rows load")
        };
        assert_eq!(errors, old);
    }

    #[test]
    fn a_changed_dataset_ignores_the_snapshot_file() {
        let dir = tempfile::tempdir().unwrap();
        let (path, mut ps) = dataset(dir.path(), 30);
        let l = load(&path).unwrap();
        save_for(&path, l.fingerprint, &l.snapshot).unwrap();
        // Same size, other content: only the hash tells.
        ps[0].title = ps[0].title.replace('P', "Q");
        store::save(&path, &ps).unwrap();
        let loaded = load(&path).unwrap();
        assert!(!loaded.from_snapshot_file);
        assert!(loaded.snapshot.practice(0).title.starts_with('Q'));
    }

    #[test]
    fn a_damaged_snapshot_file_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let (path, ps) = dataset(dir.path(), 30);
        let l = load(&path).unwrap();
        save_for(&path, l.fingerprint, &l.snapshot).unwrap();
        let snap = path_for(&path);
        let bytes = std::fs::read(&snap).unwrap();
        std::fs::write(&snap, &bytes[..bytes.len() / 2]).unwrap();
        let r = read(&snap, store::fingerprint(&path).unwrap());
        assert!(
            matches!(r, Err(SnapshotFileError::Corrupt { .. })),
            "{:?}",
            r.err()
        );
        let loaded = load(&path).unwrap();
        assert!(!loaded.from_snapshot_file);
        assert_eq!(loaded.snapshot.practices().collect::<Vec<_>>(), ps);
    }
}
