//! What the words around a place mention on a page say of it: the seat of the
//! institution that did the work ("Ośrodek … w X"), a locality named as such
//! ("w miejscowości X"), or somewhere the work was not done: a funder's seat
//! ("dofinansowanie z Urzędu Marszałkowskiego w Warszawie"), a partner or
//! visitors ("partnerem był …", "goście z …"), a trip's destination
//! ("wycieczka do Krakowa"), a branch; and names that are common words or
//! regions before they are villages ("Praca", "Podlasie", "Zgoda"), which
//! count only when nothing else on the page points anywhere.
//!
//! Each cue is a named multiplier of the mention's weight (see [`cue`]); the
//! page's place is chosen from the weighted mentions by `locate`.

use super::resolve::{MatchKind, Phrase};

/// The multipliers that the context of a mention puts on its weight.
pub(super) mod cue {
    /// Named as an institution's seat: "Ośrodek … w X", "GOPS w X".
    pub const INSTITUTION_SEAT: f64 = 3.0;
    /// Named as a gmina: "Gmina X", "Wójt Gminy X", "Urząd Gminy X".
    pub const GMINA_NAMED: f64 = 2.5;
    /// After "w"/"we" without an institution before it.
    pub const AFTER_W: f64 = 1.5;
    /// A one-word name with no cue at all (often a surname or a word).
    pub const BARE_WORD: f64 = 0.5;
    /// Named as a locality: "w miejscowości X", "wieś X", "sołectwo X".
    pub const LOCALITY_NAMED: f64 = 2.0;
    /// A name that is only reduced to a place by suffix rules, not SGJP.
    pub const RULE_READING: f64 = 0.7;
    /// A town named only by its adjective ("szkołach wrzesińskich").
    pub const ADJECTIVE: f64 = 0.4;
    /// How fast the weight of a mention's other readings falls with their rank
    /// score relative to its best one (the exponent).
    pub const OTHER_READINGS: i32 = 4;
    /// Just after words about funding (ministries, funds, the EU, the marshal's
    /// office): "Ministerstwo Rodziny w Warszawie".
    pub const FUNDER: f64 = 0.2;
    /// After "filia", "oddział", "punkt", "świetlica", "sołectwo": a branch.
    pub const BRANCH: f64 = 0.6;
    /// Just after words about partners or visitors.
    pub const PARTNER: f64 = 0.5;
    /// A trip's destination: "wycieczka do Krakowa", "wyjazd nad morze".
    pub const TRIP: f64 = 0.2;
    /// A name that is a common word or a region first ("Praca", "Podlasie"):
    /// it places the page only when nothing else does.
    pub const COMMON_WORD: f64 = 0.05;
    /// In the first lines of the page (its heading).
    pub const HEADING: f64 = 1.3;
    /// Lines counted as the heading.
    pub const HEADING_LINES: usize = 6;
    /// The place lies in the voivodeship the page names.
    pub const VOIVODESHIP_AGREES: f64 = 2.0;
    /// The place lies in a powiat the page names.
    pub const POWIAT_AGREES: f64 = 1.5;
    /// Of places of one name, the one in a gmina the page names ("gmina
    /// Sokoły") is preferred by this: all but decisive, as a gmina named
    /// beside the name is the page saying which of them it means.
    pub const GMINA_AGREES: f64 = 20.0;
    /// The place carries a postal code the page gives.
    pub const POSTAL_AGREES: f64 = 2.0;
    /// The place lies near a postal code the page gives, without carrying it
    /// (the code of the gmina's office, a neighbouring village's).
    pub const POSTAL_NEAR: f64 = 1.4;
    /// Within this many kilometres of a code's places counts as near it.
    pub const POSTAL_NEAR_KM: f64 = 12.0;
    /// Of places of one name, each other place the page names near one of
    /// them prefers it by this factor (see `NEIGHBOUR_KM`,
    /// `NEIGHBOURS_COUNTED`): three neighbours outweigh a namesake's size.
    pub const NEIGHBOUR: f64 = 3.0;
    /// Another name of the page counts as a neighbour when one of its places
    /// lies this near.
    pub const NEIGHBOUR_KM: f64 = 15.0;
    /// At most this many neighbours count.
    pub const NEIGHBOURS_COUNTED: f64 = 3.0;
    /// A neighbour's name naming more places than this counts for this share
    /// of them ("Nowa Wieś", with a hundred namesakes, is near anything).
    pub const NEIGHBOUR_NAMESAKES: f64 = 3.0;
    /// Further mentions of a place add this share of their weight.
    pub const REPEAT: f64 = 0.5;
}

