//! The geocoder against the whole gazetteer: every locality in an institution
//! phrase with its locative, every town and district with its voivodeship, every
//! gmina's seat in several cases, districts with their city. Each set prints its
//! rate and fails below a floor a little under the rate measured when it was
//! written (see docs/performance.md, "Geocoder accuracy" for the figures).
//!
//! The inflected forms come from `geodata/inflections.tsv` (SGJP, as lookup
//! keys: no diacritics, lower case), so these phrases are also the geocoder's
//! test of text written without diacritics.

use std::collections::HashMap;

use mapa_praktyk::gazetteer::{Gazetteer, GeocodeQuery, GeocodeResult, key};

fn g() -> &'static Gazetteer {
    Gazetteer::bundled()
}

/// Every locative form (key) of every name SGJP declines: by the name's key,
/// and the names each form is the locative of.
fn locative_index() -> HashMap<String, Vec<String>> {
    let text = include_str!("../geodata/inflections.tsv");
    let mut by_form: HashMap<String, Vec<String>> = HashMap::new();
    for l in text.lines().skip(1) {
        let f: Vec<&str> = l.split('\t').collect();
        if f.len() == 8 && f[1] == "place" {
            for form in f[6].split('|').filter(|s| !s.is_empty()) {
                by_form
                    .entry(form.to_string())
                    .or_default()
                    .push(f[0].to_string());
            }
        }
    }
    by_form
}

/// The first locative form (key) of every name SGJP declines, by the name's key.
fn locatives() -> HashMap<String, String> {
    let text = include_str!("../geodata/inflections.tsv");
    text.lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f.len() == 8 && f[1] == "place")
                .then(|| f[6].split('|').next().filter(|s| !s.is_empty()))
                .flatten()
                .map(|loc| (f[0].to_string(), loc.to_string()))
        })
        .collect()
}

/// The population of the most populous locality of a name (0 when unknown).
fn population(name: &str) -> u32 {
    g().geocode(&GeocodeQuery {
        town: Some(name.to_string()),
        ..Default::default()
    })
    .ok()
    .and_then(|r| r.candidates.iter().filter_map(|c| c.population).max())
    .unwrap_or(0)
}

fn answer(q: &str) -> Option<GeocodeResult> {
    g().geocode(&GeocodeQuery::text(q)).ok()
}

fn voivodeship_name(teryt: &str) -> String {
    g().voivodeships()
        .find(|v| v.teryt == teryt)
        .map(|v| v.name.to_string())
        .expect("a voivodeship")
}

/// Counts answers that are right and keeps the queries that were not.
#[derive(Default)]
struct Tally {
    ok: usize,
    all: usize,
    misses: Vec<String>,
}

impl Tally {
    /// Geocodes `q` and counts the answer as right when `right` says so.
    fn check(&mut self, q: &str, right: impl Fn(&GeocodeResult) -> bool) {
        self.all += 1;
        match answer(q) {
            Some(r) if right(&r) => self.ok += 1,
            Some(r) => self
                .misses
                .push(format!("{q} -> {} ({:?})", r.best.name, r.best.town)),
            None => self.misses.push(format!("{q} -> nothing")),
        }
    }

    /// Prints the rate and fails below `floor`.
    fn assert_rate(&self, what: &str, floor: f64) {
        let r = self.ok as f64 / self.all as f64;
        println!(
            "{what}: {} of {} = {:.2}% (floor {:.1}%); first misses: {:?}",
            self.ok,
            self.all,
            r * 100.0,
            floor * 100.0,
            &self.misses[..self.misses.len().min(12)]
        );
        assert!(
            r >= floor,
            "{what}: {:.2}% is below {:.1}%",
            r * 100.0,
            floor * 100.0
        );
    }
}

/// Whether the answer is a place of this name in voivodeship `teryt`.
fn named_in(r: &GeocodeResult, name: &str, teryt: &str) -> bool {
    key(&r.best.name) == key(name)
        && r.best
            .admin
            .voivodeship
            .as_ref()
            .is_some_and(|x| &*x.teryt == teryt)
}

