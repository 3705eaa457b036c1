//! Building a snapshot practice by practice, from any source of records.

use std::sync::Arc;

use super::columns::{self, AdminTable, Attrs, Blob, ColumnBuilder};
use super::held::{Parts, Snapshot};
use super::record::encode_record;
use crate::index::PracticeIndex;
use crate::practice::Practice;

/// The text a text query searches, folded and stemmed as
/// [`crate::text_match`] does it (the page does the same): title, summary,
/// description, town and unit.
fn search_text(p: &Practice) -> String {
    crate::text_match::search_text(
        [
            Some(p.title.as_str()),
            Some(p.summary.as_str()),
            Some(p.body.as_str()),
            p.town.as_deref(),
            p.unit.as_deref(),
        ]
        .into_iter()
        .flatten(),
    )
}

/// Builds a [`Snapshot`] practice by practice: each is encoded into the
/// compact parts as it comes and can be dropped at once, so the records never
/// sit in memory all together.
pub struct SnapshotBuilder {
    records: ColumnBuilder,
    search_text: ColumnBuilder,
    prepared: ColumnBuilder,
    rows: Vec<u8>,
    admins: AdminTable,
    ids: ColumnBuilder,
    /// Whether the prepared features and the search text keep people's
    /// phones and e-mails written in the text (else withheld, the default).
    publish_personal: bool,
}

impl SnapshotBuilder {
    /// A builder with room for about `n` practices, or for those of a CSV of
    /// `csv_bytes` bytes when `n` is 0 (room only reserved is not memory used).
    pub fn with_capacity(n: usize, csv_bytes: u64) -> SnapshotBuilder {
        let n = n.max((csv_bytes / 256) as usize);
        SnapshotBuilder {
            records: ColumnBuilder::with_capacity(n, n * 400),
            search_text: ColumnBuilder::with_capacity(n, n * 200),
            prepared: ColumnBuilder::with_capacity(n, n * 640),
            rows: Vec::with_capacity(n * columns::ROW),
            admins: AdminTable::default(),
            ids: ColumnBuilder::with_capacity(n, n * 16),
            publish_personal: false,
        }
    }

    /// The same builder, whose prepared features and search text keep
    /// people's phones and e-mails written in the text when `publish` (the
    /// operator's `--publish-personal`); by default they are withheld as
    /// [`Practice::public_view`] withholds them, since list answers are the
    /// prepared features as they are. The records keep the text as written.
    pub fn publishing_personal(mut self, publish: bool) -> SnapshotBuilder {
        self.publish_personal = publish;
        self
    }

    /// A builder like [`with_capacity`](Self::with_capacity) whose large
    /// columns (records, prepared features, search text) are written to
    /// unnamed temporary files in `dir` as they are encoded and mapped at the
    /// end, so that they never sit on the heap; the snapshot it builds is the
    /// same, byte for byte.
    pub fn spilling_to(dir: &std::path::Path, csv_bytes: u64) -> std::io::Result<SnapshotBuilder> {
        let file = || tempfile::tempfile_in(dir);
        Ok(SnapshotBuilder::spilling_into(
            [file()?, file()?, file()?],
            csv_bytes,
        ))
    }

    /// [`spilling_to`](Self::spilling_to) these files (new and empty): the
    /// records, the search text and the prepared features.
    pub(crate) fn spilling_into(files: [std::fs::File; 3], csv_bytes: u64) -> SnapshotBuilder {
        let n = (csv_bytes / 256) as usize;
        let [records, search_text, prepared] = files.map(|f| ColumnBuilder::spilling_into(f, n));
        SnapshotBuilder {
            records,
            search_text,
            prepared,
            ..SnapshotBuilder::with_capacity(0, 0)
        }
    }

    /// Encodes the next practice: its record as it is, its search text and
    /// prepared feature from what may be published.
    pub fn push(&mut self, p: &Practice) {
        encode_record(p, self.records.buf());
        self.records.end_item();
        let withheld = match self.publish_personal {
            true => None,
            false => p.withhold_personal_prose(),
        };
        let public = withheld.as_ref().unwrap_or(p);
        self.search_text
            .buf()
            .extend_from_slice(search_text(public).as_bytes());
        self.search_text.end_item();
        crate::geojson::write_summary_open(self.prepared.buf(), public);
        self.prepared.end_item();
        Attrs::row(&mut self.rows, p, &mut self.admins);
        self.ids.buf().extend_from_slice(p.id.as_bytes());
        self.ids.end_item();
    }

