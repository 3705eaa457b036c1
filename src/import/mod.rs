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
//!
//! An input written as an address (`https://…`) is fetched ([`fetch`]) and read
//! like a page file; its record's `source` is the address asked for and its
//! `source_url` the page's canonical address, else the address it finally came
//! from after redirects. Its id is `page-` and the address's host and path.

pub mod bdp;
pub mod decode;
pub mod facts;
pub mod fetch;
pub mod institution;
pub mod place;
/// The importer's records handed over for an import into the database.
pub mod records;
/// A title read from a page's address when its text has no heading.
pub mod slug;
pub mod text;
pub mod title;

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use crate::gazetteer::Gazetteer;
use crate::practice::Practice;
use crate::store;

pub use place::{needs_review, place_page};

/// The most text the importer reads from one page, in bytes (after decoding and
/// HTML to text); the rest is cut off with a warning.
pub const MAX_TEXT_BYTES: usize = 1024 * 1024;

/// The longest `body` kept, in characters; longer prose is cut at a word with a warning.
pub const MAX_BODY_CHARS: usize = 50_000;

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
    /// The page's whole text (for a CSV row: its title and body), read for the place.
    pub text: String,
    /// The record.
    pub practice: Practice,
    /// Things the reader noticed and left out.
    pub warnings: Vec<String>,
    /// Text naming the place, such as "Miejski Ośrodek Pomocy Społecznej w Zawierciu".
    pub free_text: Option<String>,
    /// Facts read from the prose that a person should check, each with its
    /// reason (`area: …`, `cost: …`, `year: …`).
    pub doubts: Vec<String>,
    /// An institution page that names no implementing unit: once placed, the
    /// place's municipality is taken as it ([`municipality_unit`]).
    pub unit_from_place: bool,
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
    /// `--source-url` was given with other than one page to import, or is not
    /// an http or https address.
    #[error("--source-url: {0}")]
    SourceUrl(String),
    /// Saving failed; the previous dataset is intact.
    #[error("saving the dataset failed, the previous file is intact: {0}")]
    Save(store::StoreError),
}

/// An imported record to check by hand: placed with low confidence or not at
/// all, or with facts read from its prose that the importer doubts.
#[derive(Debug, Clone, PartialEq)]
pub struct Review {
    /// The file it came from.
    pub file: PathBuf,
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Precision, when placed.
    pub precision: Option<String>,
    /// Score, when placed.
    pub score: Option<f64>,
    /// The words that gave the place.
    pub placed_from: Option<String>,
    /// Why it should be checked.
    pub reason: String,
}

