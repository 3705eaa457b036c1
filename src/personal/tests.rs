//! The rules on real-looking Polish prose. Every person and number here is
//! invented.

use super::*;

/// The institution of the examples, as its record labels it.
fn letterhead() -> Labelled {
    Labelled::default()
        .institution(Some("32 745 33 91"), Some("mops.biuro@oswiecim.example.pl"))
        .person(Some("33 488 63 89"), Some("m.wrona@poczta.example.pl"))
}

/// `text` withheld: each of `gone` is no longer in it, each of `kept` still is.
fn check(text: &str, gone: &[&str], kept: &[&str]) {
    let out = withhold(text, &letterhead());
    for g in gone {
        assert!(!out.contains(g), "{g:?} published in {out:?}");
    }
    for k in kept {
        assert!(
            out.contains(k),
            "{k:?} withheld from {out:?} ({:?})",
            find(text, &letterhead())
        );
    }
    if gone.is_empty() {
        assert_eq!(out, text, "nothing of a person's, nothing changed");
    } else {
        assert!(out.contains(MARKER));
    }
}

#[test]
fn a_named_coordinators_phone_and_address_are_withheld() {
    check(
        "Koordynatorka Anna Kowalska jest dostępna pod numerem 601 234 567 lub pod adresem anna.kowalska@mops.gliwice.example.pl.",
        &["601 234 567", "anna.kowalska@"],
        &[
            "Koordynatorka Anna Kowalska jest dostępna pod numerem",
            "lub pod adresem",
        ],
    );
}

#[test]
fn persons_phones_in_their_usual_spellings_are_withheld() {
    for (text, number) in [
        ("Kontakt: p. Jan Nowak, tel. 601-234-567.", "601-234-567"),
        (
            "Więcej informacji udziela pani Ewa Zielińska, tel. +48 512 345 678.",
            "512 345 678",
        ),
        ("Zapisy u pana Marka, kom. 698 765 432.", "698 765 432"),
        ("Zapisy u Anny: +48601234567", "601234567"),
        (
            "Osoba do kontaktu: Katarzyna Wiśniewska, (32) 123 45 67 wew. 25",
            "123 45 67",
        ),
        (
            "Zgłoszenia przyjmuje Tomasz Lis, tel. (0-32) 123-45-67.",
            "123-45-67",
        ),
        ("Piotr Zając, tel. 032 123 45 67", "123 45 67"),
        ("Zadzwoń do Beaty: 22 123 4567.", "22 123 4567"),
        (
            "Informacji udziela koordynator projektu, tel. 601 234 567.",
            "601 234 567",
        ),
        (
            "Pracownik socjalny prowadzący grupę: tel. 32 123-45-67",
            "32 123-45-67",
        ),
        (
            "Dyżur telefoniczny pełni Małgorzata: 601.234.567",
            "601.234.567",
        ),
        ("tel. kom. 601 234 567", "601 234 567"),
        (
            "Rejestracja u p. Adama Wiśniewskiego, tel. 123 45 67.",
            "123 45 67",
        ),
    ] {
        check(text, &[number], &[]);
    }
}

#[test]
fn the_extension_goes_with_the_number() {
    let out = withhold("Agata Nowak, tel. 32 123 45 67 wew. 25.", &letterhead());
    assert_eq!(out, format!("Agata Nowak, tel. {MARKER}."));
}

#[test]
fn persons_addresses_and_their_spellings_are_withheld() {
    for (text, gone) in [
        ("e-mail: a.nowak@gmail.com", "nowak@gmail"),
        ("adres: anna.kowalska [at] mops [dot] pl", "kowalska [at]"),
        (
            "pisz do Agnieszki: agnieszka(małpa)onet.pl",
            "agnieszka(małpa)",
        ),
        ("Zgłoszenia: janek1985@wp.pl", "janek1985"),
        ("Szczegóły: jkowalski@urzad.example.pl", "jkowalski@"),
        (
            "Pytania prosimy kierować na adres: ewa@gok.example.pl",
            "ewa@",
        ),
    ] {
        check(text, &[gone], &[]);
    }
}

#[test]
fn contacts_listed_together_share_their_owner() {
    // The e-mail's mailbox says nothing; it follows the person's phone.
    check(
        "Jan Kowalski, tel. 32 111 22 33, e-mail: jk@poczta.example.pl",
        &["32 111 22 33", "jk@poczta"],
        &["Jan Kowalski, tel."],
    );
    // The number's owner in parentheses after it.
    check(
        "Zapisy: 601 234 567 (Anna Nowak).",
        &["601 234 567"],
        &["(Anna Nowak)"],
    );
    // The name in the sentence before a bare "Tel." line.
    check(
        "Kontakt: Anna Nowak.\nTel. 601 234 567",
        &["601 234 567"],
        &["Kontakt: Anna Nowak."],
    );
    // The desk first, then the person: each keeps its own.
    check(
        "Sekretariat: 32 111 11 11, koordynatorka Anna Nowak: 601 234 567.",
        &["601 234 567"],
        &["32 111 11 11"],
    );
}

