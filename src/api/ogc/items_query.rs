//! An `/items` request as the query's [`Filter`], its page and the shape of
//! its features: the one conversion of the `/items` parameters.

use super::crs::Crs;
use super::grid::{GridBox, parse_bbox};
use super::params::{AnswerCrs, Format, Items, Queryables, check_format};
use super::values::DEFAULT_LIMIT;
use crate::api::error::ApiError;
use crate::api::extract::And;
use crate::api::filters::regions;
use crate::gazetteer::Gazetteer;
use crate::query::Filter;

/// A parsed `/items` request.
#[derive(Debug)]
pub struct ItemsQuery {
    /// The filters and order.
    pub filter: Filter,
    /// Page size.
    pub limit: usize,
    /// Page start.
    pub offset: usize,
    /// Features without geometry.
    pub skip_geometry: bool,
    /// Only these properties (`properties=`), in the order given.
    pub properties: Option<Vec<String>>,
    /// The CRS of the answer's coordinates.
    pub crs: Crs,
    /// A `bbox` given in EPSG:2180 (northing, easting): the filter's CRS84
    /// box holds it, and the matches are then cut to it exactly.
    pub grid_bbox: Option<GridBox>,
}

/// The parameters of `/items`.
pub type ItemsGroups = And<And<Items, And<Format, AnswerCrs>>, Queryables>;

impl ItemsQuery {
    /// The query of the `/items` parameters.
    pub fn new(
        g: &Gazetteer,
        And(And(items, And(format, crs)), qs): ItemsGroups,
    ) -> Result<ItemsQuery, ApiError> {
        check_format(format.f.as_deref())?;
        let mut f = Filter::default();
        let mut grid_bbox = None;
        if let Some(b) = items.bbox.as_deref() {
            let (bbox, grid) = parse_bbox(b, items.bbox_crs.unwrap_or(Crs::Crs84))?;
            f.bbox = Some(bbox);
            grid_bbox = grid;
        }
        f.dates = items.datetime.and_then(|d| d.0);
        f.text = items.q.map(|q| q.0);
        f.area_exact = qs.area.map(|a| a.0);
        f.area = qs.area_group.map(|a| a.0);
        [f.voivodeship, f.powiat, f.gmina] = regions(
            g,
            [
                qs.voivodeship.as_deref(),
                qs.powiat.as_deref(),
                qs.gmina.as_deref(),
            ],
        )?;
        f.unit_type = qs.unit_type.map(|u| u.0);
        for (code, slot) in [
            (qs.voivodeship_teryt, &mut f.voivodeship),
            (qs.powiat_teryt, &mut f.powiat),
            (qs.gmina_teryt, &mut f.gmina),
        ] {
            if let Some(code) = code {
                if slot.as_deref().is_some_and(|c| c != code) {
                    // Both given and different: nothing can match.
                    f.id = Some(String::new());
                }
                *slot = Some(code);
            }
        }
        if let Some(y) = qs.year {
            f.year_from = Some(y.0 as i32);
            f.year_to = Some(y.0 as i32);
        }
        f.id = f.id.or(qs.id);
        f.title = qs.title;
        f.town = qs.town.map(|t| t.0);
        f.sort = items.sortby.map(|s| s.0).unwrap_or_default();
        Ok(ItemsQuery {
            filter: f,
            limit: items.limit.map_or(DEFAULT_LIMIT, |l| l.0),
            offset: items.offset.map_or(0, |o| o.get()),
            skip_geometry: items.skip_geometry.is_some_and(|b| b.0),
            properties: items.properties.map(|p| p.0),
            crs: crs.crs.unwrap_or(Crs::Crs84),
            grid_bbox,
        })
    }
}
