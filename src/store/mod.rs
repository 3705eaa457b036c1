//! The CSV dataset's format: its columns, reading rows with validation
//! (`read.rs`), writing rows and the atomic save (`write.rs`), and reading
//! the GeoJSON the service gives out back into the same records
//! (`features.rs`).
//!
//! `data/practices.csv` is UTF-8 with a header and one row per practice; the
//! columns are [`CSV_HEADER`](crate::store::CSV_HEADER) and are documented in `data/README.md`. Multi-valued
//! fields: `websites` joined by ` | `, `contacts` as a JSON array of
//! `{"name", "role", "phone", "email"}` objects. Empty cells are absent values.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::files::FileError;
use crate::gazetteer::AdminRef;

mod features;
mod read;
mod write;

pub use features::read_features;
pub use read::{
    BATCH, Batch, duplicate_id, formula_start, load, no_problems, open, read, read_each,
};
pub use write::{save, write_csv, write_rows};

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
    "source_url",
    "lon",
    "lat",
    "precision",
    "score",
    "placed_from",
    "facts_from",
    "gmina_teryt",
    "gmina_name",
    "powiat_teryt",
    "powiat_name",
    "voivodeship_teryt",
    "voivodeship_name",
];

/// Columns a file may lack (it was written before they existed); they read as empty.
pub const OPTIONAL_COLUMNS: &[&str] = &["placed_from", "source_url", "facts_from"];

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
    /// The file is not a GeoJSON FeatureCollection (or not JSON).
    #[error("{}:{line}: not readable as a GeoJSON FeatureCollection: {message}", path.display())]
    GeoJson {
        /// The file.
        path: PathBuf,
        /// Line of the problem.
        line: u64,
        /// What is wrong.
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

impl From<FileError> for StoreError {
    fn from(e: FileError) -> StoreError {
        StoreError::Io {
            path: e.path,
            source: e.source,
        }
    }
}

/// Most bytes of the input an error quotes; a longer value is cut.
pub const QUOTE_MAX: usize = 200;

/// At most [`QUOTE_MAX`] bytes of a value, cut on a character boundary and
/// ended with an ellipsis when longer, for an error to quote.
pub fn excerpt(s: &str) -> std::borrow::Cow<'_, str> {
    if s.len() <= QUOTE_MAX {
        return s.into();
    }
    let mut end = QUOTE_MAX;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end]).into()
}

/// A value of the input as an error quotes it: in quotes, escaped, and cut
/// as [`excerpt`] does.
pub fn quote(s: &str) -> String {
    format!("{:?}", excerpt(s))
}

/// Shares one [`AdminRef`] between every practice in the same unit, so a
/// million practices hold a few thousand names instead of six million.
#[derive(Default)]
pub struct AdminInterner {
    /// By code, each name used with it (one, unless the data disagree).
    known: HashMap<Box<str>, Vec<AdminRef>, foldhash::fast::RandomState>,
}

impl AdminInterner {
    /// The shared reference for a TERYT code and name.
    pub fn get(&mut self, teryt: &str, name: &str) -> AdminRef {
        if let Some(a) = self
            .known
            .get(teryt)
            .and_then(|named| named.iter().find(|a| &*a.name == name))
        {
            return a.clone();
        }
        let a = AdminRef::new(teryt, name);
        self.known.entry(teryt.into()).or_default().push(a.clone());
        a
    }
}

#[cfg(test)]
mod tests;
