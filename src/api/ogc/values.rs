//! The types of `/items` parameter values: `datetime`, `sortby`,
//! `properties`, `skipGeometry`, `limit`, `town` and the CRS of `crs` and
//! `bbox-crs`, each parsed with the message a client reads.

use chrono::NaiveDate;

use super::crs::{Crs, SERVED};
use crate::api::values::{ParamValue, deserialize_by_parse};
use crate::query::{SortField, SortKey};

/// Page size when `limit` is not given.
pub const DEFAULT_LIMIT: usize = 10;
/// Largest page size; larger `limit` values are clamped to it.
pub const MAX_LIMIT: usize = 10_000;
/// Properties `sortby` accepts.
pub const SORTABLES: [&str; 5] = ["id", "title", "town", "area", "year"];

/// The properties of an item in the list, in the order served; what
/// `properties=` may name.
pub const ITEM_PROPERTIES: [&str; 21] = [
    "id",
    "title",
    "area",
    "area_name",
    "area_path",
    "town",
    "unit",
    "unit_type",
    "cost_pln",
    "year",
    "summary",
    "voivodeship",
    "powiat",
    "gmina",
    "precision",
    "score",
    "source",
    "source_url",
    "voivodeship_teryt",
    "powiat_teryt",
    "gmina_teryt",
];

/// A `datetime` filter: first and last day, `None` for an open end.
pub type DaySpan = (Option<NaiveDate>, Option<NaiveDate>);

/// Parses an OGC `datetime`: an instant (date or RFC 3339 date-time) or an
/// interval `start/end` with `..` or nothing for an open end. Days are the
/// granularity of the data, so a date-time counts as its (UTC) date.
pub fn parse_datetime(v: &str) -> Result<Option<DaySpan>, String> {
    fn day(s: &str) -> Result<NaiveDate, String> {
        let s = s.trim();
        if s.contains(['T', 't']) {
            chrono::DateTime::parse_from_rfc3339(s)
                .map(|d| d.naive_utc().date())
                .map_err(|e| format!("{s:?} is not an RFC 3339 date-time: {e}"))
        } else {
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map_err(|_| format!("{s:?} is not a date YYYY-MM-DD"))
        }
    }
    let open = |s: &str| -> Result<Option<NaiveDate>, String> {
        match s.trim() {
            "" | ".." => Ok(None),
            s => day(s).map(Some),
        }
    };
    match v.split_once('/') {
        Some((a, b)) => {
            let (a, b) = (open(a)?, open(b)?);
            if let (Some(x), Some(y)) = (a, b)
                && x > y
            {
                return Err(format!("the interval starts ({x}) after it ends ({y})"));
            }
            Ok(if a.is_none() && b.is_none() {
                None
            } else {
                Some((a, b))
            })
        }
        None if v.trim() == ".." => Err("\"..\" is only allowed as an end of an interval".into()),
        None => {
            let d = day(v)?;
            Ok(Some((Some(d), Some(d))))
        }
    }
}

/// A `datetime` value: the days it covers (`None` for `../..`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DateTime(pub Option<DaySpan>);

impl ParamValue for DateTime {
    fn parse(v: &str) -> Result<DateTime, String> {
        parse_datetime(v).map(DateTime)
    }
}

impl ParamValue for Crs {
    fn parse(v: &str) -> Result<Crs, String> {
        if v == super::crs::CRS84 {
            Ok(Crs::Crs84)
        } else if v == super::crs::EPSG_2180 || v.eq_ignore_ascii_case("EPSG:2180") {
            Ok(Crs::Poland1992)
        } else {
            Err(format!(
                "{v:?} is not supported; supported: {}",
                SERVED.join(", ")
            ))
        }
    }
}

/// A page size of at least 1; larger than [`MAX_LIMIT`] is clamped to it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ItemLimit(pub usize);

impl ParamValue for ItemLimit {
    fn parse(v: &str) -> Result<ItemLimit, String> {
        let n: u64 = v
            .parse()
            .map_err(|_| format!("{v:?} is not a whole number of at least 1"))?;
        if n == 0 {
            return Err("must be at least 1".into());
        }
        Ok(ItemLimit(n.min(MAX_LIMIT as u64) as usize))
    }
}

/// A boolean (`true`/`false`, any case).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Boolean(pub bool);

impl ParamValue for Boolean {
    fn parse(v: &str) -> Result<Boolean, String> {
        if v.eq_ignore_ascii_case("true") {
            Ok(Boolean(true))
        } else if v.eq_ignore_ascii_case("false") {
            Ok(Boolean(false))
        } else {
            Err(format!("{v:?} is not true or false"))
        }
    }
}

