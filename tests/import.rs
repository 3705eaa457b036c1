//! The importer on the five real seed pages (tests/fixtures/), its robustness on
//! bad input, and the dataset's CSV round trip and atomic writes.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use mapa_praktyk::gazetteer::{AdminChain, AdminRef, Gazetteer, Precision};
use mapa_praktyk::import::{self, ImportError};
use mapa_praktyk::practice::{Area, Contact, Location, Practice, UnitType};
use mapa_praktyk::store;
use proptest::prelude::*;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

const SEEDS: [&str; 5] = [
    "000_1ed1d240a3bfbca7.txt",
    "001_68035d5a26f83235.txt",
    "002_51d4580cb01956a6.txt",
    "003_784eba2a5f4b2d1d.txt",
    "004_e6e059a6443661b8.txt",
];

fn import_seeds(dir: &Path) -> Vec<Practice> {
    let into = dir.join("practices.csv");
    let paths: Vec<PathBuf> = SEEDS.iter().map(|s| fixture(s)).collect();
    let report = import::run(&paths, &into, Gazetteer::bundled()).expect("seeds import");
    assert_eq!(report.added, 5);
    assert!(report.unplaced.is_empty(), "{report}");
    store::load(&into).expect("written dataset loads")
}

fn by_source<'a>(ps: &'a [Practice], file: &str) -> &'a Practice {
    ps.iter()
        .find(|p| p.source == file)
        .unwrap_or_else(|| panic!("no record from {file}"))
}

fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn teryt(a: &Option<AdminRef>) -> &str {
    a.as_ref().map(|a| &*a.teryt).unwrap_or("")
}

