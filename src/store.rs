//! The CSV dataset: load with validation, atomic save.
//!
//! `data/practices.csv` is UTF-8 with a header and one row per practice; the
//! columns are [`CSV_HEADER`] and are documented in `data/README.md`. Multi-valued
//! fields: `websites` joined by ` | `, `contacts` as a JSON array of
//! `{"name", "role", "phone", "email"}` objects. Empty cells are absent values.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::gazetteer::{AdminChain, AdminRef, Precision};
use crate::practice::{Area, Contact, Location, Practice, UnitType};

/// The dataset's columns, in order.
pub const CSV_HEADER: &[&str] = &[
    "id",
    "title",
    "area",
    "summary",
    "body",
    "cost_pln",
    "funding",
    "date_added",
    "date_updated",
    "period_start",
    "period_end",
    "unit_type",
    "town",
    "powiat",
    "voivodeship",
    "postal_code",
    "post_office",
    "street",
    "unit",
    "phone",
    "websites",
    "email",
    "population",
    "contacts",
    "source",
    "lon",
    "lat",
    "precision",
    "score",
    "placed_from",
    "gmina_teryt",
    "gmina_name",
    "powiat_teryt",
    "powiat_name",
    "voivodeship_teryt",
    "voivodeship_name",
];

/// Columns a file may lack (it was written before they existed); they read as empty.
pub const OPTIONAL_COLUMNS: &[&str] = &["placed_from"];

/// Separator of the `websites` column.
pub const WEBSITE_SEPARATOR: &str = " | ";

/// One problem in one cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// The file.
    pub file: PathBuf,
    /// 1-based line number of the row (the header is line 1).
    pub line: u64,
    /// The column, or `row` for the row as a whole.
    pub column: String,
    /// What is wrong.
    pub problem: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.file.display(),
            self.line,
            self.column,
            self.problem
        )
    }
}

/// Errors of loading or saving the dataset.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not well-formed CSV (or not UTF-8).
    #[error("{}:{line}: not readable as CSV: {message}", path.display())]
    Csv {
        /// The file.
        path: PathBuf,
        /// Line of the problem.
        line: u64,
        /// The CSV reader's message.
        message: String,
    },
    /// The header is not the dataset's.
    #[error("{}:1: header: expected the columns {expected}, found {found}", path.display())]
    Header {
        /// The file.
        path: PathBuf,
        /// Expected header.
        expected: String,
        /// Found header.
        found: String,
    },
    /// Rows that do not validate; none of the file is loaded.
    #[error("{} invalid row(s):\n{}", errors.len(), errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))]
    Invalid {
        /// Every problem found.
        errors: Vec<RowError>,
    },
    /// Writing CSV failed.
    #[error("writing CSV: {0}")]
    Write(String),
}

fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| s.to_string())
}

struct RowReader<'a> {
    rec: &'a csv::StringRecord,
    /// For each column of [`CSV_HEADER`], its position in the file.
    columns: &'a [Option<usize>],
    file: &'a Path,
    line: u64,
    errors: &'a mut Vec<RowError>,
}

impl RowReader<'_> {
    fn cell(&self, col: &str) -> &str {
        let i = CSV_HEADER
            .iter()
            .position(|c| *c == col)
            .expect("known column");
        self.columns[i].and_then(|i| self.rec.get(i)).unwrap_or("")
    }

    fn err(&mut self, column: &str, problem: impl Into<String>) {
        self.errors.push(RowError {
            file: self.file.to_path_buf(),
            line: self.line,
            column: column.to_string(),
            problem: problem.into(),
        });
    }

    fn text(&self, col: &str) -> Option<String> {
        opt(self.cell(col))
    }

    fn required(&mut self, col: &str) -> String {
        let v = self.cell(col).to_string();
        if v.trim().is_empty() {
            self.err(col, "required, but empty");
        }
        v
    }

    fn parse<T: std::str::FromStr>(&mut self, col: &str, what: &str) -> Option<T> {
        let v = self.cell(col).trim().to_string();
        if v.is_empty() {
            return None;
        }
        match v.parse::<T>() {
            Ok(x) => Some(x),
            Err(_) => {
                self.err(col, format!("{v:?} is not {what}"));
                None
            }
        }
    }

    fn date(&mut self, col: &str) -> Option<NaiveDate> {
        let v = self.cell(col).trim().to_string();
        if v.is_empty() {
            return None;
        }
        match NaiveDate::parse_from_str(&v, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                self.err(col, format!("{v:?} is not a date YYYY-MM-DD"));
                None
            }
        }
    }

    fn admin(&mut self, teryt_col: &str, name_col: &str, digits: usize) -> Option<AdminRef> {
        let teryt = self.cell(teryt_col).trim().to_string();
        let name = self.cell(name_col).to_string();
        match (teryt.is_empty(), name.trim().is_empty()) {
            (true, true) => None,
            (false, false)
                if teryt.len() == digits && teryt.bytes().all(|b| b.is_ascii_digit()) =>
            {
                Some(AdminRef::new(teryt, name))
            }
            (false, false) => {
                self.err(
                    teryt_col,
                    format!("{teryt:?} is not a TERYT code of {digits} digits"),
                );
                None
            }
            (true, false) => {
                self.err(teryt_col, format!("empty while {name_col} is {name:?}"));
                None
            }
            (false, true) => {
                self.err(name_col, format!("empty while {teryt_col} is {teryt:?}"));
                None
            }
        }
    }
}

