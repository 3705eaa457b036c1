//! What a snapshot is: the dataset held compactly and immutably, independent
//! of where its records came from and of what is asked of it.
//!
//! A [`Snapshot`] holds the encoded records (`record`), a fixed row per
//! practice and the other byte columns (`columns`), the prepared summary
//! features, the folded search text, the id map and the R-tree of ids; what is
//! derived from it on first use (extents, the clustering grid) is kept on it
//! (`derived`, `grid`). A [`SnapshotBuilder`](crate::snapshot::SnapshotBuilder) makes one practice by
//! practice; `file` stores one and reads it back in place. It is never
//! changed: when the dataset changes a new snapshot replaces it whole.
//!
//! Inside, imports go one way: `columns` and `record` at the bottom, then
//! `grid`, `derived`, `held` (the snapshot), and `build` and `file` on top.
//! Nothing here reads queries, answers or HTTP.

mod build;
pub(crate) mod columns;
mod derived;
pub mod file;
mod grid;
mod held;
mod record;

pub use build::SnapshotBuilder;
pub use grid::{CELLS_PER_TILE, MAX_ZOOM, PYRAMID_MAX_ZOOM};
pub(crate) use grid::{CellSum, Key, sum_cells};
pub use held::Snapshot;