#[test]
fn every_metryka_field_lands_in_its_typed_field() {
    let dir = tempfile::tempdir().unwrap();
    let ps = import_seeds(dir.path());

    let osw = by_source(&ps, SEEDS[0]);
    assert_eq!(osw.id, "bdp-1ed1d240a3bfbca7");
    assert_eq!(
        osw.title,
        "Program pomocy dla mieszkańców budynku przy ul. Leszczyńskiej 2 realizowany przez MOPS w Oświęcimiu"
    );
    assert_eq!(osw.area, Area::PomocSpoleczna);
    assert!(
        osw.summary
            .starts_with("Ten nowatorski i skuteczny projekt")
    );
    assert!(osw.body.contains("pierwszą Wigilię"));
    assert!(
        !osw.body.contains("gości odwiedziło"),
        "site chrome left in the body"
    );
    assert!(
        !osw.body.contains("Norweskiego Mechanizmu"),
        "sponsor footer left in the body"
    );
    assert_eq!(osw.cost_pln, Some(203_609));
    assert!(
        osw.funding
            .as_deref()
            .unwrap()
            .contains("sfinansowanego przez UM")
    );
    assert_eq!(osw.date_added, date(2009, 9, 30));
    assert_eq!(osw.date_updated, date(2011, 2, 24));
    assert_eq!(osw.unit_type, Some(UnitType::GminaMiejska));
    assert_eq!(osw.town.as_deref(), Some("Oświęcim"));
    assert_eq!(osw.voivodeship.as_deref(), Some("małopolskie"));
    assert_eq!(osw.postal_code.as_deref(), Some("32-600"));
    assert_eq!(osw.post_office.as_deref(), Some("Oświęcim"));
    assert_eq!(
        osw.unit.as_deref(),
        Some("Miejski Ośrodek Pomocy Społecznej")
    );
    assert_eq!(osw.street.as_deref(), Some("ul. Jana III Sobieskiego 15 b"));
    assert_eq!(osw.phone.as_deref(), Some("32 745 33 91"));
    assert_eq!(
        osw.websites,
        vec!["http://www.mops-oswiecim.pl"],
        "the misspelt Wirtyna key"
    );
    assert_eq!(osw.email.as_deref(), Some("mops.biuro@oswiecim.biz"));
    assert_eq!(osw.population, Some(40_419));
    assert_eq!(
        osw.contacts,
        vec![Contact {
            name: "Marzena Nawracaj".into(),
            role: Some("starszy specjalista pracy socjalnej - koordynator".into()),
            phone: Some("33 488 63 89 , 32 745 33 91".into()),
            email: Some("marzena.nawracaj@poczta.fm".into()),
        }]
    );
    let l = osw.location.unwrap();
    assert_eq!(l.precision, Precision::PostalLocality);
    assert_eq!(teryt(&osw.admin.gmina), "121301");
    assert_eq!(teryt(&osw.admin.voivodeship), "12");

    let dg = by_source(&ps, SEEDS[1]);
    assert!(
        dg.title
            .starts_with("Stworzenie kompleksowego systemu wsparcia osób bezdomnych")
    );
    assert_eq!(dg.town.as_deref(), Some("Dąbrowa Górnicza"));
    assert_eq!(dg.postal_code.as_deref(), Some("41-300"));
    assert_eq!(dg.voivodeship.as_deref(), Some("śląskie"));
    assert_eq!(dg.date_added, date(2013, 6, 28));
    assert_eq!(dg.date_updated, None, "this page has no Data aktualizacji");
    assert_eq!(dg.population, Some(121_339));
    assert_eq!(dg.street.as_deref(), Some("Ul. Skibińskiego 1"));
    assert_eq!(
        dg.unit.as_deref(),
        Some("Miejski Ośrodek Pomocy Społecznej w Dąbrowie Górniczej")
    );
    assert_eq!(&*dg.contacts[0].name, "Agata Róg");
    assert_eq!(dg.contacts[0].role.as_deref(), Some("dyrektor MOPS"));
    assert_eq!(teryt(&dg.admin.gmina), "246501");
    assert_eq!(teryt(&dg.admin.voivodeship), "24");

    let wl = by_source(&ps, SEEDS[2]);
    assert_eq!(wl.town.as_deref(), Some("Włocławek"));
    assert_eq!(wl.postal_code.as_deref(), Some("87-800"));
    assert_eq!(wl.voivodeship.as_deref(), Some("kujawsko-pomorskie"));
    assert_eq!(wl.cost_pln, Some(2_606_029));
    assert_eq!(wl.population, Some(115_818));
    assert_eq!(wl.date_added, date(2009, 10, 5));
    assert_eq!(wl.date_updated, date(2011, 2, 25));
    assert_eq!(
        wl.websites,
        vec!["www.wloclawek.pl", "www.mopr.wloclawek.pl"]
    );
    assert_eq!(wl.period_start, date(2006, 1, 1), "\"w latach 2006-2008\"");
    assert_eq!(wl.period_end, date(2008, 12, 31));
    assert_eq!(teryt(&wl.admin.gmina), "046401");

    let gd = by_source(&ps, SEEDS[3]);
    assert_eq!(
        gd.title,
        "Utworzenie osiedla Sitowie dla osób zagrożonych wykluczeniem społecznym w Gdańsku"
    );
    assert_eq!(gd.town.as_deref(), Some("Gdańsk"));
    assert_eq!(
        gd.powiat.as_deref(),
        Some("gdański"),
        "kept as the page gives it"
    );
    assert_eq!(gd.postal_code.as_deref(), Some("80-803"));
    assert_eq!(gd.voivodeship.as_deref(), Some("pomorskie"));
    assert_eq!(gd.population, Some(460_517));
    assert_eq!(gd.date_added, date(2013, 6, 27));
    assert_eq!(&*gd.contacts[0].name, "Monika Grochulska");
    assert_eq!(
        gd.contacts[0].email.as_deref(),
        Some("dyrekcja@mopr.gda.pl")
    );
    // The page's powiat "gdański" is the neighbouring land powiat; the record is
    // still placed in Gdańsk itself.
    assert_eq!(teryt(&gd.admin.gmina), "226101");
    assert_eq!(gd.location.unwrap().precision, Precision::PostalLocality);
}

