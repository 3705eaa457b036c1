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

use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::gazetteer::{AdminChain, AdminRef, Precision};
use crate::geojson::PreparedFeatures;
use crate::index::PracticeIndex;
use crate::practice::{Area, Contact, Location, Practice, UnitType};
use crate::query::{Snapshot, TextColumn};
use crate::store::{self, AdminInterner, Fingerprint, StoreError};

/// The first bytes of a snapshot file.
pub const MAGIC: &[u8; 14] = b"MAPA-SNAPSHOT\n";
/// Version of the layout and of the record; bumped when either changes.
pub const FORMAT_VERSION: u32 = 4;

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

fn header(fp: Fingerprint, count: u64) -> Vec<u8> {
    let mut h = MAGIC.to_vec();
    h.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    h.extend_from_slice(&fp.len.to_le_bytes());
    h.extend_from_slice(&fp.hash.to_le_bytes());
    h.extend_from_slice(&count.to_le_bytes());
    h
}

const HEADER_LEN: usize = 14 + 4 + 8 + 8 + 8;

fn put_u64s(w: &mut impl Write, xs: impl ExactSizeIterator<Item = u64>) -> std::io::Result<()> {
    w.write_all(&(xs.len() as u64 * 8).to_le_bytes())?;
    for x in xs {
        w.write_all(&x.to_le_bytes())?;
    }
    Ok(())
}

fn put_bytes(w: &mut impl Write, b: &[u8]) -> std::io::Result<()> {
    w.write_all(&(b.len() as u64).to_le_bytes())?;
    w.write_all(b)
}

/// Reads one length-prefixed section, refusing lengths beyond what is left.
fn section(r: &mut impl Read, left: &mut u64) -> std::io::Result<Vec<u8>> {
    let mut len = [0u8; 8];
    r.read_exact(&mut len)?;
    let len = u64::from_le_bytes(len);
    if len > left.saturating_sub(8) {
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "section longer than the file",
        ));
    }
    *left -= 8 + len;
    let mut b = vec![0u8; len as usize];
    r.read_exact(&mut b)?;
    Ok(b)
}

fn u64s(b: &[u8]) -> impl Iterator<Item = u64> + '_ {
    b.chunks_exact(8)
        .map(|c| u64::from_le_bytes(c.try_into().expect("8 bytes")))
}

/// Decodes records `range` of the records section.
fn decode(
    records: &[u8],
    ends: &[usize],
    range: std::ops::Range<usize>,
) -> Result<Vec<Practice>, (u64, String)> {
    let mut admins = AdminInterner::default();
    let mut out = Vec::with_capacity(range.len());
    for i in range {
        let start = if i == 0 { 0 } else { ends[i - 1] };
        let bytes = records
            .get(start..ends[i])
            .ok_or((i as u64, "outside the records section".to_string()))?;
        let r = postcard::from_bytes::<Record>(bytes).map_err(|e| (i as u64, e.to_string()))?;
        out.push(r.practice(&mut admins).map_err(|e| (i as u64, e))?);
    }
    Ok(out)
}

