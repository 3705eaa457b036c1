//! Reading the dataset's rows: CSV cells into validated practices, in
//! batches on two threads, with the line of every problem.

use std::collections::HashSet;
use std::path::Path;

use chrono::NaiveDate;

use super::{
    AdminInterner, CSV_HEADER, OPTIONAL_COLUMNS, RowError, StoreError, WEBSITE_SEPARATOR, excerpt,
    quote,
};
use crate::gazetteer::{AdminChain, AdminRef, PostalCode, Precision};
use crate::practice::{Area, Contact, Location, Practice, UnitType};

/// A column of [`CSV_HEADER`], by its position there.
#[derive(Debug, Clone, Copy)]
struct Col(usize);

impl Col {
    /// The column named so; fails to compile (in a `const` block) for a name
    /// that is not a column.
    const fn named(name: &str) -> Col {
        let mut i = 0;
        while i < CSV_HEADER.len() {
            if CSV_HEADER[i].len() == name.len() {
                let (a, b) = (CSV_HEADER[i].as_bytes(), name.as_bytes());
                let mut k = 0;
                while k < a.len() && a[k] == b[k] {
                    k += 1;
                }
                if k == a.len() {
                    return Col(i);
                }
            }
            i += 1;
        }
        panic!("not a dataset column")
    }

    fn name(self) -> &'static str {
        CSV_HEADER[self.0]
    }
}

/// A column by name, found when compiling.
macro_rules! col {
    ($name:literal) => {
        const { Col::named($name) }
    };
}

/// Each column of [`CSV_HEADER`] → its position in the file (`None` when the
/// file lacks it), so a cell is found by two indexes.
pub(super) type Columns = [Option<usize>; CSV_HEADER.len()];

pub(super) struct RowReader<'a> {
    pub(super) admins: &'a mut AdminInterner,
    pub(super) rec: &'a csv::StringRecord,
    /// Each column of [`CSV_HEADER`] the file has, with its position there.
    pub(super) columns: &'a Columns,
    pub(super) file: &'a Path,
    pub(super) line: u64,
    pub(super) errors: &'a mut Vec<RowError>,
}

impl<'a> RowReader<'a> {
    /// A cell of the record, borrowed from it (not from the reader), so that
    /// checking it needs no copy.
    fn cell(&self, col: Col) -> &'a str {
        let rec: &'a csv::StringRecord = self.rec;
        let cell = self.columns[col.0].and_then(|i| rec.get(i)).unwrap_or("");
        restore_neutralised(cell)
    }

    fn err(&mut self, column: &str, problem: impl Into<String>) {
        self.errors.push(RowError {
            file: self.file.to_path_buf(),
            line: self.line,
            column: column.to_string(),
            problem: problem.into(),
        });
    }

    /// A cell that is not blank, as it is (untrimmed).
    fn text(&self, col: Col) -> Option<&'a str> {
        Some(self.cell(col)).filter(|c| !c.trim().is_empty())
    }

    fn required(&mut self, col: Col) -> &'a str {
        let v = self.cell(col);
        if v.trim().is_empty() {
            self.err(col.name(), "required, but empty");
        }
        v
    }

    fn parse<T: std::str::FromStr>(&mut self, col: Col, what: &str) -> Option<T> {
        let v = self.cell(col).trim();
        if v.is_empty() {
            return None;
        }
        match v.parse::<T>() {
            Ok(x) => Some(x),
            Err(_) => {
                self.err(col.name(), format!("{} is not {what}", quote(v)));
                None
            }
        }
    }

    fn date(&mut self, col: Col) -> Option<NaiveDate> {
        let v = self.cell(col).trim();
        if v.is_empty() {
            return None;
        }
        if let Some(d) = plain_date(v) {
            return Some(d);
        }
        match NaiveDate::parse_from_str(v, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                self.err(col.name(), format!("{} is not a date YYYY-MM-DD", quote(v)));
                None
            }
        }
    }

    fn admin(&mut self, teryt_col: Col, name_col: Col, digits: usize) -> Option<AdminRef> {
        let teryt = self.cell(teryt_col).trim();
        let name = self.cell(name_col);
        match (teryt.is_empty(), name.trim().is_empty()) {
            (true, true) => None,
            (false, false)
                if teryt.len() == digits && teryt.bytes().all(|b| b.is_ascii_digit()) =>
            {
                Some(self.admins.get(teryt, name))
            }
            (false, false) => {
                self.err(
                    teryt_col.name(),
                    format!("{} is not a TERYT code of {digits} digits", quote(teryt)),
                );
                None
            }
            (true, false) => {
                self.err(
                    teryt_col.name(),
                    format!("empty while {} is {}", name_col.name(), quote(name)),
                );
                None
            }
            (false, true) => {
                self.err(
                    name_col.name(),
                    format!("empty while {} is {}", teryt_col.name(), quote(teryt)),
                );
                None
            }
        }
    }
}