#[test]
fn an_institution_page_yields_a_practice_in_zawiercie() {
    let dir = tempfile::tempdir().unwrap();
    let ps = import_seeds(dir.path());
    let z = by_source(&ps, SEEDS[4]);
    assert_eq!(z.id, "page-e6e059a6443661b8");
    assert_eq!(
        z.title,
        "Partnerstwo na rzecz aktywnej integracji w powiecie zawierciańskim"
    );
    assert_eq!(z.town.as_deref(), Some("Zawiercie"));
    assert_eq!(
        z.unit.as_deref(),
        Some("Miejski Ośrodek Pomocy Społecznej w Zawierciu")
    );
    assert_eq!(z.area, Area::PomocSpoleczna);
    assert_eq!(z.period_end, date(2017, 12, 31));
    assert!(z.body.contains("145 uczestników"));
    assert!(
        !z.body.contains("Logo serwisu"),
        "page chrome left in the body"
    );
    assert_eq!(teryt(&z.admin.gmina), "241602");
    assert_eq!(teryt(&z.admin.voivodeship), "24");
    assert_eq!(z.location.unwrap().precision, Precision::Locality);
}

#[test]
fn importing_again_updates_instead_of_adding_a_twin() {
    let dir = tempfile::tempdir().unwrap();
    let into = dir.path().join("new/sub/practices.csv");
    let r = import::run(&[fixture(SEEDS[0])], &into, Gazetteer::bundled()).unwrap();
    assert_eq!((r.added, r.updated, r.total), (1, 0, 1));
    let r = import::run(
        &[fixture(SEEDS[0]), fixture(SEEDS[1])],
        &into,
        Gazetteer::bundled(),
    )
    .unwrap();
    assert_eq!((r.added, r.updated, r.total), (1, 1, 2));
    assert_eq!(store::load(&into).unwrap().len(), 2);
}

#[test]
fn csv_in_the_dataset_format_imports_back_losslessly() {
    let dir = tempfile::tempdir().unwrap();
    let ps = import_seeds(dir.path());
    let export = dir.path().join("edited.csv");
    let mut edited = ps.clone();
    edited[0].title = "Tytuł poprawiony w arkuszu".into();
    edited[1].location = Some(Location {
        lon: 19.2,
        lat: 50.3,
        precision: Precision::Manual,
        score: 1.0,
    });
    store::save(&export, &edited).unwrap();
    let into = dir.path().join("practices.csv");
    let r = import::run(&[export], &into, Gazetteer::bundled()).unwrap();
    assert_eq!(r.updated, 5);
    let back = store::load(&into).unwrap();
    let first = back.iter().find(|p| p.id == edited[0].id).unwrap();
    assert_eq!(first.title, "Tytuł poprawiony w arkuszu");
    let manual = back.iter().find(|p| p.id == edited[1].id).unwrap();
    assert_eq!(
        manual.location, edited[1].location,
        "coordinates set by hand win"
    );
}

#[test]
fn bad_input_names_the_file_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let into = dir.path().join("practices.csv");
    import_seeds(dir.path());
    let before = std::fs::read(&into).unwrap();

    let page = std::fs::read_to_string(fixture(SEEDS[0])).unwrap();
    let truncated = &page[..page.find("Metryka praktyki").unwrap() - 200];
    let mut garbled: Vec<u8> = page.as_bytes().to_vec();
    for i in (0..garbled.len()).step_by(7) {
        garbled[i] = garbled[i].wrapping_mul(31).wrapping_add(17);
    }
    // A practice-database page cut before its metryka, and one with every
    // seventh byte garbled, are pages with a missing detail: they give a
    // record (or, for the garbled one, an error naming the file), never a
    // refusal of the whole page for the missing metryka.
    for (name, bytes) in [
        ("truncated.txt", truncated.as_bytes().to_vec()),
        ("garbled.txt", garbled),
    ] {
        let one = dir.path().join(format!("{name}.csv"));
        let page = dir.path().join(name);
        std::fs::write(&page, bytes).unwrap();
        match import::run(std::slice::from_ref(&page), &one, Gazetteer::bundled()) {
            Ok(report) => assert_eq!(report.added, 1, "{name}: {report}"),
            Err(e) => assert!(e.to_string().contains(name), "{e}"),
        }
    }
    let cut = import::read_page(Path::new("truncated.txt"), truncated.as_bytes()).unwrap();
    assert_eq!(
        cut.practice.title,
        "Program pomocy dla mieszkańców budynku przy ul. Leszczyńskiej 2 realizowany przez MOPS w Oświęcimiu"
    );

    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty.txt", Vec::new()),
        ("binary.html", vec![0, 159, 146, 150, 0, 1, 2, 3]),
        (
            "metryka-only.txt",
            "Metryka praktyki\nData wprowadzenia do BDP:  2009-13-45\n"
                .as_bytes()
                .to_vec(),
        ),
        ("bad.csv", b"id,title\nx,y\n".to_vec()),
    ];
    for (name, bytes) in cases {
        let bad = dir.path().join(name);
        std::fs::write(&bad, bytes).unwrap();
        let err = import::run(
            &[fixture(SEEDS[1]), bad.clone()],
            &into,
            Gazetteer::bundled(),
        )
        .expect_err(name);
        let ImportError::Inputs(list) = &err else {
            panic!("{name}: unexpected error {err}")
        };
        assert_eq!(list.len(), 1, "{name}: {err}");
        assert_eq!(list[0].0, bad);
        assert!(err.to_string().contains(name), "{err}");
        assert_eq!(
            std::fs::read(&into).unwrap(),
            before,
            "{name}: the dataset changed"
        );
    }
    let missing = import::run(&[dir.path().join("nope.txt")], &into, Gazetteer::bundled());
    assert!(missing.unwrap_err().to_string().contains("nope.txt"));
    assert_eq!(std::fs::read(&into).unwrap(), before);
}

