//! The importer's records handed over instead of merged into a CSV: for an
//! import into the database (`import --database`), which decides itself what
//! a record that exists already becomes.

use std::path::PathBuf;

use super::{ImportError, ImportOptions, ImportReport, run_with};
use crate::gazetteer::Gazetteer;
use crate::practice::Practice;
use crate::store;

/// Reads and places `paths` exactly as [`run_with`] does, and returns the
/// records (one per id, the last one read winning) with the report, whose
/// `review` lists the records to check. The merge goes through a temporary
/// CSV, so that both imports share every step.
pub fn records(
    paths: &[PathBuf],
    g: &Gazetteer,
    options: &ImportOptions,
) -> Result<(Vec<Practice>, ImportReport), ImportError> {
    let dir = tempfile::tempdir().map_err(|e| {
        ImportError::Save(store::StoreError::Io {
            path: std::env::temp_dir(),
            source: e,
        })
    })?;
    let csv = dir.path().join("import.csv");
    let report = run_with(paths, &csv, g, options)?;
    let practices = store::load(&csv).map_err(ImportError::Save)?;
    Ok((practices, report))
}