    /// The snapshot of the practices pushed (the R-tree bulk-loaded on a
    /// second thread while the id map is sorted), and the practices whose id
    /// an earlier one has: (index, id), in index order. Fails only when
    /// writing or mapping a temporary file of a spilling builder fails.
    pub fn finish(self, version: u64) -> std::io::Result<(Snapshot, Vec<(u32, String)>)> {
        let n = self.rows.len() / columns::ROW;
        let attrs = Attrs::new(Blob::owned(self.rows), n).expect("one row per practice");
        let ids = self.ids.finish()?;
        let (index, order) = std::thread::scope(|s| {
            let index = s.spawn(|| {
                Arc::new(PracticeIndex::build((0..n as u32).filter_map(|i| {
                    let (lon, lat) = attrs.get(i).lon_lat()?;
                    Some((i, lon, lat))
                })))
            });
            let mut order: Vec<u32> = (0..n as u32).collect();
            order.sort_unstable_by(|&a, &b| ids.get(a).cmp(ids.get(b)).then(a.cmp(&b)));
            (
                index.join().expect("building the R-tree does not panic"),
                order,
            )
        });
        let mut duplicates: Vec<(u32, String)> = order
            .windows(2)
            .filter(|w| ids.get(w[0]) == ids.get(w[1]))
            .map(|w| (w[1], ids.text(w[1]).to_string()))
            .collect();
        duplicates.sort_unstable();
        let by_id: Vec<u8> = order.iter().flat_map(|i| i.to_le_bytes()).collect();
        let parts = Parts {
            records: self.records.finish()?,
            attrs,
            admins: self.admins,
            search_text: self.search_text.finish()?,
            prepared: self.prepared.finish()?,
            by_id: Blob::owned(by_id),
        };
        let snapshot =
            Snapshot::from_parts(parts, version, Some(index)).expect("parts built together fit");
        Ok((snapshot, duplicates))
    }
}

/// A content hash of practices, for ETags: their CSV form through xxh3.
fn content_hash(practices: &[Practice]) -> u64 {
    struct Hashing(xxhash_rust::xxh3::Xxh3);
    impl std::io::Write for Hashing {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.update(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut h = Hashing(xxhash_rust::xxh3::Xxh3::new());
    // Writing to a hasher cannot fail; a record that cannot be written as CSV
    // would not have loaded.
    let _ = crate::store::write_csv(std::io::BufWriter::new(&mut h), practices);
    h.0.digest()
}

impl Snapshot {
    /// Builds a snapshot: bulk-loads the R-tree and prepares the features,
    /// people's phones and e-mails in the text withheld. Its
    /// [`version`](Snapshot::version) is a hash of the practices' content.
    pub fn new(practices: Vec<Practice>) -> Snapshot {
        Snapshot::with_personal(practices, false)
    }

    /// [`new`](Snapshot::new), the prepared text publishing people's phones
    /// and e-mails when `publish_personal`; the setting is part of the version.
    pub fn with_personal(practices: Vec<Practice>, publish_personal: bool) -> Snapshot {
        let version = content_hash(&practices) ^ crate::personal::version_key(publish_personal);
        Snapshot::built(practices, version, publish_personal)
    }

    /// Builds a snapshot whose version is already known, such as the content
    /// fingerprint of the file the practices came from (people's phones and
    /// e-mails in the prepared text withheld).
    pub fn with_version(practices: Vec<Practice>, version: u64) -> Snapshot {
        Snapshot::built(practices, version, false)
    }

    fn built(practices: Vec<Practice>, version: u64, publish_personal: bool) -> Snapshot {
        let mut b = SnapshotBuilder::with_capacity(practices.len(), 0)
            .publishing_personal(publish_personal);
        for p in &practices {
            b.push(p);
        }
        drop(practices);
        b.finish(version)
            .expect("a builder in memory does not fail")
            .0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gazetteer::Gazetteer;

    #[test]
    fn version_follows_content() {
        let ps = crate::synthetic::practices(Gazetteer::bundled(), 20, 3);
        let a = Snapshot::new(ps.clone()).version();
        assert_eq!(a, Snapshot::new(ps.clone()).version());
        let mut changed = ps;
        changed[7].body = "Nowy opis".into();
        assert_ne!(a, Snapshot::new(changed).version());
    }

    #[test]
    fn a_spilling_builder_builds_the_same_parts_as_one_in_memory() {
        let dir = tempfile::tempdir().unwrap();
        for n in [0, 1, 300] {
            let ps = crate::synthetic::practices(Gazetteer::bundled(), n, 3);
            let mut spilling = SnapshotBuilder::spilling_to(dir.path(), 0).unwrap();
            let mut memory = SnapshotBuilder::with_capacity(n, 0);
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
}