fn practice_from_row(r: &mut RowReader<'_>) -> Option<Practice> {
    let before = r.errors.len();
    let id = r.required("id");
    if id.trim() != id || id.chars().any(|c| c.is_whitespace() || c == '/') {
        r.err("id", format!("{id:?} must not hold spaces or '/'"));
    }
    let title = r.required("title");
    let area_s = r.cell("area").trim().to_string();
    let area = Area::from_slug(&area_s);
    if area.is_none() {
        r.err(
            "area",
            format!(
                "{area_s:?} is not an area slug ({})",
                Area::ALL.map(|a| a.slug()).join(", ")
            ),
        );
    }
    let unit_type = r.text("unit_type").and_then(|u| {
        let t = UnitType::from_label(&u);
        if t.is_none() {
            r.err("unit_type", format!("{u:?} is not a unit type"));
        }
        t
    });
    let contacts: Vec<Contact> = match r.cell("contacts").trim() {
        "" => Vec::new(),
        s => match serde_json::from_str(s) {
            Ok(c) => c,
            Err(e) => {
                r.err("contacts", format!("not a JSON array of contacts: {e}"));
                Vec::new()
            }
        },
    };
    let lon: Option<f64> = r.parse("lon", "a number");
    let lat: Option<f64> = r.parse("lat", "a number");
    let precision = r
        .text("precision")
        .and_then(|p| match p.parse::<Precision>() {
            Ok(p) => Some(p),
            Err(e) => {
                r.err("precision", e);
                None
            }
        });
    let score: Option<f64> = r.parse("score", "a number");
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
        gmina: r.admin("gmina_teryt", "gmina_name", 6),
        powiat: r.admin("powiat_teryt", "powiat_name", 4),
        voivodeship: r.admin("voivodeship_teryt", "voivodeship_name", 2),
    };
    let p = Practice {
        id,
        title,
        area: area.unwrap_or(Area::UslugiSpoleczne),
        summary: r.cell("summary").to_string(),
        body: r.cell("body").to_string(),
        cost_pln: r.parse("cost_pln", "a whole number of złoty"),
        funding: r.text("funding"),
        date_added: r.date("date_added"),
        date_updated: r.date("date_updated"),
        period_start: r.date("period_start"),
        period_end: r.date("period_end"),
        unit_type,
        town: r.text("town"),
        powiat: r.text("powiat"),
        voivodeship: r.text("voivodeship"),
        postal_code: r.text("postal_code"),
        post_office: r.text("post_office"),
        street: r.text("street"),
        unit: r.text("unit"),
        phone: r.text("phone"),
        websites: r
            .cell("websites")
            .split(WEBSITE_SEPARATOR)
            .map(str::trim)
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect(),
        email: r.text("email"),
        population: r.parse("population", "a whole number"),
        contacts,
        source: r.required("source"),
        location,
        placed_from: r.text("placed_from"),
        admin,
    };
    if let Some(pc) = &p.postal_code {
        let b = pc.as_bytes();
        if !(b.len() == 6
            && b[2] == b'-'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 2 || c.is_ascii_digit()))
        {
            r.err("postal_code", format!("{pc:?} is not NN-NNN"));
        }
    }
    (r.errors.len() == before).then_some(p)
}

