//! The store of record as a [`Source`]: the published practices, page by
//! page, into the same snapshot build the CSV goes through; and the first
//! start of an empty embedded store, seeded from the bundled CSV.

use std::path::{Path, PathBuf};

use crate::db::{DbError, Store};
use crate::files::{ContentWatch, Fingerprint};
use crate::practice::Practice;
use crate::snapshot::{Snapshot, SnapshotBuilder};
use crate::store::{self, RowError, StoreError};

use super::{LoadError, Source, read_rows, snapshot_key};

/// Published practices read per query.
const PAGE: i64 = 2_000;

/// The published practices of a store, read on the runtime of `runtime`
/// (call [`Source::read_each`] from a blocking thread, never from a task).
pub struct Database<'a> {
    /// The store.
    pub store: &'a Store,
    /// The runtime the store's pool lives on.
    pub runtime: tokio::runtime::Handle,
}

/// What names the database in errors (never its URL: it may hold a password).
fn label() -> PathBuf {
    PathBuf::from("database")
}

fn store_error(e: DbError) -> StoreError {
    StoreError::Io {
        path: label(),
        source: std::io::Error::other(e),
    }
}

impl Source for Database<'_> {
    /// The number of practices and the last entry of the log of public
    /// changes: every publish, edit and archive moves the latter.
    fn fingerprint(&self) -> Result<Fingerprint, StoreError> {
        self.runtime.block_on(async {
            let seq = self.store.last_change().await.map_err(store_error)?;
            let n = self.store.count().await.map_err(store_error)?;
            Ok(Fingerprint {
                len: u64::try_from(n).unwrap_or(0),
                hash: xxhash_rust::xxh3::xxh3_64(&seq.to_le_bytes()),
            })
        })
    }

    fn read_each(
        &self,
        each: &mut (dyn FnMut(&Practice, u64) + Send),
    ) -> Result<(Vec<RowError>, ContentWatch), StoreError> {
        let fingerprint = self.fingerprint()?;
        let mut position = 0u64;
        self.runtime
            .block_on(self.store.published(PAGE, |batch| {
                for p in &batch {
                    position += 1;
                    each(p, position);
                }
            }))
            .map_err(store_error)?;
        // A database is not a file to watch: the write path tells the read
        // path what changed.
        Ok((Vec::new(), ContentWatch::new(Path::new(""), fingerprint)))
    }
}

/// Builds the snapshot of a store's published practices, in memory, with
/// people's phones and e-mails in prose withheld unless `publish_personal`.
/// Call from a blocking thread.
pub fn load(
    store: &Store,
    runtime: tokio::runtime::Handle,
    publish_personal: bool,
) -> Result<Snapshot, LoadError> {
    let started = std::time::Instant::now();
    let wrap = |source| LoadError {
        path: label(),
        source,
    };
    let source = Database { store, runtime };
    let builder = SnapshotBuilder::with_capacity(0, 0).publishing_personal(publish_personal);
    let (builder, _, lines, read) = read_rows(&source, builder).map_err(wrap)?;
    let version = snapshot_key(read.fingerprint(), publish_personal).hash;
    let (snapshot, duplicates) = builder.finish(version).map_err(|source| {
        wrap(StoreError::Io {
            path: label(),
            source,
        })
    })?;
    // Ids are the table's primary key: a duplicate is a broken database.
    if let Some((_, id)) = duplicates.first() {
        return Err(wrap(
            store::no_problems(vec![store::duplicate_id(&label(), 0, id)])
                .expect_err("one problem"),
        ));
    }
    tracing::info!(
        practices = lines.len(),
        placed = snapshot.index().len(),
        ms = started.elapsed().as_millis() as u64,
        "published practices loaded from the database"
    );
    Ok(snapshot)
}

/// Seeds an empty store from a dataset CSV (the first start of the embedded
/// database): every valid row published, attributed to the system, in one
/// transaction (a start interrupted while seeding seeds again). A store that
/// holds practices, or a missing CSV, is left as it is; `Ok(n)` seeded.
pub async fn seed_if_empty(store: &Store, csv: &Path) -> Result<usize, LoadError> {
    let wrap = |source| LoadError {
        path: csv.to_path_buf(),
        source,
    };
    if store.count().await.map_err(|e| wrap(store_error(e)))? > 0 {
        return Ok(0);
    }
    if !csv.exists() {
        tracing::warn!(csv = %csv.display(), "empty database and no CSV to seed it from");
        return Ok(0);
    }
    let path = csv.to_path_buf();
    let practices = tokio::task::spawn_blocking(move || store::load(&path))
        .await
        .map_err(|e| {
            wrap(StoreError::Io {
                path: csv.to_path_buf(),
                source: std::io::Error::other(e),
            })
        })?
        .map_err(wrap)?;
    let n = store
        .seed(&practices)
        .await
        .map_err(|e| wrap(store_error(e)))?;
    tracing::info!(practices = n, csv = %csv.display(), "empty database seeded from the CSV");
    Ok(n)
}
