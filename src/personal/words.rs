//! The word lists of the rules: what they mean is said above each; each is
//! compared in lower case. Below them, the forms of the first names.

use std::collections::HashSet;
use std::sync::LazyLock;

/// Whether a word is one of a list's.
pub(super) fn listed(list: &[&str], word: &str) -> bool {
    list.contains(&word)
}

/// Whether a word begins with one of a list's.
pub(super) fn begins(list: &[&str], word: &str) -> bool {
    list.iter().any(|w| word.starts_with(w))
}

/// Words shortly before a number that make it an identifier, an account or
/// an amount, not a phone (lower case, whole words).
#[rustfmt::skip]
pub(super) const NOT_PHONE_BEFORE: &[&str] = &[
    "nip", "regon", "krs", "pesel", "isbn", "issn", "konto", "konta", "koncie", "iban", "sygn",
    "poz",
];

/// Beginnings of words shortly before a number that make it an amount.
#[rustfmt::skip]
pub(super) const NOT_PHONE_BEFORE_STEM: &[&str] = &[
    "rachun", "kwot", "koszt", "wartoś", "wartos", "budże", "budze", "dofinans", "dotacj",
    "wynios", "kapitał",
];

/// Units right after a number that make it an amount or a count (the next
/// word, whole, or beginning with one of [`NOT_PHONE_AFTER_STEM`]).
#[rustfmt::skip]
pub(super) const NOT_PHONE_AFTER: &[&str] = &[
    "zł", "zl", "pln", "eur", "euro", "€", "usd", "$", "%", "os", "m2", "m²", "km", "ha",
    "tys", "mln", "mld", "szt", "egz", "gr", "r", "rok", "roku", "lat",
];

#[rustfmt::skip]
pub(super) const NOT_PHONE_AFTER_STEM: &[&str] = &[
    "złot", "zlot", "osob", "osób", "mieszk", "euro",
];

/// Polish mobile prefixes (the first two digits of the nine).
#[rustfmt::skip]
pub(super) const MOBILE: &[&str] = &[
    "45", "50", "51", "53", "57", "60", "66", "69", "72", "73", "78", "79", "88",
];

/// Free-phone and shared-cost prefixes: an institution's hotline, never a person's.
#[rustfmt::skip]
pub(super) const SERVICE: &[&str] = &[
    "800", "801", "804", "703", "704", "708",
];

/// Mailboxes of a desk or an institution (a token of the local part, ASCII).
#[rustfmt::skip]
pub(super) const INSTITUTION_MAILBOX: &[&str] = &[
    "sekretariat", "sekretarz", "biuro", "kontakt", "info", "informacja", "office", "poczta",
    "mail", "admin", "administracja", "urzad", "gmina", "ug", "um", "umig", "mops", "gops",
    "ops", "mopr", "mgops", "mgopr", "pcpr", "cus", "dps", "sds", "kancelaria", "kadry",
    "ksiegowosc", "promocja", "rekrutacja", "projekt", "projekty", "dyrektor", "dyrekcja",
    "szkola", "sp", "zs", "przedszkole", "biblioteka", "gok", "mok", "ck", "dk", "osir",
    "mosir", "fundacja", "stowarzyszenie", "zarzad", "boi", "bok", "obsluga", "wydzial",
    "referat", "oswiata", "kultura", "sport", "swietlica", "punkt", "centrum", "dom", "klub",
    "zgloszenia", "rodo", "iod", "abi", "pomoc", "webmaster", "redakcja", "media", "prasa",
    "rzecznik", "starostwo", "powiat", "wojewodztwo", "osrodek", "zespol", "poradnia", "klub",
    "ngo", "org", "lgd",
];

/// Prefixes of a local part that name an institution glued to other words
/// (`mopsbiuro@`, `gopskozy@`).
#[rustfmt::skip]
pub(super) const INSTITUTION_MAILBOX_PREFIX: &[&str] = &[
    "mops", "gops", "mgops", "mopr", "pcpr", "sekretariat", "biuro", "osir", "mosir", "urzad",
    "gmina", "starostwo", "szkola", "przedszkole", "biblioteka",
];

/// Free-mail domains: an address there is a private person's unless its
/// mailbox names an institution.
#[rustfmt::skip]
pub(super) const FREE_MAIL: &[&str] = &[
    "gmail.com", "wp.pl", "o2.pl", "onet.pl", "onet.eu", "op.pl", "interia.pl", "interia.eu",
    "poczta.fm", "poczta.onet.pl", "tlen.pl", "gazeta.pl", "yahoo.com", "hotmail.com",
    "outlook.com", "live.com", "vp.pl", "buziaczek.pl", "go2.pl", "autograf.pl", "icloud.com",
];

