//! The practice record and its vocabulary.
//!
//! A [`Practice`] holds everything a practice page carries, typed. Its
//! [`Practice::public_view`] is what the API and exports publish: named contact
//! persons' phones and e-mails, and people's phones and e-mails written in its
//! text, are left out unless the operator turns publishing on.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use std::borrow::Cow;

use crate::gazetteer::{AdminChain, Precision};
use crate::personal::{self, Labelled};

/// The practice database's fixed vocabulary of areas.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum Area {
    /// Usługi społeczne (no subarea given).
    UslugiSpoleczne,
    /// Usługi społeczne › Kultura.
    Kultura,
    /// Usługi społeczne › Pomoc społeczna.
    PomocSpoleczna,
    /// Usługi społeczne › Oświata.
    Oswiata,
    /// Usługi społeczne › Ochrona zdrowia.
    OchronaZdrowia,
    /// Usługi społeczne › Sport i rekreacja.
    SportIRekreacja,
    /// Usługi techniczne.
    UslugiTechniczne,
    /// Rozwój instytucjonalny.
    RozwojInstytucjonalny,
    /// Efektywność energetyczna.
    EfektywnoscEnergetyczna,
    /// Współpraca JST-NGO.
    WspolpracaJstNgo,
    /// Współpraca między JST.
    WspolpracaMiedzyJst,
    /// Dialog społeczny.
    DialogSpoleczny,
}

impl Area {
    /// Every area, in the database's menu order.
    pub const ALL: [Area; 12] = [
        Area::UslugiSpoleczne,
        Area::Kultura,
        Area::PomocSpoleczna,
        Area::Oswiata,
        Area::OchronaZdrowia,
        Area::SportIRekreacja,
        Area::UslugiTechniczne,
        Area::RozwojInstytucjonalny,
        Area::EfektywnoscEnergetyczna,
        Area::WspolpracaJstNgo,
        Area::WspolpracaMiedzyJst,
        Area::DialogSpoleczny,
    ];

    /// Stable URL-safe identifier, e.g. `pomoc-spoleczna`.
    pub fn slug(self) -> &'static str {
        match self {
            Area::UslugiSpoleczne => "uslugi-spoleczne",
            Area::Kultura => "kultura",
            Area::PomocSpoleczna => "pomoc-spoleczna",
            Area::Oswiata => "oswiata",
            Area::OchronaZdrowia => "ochrona-zdrowia",
            Area::SportIRekreacja => "sport-i-rekreacja",
            Area::UslugiTechniczne => "uslugi-techniczne",
            Area::RozwojInstytucjonalny => "rozwoj-instytucjonalny",
            Area::EfektywnoscEnergetyczna => "efektywnosc-energetyczna",
            Area::WspolpracaJstNgo => "wspolpraca-jst-ngo",
            Area::WspolpracaMiedzyJst => "wspolpraca-miedzy-jst",
            Area::DialogSpoleczny => "dialog-spoleczny",
        }
    }

    /// Polish name of the area itself (`Pomoc społeczna`).
    pub fn name_pl(self) -> &'static str {
        match self {
            Area::UslugiSpoleczne => "Usługi społeczne",
            Area::Kultura => "Kultura",
            Area::PomocSpoleczna => "Pomoc społeczna",
            Area::Oswiata => "Oświata",
            Area::OchronaZdrowia => "Ochrona zdrowia",
            Area::SportIRekreacja => "Sport i rekreacja",
            Area::UslugiTechniczne => "Usługi techniczne",
            Area::RozwojInstytucjonalny => "Rozwój instytucjonalny",
            Area::EfektywnoscEnergetyczna => "Efektywność energetyczna",
            Area::WspolpracaJstNgo => "Współpraca JST-NGO",
            Area::WspolpracaMiedzyJst => "Współpraca między JST",
            Area::DialogSpoleczny => "Dialog społeczny",
        }
    }

    /// English name of the area.
    pub fn name_en(self) -> &'static str {
        match self {
            Area::UslugiSpoleczne => "Social services",
            Area::Kultura => "Culture",
            Area::PomocSpoleczna => "Social assistance",
            Area::Oswiata => "Education",
            Area::OchronaZdrowia => "Health care",
            Area::SportIRekreacja => "Sport and recreation",
            Area::UslugiTechniczne => "Technical services",
            Area::RozwojInstytucjonalny => "Institutional development",
            Area::EfektywnoscEnergetyczna => "Energy efficiency",
            Area::WspolpracaJstNgo => "Local government–NGO cooperation",
            Area::WspolpracaMiedzyJst => "Inter-municipal cooperation",
            Area::DialogSpoleczny => "Social dialogue",
        }
    }

    /// The parent area, for the five subareas of Usługi społeczne.
    pub fn parent(self) -> Option<Area> {
        match self {
            Area::Kultura
            | Area::PomocSpoleczna
            | Area::Oswiata
            | Area::OchronaZdrowia
            | Area::SportIRekreacja => Some(Area::UslugiSpoleczne),
            _ => None,
        }
    }

    /// The full path as the database prints it: `Usługi społeczne › Pomoc społeczna`.
    pub fn path_pl(self) -> String {
        match self.parent() {
            Some(p) => format!("{} › {}", p.name_pl(), self.name_pl()),
            None => self.name_pl().to_string(),
        }
    }

    /// Finds an area by slug (`pomoc-spoleczna`).
    pub fn from_slug(s: &str) -> Option<Area> {
        Area::ALL.into_iter().find(|a| a.slug() == s)
    }
}