/// A town name: letters, digits, spaces and `-.'()`, as Polish place names
/// are written.
#[derive(Debug, Clone, PartialEq)]
pub struct Town(pub String);

impl ParamValue for Town {
    fn parse(v: &str) -> Result<Town, String> {
        if let Some(c) = v
            .chars()
            .find(|&c| !(c.is_alphanumeric() || c == ' ' || "-.'()".contains(c)))
        {
            return Err(format!("{v:?}: {c:?} does not occur in town names"));
        }
        Ok(Town(v.to_string()))
    }
}

/// The properties an item keeps (`properties=`), in the order given.
#[derive(Debug, Clone, PartialEq)]
pub struct Properties(pub Vec<String>);

impl ParamValue for Properties {
    fn parse(v: &str) -> Result<Properties, String> {
        v.split(',')
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(|n| {
                if ITEM_PROPERTIES.contains(&n) {
                    Ok(n.to_string())
                } else {
                    Err(format!(
                        "no property {n:?}; served: {}",
                        ITEM_PROPERTIES.join(", ")
                    ))
                }
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Properties)
    }
}

/// The order of `sortby=+title,-year` (a name alone is ascending).
#[derive(Debug, Clone, PartialEq)]
pub struct SortBy(pub Vec<SortKey>);

impl ParamValue for SortBy {
    fn parse(v: &str) -> Result<SortBy, String> {
        v.split(',')
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map(|k| {
                let (descending, name) = match k.strip_prefix('-') {
                    Some(n) => (true, n),
                    None => (false, k.strip_prefix('+').unwrap_or(k)),
                };
                let field = match name {
                    "id" => SortField::Id,
                    "title" => SortField::Title,
                    "town" => SortField::Town,
                    "area" => SortField::Area,
                    "year" => SortField::Year,
                    _ => {
                        return Err(format!(
                            "cannot sort by {name:?}; sortable: {}",
                            SORTABLES.join(", ")
                        ));
                    }
                };
                Ok(SortKey { field, descending })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(SortBy)
    }
}

deserialize_by_parse!(DateTime, Crs, ItemLimit, Boolean, Town, Properties, SortBy);

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn datetime_instants_and_intervals() {
        assert_eq!(
            parse_datetime("2010-05-01").unwrap(),
            Some((Some(d("2010-05-01")), Some(d("2010-05-01"))))
        );
        assert_eq!(
            parse_datetime("2010-05-01T23:30:00+02:00").unwrap(),
            Some((Some(d("2010-05-01")), Some(d("2010-05-01"))))
        );
        assert_eq!(
            parse_datetime("2010-01-01/..").unwrap(),
            Some((Some(d("2010-01-01")), None))
        );
        assert_eq!(
            parse_datetime("/2012-12-31").unwrap(),
            Some((None, Some(d("2012-12-31"))))
        );
        assert_eq!(parse_datetime("../..").unwrap(), None);
        assert!(parse_datetime("2012-12-31/2010-01-01").is_err());
        assert!(parse_datetime("2010-13-01").is_err());
        assert!(parse_datetime("..").is_err());
        assert!(parse_datetime("yesterday").is_err());
    }

    #[test]
    fn item_properties_are_the_served_ones() {
        let practices = crate::store::load(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/practices.csv"),
        )
        .unwrap();
        let keys: Vec<String> = crate::geojson::flat_properties(&practices[0], false)
            .keys()
            .cloned()
            .collect();
        let mut want: Vec<&str> = ITEM_PROPERTIES.to_vec();
        let mut have: Vec<&str> = keys.iter().map(String::as_str).collect();
        want.sort_unstable();
        have.sort_unstable();
        assert_eq!(have, want);
    }

    #[test]
    fn sortby_reads_signs_and_rejects_unknown_names() {
        let k = SortBy::parse("-year,+title,town").unwrap().0;
        assert_eq!(k.len(), 3);
        assert!(k[0].descending && k[0].field == SortField::Year);
        assert!(!k[1].descending && k[1].field == SortField::Title);
        assert!(SortBy::parse("summary").is_err());
    }

    #[test]
    fn crs_by_uri_or_code() {
        assert_eq!(Crs::parse("EPSG:2180").unwrap(), Crs::Poland1992);
        assert!(Crs::parse("EPSG:3857").is_err());
    }
}
