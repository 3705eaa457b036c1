//! The store of record as a [`Source`]: the published practices, page by
//! page, into the same snapshot build the CSV goes through; a node's
//! snapshot file of the database (start from it, then read the log on);
//! and the first start of an empty embedded store, seeded from the bundled
//! CSV.

use std::path::{Path, PathBuf};

use crate::db::{DbError, Store};
use crate::files::{ContentWatch, Fingerprint};
use crate::practice::Practice;
use crate::snapshot;
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

/// A node's snapshot of the database and the point of the log it holds.
pub struct AtSeq {
    /// The published practices as of `seq`.
    pub snapshot: Snapshot,
    /// The last change of the log the snapshot holds: the follower reads on
    /// after it.
    pub seq: i64,
    /// Whether it came from the snapshot file.
    pub from_file: bool,
}

/// The file beside a node's snapshot file naming the change it was made at.
fn seq_file(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".seq");
    path.with_file_name(name)
}

/// What a snapshot of this store made at change `seq` is named by: the
/// number, and that change's practice and time (another database's file,
/// or one from before the log was rebuilt, does not match), keyed with what
/// the prepared text withholds.
async fn key_at(store: &Store, seq: i64, publish_personal: bool) -> Result<Fingerprint, DbError> {
    let key = store.change_key(seq).await?.unwrap_or_default();
    let hash = xxhash_rust::xxh3::xxh3_64(format!("{seq}\t{}\t{}", key.0, key.1).as_bytes());
    Ok(super::snapshot_key(
        Fingerprint {
            len: u64::try_from(seq).unwrap_or(0),
            hash,
        },
        publish_personal,
    ))
}

/// The snapshot a node starts from: its snapshot file when that was made
/// from this store (the follower then reads the log on from the file's
/// change), else built from the store's published practices, page by page
/// (never the whole table twice), and written to `file` for the next start.
/// Call from a task; the build runs on a blocking thread.
pub async fn load_at(
    store: &Store,
    file: Option<&Path>,
    publish_personal: bool,
) -> Result<AtSeq, LoadError> {
    let wrap = |e: DbError| LoadError {
        path: label(),
        source: store_error(e),
    };
    if let Some(path) = file {
        match read_file(store, path, publish_personal).await {
            Ok(Some(at)) => return Ok(at),
            Ok(None) => {}
            Err(e) => {
                tracing::info!(error = %e, "snapshot file not used; building from the database")
            }
        }
    }
    // The log's head before the load: the follower reads on from it, so a
    // change committed during the load is applied (again, harmlessly: a put
    // replaces, a removal of the absent does nothing) and none is missed.
    let seq = store.last_change().await.map_err(wrap)?;
    let runtime = tokio::runtime::Handle::current();
    let loading = store.clone();
    let snapshot = tokio::task::spawn_blocking(move || load(&loading, runtime, publish_personal))
        .await
        .map_err(|e| LoadError {
            path: label(),
            source: StoreError::Io {
                path: label(),
                source: std::io::Error::other(e),
            },
        })??;
    if let Some(path) = file {
        let key = key_at(store, seq, publish_personal).await.map_err(wrap)?;
        let path = path.to_path_buf();
        let (snapshot, written) = tokio::task::spawn_blocking(move || {
            let written = snapshot::file::write(&path, key, &snapshot).and_then(|()| {
                crate::files::write_atomically(&seq_file(&path), |f| {
                    std::io::Write::write_all(f, seq.to_string().as_bytes())
                })
            });
            (snapshot, written.map(|()| path))
        })
        .await
        .map_err(|e| LoadError {
            path: label(),
            source: StoreError::Io {
                path: label(),
                source: std::io::Error::other(e),
            },
        })?;
        match written {
            Ok(path) => {
                tracing::info!(path = %path.display(), seq, "snapshot file of the database written")
            }
            Err(e) => tracing::warn!(error = %e, "snapshot file of the database not written"),
        }
        return Ok(AtSeq {
            snapshot,
            seq,
            from_file: false,
        });
    }
    Ok(AtSeq {
        snapshot,
        seq,
        from_file: false,
    })
}

/// The snapshot file's snapshot when it was made from this store; `None`
/// when there is none.
async fn read_file(
    store: &Store,
    path: &Path,
    publish_personal: bool,
) -> Result<Option<AtSeq>, Box<dyn std::error::Error + Send + Sync>> {
    let seq = match std::fs::read_to_string(seq_file(path)) {
        Ok(s) => s
            .trim()
            .parse::<i64>()
            .map_err(|e| format!("{}: not a change number: {e}", seq_file(path).display()))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    if seq > store.last_change().await? {
        return Err(format!(
            "{}: made at change {seq}, after this store's log",
            path.display()
        )
        .into());
    }
    let key = key_at(store, seq, publish_personal).await?;
    let file = path.to_path_buf();
    let snapshot = tokio::task::spawn_blocking(move || snapshot::file::read(&file, key)).await??;
    tracing::info!(path = %path.display(), seq, practices = snapshot.len(), "snapshot file of the database read");
    Ok(Some(AtSeq {
        snapshot,
        seq,
        from_file: true,
    }))
}