#[test]
fn loading_reports_every_bad_row_with_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let ps = import_seeds(dir.path());
    let path = dir.path().join("broken.csv");
    let mut text = Vec::new();
    store::write_csv(&mut text, &ps).unwrap();
    let text = String::from_utf8(text).unwrap();
    let text = text
        .replacen(",pomoc-spoleczna,", ",astrologia,", 1)
        .replacen("2013-06-27", "2013-02-30", 1);
    std::fs::write(&path, text).unwrap();
    let err = store::load(&path).unwrap_err().to_string();
    assert!(err.contains("2 invalid row(s)"), "{err}");
    assert!(err.contains(&format!("{}:", path.display())), "{err}");
    assert!(
        err.contains(": area: \"astrologia\" is not an area slug"),
        "{err}"
    );
    assert!(
        err.contains(": date_added: \"2013-02-30\" is not a date"),
        "{err}"
    );
}

#[test]
fn the_shipped_dataset_is_the_importers_output() {
    let shipped_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/practices.csv");
    let shipped = store::load(&shipped_path).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut fresh = import_seeds(dir.path());
    fresh.sort_by(|a, b| a.id.cmp(&b.id));
    let regenerate =
        "regenerate with: mapa-praktyk import tests/fixtures/00*.txt --into data/practices.csv";
    assert_eq!(shipped, fresh, "{regenerate}");
    // Byte for byte too: the shipped file carries every column the importer writes.
    let written = std::fs::read(dir.path().join("practices.csv")).unwrap();
    assert!(
        written == std::fs::read(&shipped_path).unwrap(),
        "{regenerate}"
    );
}

fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9ąćęłńóśźżĄĆĘŁŃÓŚŹŻ.,;:'\"()| \n-]{1,40}"
        .prop_filter("not blank", |s| !s.trim().is_empty())
}

fn opt_text() -> impl Strategy<Value = Option<String>> {
    prop::option::of(text())
}

fn opt_date() -> impl Strategy<Value = Option<NaiveDate>> {
    prop::option::of(
        (1990i32..2030, 1u32..13, 1u32..29)
            .prop_map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).unwrap()),
    )
}

fn admin(digits: usize) -> impl Strategy<Value = Option<AdminRef>> {
    let code = proptest::string::string_regex(&format!("[0-9]{{{digits}}}")).expect("regex");
    prop::option::of((code, text()).prop_map(|(teryt, name)| AdminRef::new(teryt, name)))
}

