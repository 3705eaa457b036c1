//! The largest towns in institution phrases, in the locative, against forms
//! that do not come from the project's own inflection table: the fixture
//! `tests/fixtures/town_locatives.tsv` was written by hand (see its header), so
//! a wrong form in `geodata/inflections.tsv` ("w Radomiu" read as Radomin, as it
//! once was) fails here instead of passing by construction.
//!
//! Each town is asked in four phrasings ("Urząd Miasta w Radomiu", "Miejski
//! Ośrodek Pomocy Społecznej w Bielsku-Białej", upper case, without
//! diacritics), both through `geocode` and through `locate_in_text`, the call
//! the importer makes for a page; the answer must be the town itself (its name
//! and its gmina).

use mapa_praktyk::gazetteer::{Gazetteer, GeocodeQuery, GeocodeResult, key};

/// (town, gmina TERYT, locative) from the fixture.
fn towns() -> Vec<(String, String, String)> {
    include_str!("fixtures/town_locatives.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), 3, "town_locatives.tsv: three columns in {l:?}");
            (f[0].to_string(), f[1].to_string(), f[2].to_string())
        })
        .collect()
}

/// Polish letters without their diacritics, as text typed without them reads.
fn strip_diacritics(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'ą' => 'a',
            'ć' => 'c',
            'ę' => 'e',
            'ł' => 'l',
            'ń' => 'n',
            'ó' => 'o',
            'ś' => 's',
            'ź' | 'ż' => 'z',
            'Ą' => 'A',
            'Ć' => 'C',
            'Ę' => 'E',
            'Ł' => 'L',
            'Ń' => 'N',
            'Ó' => 'O',
            'Ś' => 'S',
            'Ź' | 'Ż' => 'Z',
            c => c,
        })
        .collect()
}

fn is_town(r: &GeocodeResult, town: &str, gmina: &str) -> bool {
    key(&r.best.name) == key(town)
        && r.best
            .admin
            .gmina
            .as_ref()
            .is_some_and(|g| &*g.teryt == gmina)
}

fn describe(r: &GeocodeResult) -> String {
    let g = r
        .best
        .admin
        .gmina
        .as_ref()
        .map(|g| &*g.teryt)
        .unwrap_or("-");
    format!("{} (gmina {g})", r.best.name)
}

#[test]
fn the_largest_towns_in_institution_phrases_in_the_locative() {
    let g = Gazetteer::bundled();
    let towns = towns();
    assert!(
        towns.len() >= 200,
        "the fixture holds the 200 largest towns"
    );
    let (mut ok, mut all, mut misses) = (0usize, 0usize, Vec::new());
    for (town, gmina, loc) in &towns {
        let phrases = [
            format!("Urząd Miasta w {loc}"),
            format!("Miejski Ośrodek Pomocy Społecznej w {loc}"),
            format!("SZKOŁA PODSTAWOWA NR 3 W {}", loc.to_uppercase()),
            format!(
                "Miejski Ośrodek Pomocy Społecznej w {}",
                strip_diacritics(loc)
            ),
        ];
        for p in &phrases {
            let answers = [
                ("geocode", g.geocode(&GeocodeQuery::text(p))),
                ("locate_in_text", g.locate_in_text(p).map(|t| t.result)),
            ];
            for (how, answer) in answers {
                all += 1;
                match answer {
                    Ok(r) if is_town(&r, town, gmina) => ok += 1,
                    Ok(r) => misses.push(format!("{how}: {p} -> {}", describe(&r))),
                    Err(e) => misses.push(format!("{how}: {p} -> {e}")),
                }
            }
        }
    }
    let rate = ok as f64 / all as f64;
    println!(
        "{} towns, {all} phrases: {ok} right = {:.2}%; misses ({}):",
        towns.len(),
        rate * 100.0,
        misses.len()
    );
    for m in &misses {
        println!("  {m}");
    }
    assert!(
        rate >= 0.995,
        "{:.2}% of the largest towns' phrases placed right, below 99.5%: {misses:?}",
        rate * 100.0
    );
}
