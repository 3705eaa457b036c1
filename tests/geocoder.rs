//! The geocoder on the places of the seed pages, on diacritic-free, misspelt,
//! inflected and ambiguous names, unknown-but-valid postal codes, reverse
//! geocoding and bad input; and the CLI contract through the real binary.

use std::io::Write;
use std::process::{Command, Stdio};

use mapa_praktyk::gazetteer::{
    Candidate, Gazetteer, GeocodeError, GeocodeQuery, GeocodeResult, Precision, key,
};
use mapa_praktyk::geo_util::LonLat;
use serde_json::Value;

fn g() -> &'static Gazetteer {
    Gazetteer::bundled()
}

fn text(q: &str) -> GeocodeResult {
    g().geocode(&GeocodeQuery::text(q))
        .unwrap_or_else(|e| panic!("{q:?}: {e}"))
}

fn code(r: &Option<mapa_praktyk::gazetteer::AdminRef>) -> &str {
    r.as_ref().map(|r| &*r.teryt).unwrap_or("")
}

fn teryt(c: &Candidate) -> (&str, &str, &str) {
    (
        code(&c.admin.gmina),
        code(&c.admin.powiat),
        code(&c.admin.voivodeship),
    )
}

#[test]
fn the_seed_pages_places_resolve_to_their_towns() {
    let cases = [
        ("32-600 Oświęcim", "Oświęcim", "121301", "12"),
        (
            "41-300 Dąbrowa Górnicza",
            "Dąbrowa Górnicza",
            "246501",
            "24",
        ),
        ("87-800 Włocławek", "Włocławek", "046401", "04"),
        ("80-803 Gdańsk", "Gdańsk", "226101", "22"),
    ];
    for (q, name, gmina, voiv) in cases {
        let r = text(q);
        assert_eq!(&*r.best.name, name, "{q}");
        assert_eq!(r.best.precision, Precision::PostalLocality, "{q}");
        assert_eq!(r.best.postal_code.as_deref(), Some(&q[..6]), "{q}");
        let (gm, pw, vv) = teryt(&r.best);
        assert_eq!((gm, vv), (gmina, voiv), "{q}");
        assert_eq!(&gmina[..4], pw, "{q}: powiat is the gmina's");
        assert!(r.best.score > 0.9, "{q}");
    }
    // The address line of page 000, street and house number included.
    let r = text("ul. Jana III Sobieskiego 15 b, 32-600 Oświęcim");
    assert_eq!(&*r.best.name, "Oświęcim");
    assert_eq!(r.best.precision, Precision::PostalLocality);
    assert!((r.best.lat - 50.0352).abs() < 1e-4 && (r.best.lon - 19.2343).abs() < 1e-4);

    // Page 004 names its town only in the locative.
    let r = text("Miejski Ośrodek Pomocy Społecznej w Zawierciu");
    assert_eq!(&*r.best.name, "Zawiercie");
    assert_eq!(&*r.best.admin.voivodeship.as_ref().unwrap().name, "śląskie");
    assert_eq!(teryt(&r.best).0, "241602");
}

#[test]
fn folds_diacritics_and_case_and_reads_regions() {
    for q in [
        "Dabrowa Gornicza",
        "DĄBROWA GÓRNICZA",
        "dabrowa gornicza, slaskie",
        "Dąbrowa Górnicza, śląskie",
        "Dąbrowa Górnicza, woj. śląskie",
        "Dąbrowa Górnicza, Silesia",
    ] {
        let r = text(q);
        assert_eq!(&*r.best.name, "Dąbrowa Górnicza", "{q}");
        assert_eq!(r.best.precision, Precision::Locality, "{q}");
    }
    let r = text("woj. pomorskie, Gdańsk");
    assert_eq!(&*r.best.name, "Gdańsk");
    assert_eq!(teryt(&r.best).2, "22");
    assert_eq!(
        &*text("Gorzów Wlkp.").best.name,
        "Gorzów Wielkopolski",
        "abbreviation"
    );
}

#[test]
fn reads_locative_town_names() {
    for (q, name) in [
        ("MOPS w Zawierciu", "Zawiercie"),
        ("Dom Pomocy Społecznej we Włocławku", "Włocławek"),
        ("Urząd Miejski w Dąbrowie Górniczej", "Dąbrowa Górnicza"),
        ("Szkoła w Bielsku-Białej", "Bielsko-Biała"),
        ("Sąd w Nowym Sączu", "Nowy Sącz"),
        ("Muzeum w Kielcach", "Kielce"),
        ("Teatr w Łodzi", "Łódź"),
        ("MOPR w Gdańsku", "Gdańsk"),
        ("w Poznaniu", "Poznań"),
        ("w Białymstoku", "Białystok"),
        ("w Zielonej Górze", "Zielona Góra"),
    ] {
        let r = text(q);
        assert_eq!(&*r.best.name, name, "{q}");
    }
}