impl From<Area> for String {
    fn from(a: Area) -> String {
        a.slug().to_string()
    }
}

impl TryFrom<String> for Area {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Area::from_slug(&s).ok_or_else(|| format!("unknown area {s:?}"))
    }
}

/// Type of the local-government unit that runs the practice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum UnitType {
    /// gmina miejska (urban gmina).
    GminaMiejska,
    /// gmina wiejska (rural gmina).
    GminaWiejska,
    /// gmina miejsko-wiejska (urban-rural gmina).
    GminaMiejskoWiejska,
    /// miasto na prawach powiatu (city with powiat rights).
    MiastoNaPrawachPowiatu,
    /// powiat.
    Powiat,
    /// województwo (voivodeship self-government).
    Wojewodztwo,
}

impl UnitType {
    /// Every unit type.
    pub const ALL: [UnitType; 6] = [
        UnitType::GminaMiejska,
        UnitType::GminaWiejska,
        UnitType::GminaMiejskoWiejska,
        UnitType::MiastoNaPrawachPowiatu,
        UnitType::Powiat,
        UnitType::Wojewodztwo,
    ];

    /// The Polish label as the database prints it (`gmina miejska`).
    pub fn label(self) -> &'static str {
        match self {
            UnitType::GminaMiejska => "gmina miejska",
            UnitType::GminaWiejska => "gmina wiejska",
            UnitType::GminaMiejskoWiejska => "gmina miejsko-wiejska",
            UnitType::MiastoNaPrawachPowiatu => "miasto na prawach powiatu",
            UnitType::Powiat => "powiat",
            UnitType::Wojewodztwo => "województwo",
        }
    }

    /// The labels of every unit type, comma-separated (for error messages).
    pub fn labels() -> String {
        UnitType::ALL.map(|u| u.label()).join(", ")
    }

    /// Parses the Polish label, case-insensitively.
    pub fn from_label(s: &str) -> Option<UnitType> {
        let s = s.trim().to_lowercase();
        UnitType::ALL.into_iter().find(|u| u.label() == s)
    }
}

impl From<UnitType> for String {
    fn from(u: UnitType) -> String {
        u.label().to_string()
    }
}

impl TryFrom<String> for UnitType {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        UnitType::from_label(&s).ok_or_else(|| format!("unknown unit type {s:?}"))
    }
}

/// The longest `source_url` kept, in bytes.
pub const MAX_URL_BYTES: usize = 2048;