/// Desk words (prefixes, lower case): the number or address is the
/// institution's switchboard, office or hotline.
#[rustfmt::skip]
pub(super) const DESK: &[&str] = &[
    "sekretariat", "centrala", "centrali", "fax", "faks", "telefaks", "recepcj", "infolini",
    "biuro", "biura", "biurze", "dyżur", "kancelari", "podawcz", "zaufania", "całodobow",
    "bezpłatn",
];

/// Role words (prefixes, lower case): the number or address is a person's.
#[rustfmt::skip]
pub(super) const ROLE: &[&str] = &[
    "koordynator", "pracownik", "pracownic", "kierowni", "specjalist", "asystent", "opiekun",
    "pedagog", "psycholog", "terapeut", "doradc", "doradczy", "animator", "referent",
    "inspektor", "instruktor", "trener", "wolontariusz", "lider", "mentor", "konsultant",
    "mediator", "streetworker", "edukator", "prezes", "sołtys", "radn",
];

/// Role words that are whole words (a mobile's label, a private line).
#[rustfmt::skip]
pub(super) const ROLE_WORDS: &[&str] = &[
    "kom", "komórka", "komórki", "komórkowy", "komórkowego", "komórkowym", "prywatny",
    "prywatnego", "prywatnym", "prywatnie", "osobisty",
];

/// Institution words (prefixes, lower case; acronyms whole).
#[rustfmt::skip]
pub(super) const INSTITUTION: &[&str] = &[
    "ośrod", "urzęd", "urząd", "mops", "gops", "ops", "mopr", "mgops", "pcpr", "cus", "dps",
    "centrum", "szkoł", "szkol", "przedszkol", "bibliotek", "gmin", "starostw", "powiat",
    "fundacj", "stowarzysz", "spółdziel", "świetlic", "klub", "punkt", "instytucj", "placówk",
    "jednostk", "zakład", "siedzib", "dział", "referat", "wydział", "muzeum", "teatr", "porad",
    "hospicj", "szpital", "przychodn", "zesp", "dom", "domu",
];

/// Personal titles before a name (lower case, whole words).
#[rustfmt::skip]
pub(super) const TITLE: &[&str] = &[
    "pani", "panią", "pan", "pana", "panu", "panem", "panie", "mgr", "dr", "inż",
];

/// Words after which capitalised words are a street's or a patron's name, not
/// a person to contact (`ul. Marii Konopnickiej`, `im. Jana Pawła II`).
#[rustfmt::skip]
pub(super) const ADDRESS: &[&str] = &[
    "ul", "ulica", "ulicy", "al", "aleja", "alei", "pl", "plac", "placu", "os", "osiedle",
    "osiedlu", "rondo",
];

#[rustfmt::skip]
pub(super) const PATRON: &[&str] = &[
    "im", "imienia", "św", "świętego", "świętej", "bł", "błogosławionego", "patron", "patrona",
];

/// Words that only label a contact (`tel.`, `e-mail:`, `lub`): a candidate
/// separated from the previous one by these shares its owner.
#[rustfmt::skip]
pub(super) const LABEL: &[&str] = &[
    "tel", "telefon", "telefonu", "telefonem", "telefonicznie", "telefoniczny", "nr", "numer",
    "numerem", "numerami", "pod", "e", "mail", "email", "mailowo", "adres", "adresem", "lub",
    "oraz", "i", "albo", "bądź", "także", "też", "kontakt", "kontaktowy", "wew", "wewn", "ext",
    "w", "na", "a", "do",
];