/// Reads the snapshot a snapshot file holds when it was made from a dataset
/// with this fingerprint: the records, decoded on two threads while the R-tree
/// is built from the stored points, and the stored prepared features, search
/// text and id map.
pub fn read(path: &Path, fp: Fingerprint) -> Result<Snapshot, SnapshotFileError> {
    let io = |source| SnapshotFileError::Io {
        path: path.to_path_buf(),
        source,
    };
    let corrupt = |record, message: String| SnapshotFileError::Corrupt {
        path: path.to_path_buf(),
        record,
        message,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut left = file.metadata().map_err(io)?.len();
    let mut f = std::io::BufReader::with_capacity(1 << 20, file);
    let mut head = [0u8; HEADER_LEN];
    f.read_exact(&mut head)
        .map_err(|_| SnapshotFileError::Stale {
            path: path.to_path_buf(),
        })?;
    left = left.saturating_sub(HEADER_LEN as u64);
    let count = u64::from_le_bytes(head[HEADER_LEN - 8..].try_into().expect("8 bytes"));
    if head[..] != header(fp, count)[..] {
        return Err(SnapshotFileError::Stale {
            path: path.to_path_buf(),
        });
    }
    let n = count as usize;
    let mut next = || section(&mut f, &mut left).map_err(|e| corrupt(count, e.to_string()));
    let records = next()?;
    let record_ends: Vec<usize> = u64s(&next()?).map(|e| e as usize).collect();
    let points = next()?;
    let features = next()?;
    let feature_ends: Vec<usize> = u64s(&next()?).map(|e| e as usize).collect();
    let text = String::from_utf8(next()?).map_err(|e| corrupt(count, e.to_string()))?;
    let text_ends: Vec<usize> = u64s(&next()?).map(|e| e as usize).collect();
    let by_id: Vec<u32> = next()?
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes(c.try_into().expect("4 bytes")))
        .collect();
    if record_ends.len() != n {
        return Err(corrupt(
            count,
            "record offsets do not match the count".into(),
        ));
    }
    let (decoded, index) = std::thread::scope(|s| {
        let half = n / 2;
        let (records, record_ends) = (&records, &record_ends);
        let second = s.spawn(move || decode(records, record_ends, half..n));
        let index = s.spawn(|| {
            PracticeIndex::build(points.chunks_exact(20).map(|c| {
                let f = |r: std::ops::Range<usize>| {
                    f64::from_le_bytes(c[r].try_into().expect("8 bytes"))
                };
                (
                    u32::from_le_bytes(c[..4].try_into().expect("4 bytes")),
                    f(4..12),
                    f(12..20),
                )
            }))
        });
        let first = decode(records, record_ends, 0..half);
        let decoded = first.and_then(|mut a| {
            a.extend(second.join().expect("decoding does not panic")?);
            Ok(a)
        });
        (
            decoded,
            index.join().expect("building the R-tree does not panic"),
        )
    });
    let practices = decoded.map_err(|(i, m)| corrupt(i, m))?;
    let bad = |what: &str| corrupt(count, format!("{what} do not fit the records"));
    let prepared = PreparedFeatures::from_raw_parts(features, feature_ends)
        .ok_or_else(|| bad("prepared features"))?;
    let search = TextColumn::from_parts(text, text_ends).ok_or_else(|| bad("search texts"))?;
    if index.len() != practices.iter().filter(|p| p.location.is_some()).count() {
        return Err(bad("points"));
    }
    Snapshot::from_parts(practices, index, prepared, search, by_id, fp.hash)
        .ok_or_else(|| bad("derived parts"))
}

/// Writes the snapshot file of a snapshot loaded from a dataset with this
/// fingerprint, atomically (a temporary file renamed into place).
pub fn write(path: &Path, fp: Fingerprint, snapshot: &Snapshot) -> Result<(), StoreError> {
    store::write_atomically(path, |file| {
        let practices = snapshot.practices();
        let mut w = BufWriter::with_capacity(1 << 20, &mut *file);
        w.write_all(&header(fp, practices.len() as u64))?;
        // The records, their length patched in once known.
        let len_at = HEADER_LEN as u64;
        w.write_all(&0u64.to_le_bytes())?;
        let mut ends = Vec::with_capacity(practices.len());
        let mut buf = Vec::with_capacity(1024);
        let mut total = 0u64;
        for p in practices {
            buf.clear();
            let out = postcard::to_extend(&Record::of(p), std::mem::take(&mut buf))
                .map_err(std::io::Error::other)?;
            w.write_all(&out)?;
            total += out.len() as u64;
            ends.push(total);
            buf = out;
        }
        w.flush()?;
        drop(w);
        file.seek(SeekFrom::Start(len_at))?;
        file.write_all(&total.to_le_bytes())?;
        file.seek(SeekFrom::End(0))?;
        let mut w = BufWriter::with_capacity(1 << 20, &mut *file);
        put_u64s(&mut w, ends.into_iter())?;
        let mut points = Vec::with_capacity(practices.len() * 20);
        for (i, p) in practices.iter().enumerate() {
            if let Some(l) = p.location {
                points.extend_from_slice(&(i as u32).to_le_bytes());
                points.extend_from_slice(&l.lon.to_le_bytes());
                points.extend_from_slice(&l.lat.to_le_bytes());
            }
        }
        put_bytes(&mut w, &points)?;
        let (prepared, search, by_id) = snapshot.derived_parts();
        let (text, ends) = prepared.raw_parts();
        put_bytes(&mut w, text)?;
        put_u64s(&mut w, ends.iter().map(|&e| e as u64))?;
        put_bytes(&mut w, search.text.as_bytes())?;
        put_u64s(&mut w, search.ends.iter().map(|&e| e as u64))?;
        let ids: Vec<u8> = by_id.iter().flat_map(|i| i.to_le_bytes()).collect();
        put_bytes(&mut w, &ids)?;
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
        Ok(snapshot) => {
            tracing::debug!(ms = t.elapsed().as_millis() as u64, "snapshot file read");
            return Ok(Loaded {
                snapshot,
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
    write(&path_for(dataset), fingerprint, snapshot)?;
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
        let r = read(&snap, store::fingerprint(&path).unwrap());
        assert!(
            matches!(r, Err(SnapshotFileError::Corrupt { .. })),
            "{:?}",
            r.err()
        );
        let loaded = load(&path).unwrap();
        assert!(!loaded.from_snapshot_file);
        assert_eq!(loaded.snapshot.practices(), &ps[..]);
    }
}