/// Checks a page address for `source_url`: an absolute `http` or `https` URL with
/// a host, without spaces, control characters or quotes, at most
/// [`MAX_URL_BYTES`]. Returns the trimmed address, or what is wrong with it.
pub fn web_url(s: &str) -> Result<&str, String> {
    let s = s.trim();
    let lower = s.get(..8).unwrap_or(s).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &s[8..]
    } else if lower.starts_with("http://") {
        &s[7..]
    } else {
        return Err(format!("{s:?} is not an http or https address"));
    };
    if s.len() > MAX_URL_BYTES {
        return Err(format!("longer than {MAX_URL_BYTES} bytes"));
    }
    if let Some(c) = s
        .chars()
        .find(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>' | '\\'))
    {
        return Err(format!("{s:?} holds {c:?}, which an address cannot"));
    }
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit('@').next().unwrap_or("");
    if host.is_empty() || host.starts_with(':') {
        return Err(format!("{s:?} names no host"));
    }
    Ok(s)
}

/// A named contact person. Their phone and e-mail are personal data.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    /// Full name.
    pub name: String,
    /// Role or position.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Phone numbers as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// E-mail address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// Where a practice is: coordinates with how they were obtained.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Location {
    /// Longitude, WGS84 degrees.
    pub lon: f64,
    /// Latitude, WGS84 degrees.
    pub lat: f64,
    /// The geocoder's precision, or [`Precision::Manual`] for coordinates set by hand.
    pub precision: Precision,
    /// The geocoder's score in 0..=1 (1 for manual coordinates).
    pub score: f64,
}

/// One good practice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Practice {
    /// Stable identifier, derived from the source (the same page gives the same id).
    pub id: String,
    /// Title.
    pub title: String,
    /// Area from the database's vocabulary.
    pub area: Area,
    /// Lead paragraph.
    pub summary: String,
    /// Full text (paragraphs separated by blank lines).
    pub body: String,
    /// Total cost in złoty.
    pub cost_pln: Option<u64>,
    /// Notes on funding (who paid, grants).
    pub funding: Option<String>,
    /// Date added to the practice database.
    pub date_added: Option<NaiveDate>,
    /// Date last updated in the practice database.
    pub date_updated: Option<NaiveDate>,
    /// Start of the project period, when the text gives one.
    pub period_start: Option<NaiveDate>,
    /// End of the project period, when the text gives one.
    pub period_end: Option<NaiveDate>,
    /// Type of the local-government unit.
    pub unit_type: Option<UnitType>,
    /// Town (Miejscowość).
    pub town: Option<String>,
    /// Powiat as written on the page.
    pub powiat: Option<String>,
    /// Voivodeship as written on the page.
    pub voivodeship: Option<String>,
    /// Postal code `NN-NNN`.
    pub postal_code: Option<String>,
    /// Post office (Poczta).
    pub post_office: Option<String>,
    /// Street address.
    pub street: Option<String>,
    /// Implementing unit (Jednostka wdrażająca).
    pub unit: Option<String>,
    /// Institution's phone.
    pub phone: Option<String>,
    /// Institution's websites.
    pub websites: Vec<String>,
    /// Institution's e-mail.
    pub email: Option<String>,
    /// Population of the unit.
    pub population: Option<u64>,
    /// Named contact persons (personal data).
    pub contacts: Vec<Contact>,
    /// Where the record came from: URL or file name.
    pub source: String,
    /// The original page on the web (http or https), when known: from the
    /// page's `<link rel="canonical">` or `og:url`, or given at import.
    pub source_url: Option<String>,
    /// Coordinates, when placed.
    pub location: Option<Location>,
    /// The words of the source that gave the place (`Miejski Ośrodek Pomocy
    /// Społecznej w Zawierciu`, `Miejscowość: Gorlice`), when placed.
    pub placed_from: Option<String>,
    /// The words of the source each fact read from the prose came from
    /// (`obszar: «kanalizacji», «oczyszczalni»; rok: «w latach 2019–2021»;
    /// koszt: «99 999,75 zł»`), when the importer read any.
    pub facts_from: Option<String>,
    /// Gmina, powiat and voivodeship from the gazetteer, when placed.
    pub admin: AdminChain,
}

