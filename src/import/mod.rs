//! Importers: practice-database pages (text or HTML), institution pages, and
//! CSV in the dataset's own format, geocoded and merged into the dataset.
//!
//! An import is all or nothing: every input is read and checked first; if any
//! fails, nothing is written and every failure is reported with its file. The
//! dataset is then saved atomically ([`crate::store::save`]).
//!
//! Ids are stable for a source: a page file `000_1ed1d240a3bfbca7.txt` gives
//! `bdp-1ed1d240a3bfbca7` (the leading sequence number is dropped, so the same
//! page saved again under another number updates its record); an institution
//! page gives `page-<file stem>`. Importing the same page again replaces its
//! record.

pub mod bdp;
pub mod institution;
pub mod text;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::gazetteer::{Gazetteer, GeocodeError, GeocodeQuery, Precision};
use crate::practice::{Location, Practice};
use crate::store;

/// A problem in a page, with the line it was found at (0: the page as a whole).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageError {
    /// 1-based line, 0 for the whole page.
    pub line: usize,
    /// What is wrong.
    pub problem: String,
}

impl PageError {
    /// A problem at a line.
    pub fn new(line: usize, problem: impl Into<String>) -> PageError {
        PageError {
            line,
            problem: problem.into(),
        }
    }
}

/// What a page reader gives: the record (not yet placed), warnings, and free
/// text for the geocoder when the page has no address fields.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// The record.
    pub practice: Practice,
    /// Things the reader noticed and left out.
    pub warnings: Vec<String>,
    /// Text naming the place, such as "Miejski Ośrodek Pomocy Społecznej w Zawierciu".
    pub free_text: Option<String>,
}

/// Errors of an import; nothing is written when one occurs.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Inputs that could not be read; every one is listed.
    #[error("nothing imported; {} input(s) failed:\n{}", .0.len(), .0.iter().map(|(p, e)| format!("  {}: {e}", p.display())).collect::<Vec<_>>().join("\n"))]
    Inputs(Vec<(PathBuf, String)>),
    /// The existing dataset does not load.
    #[error("the dataset does not load, nothing imported: {0}")]
    Dataset(store::StoreError),
    /// Saving failed; the previous dataset is intact.
    #[error("saving the dataset failed, the previous file is intact: {0}")]
    Save(store::StoreError),
}

/// What an import did.
#[derive(Debug, Default)]
pub struct ImportReport {
    /// The dataset written.
    pub into: PathBuf,
    /// Records added.
    pub added: usize,
    /// Records that replaced one with the same id.
    pub updated: usize,
    /// Records in the dataset after the import.
    pub total: usize,
    /// Imported records by precision (`unplaced` for those without coordinates).
    pub by_precision: BTreeMap<String, usize>,
    /// Imported records that could not be placed: (file, id, reason).
    pub unplaced: Vec<(PathBuf, String, String)>,
    /// Warnings: (file, message).
    pub warnings: Vec<(PathBuf, String)>,
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "imported {} record(s) into {}: {} added, {} updated; the dataset holds {}",
            self.added + self.updated,
            self.into.display(),
            self.added,
            self.updated,
            self.total
        )?;
        writeln!(f, "by precision:")?;
        for (p, n) in &self.by_precision {
            writeln!(f, "  {p:<16} {n}")?;
        }
        if self.unplaced.is_empty() {
            writeln!(f, "every imported record is placed on the map")?;
        } else {
            writeln!(
                f,
                "not placed ({}), kept without coordinates:",
                self.unplaced.len()
            )?;
            for (file, id, why) in &self.unplaced {
                writeln!(f, "  {}: {id}: {why}", file.display())?;
            }
        }
        for (file, w) in &self.warnings {
            writeln!(f, "warning: {}: {w}", file.display())?;
        }
        Ok(())
    }
}

/// The stable id of a page file: `000_1ed1d240a3bfbca7.txt` → `bdp-1ed1d240a3bfbca7`.
pub fn page_id(path: &Path, prefix: &str) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = match stem.split_once('_') {
        Some((n, rest)) if !rest.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => {
            rest.to_string()
        }
        _ => stem,
    };
    let slug: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    format!("{prefix}-{}", slug.trim_matches('-'))
}

/// Reads one page (text or HTML) into a record, not yet placed.
pub fn read_page(path: &Path, bytes: &[u8]) -> Result<Parsed, String> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err("empty file".into());
    }
    if bytes.contains(&0) {
        return Err("binary data (NUL bytes), not a text or HTML page".into());
    }
    let raw = std::str::from_utf8(bytes).map_err(|e| {
        format!(
            "not UTF-8 text (invalid byte at offset {})",
            e.valid_up_to()
        )
    })?;
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let looks_html = raw.trim_start().starts_with('<');
    let text = if ext == "html" || ext == "htm" || looks_html {
        text::html_to_text(raw)
    } else {
        raw.replace("\r\n", "\n")
    };
    let source = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let result = if bdp::is_bdp(&text) {
        bdp::parse(&text, page_id(path, "bdp"), source)
    } else {
        institution::parse(&text, page_id(path, "page"), source)
    };
    result.map_err(|e| {
        if e.line > 0 {
            format!("line {}: {}", e.line, e.problem)
        } else {
            e.problem
        }
    })
}