/// The date of `YYYY-MM-DD` written with every digit, without a format
/// parser (most dates are; `None` leaves the rest to `%Y-%m-%d`, which
/// accepts the same dates and more).
pub(super) fn plain_date(v: &str) -> Option<NaiveDate> {
    let b = v.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        b[r].iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    NaiveDate::from_ymd_opt(digits(0..4)? as i32, digits(5..7)?, digits(8..10)?)
}

/// `dst` becomes `v`, in the room it has.
fn set(dst: &mut String, v: &str) {
    dst.clear();
    dst.push_str(v);
}

/// `dst` becomes `v`, in the room it has when it had a value.
fn set_opt(dst: &mut Option<String>, v: Option<&str>) {
    match (dst.as_mut(), v) {
        (Some(d), Some(v)) => set(d, v),
        (_, v) => *dst = v.map(str::to_string),
    }
}

/// Reads and checks a row into `p`, every field of which it sets, reusing
/// the room of its strings (rows are read into recycled practices, so that
/// a million rows do not cost twenty million allocations and frees). `true`
/// when the row is valid; its problems are in `r.errors` otherwise.
pub(super) fn practice_from_row(r: &mut RowReader<'_>, p: &mut Practice) -> bool {
    let before = r.errors.len();
    let id = r.required(col!("id"));
    if id.trim() != id || id.chars().any(|c| c.is_whitespace() || c == '/') {
        r.err("id", format!("{} must not hold spaces or '/'", quote(id)));
    }
    let title = r.required(col!("title"));
    let area_s = r.cell(col!("area")).trim();
    let area = Area::from_slug(area_s);
    if area.is_none() {
        r.err(
            "area",
            format!(
                "{} is not an area slug ({})",
                quote(area_s),
                Area::ALL.map(|a| a.slug()).join(", ")
            ),
        );
    }
    let unit_type = r.text(col!("unit_type")).and_then(|u| {
        let t = UnitType::from_label(u);
        if t.is_none() {
            r.err("unit_type", format!("{} is not a unit type", quote(u)));
        }
        t
    });
    let contacts: Vec<Contact> = match r.cell(col!("contacts")).trim() {
        "" => Vec::new(),
        s => match serde_json::from_str(s) {
            Ok(c) => c,
            Err(e) => {
                r.err("contacts", format!("not a JSON array of contacts: {e}"));
                Vec::new()
            }
        },
    };
    let lon: Option<f64> = r.parse(col!("lon"), "a number");
    let lat: Option<f64> = r.parse(col!("lat"), "a number");
    let precision = r
        .text(col!("precision"))
        .and_then(|p| match p.parse::<Precision>() {
            Ok(p) => Some(p),
            Err(e) => {
                r.err("precision", e);
                None
            }
        });
    let score: Option<f64> = r.parse(col!("score"), "a number");
    let location = match (lon, lat) {
        (Some(lon), Some(lat)) => {
            if !(-180.0..=180.0).contains(&lon) {
                r.err("lon", format!("{lon} is outside -180..180"));
            }
            if !(-90.0..=90.0).contains(&lat) {
                r.err("lat", format!("{lat} is outside -90..90"));
            }
            let precision = precision.unwrap_or_else(|| {
                r.err("precision", "required when lon and lat are given");
                Precision::Manual
            });
            let score = score.unwrap_or(if precision == Precision::Manual {
                1.0
            } else {
                0.0
            });
            if !(0.0..=1.0).contains(&score) {
                r.err("score", format!("{score} is outside 0..1"));
            }
            Some(Location {
                lon,
                lat,
                precision,
                score,
            })
        }
        (None, None) => {
            if precision.is_some() {
                r.err("precision", "given without lon and lat");
            }
            None
        }
        (Some(_), None) => {
            r.err("lat", "empty while lon is given");
            None
        }
        (None, Some(_)) => {
            r.err("lon", "empty while lat is given");
            None
        }
    };
    let admin = AdminChain {
        gmina: r.admin(col!("gmina_teryt"), col!("gmina_name"), 6),
        powiat: r.admin(col!("powiat_teryt"), col!("powiat_name"), 4),
        voivodeship: r.admin(col!("voivodeship_teryt"), col!("voivodeship_name"), 2),
    };
    set(&mut p.id, id);
    set(&mut p.title, title);
    p.area = area.unwrap_or(Area::UslugiSpoleczne);
    set(&mut p.summary, r.cell(col!("summary")));
    set(&mut p.body, r.cell(col!("body")));
    p.cost_pln = r.parse(col!("cost_pln"), "a whole number of złoty");
    set_opt(&mut p.funding, r.text(col!("funding")));
    p.date_added = r.date(col!("date_added"));
    p.date_updated = r.date(col!("date_updated"));
    p.period_start = r.date(col!("period_start"));
    p.period_end = r.date(col!("period_end"));
    p.unit_type = unit_type;
    set_opt(&mut p.town, r.text(col!("town")));
    set_opt(&mut p.powiat, r.text(col!("powiat")));
    set_opt(&mut p.voivodeship, r.text(col!("voivodeship")));
    set_opt(&mut p.postal_code, r.text(col!("postal_code")));
    set_opt(&mut p.post_office, r.text(col!("post_office")));
    set_opt(&mut p.street, r.text(col!("street")));
    set_opt(&mut p.unit, r.text(col!("unit")));
    set_opt(&mut p.phone, r.text(col!("phone")));
    let mut websites = 0;
    for w in r
        .cell(col!("websites"))
        .split(WEBSITE_SEPARATOR)
        .map(str::trim)
        .filter(|w| !w.is_empty())
    {
        match p.websites.get_mut(websites) {
            Some(d) => set(d, w),
            None => p.websites.push(w.to_string()),
        }
        websites += 1;
    }
    p.websites.truncate(websites);
    set_opt(&mut p.email, r.text(col!("email")));
    p.population = r.parse(col!("population"), "a whole number");
    p.contacts = contacts;
    set(&mut p.source, r.required(col!("source")));
    let source_url = r
        .text(col!("source_url"))
        .and_then(|u| match crate::practice::web_url(u) {
            Ok(u) => Some(u),
            Err(e) => {
                r.err("source_url", e);
                None
            }
        });
    set_opt(&mut p.source_url, source_url);
    p.location = location;
    set_opt(&mut p.placed_from, r.text(col!("placed_from")));
    set_opt(&mut p.facts_from, r.text(col!("facts_from")));
    p.admin = admin;
    if let Some(pc) = &p.postal_code
        && PostalCode::parse(pc).is_none()
    {
        r.err("postal_code", format!("{} is not NN-NNN", quote(pc)));
    }
    r.errors.len() == before
}