impl Practice {
    /// A record with its required fields; everything else absent.
    pub fn new(id: String, title: String, area: Area, source: String) -> Practice {
        Practice {
            id,
            title,
            area,
            summary: String::new(),
            body: String::new(),
            cost_pln: None,
            funding: None,
            date_added: None,
            date_updated: None,
            period_start: None,
            period_end: None,
            unit_type: None,
            town: None,
            powiat: None,
            voivodeship: None,
            postal_code: None,
            post_office: None,
            street: None,
            unit: None,
            phone: None,
            websites: Vec::new(),
            email: None,
            population: None,
            contacts: Vec::new(),
            source,
            source_url: None,
            location: None,
            placed_from: None,
            facts_from: None,
            admin: AdminChain::default(),
        }
    }

    /// The year the practice is filed under: the project period's start when the
    /// text gives one, else the year it was added to the database, else its
    /// update or the period's end.
    pub fn year(&self) -> Option<i32> {
        self.period_start
            .or(self.date_added)
            .or(self.date_updated)
            .or(self.period_end)
            .map(|d| d.year())
    }

    /// The time span the `datetime`/date filters see, first day to last: the
    /// project period where the text gives it, else the database dates. A period
    /// with only an end ("do 2017-12-31") counts as that one day rather than
    /// dropping the practice from every date filter.
    pub fn time_span(&self) -> Option<(NaiveDate, NaiveDate)> {
        let start = self
            .period_start
            .or(self.date_added)
            .or(self.date_updated)
            .or(self.period_end)?;
        let end = self.period_end.or(self.date_updated).unwrap_or(start);
        Some((start.min(end), start.max(end)))
    }

    /// Longitude and latitude, when placed.
    pub fn lon_lat(&self) -> Option<(f64, f64)> {
        self.location.map(|l| (l.lon, l.lat))
    }

    /// What may be published. Named contact persons keep their name and role; their
    /// phone and e-mail are removed unless `publish_personal` is set by the operator,
    /// and so are people's phones and e-mails in the free text
    /// ([`withhold_personal_prose`](Self::withhold_personal_prose)). The
    /// institution's own phone, e-mail and websites stay.
    pub fn public_view(&self, publish_personal: bool) -> Practice {
        if publish_personal {
            return self.clone();
        }
        let mut p = self
            .withhold_personal_prose()
            .unwrap_or_else(|| self.clone());
        for c in &mut p.contacts {
            c.phone = None;
            c.email = None;
        }
        p
    }

    /// The free text a page's prose fills: title, summary, body, funding, the
    /// unit's name, the street, the words it was placed from, the contacts' roles.
    fn prose(&self) -> impl Iterator<Item = &str> {
        [self.funding.as_deref(), self.unit.as_deref()]
            .into_iter()
            .chain([self.street.as_deref(), self.placed_from.as_deref()])
            .chain([self.facts_from.as_deref()])
            .flatten()
            .chain([&*self.title, &*self.summary, &*self.body])
            .chain(self.contacts.iter().filter_map(|c| c.role.as_deref()))
    }