/// Common Polish first names, nominative, ASCII lower case, separated by spaces. Words that are
/// also ordinary nouns (Róża, Nadzieja, Jagoda, Maja…) are left out.
pub(super) const FIRST_NAMES: &str = "\
    agata agnieszka aleksandra alicja alina amelia aneta aniela anna antonina barbara beata \
    bogumila boguslawa bozena cecylia danuta dominika dorota edyta elzbieta emilia ewa ewelina \
    genowefa grazyna halina hanna helena irena iwona izabela jadwiga janina joanna jolanta \
    julia justyna kamila karolina katarzyna kinga klaudia krystyna lucyna ludmila magdalena \
    malgorzata marianna maria marta marzena michalina milena miroslawa monika natalia nikola \
    oliwia patrycja paulina renata sabina sylwia stanislawa stefania teresa urszula wanda \
    weronika wieslawa wiktoria zofia zuzanna zdzislawa zyta bozenna ilona jowita lidia regina \
    roza zaneta adam adrian aleksander andrzej antoni arkadiusz artur bartlomiej bartosz \
    boguslaw bogdan czeslaw damian daniel dariusz dawid dominik edward emil filip franciszek \
    grzegorz henryk hubert ireneusz jacek jakub jan janusz jaroslaw jerzy jozef kamil karol \
    kazimierz konrad krystian krzysztof leszek lukasz maciej marcin marek mariusz mateusz \
    michal miroslaw norbert patryk pawel piotr przemyslaw rafal robert roman ryszard sebastian \
    slawomir stanislaw stefan szymon tadeusz tomasz waldemar wieslaw wiktor witold wladyslaw \
    wojciech zbigniew zdzislaw zenon zygmunt lech leon mieczyslaw eugeniusz";

/// Case endings added to a first name's stem to make its other forms (`Anna`
/// → `Anny`, `Annie`, `Anną`; `Marek` → `Marka`, `Markiem`), folded to ASCII.
/// Over-generating is harmless: the forms are only looked for capitalised.
#[rustfmt::skip]
pub(super) const FEMALE_ENDINGS: &[&str] = &[
    "a", "y", "i", "ie", "e", "o", "ce", "dze", "rze", "cie", "ii", "ji",
];

pub(super) const MALE_ENDINGS: &[&str] = &[
    "", "a", "owi", "em", "iem", "ie", "u", "e", "cie", "rze", "le", "ze",
];

/// Abbreviations whose dot does not end a sentence.
#[rustfmt::skip]
pub(super) const ABBREVIATIONS: &[&str] = &[
    "tel", "ul", "al", "pl", "os", "p", "św", "im", "dr", "mgr", "inż", "nr", "wew", "wewn",
    "kom", "ks", "prof", "hab", "np", "tj", "in", "godz", "ok", "pok", "ext", "bł", "st", "sp",
    "o", "r",
];

/// Surname endings (ASCII): `-ska`, `-ski`, `-cka`, `-wicz`, `-czyk`…
#[rustfmt::skip]
pub(super) const SURNAME_ENDINGS: &[&str] = &[
    "ska", "ski", "cka", "cki", "dzka", "dzki", "wicz", "czyk", "czak", "iak", "ewska",
    "owska",
];

/// Every form of every first name, folded.
pub(super) static NAME_FORMS: LazyLock<HashSet<String, foldhash::fast::FixedState>> =
    LazyLock::new(|| {
        let mut out = HashSet::default();
        for n in FIRST_NAMES.split_whitespace() {
            if let Some(stem) = n.strip_suffix('a') {
                for e in FEMALE_ENDINGS {
                    out.insert(format!("{stem}{e}"));
                }
                // "Maria" → "Marii", "Marię"
                if let Some(s) = n.strip_suffix("ia") {
                    out.insert(format!("{s}ii"));
                    out.insert(format!("{s}ie"));
                }
            } else {
                // "Marek" → "Mark-", "Paweł" → "Pawł-", "Piotr" → "Piotr-".
                let stems = [
                    n.to_string(),
                    n.strip_suffix("ek")
                        .map(|s| format!("{s}k"))
                        .unwrap_or_default(),
                    n.strip_suffix("el")
                        .map(|s| format!("{s}l"))
                        .unwrap_or_default(),
                    n.strip_suffix("ec")
                        .map(|s| format!("{s}c"))
                        .unwrap_or_default(),
                ];
                for stem in stems.iter().filter(|s| !s.is_empty()) {
                    for e in MALE_ENDINGS {
                        out.insert(format!("{stem}{e}"));
                    }
                }
            }
        }
        out
    });

/// Polish letters and their ASCII forms, for comparing words with the lists.
const POLISH: [(char, char); 9] = [
    ('ą', 'a'),
    ('ć', 'c'),
    ('ę', 'e'),
    ('ł', 'l'),
    ('ń', 'n'),
    ('ó', 'o'),
    ('ś', 's'),
    ('ź', 'z'),
    ('ż', 'z'),
];

/// A word in lower-case ASCII as far as Polish letters go.
pub(super) fn ascii_lower(word: &str) -> String {
    word.chars()
        .flat_map(char::to_lowercase)
        .map(|c| POLISH.iter().find(|(p, _)| *p == c).map_or(c, |(_, a)| *a))
        .collect()
}