/// Offsets of the newlines a reader has passed, so that a record's line can be
/// told from its byte offset whatever the line ending. (The CSV reader's own
/// line count is one short for CRLF files: a record's position there points at
/// the `\n` of the `\r\n` before it.)
#[derive(Default)]
struct Newlines {
    pending: std::collections::VecDeque<u64>,
    passed: u64,
}

impl Newlines {
    /// The 1-based line of the byte at `offset` (a record's start); offsets
    /// must not decrease from call to call.
    fn line_at(&mut self, offset: u64) -> u64 {
        while self.pending.front().is_some_and(|&n| n < offset) {
            self.pending.pop_front();
            self.passed += 1;
        }
        // A record that starts on the `\n` of a `\r\n` belongs to the next line.
        let on_newline = self.pending.front() == Some(&offset);
        1 + self.passed + u64::from(on_newline)
    }
}

struct CountingReader<R> {
    inner: R,
    offset: u64,
    newlines: std::rc::Rc<std::cell::RefCell<Newlines>>,
}

impl<R: std::io::Read> std::io::Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut nl = self.newlines.borrow_mut();
        for i in memchr::memchr_iter(b'\n', &buf[..n]) {
            nl.pending.push_back(self.offset + i as u64);
        }
        self.offset += n as u64;
        Ok(n)
    }
}

