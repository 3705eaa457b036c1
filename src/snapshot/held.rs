//! The snapshot itself: what it holds and how each part is read. The builder
//! makes one and the snapshot file stores it and reads it back in place (both
//! above this, beside each other); never changed once made.

use std::sync::Arc;

use chrono::NaiveDate;

use super::columns::{AdminLevel, AdminTable, Attrs, Blob, Column, Row};
use super::derived::Derived;
use super::grid::{CellSum, Key};
use super::record::{decode_record, record_id};
use crate::geo_util::Bbox;
use crate::geojson::PreparedFeature;
use crate::index::PracticeIndex;
use crate::practice::{Area, Practice};

/// An immutable, queryable dataset, held compactly (see the snapshot's `columns`):
/// the encoded records, decoded on demand; a fixed row per practice for the
/// filters; the prepared features; the folded search text; the id map; the
/// R-tree.
pub struct Snapshot {
    records: Column,
    attrs: Attrs,
    admins: AdminTable,
    index: Arc<PracticeIndex>,
    search_text: Column,
    prepared: Column,
    /// Indexes of the practices sorted by id (u32 LE): the id → practice map.
    by_id: Blob,
    unplaced: Vec<u32>,
    version: u64,
    /// What is derived from the rows on first use and kept.
    derived: Derived,
}

/// The stored parts of a snapshot, as the snapshot file keeps them.
pub(crate) struct Parts {
    pub(crate) records: Column,
    pub(crate) attrs: Attrs,
    pub(crate) admins: AdminTable,
    pub(crate) search_text: Column,
    pub(crate) prepared: Column,
    pub(crate) by_id: Blob,
}

impl Snapshot {
    /// A snapshot from its stored parts; the R-tree is built from the rows
    /// unless given. Every part is checked first, so that no stored value
    /// can make a query fail: the columns' offsets (in order, inside their
    /// bytes), each row's position (both numbers or none, finite, within the
    /// ranges the CSV accepts) and unit ids (in the admin table), the id map.
    /// `Err` says what does not fit.
    pub(crate) fn from_parts(
        parts: Parts,
        version: u64,
        index: Option<Arc<PracticeIndex>>,
    ) -> Result<Snapshot, String> {
        let n = parts.attrs.len();
        for (c, what) in [
            (&parts.records, "records"),
            (&parts.search_text, "search texts"),
            (&parts.prepared, "prepared features"),
        ] {
            if !c.fits(n) {
                return Err(format!("the {what}' offsets do not fit"));
            }
        }
        if parts.by_id.len() != n * 4 {
            return Err("the id map does not fit".into());
        }
        let admins = parts.admins.codes().len();
        let mut unplaced = Vec::new();
        let mut points = Vec::with_capacity(if index.is_some() { 0 } else { n });
        for i in 0..n as u32 {
            let row = parts.attrs.get(i);
            row.check(admins).map_err(|why| format!("row {i}: {why}"))?;
            match row.lon_lat() {
                Some((lon, lat)) if index.is_none() => points.push((i, lon, lat)),
                Some(_) => {}
                None => unplaced.push(i),
            }
        }
        let index = index.unwrap_or_else(|| Arc::new(PracticeIndex::build(points)));
        if index.len() + unplaced.len() != n {
            return Err("the R-tree does not fit the rows".into());
        }
        let s = Snapshot {
            records: parts.records,
            attrs: parts.attrs,
            admins: parts.admins,
            index,
            search_text: parts.search_text,
            prepared: parts.prepared,
            by_id: parts.by_id,
            unplaced,
            version,
            derived: Derived::default(),
        };
        // Every index in the id map names a practice.
        if (0..n).all(|k| (s.by_id_at(k) as usize) < n) {
            Ok(s)
        } else {
            Err("the id map names a practice that is not there".into())
        }
    }

    /// The stored parts, for the snapshot file.
    pub(crate) fn parts(&self) -> (&Column, &Attrs, &AdminTable, &Column, &Column, &Blob) {
        (
            &self.records,
            &self.attrs,
            &self.admins,
            &self.search_text,
            &self.prepared,
            &self.by_id,
        )
    }

    /// The same snapshot over other storage of the same parts (the mapped
    /// snapshot file instead of memory), keeping the R-tree.
    pub(crate) fn with_storage(&self, parts: Parts) -> Result<Snapshot, String> {
        if parts.attrs.len() != self.len() {
            return Err("the parts do not fit the snapshot".into());
        }
        Snapshot::from_parts(parts, self.version, Some(self.index.clone()))
    }

    /// Whether the parts are read in place from a snapshot file (else they
    /// are in memory or in the temporary files of a first start).
    pub fn is_from_file(&self) -> bool {
        self.attrs.blob().is_file()
    }