/// Folded word stems of institutions whose name may end in "w <town>".
pub(super) const INSTITUTION_NOUNS: &[&str] = &[
    "osrod",
    "centr",
    "urzad",
    "urzed",
    "dom",
    "szkol",
    "zespol",
    "stowarzysz",
    "fundacj",
    "bibliotek",
    "przedszkol",
    "porad",
    "zaklad",
    "instytu",
    "klub",
    "spoldziel",
    "mops",
    "gops",
    "mgops",
    "pcpr",
    "mopr",
    "cis",
    "kis",
    "sds",
    "ops",
    "starostw",
    "gmin",
    "park",
    "muzeum",
    "teatr",
    "hospicj",
    "schronisk",
    "warszta",
    "caritas",
];
/// Stems of funders and the words of funding.
const FUNDER_WORDS: &[&str] = &[
    "ministerst",
    "minister",
    "fundusz",
    "pfron",
    "marszalk",
    "wojewod",
    "unii",
    "europejsk",
    "operacyjn",
    "dofinans",
    "wspolfinans",
    "sfinans",
    "finansow",
    "budzet",
    "rzad",
    "krajow",
    "panstw",
    "agencj",
    "narodow",
    "kancelar",
    "wfos",
    "nfos",
    "arimr",
    "grant",
    "dotacj",
    "srodk",
];
const BRANCH_WORDS: &[&str] = &[
    "filia",
    "filii",
    "oddzial",
    "punkt",
    "punktu",
    "swietlica",
    "swietlicy",
    "solectwo",
    "solectwa",
    "placowk",
];
/// Stems of partners and visitors.
const PARTNER_WORDS: &[&str] = &[
    "partner",
    "wspolprac",
    "wspolnie",
    "gosc",
    "goscie",
    "delegacj",
    "przyjechal",
    "przybyl",
    "odwiedzil",
];
/// Stems of universities: a scholar's affiliation ("prof. … z Instytutu
/// Socjologii Uniwersytetu Zielonogórskiego w Zielonej Górze") is where a
/// visiting expert comes from, not where the work was done.
const ACADEMIC_WORDS: &[&str] = &["uniwersytet", "politechnik", "uczelni"];
/// Words after a university's word that make it a local one: a university of
/// the third age, a children's or a folk university.
const LOCAL_ACADEMIC_WORDS: &[&str] = &["trzeciego", "dzieci", "ludow", "senior", "utw"];
/// Stems of trips and their destinations.
const TRIP_WORDS: &[&str] = &[
    "wycieczk",
    "wyjazd",
    "wyjecha",
    "pojecha",
    "zwiedza",
    "zwiedzi",
    "wizyt",
    "kolonie",
    "kolonii",
    "oboz",
    "wypoczyn",
    "turnus",
    "pielgrzym",
    "rajd",
    "spływ",
    "splyw",
];
pub(super) const LOCALITY_WORDS: &[&str] = &[
    "miejscowosc",
    "miejscowosci",
    "miejscowoscia",
    "wies",
    "wsi",
    "solectwo",
    "solectwa",
    "solectwie",
    "osiedle",
    "osiedlu",
    "osiedla",
];
/// Words before a name that make it a person's: a title, a patron's park.
pub(super) const PERSON_TITLES: &[&str] = &[
    "pan",
    "pani",
    "panem",
    "pania",
    "kierownik",
    "kierowniczka",
    "dyrektor",
    "prezes",
    "koordynator",
    "koordynatorka",
    "starosta",
    "burmistrz",
    "prezydent",
    // A patron's name, not a place: "park im. Moniuszki", "Szkoła imienia
    // Staszica".
    "im",
    "imienia",
    "patrona",
    "park",
    "parku",
    "parkiem",
];
/// Keys of village names that are common words, regions, months or foreign
/// places first: a page saying "Praca socjalna", "na Podlasiu", "Stowarzyszenie
/// Nadzieja" or "wycieczka do Rzymu" is not about the village. Towns are not
/// listed (Opole, Koło, Brzeg, Piła stay towns).
const COMMON_NAMES: &[&str] = &[
    "praca",
    "podlasie",
    "zgoda",
    "nadzieja",
    "wola",
    "pomoc",
    "rynek",
    "park",
    "las",
    "zagroda",
    "dwor",
    "folwark",
    "mlyn",
    "tartak",
    "lesniczowka",
    "gajowka",
    "przystanek",
    "wiosna",
    "lipiec",
    "nowa",
    "stara",
    "dobra",
    "mazury",
    "kaszuby",
    "kurpie",
    "pomorze",
    "kujawy",
    "roztocze",
    "polesie",
    "mazowsze",
    "beskid",
    "granica",
    "ameryka",
    "radosc",
    "wygoda",
    "ogrody",
    "fabryka",
    "cegielnia",
    "kopalnia",
    "dworzec",
    "nowiny",
    "zamek",
    "dolina",
    "pole",
    "laki",
    "laka",
    "wyspa",
    "jezioro",
    "zatoka",
    "przystan",
    "wiatrak",
    "raj",
    "pieklo",
    "niebo",
    "postep",
    "swoboda",
    "wolnosc",
    "pokoj",
    "milosc",
    "kolonia",
    "osada",
    "unia",
    "orlik",
    "wieza",
    "kamien",
    "rzym",
    "paryz",
    "kijow",
    "czechy",
    "wlochy",
    "sobota",
    "dzielnica",
    "miejsce",
    "zdroj",
    "staw",
    "stawek",
    "zagajnik",
    "dworek",
    "kaplica",
    "krzyz",
    "straznica",
    "straz",
    "szpital",
    "zlobek",
    "kuznia",
    "dobre",
    "male",
    "wielkie",
    "gorne",
    "stare",
    // Common words that are forms of village names ("Środki" of Środka,
    // "Budowa" of Budowo, "Prace" of Praca).
    "srodki",
    "budowa",
    "budowy",
    "prace",
    "pracy",
    "zgody",
    "rynku",
    "dzielnicy",
    "miejsca",
];