#[test]
fn every_locality_in_an_institution_phrase_with_its_locative() {
    let loc = locatives();
    let by_form = locative_index();
    let mut t = Tally::default();
    let mut declined = 0;
    let mut seen = std::collections::HashSet::new();
    for (name, _, _, _) in g().localities() {
        let k = key(name);
        if !seen.insert(k.clone()) {
            continue;
        }
        let form = match loc.get(&k) {
            Some(f) => {
                declined += 1;
                f.clone()
            }
            None => name.to_string(),
        };
        let q = format!("Ośrodek Pomocy Społecznej w {form}");
        // The place itself, or a larger place whose locative is the same
        // ("w Janowie" is Janów's and Janowo's): the phrase cannot tell them apart.
        let same_phrase = |r: &GeocodeResult| {
            by_form
                .get(&form)
                .is_some_and(|names| names.contains(&key(&r.best.name)))
                && r.best.population.unwrap_or(0) >= population(name)
        };
        t.check(&q, |r| key(&r.best.name) == k || same_phrase(r));
    }
    println!(
        "{declined} of {} names declined by SGJP, the rest written as they are",
        t.all
    );
    t.assert_rate(
        "\"Ośrodek Pomocy Społecznej w <locative>\", every locality name (it, or a larger place with that locative)",
        0.99,
    );
}

#[test]
fn towns_and_districts_with_their_voivodeship() {
    let mut t = Tally::default();
    for (i, (name, _, _, v)) in g().localities().enumerate() {
        let c = g().locality_admin(i);
        let populous = g()
            .geocode(&GeocodeQuery {
                town: Some(name.to_string()),
                voivodeship: Some(v.to_string()),
                ..Default::default()
            })
            .ok()
            .is_some_and(|r| r.best.population.unwrap_or(0) >= 2_000);
        if !populous || c.voivodeship.is_none() {
            continue;
        }
        let vname = voivodeship_name(v);
        for q in [
            format!("{name}, {vname}"),
            format!("{}, woj. {}", key(name), key(&vname)),
            format!("{}, {}", name.to_uppercase(), vname.to_uppercase()),
        ] {
            t.check(&q, |r| named_in(r, name, v));
        }
    }
    t.assert_rate(
        "towns and districts (2,000 people or more) with their voivodeship",
        0.99,
    );
}

#[test]
fn every_gmina_seat_in_institution_phrases_of_several_cases() {
    let loc = locatives();
    let mut t = Tally::default();
    let mut done = std::collections::HashSet::new();
    for (name, _, _, v) in g().localities() {
        // Gmina seats: a locality whose name is a gmina's.
        let Some(r) = g()
            .geocode(&GeocodeQuery {
                gmina: Some(name.to_string()),
                voivodeship: Some(v.to_string()),
                ..Default::default()
            })
            .ok()
        else {
            continue;
        };
        if !done.insert((key(name), v.to_string())) || key(&r.best.name) != key(name) {
            continue;
        }
        let vname = voivodeship_name(v);
        let form = loc
            .get(&key(name))
            .cloned()
            .unwrap_or_else(|| name.to_string());
        for q in [
            format!("Gminny Ośrodek Pomocy Społecznej w {form}, woj. {vname}"),
            format!("Wójt Gminy {name} ({vname})"),
            format!("GOPS W {}, {}", form.to_uppercase(), vname.to_uppercase()),
            format!("Urząd Gminy {}, województwo {}", key(name), key(&vname)),
        ] {
            t.check(&q, |r| named_in(r, name, v));
        }
    }
    t.assert_rate(
        "gmina seats in institution phrases (locative, genitive, upper case, no diacritics)",
        0.99,
    );
}

#[test]
fn districts_of_the_largest_cities_alone_and_with_their_city() {
    let cities = [
        "Warszawa",
        "Kraków",
        "Wrocław",
        "Łódź",
        "Poznań",
        "Gdańsk",
        "Szczecin",
        "Bydgoszcz",
        "Lublin",
        "Białystok",
        "Gdynia",
        "Katowice",
        "Bielsko-Biała",
    ];
    let text = include_str!("../geodata/districts.tsv");
    let mut t = Tally::default();
    for l in text.lines().skip(1) {
        let f: Vec<&str> = l.split('\t').collect();
        if !cities.contains(&f[1]) {
            continue;
        }
        let (district, city) = (f[0], f[1]);
        for q in [format!("{district}, {city}"), format!("{city} {district}")] {
            t.check(&q, |r| {
                key(&r.best.name) == key(district)
                    && r.best.town.as_deref().is_some_and(|t| t == city)
            });
        }
    }
    assert!(
        t.all > 150,
        "the district table holds the big cities' districts"
    );
    t.assert_rate("districts with their city", 0.95);
}