    /// The same snapshot with the parts a first start wrote to temporary
    /// files copied to memory, so that those files can be closed (and their
    /// room freed) once this one is served; `None` when it has none.
    pub fn without_temporary_files(&self) -> Option<Snapshot> {
        let columns = [&self.records, &self.search_text, &self.prepared];
        if columns.iter().all(|c| c.bytes.spilled_file().is_none()) {
            return None;
        }
        let own = |c: &Column| Column {
            bytes: if c.bytes.spilled_file().is_some() {
                Blob::owned(c.bytes.to_vec())
            } else {
                c.bytes.clone()
            },
            ends: c.ends.clone(),
        };
        Some(Snapshot {
            records: own(&self.records),
            attrs: self.attrs.clone(),
            admins: self.admins.clone(),
            index: self.index.clone(),
            search_text: own(&self.search_text),
            prepared: own(&self.prepared),
            by_id: self.by_id.clone(),
            unplaced: self.unplaced.clone(),
            version: self.version,
            derived: Derived::default(),
        })
    }

    /// Heap bytes of the compact parts (records, rows, prepared features,
    /// search text, id map; not the R-tree), for memory reports. Parts read
    /// in place from the mapped snapshot file count nothing.
    pub fn derived_bytes(&self) -> usize {
        super::columns::heap_bytes(
            &[&self.records, &self.search_text, &self.prepared],
            &self.attrs,
        ) + if self.by_id.is_mapped() {
            0
        } else {
            self.by_id.len()
        } + self.unplaced.capacity() * 4
    }

    /// How many practices.
    pub fn len(&self) -> usize {
        self.attrs.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The practice at an index, decoded from its compact record.
    pub fn practice(&self, i: u32) -> Practice {
        decode_record(self.records.get(i)).expect("records are checked when the snapshot is made")
    }

    /// Every practice, in dataset order, decoded (for exports and tests).
    pub fn practices(&self) -> impl ExactSizeIterator<Item = Practice> + '_ {
        (0..self.len() as u32).map(|i| self.practice(i))
    }

    /// The position of a practice, when placed.
    pub fn lon_lat(&self, i: u32) -> Option<(f64, f64)> {
        self.attrs.get(i).lon_lat()
    }

    /// The bounding box of the placed practices (found once).
    pub fn extent(&self) -> Option<Bbox> {
        self.derived.extent(&self.attrs)
    }

    /// The first and last date of the practices' time spans (see
    /// [`time_span`](Self::time_span); found once).
    pub fn time_extent(&self) -> Option<(NaiveDate, NaiveDate)> {
        self.derived.time_extent(&self.attrs)
    }

    /// The area of a practice.
    pub fn area(&self, i: u32) -> Area {
        self.attrs.get(i).area()
    }

    /// The unit type of a practice.
    pub fn unit_type(&self, i: u32) -> Option<crate::practice::UnitType> {
        self.attrs.get(i).unit_type()
    }

    /// How many of `ids` lie in each unit of a level, with the unit's TERYT code
    /// and name (read from the first practice in it), in no order.
    pub fn unit_counts(
        &self,
        ids: &[u32],
        level: crate::gazetteer::AdminLevel,
    ) -> Vec<(String, String, usize)> {
        use crate::gazetteer::AdminLevel as L;
        let at = match level {
            L::Gmina => AdminLevel::Gmina,
            L::Powiat => AdminLevel::Powiat,
            L::Voivodeship => AdminLevel::Voivodeship,
        };
        // Per unit id: the count and the first practice in it.
        let mut counts: Vec<(usize, u32)> = vec![(0, 0); self.admins.codes().len()];
        for &i in ids {
            if let Some(a) = self.attrs.get(i).admin(at) {
                let c = &mut counts[usize::from(a)];
                if c.0 == 0 {
                    c.1 = i;
                }
                c.0 += 1;
            }
        }
        counts
            .into_iter()
            .enumerate()
            .filter(|(_, (n, _))| *n > 0)
            .filter_map(|(a, (n, first))| {
                let p = self.practice(first);
                let unit = match level {
                    L::Gmina => p.admin.gmina,
                    L::Powiat => p.admin.powiat,
                    L::Voivodeship => p.admin.voivodeship,
                }?;
                let code = self.admins.code(a as u16)?.to_string();
                Some((code, unit.name.to_string(), n))
            })
            .collect()
    }

    /// The time span of a practice, as [`Practice::time_span`].
    pub fn time_span(&self, i: u32) -> Option<(NaiveDate, NaiveDate)> {
        self.attrs.get(i).time_span()
    }