impl ImportReport {
    /// The records to check as a table: file, id, precision, score, the words
    /// that placed it, the reason, and the title.
    pub fn review_table(&self) -> String {
        let header = [
            "file",
            "id",
            "precision",
            "score",
            "placed from",
            "reason",
            "title",
        ];
        let rows: Vec<[String; 7]> = self
            .review
            .iter()
            .map(|r| {
                [
                    r.file.display().to_string(),
                    r.id.clone(),
                    r.precision.clone().unwrap_or_else(|| "-".into()),
                    r.score.map_or("-".into(), |s| s.to_string()),
                    r.placed_from
                        .as_deref()
                        .map_or("-".into(), |s| title::shorten(s, 50)),
                    title::shorten(&r.reason, 70),
                    title::shorten(&r.title, 60),
                ]
            })
            .collect();
        let mut widths = header.map(|h| h.chars().count());
        for r in &rows {
            for (w, c) in widths.iter_mut().zip(r) {
                *w = (*w).max(c.chars().count());
            }
        }
        let line = |cells: &[String]| {
            let s = cells
                .iter()
                .zip(widths)
                .map(|(c, w)| format!("{c:<w$}"))
                .collect::<Vec<_>>()
                .join(" | ");
            format!("{}\n", s.trim_end())
        };
        let mut out = line(&header.map(String::from));
        out += &line(&widths.map(|w| "-".repeat(w)));
        for r in &rows {
            out += &line(r);
        }
        out
    }
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
    /// Imported records placed with low confidence or not at all, or with
    /// doubtful facts, to check.
    pub review: Vec<Review>,
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
        if !self.review.is_empty() {
            writeln!(
                f,
                "check these ({}), placed with low confidence or not at all, or with doubtful facts (`import --review` prints a table):",
                self.review.len()
            )?;
            for r in &self.review {
                writeln!(f, "  {}: {}: {}", r.file.display(), r.id, r.reason)?;
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

/// Why a page could not be read: the file, the line (0: the page as a whole), the problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{}: {problem}", file.display(), if *line > 0 { format!(":{line}") } else { String::new() })]
pub struct PageReadError {
    /// The file.
    pub file: PathBuf,
    /// 1-based line, 0 for the page as a whole.
    pub line: usize,
    /// What is wrong.
    pub problem: String,
}

impl PageReadError {
    /// The line and the problem, without the file (`line 3: ...`).
    pub fn detail(&self) -> String {
        if self.line > 0 {
            format!("line {}: {}", self.line, self.problem)
        } else {
            self.problem.clone()
        }
    }
}

/// Cuts `s` to at most `max` bytes at a character boundary; whether it cut.
fn cap(s: &mut String, max: usize) -> bool {
    if s.len() <= max {
        return false;
    }
    let mut at = max;
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    s.truncate(at);
    true
}

/// Reads one page (text or HTML, in UTF-8, UTF-16, Windows-1250 or ISO-8859-2)
/// into a record, not yet placed. Errors name the file and, where there is one,
/// the line.
pub fn read_page(path: &Path, bytes: &[u8]) -> Result<Parsed, PageReadError> {
    let fail = |line: usize, problem: String| PageReadError {
        file: path.to_path_buf(),
        line,
        problem,
    };
    let decoded = decode::decode(bytes).map_err(|e| fail(0, e.to_string()))?;
    let raw = decoded.text;
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let looks_html = raw.trim_start().starts_with('<');
    let mut address = None;
    let mut text = if ext == "html" || ext == "htm" || looks_html {
        let page = text::html_page(&raw).map_err(|e| {
            fail(
                e.line as usize,
                format!(
                    "HTML nested deeper than {} elements (<{}>)",
                    text::MAX_HTML_DEPTH,
                    e.element
                ),
            )
        })?;
        address = page.address;
        page.text
    } else {
        raw.replace("\r\n", "\n")
    };
    let mut notes = Vec::new();
    if decoded.encoding != "UTF-8" {
        notes.push(format!("read as {} ({})", decoded.encoding, decoded.how));
    }
    if cap(&mut text, MAX_TEXT_BYTES) {
        notes.push(format!(
            "text longer than {MAX_TEXT_BYTES} bytes; the rest is left out"
        ));
    }
    let source = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let result = if bdp::is_bdp(&text) {
        bdp::parse(&text, page_id(path, "bdp"), source)
    } else {
        institution::parse(&text, page_id(path, "page"), source)
    };
    let mut parsed = result.map_err(|e| fail(e.line, e.problem))?;
    if parsed.practice.body.chars().count() > MAX_BODY_CHARS {
        parsed.practice.body = title::shorten(&parsed.practice.body, MAX_BODY_CHARS);
        notes.push(format!(
            "body longer than {MAX_BODY_CHARS} characters; cut at a word"
        ));
    }
    if let Some(a) = address {
        match crate::practice::web_url(&a) {
            Ok(u) => parsed.practice.source_url = Some(u.to_string()),
            Err(e) => notes.push(format!("the page's own address is left out: {e}")),
        }
    }
    parsed.warnings.extend(notes);
    parsed.text = text;
    Ok(parsed)
}

/// A page read from a file or an address whose text opens without a heading
/// takes its title from its address's slug when the address has one
/// ([`slug::title_from_address`]); practice-database pages keep theirs.
fn title_from_address(p: &mut Parsed) {
    if bdp::is_bdp(&p.text)
        || title::has_strong_heading(&p.text, institution::is_only_an_institution)
    {
        return;
    }
    if let Some(t) = p
        .practice
        .source_url
        .as_deref()
        .and_then(|u| slug::title_from_address(u, &p.text))
    {
        p.practice.title = title::shorten(&t, title::MAX_TITLE_CHARS);
    }
}

/// The municipality of a placed record as an implementing unit: `Miasto X`
/// for a city with powiat rights (its powiat code is 61 or above), `Gmina X`
/// otherwise; `None` when the record has no gmina.
pub fn municipality_unit(admin: &crate::gazetteer::AdminChain) -> Option<String> {
    let gmina = admin.gmina.as_ref()?;
    let city = gmina
        .teryt
        .get(2..4)
        .and_then(|c| c.parse::<u8>().ok())
        .is_some_and(|c| c >= 61);
    Some(format!(
        "{} {}",
        if city { "Miasto" } else { "Gmina" },
        gmina.name
    ))
}

/// Imports `paths` into the dataset at `into` (created when missing).
pub fn run(paths: &[PathBuf], into: &Path, g: &Gazetteer) -> Result<ImportReport, ImportError> {
    run_with(paths, into, g, &ImportOptions::default())
}

/// What an import may be told besides its inputs.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The original page's address, for a single page (it wins over the
    /// address the page names for itself).
    pub source_url: Option<String>,
    /// How inputs given as addresses are fetched.
    pub fetch: fetch::FetchConfig,
}

/// The longest address part kept in the id of a fetched page, in characters;
/// a longer one is cut and given a hash of the whole address.
const MAX_ADDRESS_ID_CHARS: usize = 80;

/// The id stem of a fetched page: the host and path of the address asked for
/// (`https://www.gmina.pl/a/b.html` → `www-gmina-pl-a-b-html`), so that the
/// same address imported again updates its record wherever it redirects to.
fn address_stem(url: &url::Url) -> String {
    let whole = format!(
        "{}{}{}",
        url.host_str().unwrap_or(""),
        url.path().trim_end_matches('/'),
        url.query().map(|q| format!("-{q}")).unwrap_or_default()
    );
    let mut stem: String = whole
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect();
    if stem.chars().count() > MAX_ADDRESS_ID_CHARS {
        let hash = xxhash_rust::xxh3::xxh3_64(url.as_str().as_bytes());
        stem = stem.chars().take(MAX_ADDRESS_ID_CHARS).collect();
        stem.push_str(&format!("-{:08x}", hash as u32));
    }
    stem
}

/// Fetches the page at `address` and reads it like a page file.
pub fn read_address(fetcher: &mut fetch::Fetcher, address: &str) -> Result<Parsed, String> {
    let page = fetcher.fetch(address).map_err(|e| e.to_string())?;
    let asked = fetch::parse_http(address).map_err(|e| e.to_string())?;
    let mut notes = Vec::new();
    // A charset named only in the HTTP header: decode with it here, since the
    // page's bytes carry no trace of it (a BOM, a <meta> or valid UTF-8 win).
    let header_charset = page
        .charset
        .as_deref()
        .and_then(|c| encoding_rs::Encoding::for_label(c.as_bytes()))
        .filter(|e| *e != encoding_rs::UTF_8);
    let bytes = match header_charset {
        Some(enc)
            if encoding_rs::Encoding::for_bom(&page.bytes).is_none()
                && std::str::from_utf8(&page.bytes).is_err() =>
        {
            notes.push(format!("read as {} (HTTP header)", enc.name()));
            enc.decode(&page.bytes).0.into_owned().into_bytes()
        }
        _ => page.bytes,
    };
    let pseudo = PathBuf::from(format!("{}.html", address_stem(&asked)));
    let mut parsed = read_page(&pseudo, &bytes).map_err(|e| e.detail())?;
    parsed.practice.source = address.trim().to_string();
    if parsed.practice.source_url.is_none() {
        parsed.practice.source_url = crate::practice::web_url(&page.final_url)
            .ok()
            .map(str::to_string);
    }
    if page.final_url != address.trim() {
        notes.push(format!("fetched from {} (redirected)", page.final_url));
    }
    parsed.warnings.extend(notes);
    Ok(parsed)
}

/// Imports `paths` into the dataset at `into` (created when missing), as told
/// by `options`.
pub fn run_with(
    paths: &[PathBuf],
    into: &Path,
    g: &Gazetteer,
    options: &ImportOptions,
) -> Result<ImportReport, ImportError> {
    let source_url = match &options.source_url {
        None => None,
        Some(u) => {
            let is_csv = |p: &PathBuf| {
                p.extension().is_some_and(|e| {
                    ["csv", "geojson", "json"]
                        .iter()
                        .any(|x| e.eq_ignore_ascii_case(x))
                })
            };
            if paths.len() != 1 {
                return Err(ImportError::SourceUrl(format!(
                    "is the address of a single page, but {} inputs were given",
                    paths.len()
                )));
            }
            if is_csv(&paths[0]) {
                return Err(ImportError::SourceUrl(
                    "is the address of a single page, but the input is a dataset file, CSV or GeoJSON (its source_url column or property gives each record's)".into(),
                ));
            }
            Some(
                crate::practice::web_url(u)
                    .map_err(ImportError::SourceUrl)?
                    .to_string(),
            )
        }
    };
    let mut existing = if into.exists() {
        store::load(into).map_err(ImportError::Dataset)?
    } else {
        Vec::new()
    };
    let mut failures: Vec<(PathBuf, String)> = Vec::new();
    let mut incoming: Vec<(PathBuf, Parsed)> = Vec::new();
    let mut fetcher: Option<fetch::Fetcher> = None;
    for path in paths {
        if let Some(address) = path.to_str().filter(|s| fetch::is_address(s)) {
            let fetcher = fetcher.get_or_insert_with(|| fetch::Fetcher::new(options.fetch.clone()));
            match read_address(fetcher, address) {
                Ok(mut p) => {
                    if let Some(u) = &source_url {
                        p.practice.source_url = Some(u.clone());
                    }
                    title_from_address(&mut p);
                    incoming.push((path.clone(), p))
                }
                Err(e) => failures.push((path.clone(), e)),
            }
            continue;
        }
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                failures.push((path.clone(), e.to_string()));
                continue;
            }
        };
        let extension = |x: &str| path.extension().is_some_and(|e| e.eq_ignore_ascii_case(x));
        // A dataset file: the CSV, or the GeoJSON the service gives out.
        let records = if extension("csv") {
            Some(store::read(bytes.as_slice(), path))
        } else if extension("geojson") || extension("json") {
            Some(store::read_features(&bytes, path))
        } else {
            None
        };
        if let Some(records) = records {
            match records {
                Ok(rows) => incoming.extend(rows.into_iter().map(|practice| {
                    (
                        path.clone(),
                        Parsed {
                            text: format!("{}\n\n{}", practice.title, practice.body),
                            practice,
                            warnings: Vec::new(),
                            free_text: None,
                            doubts: Vec::new(),
                            unit_from_place: false,
                        },
                    )
                })),
                Err(e) => failures.push((path.clone(), e.to_string())),
            }
        } else {
            match read_page(path, &bytes) {
                Ok(mut p) => {
                    if let Some(u) = &source_url {
                        p.practice.source_url = Some(u.clone());
                    }
                    title_from_address(&mut p);
                    incoming.push((path.clone(), p))
                }
                Err(e) => failures.push((path.clone(), e.detail())),
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
    // Re-import replaces by id: one map from id to position, so each record is
    // merged in O(1) and the whole import stays linear.
    let mut position: HashMap<String, usize> = existing
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.clone(), i))
        .collect();
    for (path, mut parsed) in incoming {
        let mut warnings = std::mem::take(&mut parsed.warnings);
        let mut p = parsed.practice;
        let placed = place_page(g, &mut p, &parsed.text, &mut warnings);
        if parsed.unit_from_place
            && p.unit.is_none()
            && let Some(unit) = municipality_unit(&p.admin)
        {
            parsed.doubts.push(format!(
                "unit: the page names none; its municipality «{unit}» is taken"
            ));
            let from = format!("jednostka: «{unit}» (gmina miejsca)");
            p.facts_from = Some(match p.facts_from.take() {
                Some(f) => format!("{f}; {from}"),
                None => from,
            });
            p.unit = Some(unit);
        }
        let key = match (&placed, p.location) {
            (Ok(()), Some(l)) => l.precision.as_str().to_string(),
            _ => "unplaced".to_string(),
        };
        *report.by_precision.entry(key).or_default() += 1;
        let failed = placed.err().map(|e| e.to_string());
        let placement = needs_review(&p).map(|reason| match &failed {
            Some(e) => format!("{reason}: {e}"),
            None => reason,
        });
        let facts = (!parsed.doubts.is_empty()).then(|| parsed.doubts.join("; "));
        let reason = match (placement, facts) {
            (Some(a), Some(b)) => Some(format!("{a}; {b}")),
            (a, b) => a.or(b),
        };
        if let Some(reason) = reason {
            report.review.push(Review {
                file: path.clone(),
                id: p.id.clone(),
                title: p.title.clone(),
                precision: p.location.map(|l| l.precision.as_str().to_string()),
                score: p.location.map(|l| l.score),
                placed_from: p.placed_from.clone(),
                reason,
            });
        }
        if let Some(e) = failed {
            report.unplaced.push((path.clone(), p.id.clone(), e));
        }
        report
            .warnings
            .extend(warnings.into_iter().map(|w| (path.clone(), w)));
        match position.get(&p.id) {
            Some(&i) => {
                existing[i] = p;
                report.updated += 1;
            }
            None => {
                position.insert(p.id.clone(), existing.len());
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
    fn bad_pages_give_errors_naming_the_file() {
        let p = Path::new("x/strona.txt");
        let e = read_page(p, b"").unwrap_err();
        assert_eq!(e.to_string(), "x/strona.txt: empty file");
        assert!(
            read_page(p, b"\x00\x01\x02binary")
                .unwrap_err()
                .to_string()
                .contains("binary")
        );
        // Not enough words for a title.
        let e = read_page(p, "12 . 34".as_bytes()).unwrap_err();
        assert!(e.to_string().starts_with("x/strona.txt: no text"), "{e}");
        // A metryka without the practice-database layout names its line.
        let e = read_page(p, "Metryka praktyki\nKlucz: wartość".as_bytes()).unwrap_err();
        assert!(e.to_string().starts_with("x/strona.txt"), "{e}");
        // HTML nested past the bound names the file and the line.
        let deep = format!("<html>\n<body>\n{}", "<div>".repeat(100_000));
        let e = read_page(Path::new("g.html"), deep.as_bytes()).unwrap_err();
        assert_eq!(e.line, 3);
        assert!(
            e.to_string().starts_with("g.html:3: HTML nested deeper"),
            "{e}"
        );
    }

    #[test]
    fn a_page_with_few_details_still_gives_a_record() {
        let p = Path::new("krotka.txt");
        let parsed = read_page(p, "Zwykły tekst bez niczego więcej".as_bytes()).unwrap();
        assert_eq!(parsed.practice.title, "Zwykły tekst bez niczego więcej");
        assert_eq!(parsed.practice.unit, None);
        assert!(
            parsed
                .warnings
                .iter()
                .any(|w| w.contains("no implementing institution"))
        );
    }

    #[test]
    fn encodings_are_read_and_noted() {
        let text = "Gminny Ośrodek Pomocy Społecznej w Łące realizuje projekt „Aktywna Łąka”.";
        let (bytes, _, _) = encoding_rs::WINDOWS_1250.encode(text);
        let parsed = read_page(Path::new("a.txt"), &bytes).unwrap();
        assert_eq!(parsed.practice.title, "Aktywna Łąka");
        assert!(
            parsed
                .warnings
                .iter()
                .any(|w| w.starts_with("read as windows-1250"))
        );
        let mut utf16 = vec![0xff, 0xfe];
        utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        let parsed = read_page(Path::new("b.txt"), &utf16).unwrap();
        assert_eq!(
            parsed.practice.unit.as_deref(),
            Some("Gminny Ośrodek Pomocy Społecznej w Łące")
        );
    }

    #[test]
    fn text_and_body_are_capped() {
        let sentence = "Mieszkańcy gminy spotkali się w świetlicy na wspólnych zajęciach. ";
        let page = sentence.repeat(MAX_TEXT_BYTES / sentence.len() + 10);
        let parsed = read_page(Path::new("dluga.txt"), page.as_bytes()).unwrap();
        assert!(parsed.text.len() <= MAX_TEXT_BYTES);
        assert!(parsed.practice.body.chars().count() <= MAX_BODY_CHARS + 1);
        assert!(
            parsed
                .warnings
                .iter()
                .any(|w| w.contains("bytes; the rest is left out"))
        );
        assert!(parsed.warnings.iter().any(|w| w.contains("cut at a word")));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

        /// Any bytes give a record or an error naming the file; never a panic.
        #[test]
        fn any_bytes_give_a_record_or_an_error_naming_the_file(
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..600),
            html in proptest::prelude::any::<bool>(),
        ) {
            let path = Path::new(if html { "los.html" } else { "los.txt" });
            match read_page(path, &bytes) {
                Ok(p) => proptest::prop_assert!(!p.practice.title.trim().is_empty()),
                Err(e) => proptest::prop_assert!(e.to_string().starts_with(&path.display().to_string())),
            }
        }

        /// Text made of Polish words, quotes and tags gives a record or a named error.
        #[test]
        fn page_like_text_gives_a_record_or_an_error_naming_the_file(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "Gminny Ośrodek Pomocy Społecznej w ", "Lipnicy", " projekt ", "„", "”", "\"", "''", ",,",
                "«", "»", "?", "'", "pn. ", "\n", "\n\n", "<div>", "</div>", "<p>", "Wójt Gminy ", "GOPS ",
                "w ", "Stowarzyszenie ", ". ", "Metryka praktyki", ".: Skrót :.", "Miejscowość: ", "ŁÓDŹ ",
                "<script>", "</script>", "&amp;", "47-220 ", "Kędzierzyn-Koźle ", "im. bł. o. ",
            ]), 0..80),
        ) {
            let page: String = parts.concat();
            let path = Path::new("strona.html");
            match read_page(path, page.as_bytes()) {
                Ok(p) => proptest::prop_assert!(!p.practice.title.trim().is_empty()),
                Err(e) => proptest::prop_assert!(e.to_string().starts_with("strona.html")),
            }
        }
    }
}
