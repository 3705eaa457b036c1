//! What a [`Snapshot`](super::Snapshot) holds per practice, compactly: byte
//! columns without an allocation per practice, either built in memory or read
//! in place from the memory-mapped snapshot file.
//!
//! - [`Column`]: variable-length items (encoded records, prepared features,
//!   folded search text) as one byte buffer and the end offset of each item.
//! - [`Attrs`]: one fixed-size row per practice with what filters and the map
//!   need without decoding the record: position, time span, year, area, unit
//!   type and the ids of its gmina, powiat and voivodeship in an [`AdminTable`].
//!
//! Every field of a practice is turned into these parts in one place,
//! [`Attrs::row`] and the [record](super::record); a new field is added
//! there.

use std::io::Write;
use std::ops::Deref;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};

use crate::practice::{Area, Practice, UnitType};

/// Where a [`Blob`]'s bytes live.
#[derive(Debug)]
pub(crate) enum Backing {
    /// Built in memory.
    Owned(Vec<u8>),
    /// A read-only mapping of a snapshot file: the dataset's private copy,
    /// which is replaced by rename, never rewritten in place, so the mapped
    /// bytes do not change under it.
    Mapped(memmap2::Mmap),
    /// A read-only mapping of a whole unnamed temporary file a
    /// [`ColumnBuilder`] wrote, kept open so that it can be copied file to
    /// file (by the kernel, without reading it through the mapping).
    Spilled(memmap2::Mmap, std::fs::File),
}

impl Deref for Backing {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Backing::Owned(v) => v,
            Backing::Mapped(m) | Backing::Spilled(m, _) => m,
        }
    }
}

/// A byte range of a shared backing.
#[derive(Debug, Clone)]
pub(crate) struct Blob {
    base: Arc<Backing>,
    start: usize,
    len: usize,
}

impl Blob {
    pub(crate) fn owned(v: Vec<u8>) -> Blob {
        let len = v.len();
        Blob {
            base: Arc::new(Backing::Owned(v)),
            start: 0,
            len,
        }
    }

    /// `start..start + len` of `base`; `None` when outside it.
    pub(crate) fn part(base: &Arc<Backing>, start: usize, len: usize) -> Option<Blob> {
        (start.checked_add(len)? <= base.len()).then(|| Blob {
            base: base.clone(),
            start,
            len,
        })
    }

    /// Whether the bytes are a mapped file (not counted as heap).
    pub(crate) fn is_mapped(&self) -> bool {
        !matches!(*self.base, Backing::Owned(_))
    }

    /// Whether the bytes are a mapped snapshot file.
    pub(crate) fn is_file(&self) -> bool {
        matches!(*self.base, Backing::Mapped(_))
    }

    /// The temporary file holding exactly these bytes, when they are a whole
    /// one a [`ColumnBuilder`] wrote.
    pub(crate) fn spilled_file(&self) -> Option<&std::fs::File> {
        match &*self.base {
            Backing::Spilled(m, f) if self.start == 0 && self.len == m.len() => Some(f),
            _ => None,
        }
    }
}

impl Deref for Blob {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.base[self.start..self.start + self.len]
    }
}

fn u64_at(b: &[u8], i: usize) -> u64 {
    b.get(i * 8..i * 8 + 8)
        .map_or(0, |c| u64::from_le_bytes(c.try_into().expect("8 bytes")))
}

/// Variable-length items in one buffer: the bytes and each item's end offset
/// (u64 little-endian).
#[derive(Debug, Clone)]
pub(crate) struct Column {
    pub(crate) bytes: Blob,
    pub(crate) ends: Blob,
}

impl Column {
    /// A column of `n` items when the ends fit: the right count, the last end
    /// within the bytes. Offsets in between are checked on each access.
    pub(crate) fn new(bytes: Blob, ends: Blob, n: usize) -> Option<Column> {
        let ok = ends.len() == n * 8 && (n == 0 || u64_at(&ends, n - 1) as usize <= bytes.len());
        ok.then_some(Column { bytes, ends })
    }