/// Whether a cell begins, after any `'`, with what a spreadsheet would run
/// as a formula (`=`, `+`, `-`, `@`, tab, carriage return).
pub fn formula_start(cell: &str) -> bool {
    cell.trim_start_matches('\'')
        .starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// A cell as it was before it was written: the CSV for people puts `'`
/// before every value that [`formula_start`]s, and the dataset's writer
/// before such a value that already begins with `'`; one `'` is dropped
/// again, so that every CSV the service gives out imports back unchanged.
fn restore_neutralised(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if formula_start(cell) => rest,
        _ => cell,
    }
}

/// The byte-order mark Excel's CSV begins with.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The dialect of a CSV from its first bytes: the Excel download's (a
/// byte-order mark, `;` between cells: `\u{feff}id;title;…`) or the
/// dataset's (`id,title,…`). Returns the separator and the reader past the
/// byte-order mark.
fn dialect<R: std::io::Read>(mut reader: R) -> std::io::Result<(u8, impl std::io::Read)> {
    use std::io::Read as _;
    let mut head = Vec::with_capacity(8);
    (&mut reader).take(6).read_to_end(&mut head)?;
    let start = if head.starts_with(BOM) { BOM.len() } else { 0 };
    let delimiter = if head[start..].starts_with(b"id;") {
        b';'
    } else {
        b','
    };
    Ok((
        delimiter,
        std::io::Cursor::new(head.split_off(start)).chain(reader),
    ))
}

/// Rows per batch handed from thread to thread while reading.
pub const BATCH: usize = 1024;

/// Valid rows read, each with its line.
pub type Batch = Vec<(Practice, u64)>;

