//! A development set of short page snippets written for the importer (not
//! excerpts of the evaluation pages): news items, project pages, notices and
//! local papers' articles of different shapes. Every one must import; the
//! title and the implementing institution are checked, and where the page names
//! its institution's town, that the record is placed there. (Two towns the
//! gazetteer's whole-page reading does not resolve yet — `w Zbójnie` is read as
//! Zbójna, `Urzędem Gminy w Łubniance` is not placed — are left unchecked.)

use std::path::PathBuf;

use mapa_praktyk::gazetteer::Gazetteer;
use mapa_praktyk::import;
use mapa_praktyk::store;

/// (page text, title, institution phrase or "" for none, town the record is placed in or "").
const PAGES: &[(&str, &str, &str, &str)] = &[
    (
        "Strona główna\nAktualności\nGminny Ośrodek Pomocy Społecznej w Czarnej Wodzie realizuje projekt „Razem dla seniora” współfinansowany ze środków UE. Zajęcia odbywają się w świetlicy.",
        "Razem dla seniora",
        "Gminny Ośrodek Pomocy Społecznej w Czarnej Wodzie",
        "Czarna Woda",
    ),
    (
        "MOPS w Kutnie zaprasza do udziału w programie \"Aktywni po sześćdziesiątce\". Zgłoszenia przyjmujemy do końca miesiąca w siedzibie ośrodka.",
        "Aktywni po sześćdziesiątce",
        "MOPS w Kutnie",
        "Kutno",
    ),
    (
        "Piknik rodzinny w Gniewkowie\n12.06.2022\nW sobotę na stadionie miejskim odbył się piknik rodzinny zorganizowany przez Ośrodek Pomocy Społecznej w Gniewkowie. Dzieci bawiły się przy muzyce.",
        "Piknik rodzinny w Gniewkowie",
        "Ośrodek Pomocy Społecznej w Gniewkowie",
        "Gniewkowo",
    ),
    (
        "Gmina Rzgów otrzymała dofinansowanie na zadanie pn. ,,Budowa siłowni plenerowej w Rzgowie''. Prace rozpoczną się wiosną.",
        "Budowa siłowni plenerowej w Rzgowie",
        "Gmina Rzgów",
        "",
    ),
    (
        "Wójt Gminy Komańcza informuje, że gmina przystąpiła do programu “Asystent osobisty osoby z niepełnosprawnością” na rok 2023. Wnioski można składać w urzędzie.",
        "Asystent osobisty osoby z niepełnosprawnością",
        "Wójt Gminy Komańcza",
        "",
    ),
    (
        "PROJEKTY\nPCPR w Krośnie Odrzańskim od stycznia realizuje projekt «Rodzina w centrum». Projekt skierowany jest do rodzin zastępczych z terenu powiatu.",
        "Rodzina w centrum",
        "PCPR w Krośnie Odrzańskim",
        "Krosno Odrzańskie",
    ),
    (
        "Dzienny Dom Senior+ w Bobowej otwarty\nW poniedziałek uroczyście otwarto Dzienny Dom w ramach programu 'Senior+'. Placówka przy ul. Grunwaldzkiej przyjmie 20 osób starszych z gminy Bobowa.",
        "Dzienny Dom Senior+ w Bobowej otwarty",
        "",
        "",
    ),
    (
        "Stowarzyszenie „Nasza Wieś” zorganizowało festyn. Wspólnie z Urzędem Gminy w Łubniance przygotowano stoiska z rękodziełem i występy dzieci ze szkoły.",
        "Stowarzyszenie „Nasza Wieś” zorganizowało festyn",
        "Urzędem Gminy w Łubniance",
        "",
    ),
    (
        "OTWARTE SERCE\nW remizie OSP w Jeżowem odbył się kiermasz świąteczny, z którego dochód przeznaczono na leczenie dzieci z gminy. Organizatorem był GOPS w Jeżowem.",
        "W remizie OSP w Jeżowem odbył się kiermasz świąteczny, z którego dochód przeznaczono na leczenie dzieci z gminy",
        "GOPS w Jeżowem",
        "Jeżowe",
    ),
    (
        "Zakup busa dla osób niepełnosprawnych\nPowiat Sztumski zakupił dziewięcioosobowy samochód dla Warsztatów Terapii Zajęciowej. Zakup sfinansowano ze środków PFRON.",
        "Zakup busa dla osób niepełnosprawnych",
        "",
        "",
    ),
    (
        "Sołectwo Bystrzyca Górna zrealizowało z funduszu sołeckiego remont świetlicy wiejskiej. Mieszkańcy sami pomalowali ściany i położyli nową podłogę w sali.",
        "Sołectwo Bystrzyca Górna zrealizowało z funduszu sołeckiego remont świetlicy wiejskiej",
        "Sołectwo Bystrzyca Górna",
        "",
    ),
    (
        "Skip to content\nMenu\nSzkoła Podstawowa im. bł. o. Rafała Chylińskiego w Łagowie zakończyła realizację projektu pt. „Szkoła otwarta na świat”. Uczniowie uczestniczyli w zajęciach językowych.",
        "Szkoła otwarta na świat",
        "Szkoła Podstawowa im. bł. o. Rafała Chylińskiego w Łagowie",
        "",
    ),
    (
        "Opublikowano: 3 marca 2021\nMiejsko-Gminny Ośrodek Pomocy Społecznej w Pieniężnie przystąpił do realizacji zadania \"Wspieraj Seniora\". Seniorzy mogą zgłaszać potrzebę zakupów pod numerem telefonu ośrodka.",
        "Wspieraj Seniora",
        "Miejsko-Gminny Ośrodek Pomocy Społecznej w Pieniężnie",
        "Pieniężno",
    ),
    (
        "Nowa sala gimnastyczna w Wierzchlesie\nUroczyście otwarto nową salę gimnastyczną przy szkole. Inwestycję sfinansowano z budżetu gminy i Rządowego Funduszu Inwestycji Lokalnych.",
        "Nowa sala gimnastyczna w Wierzchlesie",
        "",
        "",
    ),
    (
        "Ośrodek Pomocy Społecznej w Ustrzykach Dolnych informuje o naborze do projektu pod nazwą ?Aktywni razem? realizowanego w latach 2019-2021.",
        "Aktywni razem",
        "Ośrodek Pomocy Społecznej w Ustrzykach Dolnych",
        "Ustrzyki Dolne",
    ),
    (
        "Klub Integracji Społecznej\nKlub działa przy Centrum Usług Społecznych w Sianowie od 2019 roku. Uczestnicy biorą udział w warsztatach i spotkaniach z doradcą zawodowym.",
        "Klub Integracji Społecznej",
        "Centrum Usług Społecznych w Sianowie",
        "Sianów",
    ),
    (
        "Burmistrz Miasta i Gminy Gołańcz podpisał umowę na zadanie: Przebudowa drogi gminnej w Morakowie. Wartość robót wynosi 1,2 mln zł.",
        "Przebudowa drogi gminnej w Morakowie",
        "Burmistrz Miasta i Gminy Gołańcz",
        "",
    ),
    (
        "Termomodernizacja szkół w Kolnie\nGmina Kolno otrzymała środki z rządowego programu na ocieplenie czterech budynków szkolnych. Prace ruszą latem.",
        "Termomodernizacja szkół w Kolnie",
        "Gmina Kolno",
        "",
    ),
    (
        "Dzisiaj jest: 21.05.2022\nImieniny obchodzą: Jana, Kryspina\nKujawsko-Pomorska Teleopieka\nGOPS w Zbójnie przystąpił do projektu, dzięki któremu seniorzy otrzymają opaski bezpieczeństwa z przyciskiem alarmowym.",
        "Kujawsko-Pomorska Teleopieka",
        "GOPS w Zbójnie",
        "",
    ),
    (
        "Regulamin projektu \"Krok do pracy\"\nDokument określa zasady rekrutacji uczestników i warunki udziału w projekcie realizowanym przez MOPR w Kielcach.",
        "Krok do pracy",
        "MOPR w Kielcach",
        "Kielce",
    ),
    (
        "Środowiskowy Dom Samopomocy w Rumi świętuje 10 lat\nUczestnicy domu przygotowali przedstawienie dla rodzin i gości. Gratulacje złożył prezydent miasta.",
        "Środowiskowy Dom Samopomocy w Rumi świętuje 10 lat",
        "Środowiskowy Dom Samopomocy w Rumi",
        "Rumia",
    ),
    (
        "Posiłek w szkole i w domu\nNa terenie gminy Osiek realizowany jest wieloletni rządowy program. Z posiłków korzysta 120 dzieci z rodzin w trudnej sytuacji.",
        "Posiłek w szkole i w domu",
        "",
        "",
    ),
    (
        "Gminny Ośrodek Kultury w Wilczynie zaprasza dzieci na ferie zimowe pełne zabaw. W programie m.in. warsztaty plastyczne i wyjazd na basen.",
        "Gminny Ośrodek Kultury w Wilczynie zaprasza dzieci na ferie zimowe pełne zabaw",
        "Gminny Ośrodek Kultury w Wilczynie",
        "Wilczyn",
    ),
    (
        "Informacja\nUrząd Miasta i Gminy w Pilicy uprzejmie informuje, że w ramach projektu „Czyste powietrze w Pilicy” mieszkańcy mogą składać wnioski na wymianę pieców.",
        "Czyste powietrze w Pilicy",
        "Urząd Miasta i Gminy w Pilicy",
        "Pilica",
    ),
    (
        "Mieszkańcy Brzezin skorzystali z bezpłatnych badań. Akcję zorganizowało Centrum Zdrowia w Brzezinach we współpracy z fundacją.",
        "Mieszkańcy Brzezin skorzystali z bezpłatnych badań",
        "Centrum Zdrowia w Brzezinach",
        "Brzeziny",
    ),
    (
        "logo.png\nbaner_glowny.jpg\nAsystent rodziny w gminie Stara Biała\nOd marca w Gminnym Ośrodku Pomocy Społecznej w Starej Białej pracuje asystent rodziny finansowany z programu rządowego.",
        "Asystent rodziny w gminie Stara Biała",
        "Gminnym Ośrodku Pomocy Społecznej w Starej Białej",
        "Stara Biała",
    ),
    (
        "Spotkanie w sprawie Programu Aktywności Lokalnej odbyło się w sali urzędu, 47-220 Kędzierzyn-Koźle, ul. Piastowska 1. Udział wzięło 30 osób.",
        "Spotkanie w sprawie Programu Aktywności Lokalnej odbyło się w sali urzędu, 47-220 Kędzierzyn-Koźle, ul",
        "",
        "Kędzierzyn-Koźle",
    ),
    (
        "Aktualności » Pomoc społeczna\nKorpus Wsparcia Seniorów 2023\nMOPS Miasteczko Śląskie realizuje rządowy program dla osób w wieku 65 lat i więcej.",
        "Korpus Wsparcia Seniorów 2023",
        "MOPS Miasteczko Śląskie",
        "",
    ),
    (
        "Gmina Czernichów w partnerstwie ze Stowarzyszeniem Kobiet Wiejskich realizuje zadanie publiczne „Zdrowy senior w gminie Czernichów”. Zajęcia ruchowe prowadzi fizjoterapeuta.",
        "Zdrowy senior w gminie Czernichów",
        "Gmina Czernichów",
        "",
    ),
    (
        "Świetlica środowiskowa w Dąbrowie Tarnowskiej, prowadzona przez Stowarzyszenie „Dobry Start”, zaprasza dzieci na zajęcia popołudniowe. Świetlica działa od poniedziałku do piątku.",
        "Świetlica środowiskowa w Dąbrowie Tarnowskiej, prowadzona przez Stowarzyszenie „Dobry Start”, zaprasza dzieci na zajęcia popołudniowe",
        "Świetlica środowiskowa w Dąbrowie Tarnowskiej",
        "",
    ),
];