    /// Whether the column holds `n` items whose offsets are in order and
    /// inside the bytes (read in place from a file, they are checked once).
    pub(crate) fn fits(&self, n: usize) -> bool {
        if self.ends.len() != n * 8 {
            return false;
        }
        let mut last = 0;
        for c in self.ends.chunks_exact(8) {
            let end = u64::from_le_bytes(c.try_into().expect("8 bytes"));
            if end < last {
                return false;
            }
            last = end;
        }
        last <= self.bytes.len() as u64
    }

    /// Item `i`; empty when the stored offsets are out of order.
    pub(crate) fn get(&self, i: u32) -> &[u8] {
        let i = i as usize;
        let start = if i == 0 {
            0
        } else {
            u64_at(&self.ends, i - 1) as usize
        };
        let end = u64_at(&self.ends, i) as usize;
        self.bytes.get(start..end).unwrap_or_default()
    }

    /// Item `i` as text; empty when it is not UTF-8.
    pub(crate) fn text(&self, i: u32) -> &str {
        std::str::from_utf8(self.get(i)).unwrap_or_default()
    }

    fn heap_bytes(&self) -> usize {
        [&self.bytes, &self.ends]
            .iter()
            .filter(|b| !b.is_mapped())
            .map(|b| b.len())
            .sum()
    }
}

/// Builds a [`Column`] item by item, its bytes in memory or, from
/// [`spilling_into`](ColumnBuilder::spilling_into), written to an unnamed
/// temporary file as they come and mapped at the end, so that a large column
/// never sits on the heap.
#[derive(Debug, Default)]
pub(crate) struct ColumnBuilder {
    /// The bytes in memory, or the item being built when spilling.
    bytes: Vec<u8>,
    ends: Vec<u8>,
    spill: Option<Spill>,
}

#[derive(Debug)]
struct Spill {
    out: std::io::BufWriter<std::fs::File>,
    /// Bytes written so far.
    len: u64,
    /// The first write error; the column then fails at [`ColumnBuilder::finish`].
    error: Option<std::io::Error>,
}

impl ColumnBuilder {
    pub(crate) fn with_capacity(items: usize, bytes: usize) -> ColumnBuilder {
        ColumnBuilder {
            bytes: Vec::with_capacity(bytes),
            ends: Vec::with_capacity(items * 8),
            spill: None,
        }
    }

    /// A builder for about `items` items whose bytes go to `file`, new and
    /// empty, written and read only by the builder (an unnamed temporary
    /// file, removed by the system when closed, even after a crash).
    pub(crate) fn spilling_into(file: std::fs::File, items: usize) -> ColumnBuilder {
        ColumnBuilder {
            bytes: Vec::with_capacity(64 << 10),
            ends: Vec::with_capacity(items * 8),
            spill: Some(Spill {
                out: std::io::BufWriter::with_capacity(1 << 20, file),
                len: 0,
                error: None,
            }),
        }
    }

    /// The buffer the next item is appended to; call [`end_item`](Self::end_item) after.
    pub(crate) fn buf(&mut self) -> &mut Vec<u8> {
        &mut self.bytes
    }

    pub(crate) fn end_item(&mut self) {
        let end = match &mut self.spill {
            None => self.bytes.len() as u64,
            Some(s) => {
                if s.error.is_none()
                    && let Err(e) = s.out.write_all(&self.bytes)
                {
                    s.error = Some(e);
                }
                s.len += self.bytes.len() as u64;
                self.bytes.clear();
                s.len
            }
        };
        self.ends.extend_from_slice(&end.to_le_bytes());
    }

    pub(crate) fn finish(mut self) -> std::io::Result<Column> {
        let bytes = match self.spill {
            None => {
                self.bytes.shrink_to_fit();
                Blob::owned(self.bytes)
            }
            Some(s) => {
                if let Some(e) = s.error {
                    return Err(e);
                }
                let file = s.out.into_inner().map_err(|e| e.into_error())?;
                if s.len == 0 {
                    Blob::owned(Vec::new())
                } else {
                    // SAFETY: the file is unnamed and only this builder had
                    // it; nothing writes to it from now on, so the mapped
                    // bytes do not change.
                    #[allow(unsafe_code)]
                    let map = unsafe { memmap2::Mmap::map(&file) }?;
                    let len = map.len();
                    Blob {
                        base: Arc::new(Backing::Spilled(map, file)),
                        start: 0,
                        len,
                    }
                }
            }
        };
        Ok(Column {
            bytes,
            ends: Blob::owned(self.ends),
        })
    }
}