prop_compose! {
    fn practice()(
        id in "[a-z0-9][a-z0-9-]{0,20}",
        title in text(),
        area in prop::sample::select(Area::ALL.to_vec()),
        summary in "[^\u{0}]{0,60}",
        body in "[^\u{0}]{0,200}",
        cost_pln in prop::option::of(0u64..10_000_000_000),
        funding in opt_text(),
        dates in (opt_date(), opt_date(), opt_date(), opt_date()),
        unit_type in prop::option::of(prop::sample::select(UnitType::ALL.to_vec())),
        place in (opt_text(), opt_text(), opt_text(), prop::option::of("[0-9]{2}-[0-9]{3}"), opt_text(), opt_text()),
        unit in opt_text(),
        phone in opt_text(),
        websites in prop::collection::vec("[a-z0-9./:-]{1,20}", 0..3),
        email in opt_text(),
        population in prop::option::of(0u64..50_000_000),
        contacts in prop::collection::vec((text(), opt_text(), opt_text(), opt_text()).prop_map(|(name, role, phone, email)| Contact { name, role, phone, email }), 0..3),
        source in text(),
        location in prop::option::of((-180.0f64..180.0, -90.0f64..90.0, prop::sample::select(Precision::ALL.to_vec()), 0.0f64..1.0)
            .prop_map(|(lon, lat, precision, score)| Location { lon, lat, precision, score })),
        placed_from in opt_text(),
        facts_from in opt_text(),
        source_url in prop::option::of("https?://[a-z]{1,10}\\.pl(/[a-z0-9?=&%-]{0,12})?"),
        chain in (admin(6), admin(4), admin(2)),
    ) -> Practice {
        Practice {
            id, title, area, summary, body, cost_pln, funding,
            date_added: dates.0, date_updated: dates.1, period_start: dates.2, period_end: dates.3,
            unit_type,
            town: place.0, powiat: place.1, voivodeship: place.2, postal_code: place.3, post_office: place.4, street: place.5,
            unit, phone, websites, email, population, contacts, source, source_url, location, placed_from, facts_from,
            admin: AdminChain { gmina: chain.0, powiat: chain.1, voivodeship: chain.2 },
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// file → records → file is lossless, and records → file → records too.
    #[test]
    fn csv_round_trip_is_lossless(mut ps in prop::collection::vec(practice(), 0..6)) {
        ps.sort_by(|a, b| a.id.cmp(&b.id));
        ps.dedup_by(|a, b| a.id == b.id);
        let mut first = Vec::new();
        store::write_csv(&mut first, &ps).unwrap();
        let back = store::read(first.as_slice(), Path::new("mem.csv")).unwrap();
        prop_assert_eq!(&back, &ps);
        let mut second = Vec::new();
        store::write_csv(&mut second, &back).unwrap();
        prop_assert_eq!(first, second);
    }
}

/// The same practice-database page saved as HTML (menu as a list, lines as
/// blocks, a script and a style that must be ignored) reads like its text.
#[test]
fn an_html_page_reads_like_its_text() {
    let text = std::fs::read_to_string(fixture(SEEDS[0])).unwrap();
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let mut html = String::from(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>BDP</title><style>p{color:red}</style>\
         <script>var menu = 'Metryka praktyki';</script></head><body><ul>",
    );
    let mut in_menu = true;
    for line in text.lines() {
        if in_menu && line.trim().is_empty() {
            html.push_str("</ul>");
            in_menu = false;
            continue;
        }
        if in_menu {
            html.push_str(&format!("<li>{}</li>\n", esc(line)));
        } else if line.trim().is_empty() {
            html.push_str("<br>\n");
        } else {
            html.push_str(&format!("<div>{}</div>\n", esc(line)));
        }
    }
    html.push_str("</body></html>");
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("000_1ed1d240a3bfbca7.html");
    std::fs::write(&page, html).unwrap();
    let into = dir.path().join("practices.csv");
    import::run(&[page], &into, Gazetteer::bundled()).unwrap();
    let from_html = store::load(&into).unwrap().remove(0);
    let into2 = dir.path().join("from-text.csv");
    import::run(&[fixture(SEEDS[0])], &into2, Gazetteer::bundled()).unwrap();
    let mut from_text = store::load(&into2).unwrap().remove(0);
    from_text.source = from_html.source.clone();
    assert_eq!(from_html.title, from_text.title);
    assert_eq!(from_html.cost_pln, Some(203_609));
    assert_eq!(from_html.population, Some(40_419));
    assert_eq!(from_html.contacts, from_text.contacts);
    assert_eq!(from_html.location, from_text.location);
    assert_eq!(
        from_html.id, from_text.id,
        "the same page keeps its id whatever its format"
    );
}