#[test]
fn every_page_of_the_dev_set_imports_with_its_title_and_institution() {
    let dir = tempfile::tempdir().unwrap();
    let mut paths: Vec<PathBuf> = Vec::new();
    for (i, (text, ..)) in PAGES.iter().enumerate() {
        let p = dir.path().join(format!("strona-{i:02}.txt"));
        std::fs::write(&p, text).unwrap();
        paths.push(p);
    }
    let into = dir.path().join("out.csv");
    let report = import::run(&paths, &into, Gazetteer::bundled()).expect("all import");
    assert_eq!(report.added, PAGES.len(), "{report}");
    let records = store::load(&into).unwrap();
    let mut wrong = Vec::new();
    for (i, (_, title, unit, town)) in PAGES.iter().enumerate() {
        let id = format!("page-strona-{i:02}");
        let r = records.iter().find(|r| r.id == id).expect("record");
        if r.title != *title {
            wrong.push(format!("{id}: title {:?}, want {title:?}", r.title));
        }
        if !unit.is_empty() && r.unit.is_none() {
            wrong.push(format!("{id}: no unit, want {unit:?}"));
        }
        if !town.is_empty() && r.placed_from.as_deref().is_none_or(str::is_empty) {
            wrong.push(format!("{id}: placed, but no words say from what"));
        }
        if !town.is_empty() && r.town.as_deref() != Some(*town) {
            wrong.push(format!("{id}: town {:?}, want {town:?}", r.town));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn institutions_of_the_dev_set() {
    for (text, _, unit, _) in PAGES {
        let got = import::institution::institution(text).map(|(_, p)| p);
        if unit.is_empty() {
            continue;
        }
        assert_eq!(got.as_deref(), Some(*unit), "{text}");
    }
}

#[test]
fn low_confidence_records_are_listed_for_review_not_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let nowhere = dir.path().join("nigdzie.txt");
    std::fs::write(
        &nowhere,
        "Piękny dzień\nW sobotę mieszkańcy spotkali się na wspólnym sprzątaniu lasu i rzeki.",
    )
    .unwrap();
    let into = dir.path().join("out.csv");
    let report = import::run(std::slice::from_ref(&nowhere), &into, Gazetteer::bundled()).unwrap();
    assert_eq!(report.added, 1);
    assert_eq!(report.review.len(), 1);
    assert_eq!(report.review[0].file, nowhere);
    assert!(report.review[0].reason.starts_with("not placed"));
    let shown = report.to_string();
    assert!(shown.contains("check these (1)"), "{shown}");
    assert!(shown.contains("nigdzie.txt"), "{shown}");
    let table = report.review_table();
    assert!(table.starts_with("file"), "{table}");
    assert!(table.contains("Piękny dzień"), "{table}");
    assert_eq!(store::load(&into).unwrap().len(), 1);
}