/// The TERYT codes of the administrative units practices lie in, each once; a
/// practice's row holds their positions.
#[derive(Debug, Clone, Default)]
pub(crate) struct AdminTable {
    teryt: Vec<String>,
    ids: std::collections::HashMap<String, u16, foldhash::fast::RandomState>,
}

/// "No unit" in an [`Attrs`] row.
const NO_ADMIN: u16 = u16::MAX;

impl AdminTable {
    /// The table of these codes, in order; `None` when there are too many.
    pub(crate) fn from_codes(teryt: Vec<String>) -> Option<AdminTable> {
        if teryt.len() >= usize::from(NO_ADMIN) {
            return None;
        }
        let ids = teryt
            .iter()
            .enumerate()
            .map(|(i, t)| (t.clone(), i as u16))
            .collect();
        Some(AdminTable { teryt, ids })
    }

    fn id(&mut self, teryt: &str) -> u16 {
        if let Some(&i) = self.ids.get(teryt) {
            return i;
        }
        let i = self.teryt.len() as u16;
        self.teryt.push(teryt.to_string());
        self.ids.insert(teryt.to_string(), i);
        i
    }

    /// The id of a code, if any practice has it.
    pub(crate) fn find(&self, teryt: &str) -> Option<u16> {
        self.ids.get(teryt).copied()
    }

    /// The code of an id.
    pub(crate) fn code(&self, id: u16) -> Option<&str> {
        self.teryt.get(usize::from(id)).map(String::as_str)
    }

    /// Every code, in id order.
    pub(crate) fn codes(&self) -> &[String] {
        &self.teryt
    }
}

/// Bytes of one [`Attrs`] row.
pub(crate) const ROW: usize = 40;
/// "No date" or "no year" in a row.
const NO_DAY: i32 = i32::MIN;

/// One fixed-size row per practice: lon f64, lat f64 (NaN when not placed),
/// time span first and last day (days from the common era, i32), year (i32),
/// area (u8), unit type (u8, 0 for none), gmina, powiat and voivodeship ids
/// (u16), padding.
#[derive(Debug, Clone)]
pub(crate) struct Attrs {
    rows: Blob,
}

/// A practice's row, read.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Row<'a>(&'a [u8]);

