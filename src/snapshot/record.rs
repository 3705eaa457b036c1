//! A practice as the snapshot keeps it: every field in postcard, strings
//! borrowed from the bytes when reading, so a record decodes without a copy
//! of the file. The records are the snapshot's one full copy of the data; the
//! rows and the other columns are derived from them.

use serde::{Deserialize, Serialize};

use crate::gazetteer::{AdminChain, AdminRef, Precision};
use crate::practice::{Area, Contact, Location, Practice, UnitType};
use crate::store::AdminInterner;

/// A practice as the snapshot stores it: every field, strings borrowed
/// from the file's bytes when reading.
#[derive(Serialize, Deserialize)]
struct Record<'a> {
    id: &'a str,
    title: &'a str,
    area: &'a str,
    summary: &'a str,
    body: &'a str,
    cost_pln: Option<u64>,
    funding: Option<&'a str>,
    dates: [Option<i32>; 4],
    unit_type: Option<&'a str>,
    town: Option<&'a str>,
    powiat: Option<&'a str>,
    voivodeship: Option<&'a str>,
    postal_code: Option<&'a str>,
    post_office: Option<&'a str>,
    street: Option<&'a str>,
    unit: Option<&'a str>,
    phone: Option<&'a str>,
    websites: Vec<&'a str>,
    email: Option<&'a str>,
    population: Option<u64>,
    /// Contacts as their JSON array ("" when none).
    contacts: String,
    source: &'a str,
    source_url: Option<&'a str>,
    location: Option<(f64, f64, &'a str, f64)>,
    placed_from: Option<&'a str>,
    facts_from: Option<&'a str>,
    admin: [Option<(&'a str, &'a str)>; 3],
}

fn day(d: Option<chrono::NaiveDate>) -> Option<i32> {
    use chrono::Datelike;
    d.map(|d| d.num_days_from_ce())
}

fn date(n: Option<i32>) -> Result<Option<chrono::NaiveDate>, String> {
    n.map(|n| chrono::NaiveDate::from_num_days_from_ce_opt(n).ok_or(format!("day {n}")))
        .transpose()
}