#[test]
fn reads_names_of_several_words_whole() {
    // SGJP declines "Nowe Czaple" as two adjectives; the words still agree
    // as a noun and its adjective, so the name is not cut to "Nowe".
    for (q, name) in [
        ("w Nowych Czaplach", "Nowe Czaple"),
        ("Świetlica w NOWYCH CZAPLACH", "Nowe Czaple"),
        ("mieszkańcy Nowych Czapli", "Nowe Czaple"),
        ("w Woli Rasztowskiej", "Wola Rasztowska"),
        ("w Starej Wsi", "Stara Wieś"),
    ] {
        let r = text(q);
        assert_eq!(&*r.best.name, name, "{q}");
    }
}

#[test]
fn tolerates_small_typos_in_longer_names() {
    for (q, name) in [
        ("Krakuw", "Kraków"),
        ("Czestohowa", "Częstochowa"),
        ("Dabrowa Gorincza", "Dąbrowa Górnicza"),
        ("Wloclawke", "Włocławek"),
    ] {
        let r = text(q);
        assert_eq!(&*r.best.name, name, "{q}");
        assert!(r.best.score < 0.9, "{q}: a guess is scored lower");
    }
    // Short names are not guessed at.
    assert!(g().geocode(&GeocodeQuery::text("Qxz")).is_err());
}

#[test]
fn ambiguous_names_give_ranked_candidates_inside_the_named_region() {
    let r = text("Nowa Wieś");
    assert!(r.candidates.len() > 5, "many villages share the name");
    assert!(r.best.score < 0.8, "an ambiguous answer is not confident");
    for w in r.candidates.windows(2) {
        assert!(w[0].score >= w[1].score);
    }

    let r = text("Nowa Wieś, pow. oświęcimski");
    for c in &r.candidates {
        assert_eq!(&*c.name, "Nowa Wieś");
        assert_eq!(teryt(c).1, "1213", "{c:?}");
    }
    let r = text("Dąbrowa, woj. śląskie");
    assert!(!r.candidates.is_empty());
    assert!(r.candidates.iter().all(|c| teryt(c).2 == "24"));

    let s = g()
        .geocode(&GeocodeQuery {
            town: Some("Dąbrowa".into()),
            voivodeship: Some("lubelskie".into()),
            ..Default::default()
        })
        .unwrap();
    assert!(s.candidates.iter().all(|c| teryt(c).2 == "06"));

    // Never an answer from the wrong region.
    for q in [
        GeocodeQuery::text("Gdańsk, małopolskie"),
        GeocodeQuery {
            town: Some("Zawiercie".into()),
            voivodeship: Some("pomorskie".into()),
            ..Default::default()
        },
        GeocodeQuery {
            town: Some("Gdańsk".into()),
            postal_code: Some("32-600".into()),
            voivodeship: Some("12".into()),
            ..Default::default()
        },
    ] {
        match g().geocode(&q) {
            Err(GeocodeError::NoMatchInRegion { .. }) => {}
            Ok(r) if q.postal_code.is_some() => {
                // The postal code wins and the answer lies inside it.
                assert_eq!(r.best.postal_code.as_deref(), Some("32-600"));
                assert_eq!(r.best.precision, Precision::PostalCode);
            }
            other => panic!("{q:?}: {other:?}"),
        }
    }
}