fn has_stem(words: &[String], stems: &[&str]) -> bool {
    words.iter().any(|w| stems.iter().any(|s| w.starts_with(s)))
}

/// Whether a place's key is a common word or region before it is a village.
fn is_common_name(phrase_key: &str) -> bool {
    COMMON_NAMES.contains(&phrase_key)
}

/// Whether the words before a mention make it the seat of the institution
/// they name.
pub(super) fn names_institution(before: &[String]) -> bool {
    has_stem(before, INSTITUTION_NOUNS)
}

/// The words around one mention: `before` up to eight words before it,
/// `near` up to three (both folded).
pub(super) struct Around<'a> {
    pub before: &'a [String],
    pub near: &'a [String],
}

impl Around<'_> {
    /// Whether a trip word comes before the mention with no institution
    /// between them: "wycieczka do Krakowa", not "wyjazd dzieci z GOPS w X".
    fn trip(&self) -> bool {
        let Some(at) = self
            .before
            .iter()
            .rposition(|w| TRIP_WORDS.iter().any(|s| w.starts_with(s)))
        else {
            return false;
        };
        !has_stem(&self.before[at + 1..], INSTITUTION_NOUNS)
    }

    /// The weight of a mention in this context: its kind of cue times the
    /// discounts of funders, partners, trips, branches, suffix-rule readings
    /// and names that are common words.
    pub fn weight(&self, phrase: &Phrase, after_w: bool) -> f64 {
        let seat = after_w && names_institution(self.before);
        let named_locality = self.named_locality();
        let mut mult = if seat {
            cue::INSTITUTION_SEAT
        } else if named_locality {
            cue::LOCALITY_NAMED
        } else if after_w {
            cue::AFTER_W
        } else if phrase.words == 1 && phrase.kind == MatchKind::Exact {
            cue::BARE_WORD
        } else {
            1.0
        };
        mult *= self.discount();
        if phrase.kind == MatchKind::Rule {
            mult *= cue::RULE_READING;
        }
        if has_stem(self.near, BRANCH_WORDS) {
            mult *= cue::BRANCH;
        }
        mult
    }

    /// The discount of a mention said of a funder, a partner or a trip (1
    /// when it is none of them).
    pub fn discount(&self) -> f64 {
        let mut d = 1.0;
        if has_stem(self.before, FUNDER_WORDS) {
            d *= cue::FUNDER;
        }
        if has_stem(self.before, PARTNER_WORDS) {
            d *= cue::PARTNER;
        }
        if self.trip() {
            d *= cue::TRIP;
        }
        if self.academic() {
            d *= cue::PARTNER;
        }
        d
    }

    /// Whether a university (not a university of the third age, a children's
    /// or a folk one) is named before the mention: a visiting expert's seat.
    fn academic(&self) -> bool {
        self.before
            .iter()
            .rposition(|w| ACADEMIC_WORDS.iter().any(|s| w.starts_with(s)))
            .is_some_and(|at| !has_stem(&self.before[at + 1..], LOCAL_ACADEMIC_WORDS))
    }

    /// The discount of one reading of a mention written `text` (folded), a
    /// place whose name has the key `name_key`: a common word or region, as
    /// written ("Środki", "Budowa") or as the place's name ("na Podlasiu"),
    /// counts only as a last resort, unless the page names it as a locality
    /// ("w miejscowości Praca").
    pub fn reading(&self, text: &str, name_key: &str) -> f64 {
        if (is_common_name(text) || is_common_name(name_key)) && !self.named_locality() {
            cue::COMMON_WORD
        } else {
            1.0
        }
    }

    fn named_locality(&self) -> bool {
        self.near
            .last()
            .is_some_and(|w| LOCALITY_WORDS.contains(&w.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split(' ').map(str::to_string).collect()
    }

    fn phrase(text: &str, kind: MatchKind) -> Phrase {
        Phrase {
            ids: vec![0],
            kind,
            cases: 0,
            words: text.split(' ').count(),
            text: text.to_string(),
        }
    }

    fn weight(before: &str, text: &str, kind: MatchKind, after_w: bool) -> f64 {
        let before = words(before);
        let near = &before[before.len().saturating_sub(3)..];
        let around = Around {
            before: &before,
            near,
        };
        around.weight(&phrase(text, kind), after_w) * around.reading(text, text)
    }

    #[test]
    fn a_scholars_university_counts_as_a_visitor_but_a_third_age_one_does_not() {
        let scholar = weight(
            "z instytutu socjologii uniwersytetu zielonogorskiego w",
            "zielonej gorze",
            MatchKind::Declined,
            true,
        );
        let local = weight(
            "zajecia uniwersytetu trzeciego wieku w",
            "zielonej gorze",
            MatchKind::Declined,
            true,
        );
        let seat = weight(
            "z osrodka pomocy spolecznej w",
            "zielonej gorze",
            MatchKind::Declined,
            true,
        );
        let plain = weight("zajecia w", "zielonej gorze", MatchKind::Declined, true);
        assert!(scholar * 2.0 <= seat, "{scholar} vs {seat}");
        assert_eq!(
            local, plain,
            "a university of the third age is not discounted"
        );
    }

    #[test]
    fn a_trip_destination_counts_far_less_than_the_seat() {
        let trip = weight(
            "uczniowie pojechali na wycieczke do",
            "krakowa",
            MatchKind::Declined,
            false,
        );
        let seat = weight(
            "gminny osrodek pomocy spolecznej",
            "krakowie",
            MatchKind::Declined,
            true,
        );
        assert!(trip * 10.0 < seat, "trip {trip}, seat {seat}");
        // An institution after the trip word: its seat, not the destination.
        let organiser = weight(
            "wyjazd zorganizowal gops",
            "jasle",
            MatchKind::Declined,
            true,
        );
        assert_eq!(organiser, cue::INSTITUTION_SEAT);
    }

    #[test]
    fn funders_and_partners_are_weighed_down() {
        let funder = weight(
            "dofinansowanie z urzedu marszalkowskiego",
            "warszawie",
            MatchKind::Declined,
            true,
        );
        assert!(funder < cue::AFTER_W * cue::FUNDER * 3.01, "{funder}");
        let partner = weight(
            "partnerem projektu byla gmina",
            "x",
            MatchKind::Exact,
            false,
        );
        assert!(partner < cue::BARE_WORD);
    }

    #[test]
    fn common_words_count_only_as_a_last_resort_unless_named_as_a_locality() {
        let word = weight("", "praca", MatchKind::Exact, false);
        assert!(word < 0.05, "{word}");
        let named = weight("w miejscowosci", "praca", MatchKind::Exact, false);
        assert_eq!(named, cue::LOCALITY_NAMED);
    }
}
