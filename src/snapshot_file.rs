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
//! hash (u64 LE), record count (u64 LE), then the records in postcard.

use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::gazetteer::{AdminChain, AdminRef, Precision};
use crate::practice::{Area, Contact, Location, Practice, UnitType};
use crate::query::Snapshot;
use crate::store::{self, AdminInterner, Fingerprint, StoreError};

/// The first bytes of a snapshot file.
pub const MAGIC: &[u8; 14] = b"MAPA-SNAPSHOT\n";
/// Version of the layout and of the record; bumped when either changes.
pub const FORMAT_VERSION: u32 = 1;

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
    location: Option<(f64, f64, &'a str, f64)>,
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

fn header(fp: Fingerprint, count: u64) -> Vec<u8> {
    let mut h = MAGIC.to_vec();
    h.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    h.extend_from_slice(&fp.len.to_le_bytes());
    h.extend_from_slice(&fp.hash.to_le_bytes());
    h.extend_from_slice(&count.to_le_bytes());
    h
}

const HEADER_LEN: usize = 14 + 4 + 8 + 8 + 8;

/// Reads the practices from a snapshot file when it was made from a dataset
/// with this fingerprint.
pub fn read(path: &Path, fp: Fingerprint) -> Result<Vec<Practice>, SnapshotFileError> {
    let io = |source| SnapshotFileError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut f = std::fs::File::open(path).map_err(io)?;
    let mut head = [0u8; HEADER_LEN];
    f.read_exact(&mut head)
        .map_err(|_| SnapshotFileError::Stale {
            path: path.to_path_buf(),
        })?;
    let count = u64::from_le_bytes(head[HEADER_LEN - 8..].try_into().expect("8 bytes"));
    if head[..] != header(fp, count)[..] {
        return Err(SnapshotFileError::Stale {
            path: path.to_path_buf(),
        });
    }
    let mut bytes = Vec::new();
    f.read_to_end(&mut bytes).map_err(io)?;
    let corrupt = |record, message: String| SnapshotFileError::Corrupt {
        path: path.to_path_buf(),
        record,
        message,
    };
    let mut rest = &bytes[..];
    let mut admins = AdminInterner::default();
    let mut out = Vec::with_capacity(count.min(50_000_000) as usize);
    for i in 0..count {
        let (r, tail) =
            postcard::take_from_bytes::<Record>(rest).map_err(|e| corrupt(i, e.to_string()))?;
        out.push(r.practice(&mut admins).map_err(|e| corrupt(i, e))?);
        rest = tail;
    }
    if !rest.is_empty() {
        return Err(corrupt(count, "bytes after the last record".into()));
    }
    Ok(out)
}

/// Writes the snapshot file of practices loaded from a dataset with this
/// fingerprint, atomically (a temporary file renamed into place).
pub fn write(path: &Path, fp: Fingerprint, practices: &[Practice]) -> Result<(), StoreError> {
    store::write_atomically(path, |w| {
        let mut w = BufWriter::with_capacity(1 << 20, w);
        w.write_all(&header(fp, practices.len() as u64))?;
        for p in practices {
            postcard::to_io(&Record::of(p), &mut w).map_err(std::io::Error::other)?;
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
    let fingerprint = store::fingerprint(dataset)?;
    tracing::debug!(ms = t.elapsed().as_millis() as u64, "dataset hashed");
    let snap_path = path_for(dataset);
    match read(&snap_path, fingerprint) {
        Ok(practices) => {
            tracing::debug!(ms = t.elapsed().as_millis() as u64, "snapshot file read");
            return Ok(Loaded {
                snapshot: Snapshot::with_version(practices, fingerprint.hash),
                fingerprint,
                from_snapshot_file: true,
            });
        }
        Err(SnapshotFileError::Io { source, .. })
            if source.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => tracing::info!(reason = %e, "snapshot file not used; reading the CSV"),
    }
    let practices = store::load(dataset)?;
    tracing::debug!(ms = t.elapsed().as_millis() as u64, "CSV read");
    Ok(Loaded {
        snapshot: Snapshot::with_version(practices, fingerprint.hash),
        fingerprint,
        from_snapshot_file: false,
    })
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
    write(&path_for(dataset), fingerprint, snapshot.practices())?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gazetteer::Gazetteer;
    use std::sync::Arc;

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
        assert_eq!(again.snapshot.practices(), &ps[..]);
        assert_eq!(again.snapshot.version(), loaded.snapshot.version());
        // Admin units are shared, not copied per practice.
        let g: Vec<_> = again
            .snapshot
            .practices()
            .iter()
            .filter_map(|p| p.admin.voivodeship.as_ref())
            .collect();
        let same = g
            .iter()
            .filter(|a| Arc::ptr_eq(&a.name, &g[0].name))
            .count();
        assert!(same > 1, "voivodeship names are shared");
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
        assert!(loaded.snapshot.practices()[0].title.starts_with('Q'));
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
        assert!(matches!(
            read(&snap, store::fingerprint(&path).unwrap()),
            Err(SnapshotFileError::Corrupt { .. })
        ));
        let loaded = load(&path).unwrap();
        assert!(!loaded.from_snapshot_file);
        assert_eq!(loaded.snapshot.practices(), &ps[..]);
    }
}