#[test]
fn labelled_contacts_decide_first() {
    // The institution's labelled phone stays even beside a person's name.
    check(
        "Zapraszamy: tel. 32 745 33 91 (pani Anna).",
        &[],
        &["32 745 33 91"],
    );
    check(
        "Pisz na mops.biuro@oswiecim.example.pl, odpowie Marzena.",
        &[],
        &["mops.biuro@oswiecim.example.pl"],
    );
    // A contact person's labelled phone and e-mail go wherever they appear.
    check(
        "W sprawie szczegółów: 33 488 63 89 albo m.wrona@poczta.example.pl",
        &["33 488 63 89", "m.wrona@"],
        &[],
    );
}

#[test]
fn the_institutions_letterhead_stays() {
    for text in [
        "Sekretariat MOPS: tel. 32 123 45 67, fax 32 123 45 68, sekretariat@mops.gliwice.example.pl",
        "Miejski Ośrodek Pomocy Społecznej, ul. Długa 5, 44-100 Gliwice, tel. (32) 231 00 00",
        "Koordynatorka Anna Nowak pracuje w Ośrodku, ul. Długa 5, 44-100 Gliwice, tel. 32 231 00 00.",
        "Szczegóły: biuro@gops.example.pl, kontakt@fundacja.example.org, info@gmina.example.pl",
        "Bezpłatna infolinia 800 123 456 działa całą dobę.",
        "W sprawie projektu prosimy dzwonić do Urzędu Gminy: 33 845 12 34.",
        "Centrala: 22 555 00 00 wew. 100",
        "Adres: ul. Marii Konopnickiej 5, tel. 32 123 45 67.",
        "Szkoła Podstawowa im. Jana Pawła II, tel. 33 812 34 56.",
        "Anna Nowak prowadzi zajęcia; zapisy przez sekretariat: 601 234 567.",
        "Koordynatorem jest Jan Nowak. Informacje w Ośrodku pod numerem 32 745 00 00.",
        "Telefon Zaufania dla dzieci: 22 484 88 04",
        "E-mail: gopskozy@example.pl; urzad.gminy@example.pl",
    ] {
        check(text, &[], &[]);
    }
}

#[test]
fn numbers_that_are_not_phones_stay() {
    for text in [
        "Koszt całkowity projektu wyniósł 99 999,75 zł, w tym 1 234 567 zł dotacji.",
        "Budżet: 123 456 789 zł; Anna Nowak rozliczyła 123 456 789 PLN.",
        "W latach 2006-2008 252 osoby zawarły kontrakty socjalne.",
        "Projekt trwał od 01.09.2014 do 30.06.2015 r. w 44-100 Gliwice, a Anna Nowak go prowadziła.",
        "Fundacja (KRS 0000123456, REGON 276543210, NIP 634-001-01-47) – prezes Jan Nowak.",
        "Wpłaty: nr konta 12 1020 2313 0000 3102 0123 4567, koordynatorka Anna Nowak.",
        "Publikacja Anny Nowak, ISBN 978-83-7383-123-4, nakład 500 egz.",
        "Umowa nr POKL.07.01.01-24-123/13 z dnia 12.05.2013 r., kierownik Jan Nowak.",
        "Gmina liczy 12 345 mieszkańców; Anna Nowak zebrała 1234567 podpisów.",
        "Godziny otwarcia: 8.00-16.00, pokój 12, pani Anna.",
        "Dofinansowanie 601 234 567 zł przyznano w 2014 roku pani Annie.",
    ] {
        check(text, &[], &[]);
    }
}

#[test]
fn the_quick_test_passes_only_what_may_hold_a_contact() {
    assert!(!may_hold(
        "Projekt realizowano w 2014 roku przez 12 miesięcy."
    ));
    assert!(!may_hold("Koszt: 99 999,75 zł."));
    assert!(may_hold("tel. 601 234 567"));
    assert!(may_hold("(32) 123 45 67"));
    assert!(may_hold("anna [at] example.pl"));
    assert!(may_hold("x@y.pl"));
}

#[test]
fn withholding_twice_changes_nothing_more_and_says_why() {
    let text = "Anna Nowak, tel. 601 234 567, sekretariat@mops.example.pl";
    let once = withhold(text, &letterhead()).into_owned();
    assert_eq!(withhold(&once, &letterhead()), once);
    let found = find(text, &letterhead());
    assert_eq!(found.len(), 2);
    assert!(found[0].personal && found[0].kind == Kind::Phone);
    assert!(!found[1].personal && found[1].kind == Kind::Email);
    assert_eq!(found[1].why, "a desk's or an institution's mailbox");
    // Nothing found: the text is borrowed, not copied.
    assert!(matches!(
        withhold("Bez kontaktu.", &letterhead()),
        Cow::Borrowed(_)
    ));
}

#[test]
fn the_trials_fixture_is_withheld_as_it_says() {
    // The cases scripts/attack-personal serves: the rules must agree with it.
    let fixture: serde_json::Value = serde_json::from_str(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/personal_prose.json"
    )))
    .unwrap();
    let strings = |v: &serde_json::Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect()
    };
    for case in fixture["cases"].as_array().unwrap() {
        let text = ["summary", "body", "funding"]
            .map(|k| withhold(case[k].as_str().unwrap(), &Labelled::default()).into_owned())
            .join("\n");
        for gone in strings(&case["gone"]) {
            assert!(!text.contains(&gone), "{gone:?} published in {text:?}");
        }
        for kept in strings(&case["kept"]) {
            assert!(text.contains(&kept), "{kept:?} withheld from {text:?}");
        }
    }
}