    /// The record with people's phones and e-mails in its free text replaced by
    /// [`personal::MARKER`] (the rules are [`crate::personal`]'s; the
    /// institution's labelled phone and e-mail tell its own apart, the contact
    /// persons' labelled ones are always people's); `None` when the text holds
    /// none, which most records show by the quick test alone, without a copy.
    pub fn withhold_personal_prose(&self) -> Option<Practice> {
        if !self.prose().any(personal::may_hold) {
            return None;
        }
        let labelled = self.contacts.iter().fold(
            Labelled::default().institution(self.phone.as_deref(), self.email.as_deref()),
            |l, c| l.person(c.phone.as_deref(), c.email.as_deref()),
        );
        let mut p = self.clone();
        let mut changed = false;
        let optional = [
            &mut p.funding,
            &mut p.unit,
            &mut p.street,
            &mut p.placed_from,
            &mut p.facts_from,
        ];
        let roles = p.contacts.iter_mut().filter_map(|c| c.role.as_mut());
        for text in [&mut p.title, &mut p.summary, &mut p.body]
            .into_iter()
            .chain(optional.into_iter().flatten())
            .chain(roles)
        {
            if let Cow::Owned(withheld) = personal::withhold(text, &labelled) {
                *text = withheld;
                changed = true;
            }
        }
        changed.then_some(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn area_slugs_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for a in Area::ALL {
            assert!(seen.insert(a.slug()));
            assert_eq!(Area::from_slug(a.slug()), Some(a));
        }
        assert_eq!(
            Area::PomocSpoleczna.path_pl(),
            "Usługi społeczne › Pomoc społeczna"
        );
        assert_eq!(Area::DialogSpoleczny.path_pl(), "Dialog społeczny");
    }

    #[test]
    fn web_urls_are_http_or_https_with_a_host() {
        assert_eq!(
            web_url(" https://example.org/a?b=1 "),
            Ok("https://example.org/a?b=1")
        );
        assert_eq!(web_url("HTTP://x.pl"), Ok("HTTP://x.pl"));
        for bad in [
            "javascript:alert(1)",
            "ftp://x.pl/",
            "https://",
            "https:///path",
            "https://x.pl/a b",
            "https://x.pl/\"onmouseover",
            "x.pl/page",
            "",
        ] {
            assert!(web_url(bad).is_err(), "{bad:?} accepted");
        }
        assert!(web_url(&format!("https://x.pl/{}", "a".repeat(MAX_URL_BYTES))).is_err());
    }

    #[test]
    fn the_public_view_withholds_peoples_phones_and_emails_in_the_text() {
        let mut p = Practice::new("x".into(), "Tytuł".into(), Area::Kultura, "t".into());
        p.summary = "Zapisy u koordynatorki Anny Nowak, tel. 601 234 567.".into();
        p.body = "Informacje: sekretariat@mops.example.pl, tel. 32 745 33 91. \
                  Pisz do Jana: jan.kowalski@example.pl"
            .into();
        p.funding = Some("Koszt 123 456 789 zł; rozliczała pani Ewa, 512 345 678".into());
        p.phone = Some("32 745 33 91".into());
        p.contacts = vec![Contact {
            name: "Anna Nowak".into(),
            role: Some("koordynatorka, kom. 601 234 567".into()),
            phone: Some("601 234 567".into()),
            email: None,
        }];
        let public = p.public_view(false);
        for (field, gone, kept) in [
            (
                &public.summary,
                "601 234 567",
                "Zapisy u koordynatorki Anny Nowak, tel.",
            ),
            (
                &public.body,
                "jan.kowalski",
                "sekretariat@mops.example.pl, tel. 32 745 33 91",
            ),
            (
                public.funding.as_ref().unwrap(),
                "512 345 678",
                "123 456 789 zł",
            ),
            (
                public.contacts[0].role.as_ref().unwrap(),
                "601",
                "koordynatorka",
            ),
        ] {
            assert!(!field.contains(gone) && field.contains(kept), "{field:?}");
            assert!(field.contains(personal::MARKER), "{field:?}");
        }
        assert_eq!(public.contacts[0].phone, None);
        assert_eq!(public.title, p.title);
        // Published as written when the operator says so.
        assert_eq!(p.public_view(true), p);
        // A record without any contact in its text is not copied to be checked.
        let mut clean = p.clone();
        clean.summary.clear();
        clean.body = "Projekt trwał od 2014 do 2016 roku.".into();
        clean.funding = None;
        clean.contacts.clear();
        assert_eq!(clean.withhold_personal_prose(), None);
    }

    #[test]
    fn unit_type_labels_parse() {
        assert_eq!(
            UnitType::from_label("Gmina miejsko-wiejska"),
            Some(UnitType::GminaMiejskoWiejska)
        );
        assert_eq!(UnitType::from_label("gmina"), None);
    }
}