    /// The year of a practice, as [`Practice::year`].
    pub fn year(&self, i: u32) -> Option<i32> {
        self.attrs.get(i).year()
    }

    /// The voivodeship TERYT code of a practice.
    pub fn voivodeship(&self, i: u32) -> Option<&str> {
        self.attrs
            .get(i)
            .admin(AdminLevel::Voivodeship)
            .and_then(|a| self.admins.code(a))
    }

    fn by_id_at(&self, k: usize) -> u32 {
        u32::from_le_bytes(self.by_id[k * 4..k * 4 + 4].try_into().expect("4 bytes"))
    }

    fn id_of(&self, i: u32) -> &str {
        record_id(self.records.get(i)).unwrap_or_default()
    }

    /// Finds a practice by its id.
    pub fn by_id(&self, id: &str) -> Option<Practice> {
        self.index_of(id).map(|i| self.practice(i))
    }

    /// The index of the practice with this id.
    pub fn index_of(&self, id: &str) -> Option<u32> {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            match self.id_of(self.by_id_at(mid)).cmp(id) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(self.by_id_at(mid)),
            }
        }
        None
    }

    /// The id of the practice at an index.
    pub fn id_at(&self, i: u32) -> &str {
        self.id_of(i)
    }

    /// The pre-serialised summary feature of the practice at an index.
    pub fn prepared(&self, i: u32) -> PreparedFeature<'_> {
        PreparedFeature::from_open(self.prepared.get(i))
    }

    /// Indexes of the practices without coordinates.
    pub fn unplaced(&self) -> &[u32] {
        &self.unplaced
    }

    /// The spatial index.
    pub fn index(&self) -> &PracticeIndex {
        &self.index
    }

    /// Builds what the first requests would otherwise build (the clustering
    /// grid's kept levels).
    pub fn warm_up(&self) {
        self.derived.grid.warm_up(&self.attrs);
    }

    /// The whole dataset's cells at a zoom up to
    /// [`PYRAMID_MAX_ZOOM`](super::PYRAMID_MAX_ZOOM), made on first use.
    pub(crate) fn cells(&self, zoom: u8) -> &[(Key, CellSum)] {
        self.derived.grid.level(&self.attrs, zoom)
    }

    /// The cell of a practice at a zoom.
    #[inline]
    pub(crate) fn cell_of(&self, i: u32, zoom: u8) -> Key {
        self.derived.grid.key(&self.attrs, i, zoom)
    }

    /// The fixed row of a practice, for the filters.
    #[inline]
    pub(crate) fn row(&self, i: u32) -> Row<'_> {
        self.attrs.get(i)
    }

    /// The admin id of a unit's TERYT code, when a practice lies in it.
    pub(crate) fn admin_id(&self, code: &str) -> Option<u16> {
        self.admins.find(code)
    }

    /// The folded search text of a practice.
    #[inline]
    pub(crate) fn search_text(&self, i: u32) -> &str {
        self.search_text.text(i)
    }

    /// A hash of the whole dataset, for ETags.
    pub fn version(&self) -> u64 {
        self.version
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gazetteer::Gazetteer;

    #[test]
    fn by_id_finds_every_practice_and_nothing_else() {
        let mut ps = crate::synthetic::practices(Gazetteer::bundled(), 300, 3);
        ps.reverse(); // ids out of order in the dataset
        let s = Snapshot::new(ps.clone());
        for p in &ps {
            assert_eq!(s.by_id(&p.id).map(|q| q.title), Some(p.title.clone()));
        }
        assert!(s.by_id("synth-3-9999999").is_none());
        assert!(s.by_id("").is_none());
    }

    #[test]
    fn derived_values_are_found_once_per_snapshot() {
        let ps = crate::synthetic::practices(Gazetteer::bundled(), 200, 3);
        let s = Snapshot::new(ps.clone());
        let placed = ps.iter().filter_map(|p| p.location);
        let want = Bbox::around(placed.map(|l| crate::geo_util::LonLat::new(l.lon, l.lat)));
        assert_eq!(s.extent(), want);
        assert!(std::ptr::eq(
            s.derived.extent.get().expect("kept"),
            s.derived.extent.get().expect("kept")
        ));
        let spans = ps.iter().filter_map(Practice::time_span);
        let want = spans.reduce(|(a, b), (c, d)| (a.min(c), b.max(d)));
        assert_eq!(s.time_extent(), want);
        assert_eq!(s.derived.time_extent.get(), Some(&want));
        assert_eq!(Snapshot::new(Vec::new()).time_extent(), None);
        assert_eq!(Snapshot::new(Vec::new()).extent(), None);
    }
}
