//! Writing the dataset's rows, and the atomic save.

use std::io::Write;
use std::path::Path;

use super::{CSV_HEADER, StoreError, WEBSITE_SEPARATOR};
use crate::files::write_atomically;
use crate::gazetteer::AdminRef;
use crate::practice::Practice;

fn num<T: ToString>(x: Option<T>) -> String {
    x.map(|v| v.to_string()).unwrap_or_default()
}

/// Writes practices in the dataset's CSV format, one row at a time.
pub fn write_csv<W: Write, P: std::borrow::Borrow<Practice>>(
    w: W,
    practices: impl IntoIterator<Item = P>,
) -> Result<(), StoreError> {
    // A value beginning with `'` before a formula's first character keeps
    // that `'` through the reader, which drops one (see `read::formula_start`).
    write_rows(csv::Writer::from_writer(w), practices, |cell| {
        if cell.starts_with('\'') && super::read::formula_start(&cell) {
            format!("'{cell}")
        } else {
            cell
        }
    })
}

/// Writes practices in the dataset's columns through `wtr` (any dialect),
/// passing every cell through `cell` first.
pub fn write_rows<W: Write, P: std::borrow::Borrow<Practice>>(
    mut wtr: csv::Writer<W>,
    practices: impl IntoIterator<Item = P>,
    cell: impl Fn(String) -> String,
) -> Result<(), StoreError> {
    let e = |e: csv::Error| StoreError::Write(e.to_string());
    wtr.write_record(CSV_HEADER).map_err(e)?;
    for p in practices {
        let p = p.borrow();
        let s = |x: &Option<String>| x.clone().unwrap_or_default();
        let admin = |a: &Option<AdminRef>| {
            a.as_ref()
                .map(|a| (a.teryt.to_string(), a.name.to_string()))
                .unwrap_or_default()
        };
        let (gt, gn) = admin(&p.admin.gmina);
        let (pt, pn) = admin(&p.admin.powiat);
        let (vt, vn) = admin(&p.admin.voivodeship);
        let contacts = if p.contacts.is_empty() {
            String::new()
        } else {
            serde_json::to_string(&p.contacts).map_err(|x| StoreError::Write(x.to_string()))?
        };
        let row: Vec<String> = vec![
            p.id.clone(),
            p.title.clone(),
            p.area.slug().to_string(),
            p.summary.clone(),
            p.body.clone(),
            num(p.cost_pln),
            s(&p.funding),
            num(p.date_added),
            num(p.date_updated),
            num(p.period_start),
            num(p.period_end),
            p.unit_type
                .map(|u| u.label().to_string())
                .unwrap_or_default(),
            s(&p.town),
            s(&p.powiat),
            s(&p.voivodeship),
            s(&p.postal_code),
            s(&p.post_office),
            s(&p.street),
            s(&p.unit),
            s(&p.phone),
            p.websites.join(WEBSITE_SEPARATOR),
            s(&p.email),
            num(p.population),
            contacts,
            p.source.clone(),
            s(&p.source_url),
            num(p.location.map(|l| l.lon)),
            num(p.location.map(|l| l.lat)),
            p.location
                .map(|l| l.precision.as_str().to_string())
                .unwrap_or_default(),
            num(p.location.map(|l| l.score)),
            s(&p.placed_from),
            s(&p.facts_from),
            gt,
            gn,
            pt,
            pn,
            vt,
            vn,
        ];
        wtr.write_record(row.into_iter().map(&cell)).map_err(e)?;
    }
    wtr.flush().map_err(|x| StoreError::Write(x.to_string()))?;
    Ok(())
}

/// Saves the dataset atomically (see [`write_atomically`]). Rows are sorted by id.
pub fn save(path: &Path, practices: &[Practice]) -> Result<(), StoreError> {
    let mut sorted: Vec<&Practice> = practices.iter().collect();
    sorted.sort_by(|a, b| a.id.cmp(&b.id));
    let sorted: Vec<Practice> = sorted.into_iter().cloned().collect();
    let mut csv_error = None;
    let r = write_atomically(path, |w| {
        write_csv(w, &sorted).map_err(|e| {
            let io = std::io::Error::other(e.to_string());
            csv_error = Some(e);
            io
        })
    });
    match (r, csv_error) {
        (Err(_), Some(e)) => Err(e),
        (r, _) => Ok(r?),
    }
}