impl<'a> Record<'a> {
    fn of(p: &'a Practice) -> Record<'a> {
        let admin = |a: &'a Option<AdminRef>| a.as_ref().map(|a| (&*a.teryt, &*a.name));
        Record {
            id: &p.id,
            title: &p.title,
            area: p.area.slug(),
            summary: &p.summary,
            body: &p.body,
            cost_pln: p.cost_pln,
            funding: p.funding.as_deref(),
            dates: [
                day(p.date_added),
                day(p.date_updated),
                day(p.period_start),
                day(p.period_end),
            ],
            unit_type: p.unit_type.map(|u| u.label()),
            town: p.town.as_deref(),
            powiat: p.powiat.as_deref(),
            voivodeship: p.voivodeship.as_deref(),
            postal_code: p.postal_code.as_deref(),
            post_office: p.post_office.as_deref(),
            street: p.street.as_deref(),
            unit: p.unit.as_deref(),
            phone: p.phone.as_deref(),
            websites: p.websites.iter().map(String::as_str).collect(),
            email: p.email.as_deref(),
            population: p.population,
            contacts: if p.contacts.is_empty() {
                String::new()
            } else {
                serde_json::to_string(&p.contacts).unwrap_or_default()
            },
            source: &p.source,
            source_url: p.source_url.as_deref(),
            placed_from: p.placed_from.as_deref(),
            facts_from: p.facts_from.as_deref(),
            location: p
                .location
                .map(|l| (l.lon, l.lat, l.precision.as_str(), l.score)),
            admin: [
                admin(&p.admin.gmina),
                admin(&p.admin.powiat),
                admin(&p.admin.voivodeship),
            ],
        }
    }

    fn practice(self, admins: &mut AdminInterner) -> Result<Practice, String> {
        let s = |x: Option<&str>| x.map(str::to_string);
        let [gmina, powiat, voivodeship] = self.admin.map(|a| a.map(|(t, n)| admins.get(t, n)));
        let [date_added, date_updated, period_start, period_end] = self.dates;
        Ok(Practice {
            id: self.id.to_string(),
            title: self.title.to_string(),
            area: Area::from_slug(self.area).ok_or(format!("area {:?}", self.area))?,
            summary: self.summary.to_string(),
            body: self.body.to_string(),
            cost_pln: self.cost_pln,
            funding: s(self.funding),
            date_added: date(date_added)?,
            date_updated: date(date_updated)?,
            period_start: date(period_start)?,
            period_end: date(period_end)?,
            unit_type: self
                .unit_type
                .map(|u| UnitType::from_label(u).ok_or(format!("unit type {u:?}")))
                .transpose()?,
            town: s(self.town),
            powiat: s(self.powiat),
            voivodeship: s(self.voivodeship),
            postal_code: s(self.postal_code),
            post_office: s(self.post_office),
            street: s(self.street),
            unit: s(self.unit),
            phone: s(self.phone),
            websites: self.websites.into_iter().map(str::to_string).collect(),
            email: s(self.email),
            population: self.population,
            contacts: if self.contacts.is_empty() {
                Vec::new()
            } else {
                serde_json::from_str::<Vec<Contact>>(&self.contacts).map_err(|e| e.to_string())?
            },
            source: self.source.to_string(),
            source_url: s(self.source_url),
            placed_from: s(self.placed_from),
            facts_from: s(self.facts_from),
            location: self
                .location
                .map(|(lon, lat, precision, score)| {
                    Ok::<_, String>(Location {
                        lon,
                        lat,
                        precision: precision.parse::<Precision>()?,
                        score,
                    })
                })
                .transpose()?,
            admin: AdminChain {
                gmina,
                powiat,
                voivodeship,
            },
        })
    }
}

/// Appends postcard's output to a `Vec`, each string as one copy (postcard's
/// own `to_extend` pushes it byte by byte).
struct Append<'a>(&'a mut Vec<u8>);

impl postcard::ser_flavors::Flavor for Append<'_> {
    type Output = ();

    fn try_extend(&mut self, data: &[u8]) -> postcard::Result<()> {
        self.0.extend_from_slice(data);
        Ok(())
    }

    fn try_push(&mut self, data: u8) -> postcard::Result<()> {
        self.0.push(data);
        Ok(())
    }

    fn finalize(self) -> postcard::Result<()> {
        Ok(())
    }
}

/// Encodes a practice as the snapshot's record, appended to `out`.
pub(crate) fn encode_record(p: &Practice, out: &mut Vec<u8>) {
    postcard::serialize_with_flavor(&Record::of(p), Append(out))
        .expect("a record of strings and numbers encodes");
}

/// Decodes a record.
pub(crate) fn decode_record(bytes: &[u8]) -> Result<Practice, String> {
    postcard::from_bytes::<Record>(bytes)
        .map_err(|e| e.to_string())?
        .practice(&mut AdminInterner::default())
}

/// The id of a record without decoding the rest (it comes first).
pub(crate) fn record_id(bytes: &[u8]) -> Option<&str> {
    postcard::take_from_bytes::<&str>(bytes)
        .ok()
        .map(|(id, _)| id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gazetteer::Gazetteer;

    #[test]
    fn records_encode_as_postcard_does() {
        let mut ps = crate::synthetic::practices(Gazetteer::bundled(), 12, 5);
        ps[2].location = None;
        let mut out = b"before".to_vec();
        let mut expected = out.clone();
        for p in &ps {
            encode_record(p, &mut out);
            expected.extend(postcard::to_stdvec(&Record::of(p)).unwrap());
        }
        assert_eq!(out, expected);
        let mut at = b"before".len();
        for p in &ps {
            let n = postcard::to_stdvec(&Record::of(p)).unwrap().len();
            assert_eq!(decode_record(&out[at..at + n]).as_ref(), Ok(p));
            assert_eq!(record_id(&out[at..at + n]), Some(p.id.as_str()));
            at += n;
        }
    }
}