impl Row<'_> {
    fn f64(&self, at: usize) -> f64 {
        f64::from_le_bytes(self.0[at..at + 8].try_into().expect("8 bytes"))
    }
    fn i32(&self, at: usize) -> i32 {
        i32::from_le_bytes(self.0[at..at + 4].try_into().expect("4 bytes"))
    }
    fn u16(&self, at: usize) -> u16 {
        u16::from_le_bytes(self.0[at..at + 2].try_into().expect("2 bytes"))
    }

    pub(crate) fn lon_lat(&self) -> Option<(f64, f64)> {
        let (lon, lat) = (self.f64(0), self.f64(8));
        (!lon.is_nan()).then_some((lon, lat))
    }

    /// First and last day, as [`Practice::time_span`].
    pub(crate) fn span_days(&self) -> Option<(i32, i32)> {
        let (a, b) = (self.i32(16), self.i32(20));
        (a != NO_DAY).then_some((a, b))
    }

    pub(crate) fn time_span(&self) -> Option<(NaiveDate, NaiveDate)> {
        let (a, b) = self.span_days()?;
        Some((
            NaiveDate::from_num_days_from_ce_opt(a)?,
            NaiveDate::from_num_days_from_ce_opt(b)?,
        ))
    }

    pub(crate) fn year(&self) -> Option<i32> {
        Some(self.i32(24)).filter(|&y| y != NO_DAY)
    }

    pub(crate) fn area(&self) -> Area {
        Area::ALL
            .get(usize::from(self.0[28]))
            .copied()
            .unwrap_or(Area::UslugiSpoleczne)
    }

    pub(crate) fn unit_type(&self) -> Option<UnitType> {
        usize::from(self.0[29])
            .checked_sub(1)
            .and_then(|i| UnitType::ALL.get(i).copied())
    }

    /// `Err` when the row holds what no practice gives: a position that is
    /// half missing, not finite or outside the ranges the CSV accepts, or a
    /// unit id outside an admin table of `admins` codes.
    pub(crate) fn check(&self, admins: usize) -> Result<(), &'static str> {
        let (lon, lat) = (self.f64(0), self.f64(8));
        if lon.is_nan() != lat.is_nan() {
            return Err("half a position");
        }
        let inside = (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat);
        if !lon.is_nan() && !inside {
            return Err("a position outside -180..180, -90..90");
        }
        for level in [
            AdminLevel::Gmina,
            AdminLevel::Powiat,
            AdminLevel::Voivodeship,
        ] {
            if self.admin(level).is_some_and(|a| usize::from(a) >= admins) {
                return Err("a unit id outside the admin table");
            }
        }
        Ok(())
    }

    /// Admin ids: gmina, powiat, voivodeship.
    pub(crate) fn admin(&self, level: AdminLevel) -> Option<u16> {
        Some(self.u16(30 + 2 * level as usize)).filter(|&i| i != NO_ADMIN)
    }
}

/// Which administrative unit of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AdminLevel {
    Gmina = 0,
    Powiat = 1,
    Voivodeship = 2,
}

impl Attrs {
    /// The rows of `n` practices; `None` when the length does not fit.
    pub(crate) fn new(rows: Blob, n: usize) -> Option<Attrs> {
        (rows.len() == n * ROW).then_some(Attrs { rows })
    }

    pub(crate) fn get(&self, i: u32) -> Row<'_> {
        let i = i as usize * ROW;
        Row(&self.rows[i..i + ROW])
    }

    pub(crate) fn len(&self) -> usize {
        self.rows.len() / ROW
    }

    pub(crate) fn blob(&self) -> &Blob {
        &self.rows
    }

    /// Appends the row of a practice, adding its units to `admins`.
    pub(crate) fn row(out: &mut Vec<u8>, p: &Practice, admins: &mut AdminTable) {
        let (lon, lat) = p.lon_lat().unwrap_or((f64::NAN, f64::NAN));
        out.extend_from_slice(&lon.to_le_bytes());
        out.extend_from_slice(&lat.to_le_bytes());
        let (a, b) = p.time_span().map_or((NO_DAY, NO_DAY), |(a, b)| {
            (a.num_days_from_ce(), b.num_days_from_ce())
        });
        out.extend_from_slice(&a.to_le_bytes());
        out.extend_from_slice(&b.to_le_bytes());
        out.extend_from_slice(&p.year().unwrap_or(NO_DAY).to_le_bytes());
        let area = Area::ALL.iter().position(|&x| x == p.area).unwrap_or(0);
        out.push(area as u8);
        let unit = p
            .unit_type
            .and_then(|u| UnitType::ALL.iter().position(|&x| x == u))
            .map_or(0, |i| i as u8 + 1);
        out.push(unit);
        for a in [&p.admin.gmina, &p.admin.powiat, &p.admin.voivodeship] {
            let id = a.as_ref().map_or(NO_ADMIN, |a| admins.id(&a.teryt));
            out.extend_from_slice(&id.to_le_bytes());
        }
        out.extend_from_slice(&[0; 4]);
    }

    fn heap_bytes(&self) -> usize {
        if self.rows.is_mapped() {
            0
        } else {
            self.rows.len()
        }
    }
}

/// Heap bytes of columns and rows (mapped file bytes not counted).
pub(crate) fn heap_bytes(columns: &[&Column], attrs: &Attrs) -> usize {
    columns.iter().map(|c| c.heap_bytes()).sum::<usize>() + attrs.heap_bytes()
}