/// Reads and validates a dataset from any reader; `file` names it in errors.
pub fn read<R: std::io::Read>(reader: R, file: &Path) -> Result<Vec<Practice>, StoreError> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(reader);
    let header = rdr.headers().map_err(|e| csv_error(file, &e))?.clone();
    let found: Vec<&str> = header.iter().collect();
    let columns: Vec<Option<usize>> = CSV_HEADER
        .iter()
        .map(|c| found.iter().position(|f| f == c))
        .collect();
    // A file written before `placed_from` existed loads with that column empty.
    let legacy: Vec<&str> = CSV_HEADER
        .iter()
        .copied()
        .filter(|c| !OPTIONAL_COLUMNS.contains(c))
        .collect();
    if found != CSV_HEADER && found != legacy {
        return Err(StoreError::Header {
            path: file.to_path_buf(),
            expected: CSV_HEADER.join(","),
            found: header.iter().collect::<Vec<_>>().join(","),
        });
    }
    let mut errors = Vec::new();
    let mut practices = Vec::new();
    let mut ids = HashSet::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| csv_error(file, &e))?;
        let line = rec.position().map_or(0, |p| p.line());
        let mut r = RowReader {
            rec: &rec,
            columns: &columns,
            file,
            line,
            errors: &mut errors,
        };
        if let Some(p) = practice_from_row(&mut r) {
            if !ids.insert(p.id.clone()) {
                r.err("id", format!("{:?} is used by an earlier row", p.id));
                continue;
            }
            practices.push(p);
        }
    }
    if errors.is_empty() {
        Ok(practices)
    } else {
        Err(StoreError::Invalid { errors })
    }
}

fn csv_error(file: &Path, e: &csv::Error) -> StoreError {
    StoreError::Csv {
        path: file.to_path_buf(),
        line: e.position().map_or(0, |p| p.line()),
        message: e.to_string(),
    }
}

/// Loads and validates the dataset. Every bad row is reported as
/// `file:line: column: problem`; if any row is bad, nothing is loaded.
pub fn load(path: &Path) -> Result<Vec<Practice>, StoreError> {
    let f = std::fs::File::open(path).map_err(|source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    read(std::io::BufReader::new(f), path)
}

fn num<T: ToString>(x: Option<T>) -> String {
    x.map(|v| v.to_string()).unwrap_or_default()
}

/// Writes practices in the dataset's CSV format.
pub fn write_csv<W: Write>(w: W, practices: &[Practice]) -> Result<(), StoreError> {
    let mut wtr = csv::Writer::from_writer(w);
    let e = |e: csv::Error| StoreError::Write(e.to_string());
    wtr.write_record(CSV_HEADER).map_err(e)?;
    for p in practices {
        let s = |x: &Option<String>| x.clone().unwrap_or_default();
        let admin = |a: &Option<AdminRef>| {
            a.as_ref()
                .map(|a| (a.teryt.to_string(), a.name.to_string()))
                .unwrap_or_default()
        };
        let (gt, gn) = admin(&p.admin.gmina);
        let (pt, pn) = admin(&p.admin.powiat);
        let (vt, vn) = admin(&p.admin.voivodeship);
        let contacts = if p.contacts.is_empty() {
            String::new()
        } else {
            serde_json::to_string(&p.contacts).map_err(|x| StoreError::Write(x.to_string()))?
        };
        let row: Vec<String> = vec![
            p.id.clone(),
            p.title.clone(),
            p.area.slug().to_string(),
            p.summary.clone(),
            p.body.clone(),
            num(p.cost_pln),
            s(&p.funding),
            num(p.date_added),
            num(p.date_updated),
            num(p.period_start),
            num(p.period_end),
            p.unit_type
                .map(|u| u.label().to_string())
                .unwrap_or_default(),
            s(&p.town),
            s(&p.powiat),
            s(&p.voivodeship),
            s(&p.postal_code),
            s(&p.post_office),
            s(&p.street),
            s(&p.unit),
            s(&p.phone),
            p.websites.join(WEBSITE_SEPARATOR),
            s(&p.email),
            num(p.population),
            contacts,
            p.source.clone(),
            num(p.location.map(|l| l.lon)),
            num(p.location.map(|l| l.lat)),
            p.location
                .map(|l| l.precision.as_str().to_string())
                .unwrap_or_default(),
            num(p.location.map(|l| l.score)),
            s(&p.placed_from),
            gt,
            gn,
            pt,
            pn,
            vt,
            vn,
        ];
        wtr.write_record(&row).map_err(e)?;
    }
    wtr.flush().map_err(|x| StoreError::Write(x.to_string()))?;
    Ok(())
}

/// Saves the dataset atomically: a temporary file in the same folder, written,
/// flushed to disk, then renamed over the old file. Rows are sorted by id.
pub fn save(path: &Path, practices: &[Practice]) -> Result<(), StoreError> {
    let io = |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).map_err(io)?;
    let mut sorted: Vec<&Practice> = practices.iter().collect();
    sorted.sort_by(|a, b| a.id.cmp(&b.id));
    let sorted: Vec<Practice> = sorted.into_iter().cloned().collect();
    let mut tmp = tempfile::NamedTempFile::new_in(&dir).map_err(io)?;
    {
        let mut buf = std::io::BufWriter::new(tmp.as_file_mut());
        write_csv(&mut buf, &sorted)?;
        buf.flush().map_err(io)?;
    }
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    if let Ok(d) = std::fs::File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(())
}