/// Places a record with everything it carries. A powiat or voivodeship written
/// on the page that contradicts the town (the database files Gdańsk under
/// "gdański", the neighbouring powiat) is dropped with a warning rather than
/// leaving the record unplaced; the answer then still lies in the town named.
pub fn geocode(
    g: &Gazetteer,
    p: &mut Practice,
    free_text: Option<&str>,
    warnings: &mut Vec<String>,
) -> Result<(), GeocodeError> {
    if p.location.is_some_and(|l| l.precision == Precision::Manual) {
        return Ok(());
    }
    let full = GeocodeQuery {
        text: None,
        postal_code: p.postal_code.clone(),
        town: p.town.clone(),
        gmina: None,
        powiat: p.powiat.clone(),
        voivodeship: p.voivodeship.clone(),
    };
    let mut attempts = vec![full.clone()];
    if full.powiat.is_some() {
        attempts.push(GeocodeQuery {
            powiat: None,
            ..full.clone()
        });
    }
    if let Some(t) = free_text {
        attempts.push(GeocodeQuery::text(t));
    }
    let mut first_error = None;
    for (i, q) in attempts.iter().enumerate() {
        if q.town.is_none()
            && q.postal_code.is_none()
            && q.text.is_none()
            && q.voivodeship.is_none()
        {
            continue;
        }
        match g.geocode(q) {
            Ok(r) => {
                if i > 0 && q.text.is_none() {
                    warnings.push(format!(
                        "powiat {:?} does not contain {}; placed without it",
                        full.powiat.as_deref().unwrap_or_default(),
                        r.best.name
                    ));
                }
                let b = r.best;
                if p.town.is_none()
                    && matches!(b.precision, Precision::Locality | Precision::PostalLocality)
                {
                    p.town = Some(b.name.to_string());
                }
                p.location = Some(Location {
                    lon: b.lon,
                    lat: b.lat,
                    precision: b.precision,
                    score: b.score,
                });
                p.admin = b.admin;
                return Ok(());
            }
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    p.location = None;
    p.admin = Default::default();
    Err(first_error.unwrap_or_else(|| {
        GeocodeError::NotFound("the record names no postal code, town or region".into())
    }))
}

/// Imports `paths` into the dataset at `into` (created when missing).
pub fn run(paths: &[PathBuf], into: &Path, g: &Gazetteer) -> Result<ImportReport, ImportError> {
    let mut existing = if into.exists() {
        store::load(into).map_err(ImportError::Dataset)?
    } else {
        Vec::new()
    };
    let mut failures: Vec<(PathBuf, String)> = Vec::new();
    let mut incoming: Vec<(PathBuf, Parsed)> = Vec::new();
    for path in paths {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                failures.push((path.clone(), e.to_string()));
                continue;
            }
        };
        let is_csv = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
        if is_csv {
            match store::read(bytes.as_slice(), path) {
                Ok(rows) => incoming.extend(rows.into_iter().map(|practice| {
                    (
                        path.clone(),
                        Parsed {
                            practice,
                            warnings: Vec::new(),
                            free_text: None,
                        },
                    )
                })),
                Err(e) => failures.push((path.clone(), e.to_string())),
            }
        } else {
            match read_page(path, &bytes) {
                Ok(p) => incoming.push((path.clone(), p)),
                Err(e) => failures.push((path.clone(), e)),
            }
        }
    }
    if !failures.is_empty() {
        return Err(ImportError::Inputs(failures));
    }

    let mut report = ImportReport {
        into: into.to_path_buf(),
        ..Default::default()
    };
    for (path, mut parsed) in incoming {
        let unit_text = parsed
            .free_text
            .clone()
            .or_else(|| parsed.practice.unit.clone());
        let mut warnings = std::mem::take(&mut parsed.warnings);
        let mut p = parsed.practice;
        let placed = geocode(g, &mut p, unit_text.as_deref(), &mut warnings);
        let key = match (&placed, p.location) {
            (Ok(()), Some(l)) => l.precision.as_str().to_string(),
            _ => "unplaced".to_string(),
        };
        *report.by_precision.entry(key).or_default() += 1;
        if let Err(e) = placed {
            report
                .unplaced
                .push((path.clone(), p.id.clone(), e.to_string()));
        }
        report
            .warnings
            .extend(warnings.into_iter().map(|w| (path.clone(), w)));
        match existing.iter_mut().find(|e| e.id == p.id) {
            Some(slot) => {
                *slot = p;
                report.updated += 1;
            }
            None => {
                existing.push(p);
                report.added += 1;
            }
        }
    }
    report.total = existing.len();
    store::save(into, &existing).map_err(ImportError::Save)?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_ids_are_stable_for_a_source() {
        assert_eq!(
            page_id(Path::new("x/000_1ed1d240a3bfbca7.txt"), "bdp"),
            "bdp-1ed1d240a3bfbca7"
        );
        assert_eq!(
            page_id(Path::new("017_1ed1d240a3bfbca7.html"), "bdp"),
            "bdp-1ed1d240a3bfbca7"
        );
        assert_eq!(
            page_id(Path::new("Strona MOPS.txt"), "page"),
            "page-strona-mops"
        );
    }

    #[test]
    fn bad_pages_give_errors_not_panics() {
        let p = Path::new("x.txt");
        assert_eq!(read_page(p, b"").unwrap_err(), "empty file");
        assert!(
            read_page(p, b"\x00\x01\x02binary")
                .unwrap_err()
                .contains("binary")
        );
        assert!(
            read_page(p, &[0xff, 0xfe, 0x41])
                .unwrap_err()
                .contains("UTF-8")
        );
        assert!(read_page(p, "Metryka praktyki\nKlucz: wartość".as_bytes()).is_err());
        assert!(read_page(p, "zwykły tekst bez niczego".as_bytes()).is_err());
    }
}
