//! What a snapshot derives from its rows on first use and keeps until it is
//! replaced: the spatial and time extents and the clustering grid. Each is a
//! cell filled once (the grid's levels each their own), in this one place, so
//! a restart does none of this work and a reload's new snapshot starts empty.

use std::sync::OnceLock;

use chrono::NaiveDate;

use super::columns::Attrs;
use super::grid::Grid;
use crate::geo_util::{Bbox, LonLat};

/// The derived values of one snapshot.
#[derive(Debug, Default)]
pub(crate) struct Derived {
    pub(crate) extent: OnceLock<Option<Bbox>>,
    pub(crate) time_extent: OnceLock<Option<(NaiveDate, NaiveDate)>>,
    /// The clustering grid's cells.
    pub(crate) grid: Grid,
}

impl Derived {
    /// The bounding box of the placed practices.
    pub(crate) fn extent(&self, attrs: &Attrs) -> Option<Bbox> {
        *self.extent.get_or_init(|| {
            Bbox::around(
                (0..attrs.len() as u32)
                    .filter_map(|i| attrs.get(i).lon_lat())
                    .map(|(lon, lat)| LonLat::new(lon, lat)),
            )
        })
    }

    /// The first and last date of the practices' time spans.
    pub(crate) fn time_extent(&self, attrs: &Attrs) -> Option<(NaiveDate, NaiveDate)> {
        *self.time_extent.get_or_init(|| {
            (0..attrs.len() as u32)
                .filter_map(|i| attrs.get(i).time_span())
                .reduce(|(a, b), (s, e)| (a.min(s), b.max(e)))
        })
    }
}