#[test]
fn postal_codes_alone_and_unknown_but_valid_ones() {
    let r = text("41-300");
    assert_eq!(r.best.precision, Precision::PostalCode);
    assert_eq!(&*r.best.name, "Dąbrowa Górnicza");
    let r = g()
        .geocode(&GeocodeQuery {
            postal_code: Some("32-600".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(&*r.best.name, "Oświęcim", "the main locality of the code");
    assert!(r.candidates.len() > 5, "the villages sharing 32-600");

    // 32-699 is not in GeoNames; it lies between its neighbours in 32-6xx.
    let r = text("32-699");
    assert_eq!(r.best.precision, Precision::PostalArea);
    assert_eq!(r.best.postal_code.as_deref(), Some("32-699"));
    assert_eq!(teryt(&r.best).2, "12");
    let osw = text("32-600");
    let d = mapa_praktyk::geo_util::haversine_km(
        LonLat::new(r.best.lon, r.best.lat),
        LonLat::new(osw.best.lon, osw.best.lat),
    );
    assert!(d < 40.0, "placed near its neighbours, {d} km from 32-600");

    // A valid code with a town next to it: the town, carrying the code.
    let r = text("00-950 Warszawa");
    assert_eq!(&*r.best.name, "Warszawa");
    assert_eq!(r.best.postal_code.as_deref(), Some("00-950"));
}

#[test]
fn region_centres_when_no_place_is_named() {
    let r = text("powiat zawierciański");
    assert_eq!(r.best.precision, Precision::Powiat);
    assert_eq!(teryt(&r.best).1, "2416");
    let r = text("śląskie");
    assert_eq!(r.best.precision, Precision::Voivodeship);
    assert_eq!(teryt(&r.best).2, "24");
    let r = text("gmina Oświęcim");
    assert_eq!(r.best.precision, Precision::Gmina);
    assert_eq!(&teryt(&r.best).0[..4], "1213");
}

#[test]
fn reverse_geocoding() {
    let r = g().reverse(LonLat::new(18.65, 54.35)).unwrap();
    assert_eq!(&*r.name, "Gdańsk");
    assert!(r.distance_km < 2.0);
    assert_eq!(&*r.admin.voivodeship.as_ref().unwrap().teryt, "22");
    let r = g().reverse(LonLat::new(19.2343, 50.0352)).unwrap();
    assert_eq!(&*r.name, "Oświęcim");
    assert_eq!(&*r.admin.gmina.as_ref().unwrap().teryt, "121301");
    assert_eq!(&*r.postal_code, "32-600");

    for (lat, lon) in [(52.52, 13.40), (48.0, 17.0), (0.0, 0.0), (56.5, 19.0)] {
        assert!(
            matches!(
                g().reverse(LonLat::new(lon, lat)),
                Err(GeocodeError::OutsideCoverage { .. })
            ),
            "({lat}, {lon})"
        );
    }
    for (lat, lon) in [
        (91.0, 19.0),
        (50.0, 181.0),
        (f64::NAN, 19.0),
        (50.0, f64::INFINITY),
    ] {
        assert!(matches!(
            g().reverse(LonLat::new(lon, lat)),
            Err(GeocodeError::InvalidCoordinates(_))
        ));
    }
}

#[test]
fn bad_input_gets_clear_errors() {
    let long = "a".repeat(501);
    let cases: Vec<(String, &str)> = vec![
        (String::new(), "empty_query"),
        ("   ".into(), "empty_query"),
        (long, "query_too_long"),
        ("Kraków\u{0007}".into(), "control_character"),
        ("99-9999".into(), "malformed_postal_code"),
        ("3-600 Oświęcim".into(), "malformed_postal_code"),
        ("Xyzzyqwerty Plugh".into(), "not_found"),
    ];
    for (q, code) in cases {
        let e = g().geocode(&GeocodeQuery::text(q.clone())).unwrap_err();
        assert_eq!(e.code(), code, "{q:?}: {e}");
        assert!(!e.to_string().is_empty());
    }
    let e = g()
        .geocode(&GeocodeQuery {
            postal_code: Some("32600".into()),
            ..Default::default()
        })
        .unwrap_err();
    assert_eq!(e.code(), "malformed_postal_code");
    let e = g()
        .geocode(&GeocodeQuery {
            town: Some("Oświęcim".into()),
            voivodeship: Some("Atlantyda".into()),
            ..Default::default()
        })
        .unwrap_err();
    assert_eq!(e.code(), "unknown_region");
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_mapa-praktyk"))
}

#[test]
fn cli_geocode_one_query_and_a_batch_in_order() {
    let out = bin().args(["geocode", "32-600 Oświęcim"]).output().unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["query"], "32-600 Oświęcim");
    assert_eq!(v["name"], "Oświęcim");
    assert_eq!(v["precision"], "postal_locality");
    assert_eq!(v["gmina"]["teryt"], "121301");
    assert_eq!(v["powiat"]["name"], "oświęcimski");
    assert_eq!(v["voivodeship"]["name"], "małopolskie");
    assert!(v["candidates"].is_array());

    let mut child = bin()
        .args(["geocode", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all("MOPS w Zawierciu\n99-9999\n\n41-300\nDabrowa Gornicza, śląskie\n".as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        lines.len(),
        5,
        "one object per input line, the batch goes on after errors"
    );
    assert_eq!(lines[0]["name"], "Zawiercie");
    assert_eq!(lines[1]["query"], "99-9999");
    assert!(
        lines[1]["error"]
            .as_str()
            .unwrap()
            .contains("malformed postal code")
    );
    assert!(
        lines[2]["error"].is_string(),
        "an empty line is reported, not skipped"
    );
    assert_eq!(lines[3]["precision"], "postal_code");
    assert_eq!(lines[4]["name"], "Dąbrowa Górnicza");
}

#[test]
fn cli_reverse_and_its_errors() {
    let out = bin().args(["reverse", "54.35", "18.65"]).output().unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["name"], "Gdańsk");
    assert!(v["distance_km"].as_f64().unwrap() < 2.0);
    let out = bin().args(["reverse", "52.52", "13.40"]).output().unwrap();
    assert!(!out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["code"], "outside_coverage");
    let out = bin().args(["reverse", "-91", "19"]).output().unwrap();
    assert!(!out.status.success());
    let out = bin().args(["reverse", "abc", "19"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("abc"));
}

/// Names shared by the most localities, with how many there are.
fn most_shared_names(n: usize) -> Vec<(String, usize)> {
    let mut counts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (name, _, _, _) in g().localities() {
        *counts.entry(name).or_default() += 1;
    }
    let mut v: Vec<(String, usize)> = counts
        .into_iter()
        .map(|(k, c)| (k.to_string(), c))
        .collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    v.truncate(n);
    v
}

#[test]
fn a_named_voivodeship_holds_every_candidate_or_nothing_is_found() {
    let voivs: Vec<(String, String)> = g()
        .voivodeships()
        .map(|v| (v.teryt.to_string(), v.name.to_string()))
        .collect();
    let (mut answered, mut refused) = (0, 0);
    for (name, count) in most_shared_names(25) {
        assert!(count > 10, "{name} is shared");
        let unqualified = text(&name);
        assert!(
            unqualified.candidates.len() > 1,
            "{name}: ranked candidates"
        );
        for (vteryt, vname) in &voivs {
            // Names are matched folded: "Katy" is also "Kąty".
            let exists = g()
                .localities()
                .any(|(n, _, _, v)| key(n) == key(&name) && v == vteryt);
            for q in [
                GeocodeQuery::text(format!("{name}, woj. {vname}")),
                GeocodeQuery {
                    town: Some(name.clone()),
                    voivodeship: Some(vteryt.clone()),
                    ..Default::default()
                },
            ] {
                match g().geocode(&q) {
                    Ok(r) => {
                        assert!(exists, "{q:?} answered though none lies there: {r:?}");
                        for c in &r.candidates {
                            assert_eq!(key(&c.name), key(&name), "{q:?}");
                            assert_eq!(teryt(c).2, vteryt, "{q:?}: {c:?}");
                        }
                        answered += 1;
                    }
                    Err(GeocodeError::NoMatchInRegion { .. }) => {
                        assert!(!exists, "{q:?}: refused though one lies there");
                        refused += 1;
                    }
                    Err(e) => panic!("{q:?}: {e}"),
                }
            }
        }
    }
    assert!(
        answered > 100 && refused > 10,
        "{answered} answered, {refused} refused"
    );
}

#[test]
fn a_named_powiat_or_gmina_holds_every_candidate() {
    for name in ["Nowa Wieś", "Dąbrowa"] {
        // Every powiat holding a place of that name, with how many it holds.
        let mut per_powiat: std::collections::BTreeMap<(String, String), usize> =
            Default::default();
        for (i, (n, ..)) in g().localities().enumerate() {
            if n == name {
                let p = g().locality_admin(i).powiat.expect("a powiat");
                *per_powiat
                    .entry((p.teryt.to_string(), p.name.to_string()))
                    .or_default() += 1;
            }
        }
        assert!(per_powiat.len() > 20, "{name} lies in many powiats");
        for ((pteryt, pname), count) in &per_powiat {
            let r = g()
                .geocode(&GeocodeQuery {
                    town: Some(name.into()),
                    powiat: Some(pteryt.clone()),
                    ..Default::default()
                })
                .unwrap_or_else(|e| panic!("{name} in {pteryt}: {e}"));
            assert_eq!(r.candidates.len(), (*count).min(10), "{name} in {pteryt}");
            assert!(r.candidates.iter().all(|c| teryt(c).1 == pteryt));
            // In text, by name ("bielski" names two powiats: either will do).
            let r = text(&format!("{name}, pow. {pname}"));
            for c in &r.candidates {
                assert_eq!(&*c.name, name);
                let p = c.admin.powiat.as_ref().unwrap();
                assert_eq!(&*p.name, pname, "{name}, pow. {pname}: {c:?}");
            }
        }
    }
    // A gmina, by its abbreviation.
    let r = text("Nowa Wieś, gm. Kęty");
    assert_eq!(r.candidates.len(), 1);
    assert_eq!(teryt(&r.best).0, "121304");
    // The abbreviations of addresses and of "town" are read and skipped.
    for (q, name, gmina) in [
        ("m. Zawiercie", "Zawiercie", "241602"),
        ("os. Tysiąclecia 5, Zawiercie", "Zawiercie", "241602"),
        ("al. Jana Pawła II 10, Kraków", "Kraków", "126101"),
        ("pl. Wolności 1, 87-800 Włocławek", "Włocławek", "046401"),
    ] {
        let r = text(q);
        assert_eq!((&*r.best.name, teryt(&r.best).0), (name, gmina), "{q}");
    }
    // No place of that name in the powiat named: refused, never elsewhere.
    assert!(matches!(
        g().geocode(&GeocodeQuery::text("Nowa Wieś, pow. bielski")),
        Err(GeocodeError::NoMatchInRegion { .. })
    ));
}

#[test]
fn misspelt_and_diacritic_free_seed_towns() {
    for (q, name, gmina) in [
        ("Oswiecim", "Oświęcim", "121301"),
        ("WLOCLAWEK", "Włocławek", "046401"),
        ("gdansk", "Gdańsk", "226101"),
        ("zawiercie slaskie", "Zawiercie", "241602"),
        ("Dąbrowa Grnicza", "Dąbrowa Górnicza", "246501"),
        ("Zawircie", "Zawiercie", "241602"),
        ("Wlocawek", "Włocławek", "046401"),
        ("Gdańks", "Gdańsk", "226101"),
        ("Bielsko-Bała", "Bielsko-Biała", "246101"),
        ("87-800 Wloclawke", "Włocławek", "046401"),
    ] {
        let r = text(q);
        assert_eq!((&*r.best.name, teryt(&r.best).0), (name, gmina), "{q}");
    }
    // A code plus a misspelt town still ties the town to the code.
    assert_eq!(
        text("87-800 Wloclawke").best.precision,
        Precision::PostalLocality
    );
}

#[test]
fn postal_codes_of_unused_areas_and_missing_codes() {
    // No Polish code starts with 79.
    let e = g().geocode(&GeocodeQuery::text("79-123")).unwrap_err();
    assert_eq!(e.code(), "unknown_postal_code");
    // Every missing code of a few used areas is placed, inside its area's
    // voivodeship, and marked approximate.
    let known: std::collections::HashSet<&str> = mapa_praktyk::gazetteer::GeodataText::EMBEDDED
        .postal
        .lines()
        .skip(1)
        .filter_map(|l| l.split('\t').next())
        .collect();
    for (prefix, voiv) in [
        ("32-6", "12"),
        ("41-3", "24"),
        ("87-8", "04"),
        ("80-8", "22"),
    ] {
        let mut missing = 0;
        for n in 0..100 {
            let code = format!("{prefix}{n:02}");
            if known.contains(code.as_str()) {
                continue;
            }
            missing += 1;
            let r = text(&code);
            assert_eq!(r.best.precision, Precision::PostalArea, "{code}");
            assert_eq!(r.best.postal_code.as_deref(), Some(code.as_str()));
            assert_eq!(teryt(&r.best).2, voiv, "{code}: {:?}", r.best);
            assert!(r.best.score < 0.8, "{code}: approximate");
        }
        assert!(missing > 0, "{prefix}: some codes are missing");
    }
}

#[test]
fn reverse_at_a_rows_own_point_finds_that_row() {
    // Every 37th postal row: its point reverse-geocodes to a row at distance 0
    // with the same code and name (coincident rows may stand for each other).
    let rows: Vec<(&str, &str, f64, f64)> = mapa_praktyk::gazetteer::GeodataText::EMBEDDED
        .postal
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f[0], f[1], f[4].parse().unwrap(), f[5].parse().unwrap())
        })
        .collect();
    let mut checked = 0;
    for &(_, _, lat, lon) in rows.iter().step_by(37) {
        let r = g()
            .reverse(LonLat::new(lon, lat))
            .unwrap_or_else(|e| panic!("({lat}, {lon}): {e}"));
        assert!(r.distance_km < 1e-6, "({lat}, {lon}): {r:?}");
        assert!(
            rows.iter().any(|&(c, n, la, lo)| la == lat
                && lo == lon
                && c == &*r.postal_code
                && n == &*r.name),
            "({lat}, {lon}) gave {} {}",
            r.postal_code,
            r.name
        );
        checked += 1;
    }
    assert!(checked > 1900);
    // Every locality's own point is covered.
    let outside: Vec<String> = g()
        .localities()
        .filter(|&(_, lon, lat, _)| g().reverse(LonLat::new(lon, lat)).is_err())
        .map(|(n, lon, lat, _)| format!("{n} ({lat}, {lon})"))
        .collect();
    assert!(outside.is_empty(), "{outside:?}");
}

#[test]
fn cli_batch_answers_each_line_before_the_next_arrives() {
    use std::io::BufRead;
    let mut child = bin()
        .args(["geocode", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            if tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    for (q, check) in [
        ("32-600 Oświęcim", "Oświęcim"),
        ("99-9999", "malformed"),
        ("w Kielcach", "Kielce"),
    ] {
        writeln!(stdin, "{q}").unwrap();
        stdin.flush().unwrap();
        // stdin stays open: an answer only arrives if the binary flushed it.
        // (The wait only guards against a hang; nothing is timed.)
        let line = rx
            .recv_timeout(std::time::Duration::from_secs(300))
            .expect("an answer per line while the input is still open");
        let v: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["query"], q);
        assert!(line.contains(check), "{q}: {line}");
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
}

#[test]
fn cli_bad_single_queries_print_an_error_object() {
    for (q, code) in [
        ("", "empty_query"),
        ("99-9999", "malformed_postal_code"),
        ("Zawiercie, woj. pomorskie", "no_match_in_region"),
    ] {
        let out = bin().args(["geocode", q]).output().unwrap();
        assert!(!out.status.success(), "{q:?}");
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["query"], q);
        assert_eq!(v["code"], code, "{q:?}");
        assert!(v["error"].is_string());
    }
    let out = bin().args(["reverse", "0", "0"]).output().unwrap();
    assert!(!out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["code"], "outside_coverage");
    assert!(v["error"].as_str().unwrap().contains("outside coverage"));
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    const CODES: &[&str] = &[
        "empty_query",
        "query_too_long",
        "control_character",
        "malformed_postal_code",
        "unknown_postal_code",
        "unknown_region",
        "not_found",
        "no_match_in_region",
    ];

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 300,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn any_text_gets_an_answer_or_a_known_error(
            q in "\\PC{0,60}|[0-9 -]{0,12}[a-zA-ZąćęłńóśźżĄĆĘŁŃÓŚŹŻ ,.()-]{0,40}|.{490,510}"
        ) {
            match g().geocode(&GeocodeQuery::text(q.clone())) {
                Ok(r) => {
                    prop_assert!(!r.candidates.is_empty() && r.candidates.len() <= 10);
                    prop_assert_eq!(&r.best, &r.candidates[0]);
                    for c in &r.candidates {
                        prop_assert!((0.0..=1.0).contains(&c.score), "{:?}", c);
                        prop_assert!((48.9..=55.0).contains(&c.lat) && (14.0..=24.2).contains(&c.lon));
                    }
                }
                Err(e) => prop_assert!(CODES.contains(&e.code()), "{q:?}: {e}"),
            }
        }

        #[test]
        fn any_point_gets_an_answer_or_a_clear_error(lat in any::<f64>(), lon in any::<f64>()) {
            match g().reverse(LonLat::new(lon, lat)) {
                Ok(r) => prop_assert!(r.distance_km.is_finite() && r.distance_km >= 0.0),
                Err(e) => prop_assert!(
                    matches!(e.code(), "invalid_coordinates" | "outside_coverage"),
                    "{e}"
                ),
            }
        }

        #[test]
        fn points_in_and_around_poland(lat in 45.0f64..58.0, lon in 10.0f64..28.0) {
            match g().reverse(LonLat::new(lon, lat)) {
                Ok(r) => prop_assert!(r.distance_km.is_finite()),
                Err(e) => prop_assert_eq!(e.code(), "outside_coverage"),
            }
        }
    }
}