/// Reads and validates a dataset from any reader, handing the valid rows'
/// practices with their lines to `sink` in batches, in file order; `file`
/// names it in errors. Rows are read and validated on this thread while
/// `sink` runs on a second; what `sink` leaves in a batch comes back here and
/// later rows are read into it (reusing its strings' room), so the rows never
/// sit in memory all at once and are not allocated and freed one by one. Returns the problems of the invalid rows (in row
/// order), or the error that stopped reading (CSV, header, I/O). Ids used
/// twice are not checked here (see [`duplicate_id`]).
pub fn read_each<R: std::io::Read>(
    reader: R,
    file: &Path,
    sink: impl FnMut(&mut Batch) + Send,
) -> Result<Vec<RowError>, StoreError> {
    let newlines = std::rc::Rc::new(std::cell::RefCell::new(Newlines::default()));
    let (delimiter, reader) = dialect(reader).map_err(|source| StoreError::Io {
        path: file.to_path_buf(),
        source,
    })?;
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .delimiter(delimiter)
        .from_reader(CountingReader {
            inner: reader,
            offset: 0,
            newlines: newlines.clone(),
        });
    let csv_error = |e: &csv::Error| StoreError::Csv {
        path: file.to_path_buf(),
        line: e
            .position()
            .map_or(0, |p| newlines.borrow_mut().line_at(p.byte())),
        message: e.to_string(),
    };
    let header = rdr.headers().map_err(|e| csv_error(&e))?.clone();
    let found: Vec<&str> = header.iter().collect();
    let columns: Columns = std::array::from_fn(|i| found.iter().position(|f| *f == CSV_HEADER[i]));
    // A file written before an optional column existed (`placed_from`,
    // `source_url`, `facts_from`) loads with that column empty: the header is the full one
    // without any of the optional columns it lacks, in the same order.
    let expected: Vec<&str> = CSV_HEADER
        .iter()
        .copied()
        .filter(|c| !OPTIONAL_COLUMNS.contains(c) || found.contains(c))
        .collect();
    if found != expected {
        return Err(StoreError::Header {
            path: file.to_path_buf(),
            expected: CSV_HEADER.join(","),
            found: excerpt(&header.iter().collect::<Vec<_>>().join(",")).into_owned(),
        });
    }
    let (errors, read_error) = std::thread::scope(|s| {
        let (to_sink, sink_rx) = std::sync::mpsc::sync_channel::<Batch>(4);
        let (used_tx, used) = std::sync::mpsc::channel::<Batch>();
        let mut sink = sink;
        s.spawn(move || {
            for mut batch in sink_rx {
                sink(&mut batch);
                if used_tx.send(batch).is_err() {
                    break;
                }
            }
        });
        let mut admins = AdminInterner::default();
        let mut errors = Vec::new();
        let mut rec = csv::StringRecord::new();
        let mut batch = Batch::with_capacity(BATCH);
        // Practices to read rows into again (see `practice_from_row`).
        let mut spare: Vec<Practice> = Vec::new();
        let read_error = loop {
            match rdr.read_record(&mut rec) {
                Ok(true) => {}
                Ok(false) => break None,
                Err(e) => break Some(csv_error(&e)),
            }
            let line = rec
                .position()
                .map_or(0, |p| newlines.borrow_mut().line_at(p.byte()));
            let mut r = RowReader {
                admins: &mut admins,
                rec: &rec,
                columns: &columns,
                file,
                line,
                errors: &mut errors,
            };
            let mut p = spare.pop().unwrap_or_else(|| {
                Practice::new(
                    String::new(),
                    String::new(),
                    Area::UslugiSpoleczne,
                    String::new(),
                )
            });
            if practice_from_row(&mut r, &mut p) {
                batch.push((p, line));
            } else {
                spare.push(p);
            }
            if batch.len() == BATCH {
                // The batch `sink` is done with is the next; the practices
                // it left are read into again.
                let next = match used.try_recv() {
                    Ok(mut done) => {
                        spare.extend(done.drain(..).map(|(p, _)| p));
                        done
                    }
                    Err(_) => Batch::with_capacity(BATCH),
                };
                if to_sink.send(std::mem::replace(&mut batch, next)).is_err() {
                    break None;
                }
            }
        };
        if !batch.is_empty() {
            let _ = to_sink.send(batch);
        }
        drop(to_sink);
        // Whatever `sink` hands back from now on is dropped here too.
        for done in used {
            drop(done);
        }
        (errors, read_error)
    });
    match read_error {
        Some(e) => Err(e),
        None => Ok(errors),
    }
}

/// The problem of a row whose id an earlier row has.
pub fn duplicate_id(file: &Path, line: u64, id: &str) -> RowError {
    RowError {
        file: file.to_path_buf(),
        line,
        column: "id".into(),
        problem: format!("{} is used by an earlier row", quote(id)),
    }
}

/// `Ok` when there are no problems, else every problem, in row order (stable:
/// a row's own order stays).
pub fn no_problems(mut errors: Vec<RowError>) -> Result<(), StoreError> {
    if errors.is_empty() {
        return Ok(());
    }
    errors.sort_by_key(|e| e.line);
    Err(StoreError::Invalid { errors })
}

/// Reads and validates a dataset from any reader; `file` names it in errors.
pub fn read<R: std::io::Read>(reader: R, file: &Path) -> Result<Vec<Practice>, StoreError> {
    let mut rows = Vec::new();
    let mut errors = read_each(reader, file, |batch| rows.append(batch))?;
    let mut practices = Vec::with_capacity(rows.len());
    let mut ids = HashSet::with_capacity(rows.len());
    for (p, line) in rows {
        if !ids.insert(p.id.clone()) {
            errors.push(duplicate_id(file, line, &p.id));
            continue;
        }
        practices.push(p);
    }
    no_problems(errors)?;
    Ok(practices)
}

/// Opens a dataset file for reading (a regular file only: a FIFO or device
/// is refused at once).
pub fn open(path: &Path) -> Result<std::io::BufReader<std::fs::File>, StoreError> {
    let f = crate::files::open_regular(path, false)?;
    Ok(std::io::BufReader::with_capacity(1 << 18, f))
}

/// Loads and validates the dataset. Every bad row is reported as
/// `file:line: column: problem`; if any row is bad, nothing is loaded.
pub fn load(path: &Path) -> Result<Vec<Practice>, StoreError> {
    read(open(path)?, path)
}
