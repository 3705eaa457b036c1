//! Every sentence of the pages, in Polish and English: one [`Texts`] per
//! language, so a template reads `t.name` and both languages have each.

use crate::gazetteer::Precision;
use crate::practice::Area;

/// A page's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Polish, the default.
    Pl,
    /// English (`?lang=en`).
    En,
}

impl Lang {
    /// The BCP 47 code.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Pl => "pl",
            Lang::En => "en",
        }
    }

    /// The other language (the switch in the header).
    pub fn other(self) -> Lang {
        match self {
            Lang::Pl => Lang::En,
            Lang::En => Lang::Pl,
        }
    }

    /// Its sentences.
    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::Pl => &PL,
            Lang::En => &EN,
        }
    }

    /// An area's name.
    pub fn area(self, a: Area) -> &'static str {
        match self {
            Lang::Pl => a.name_pl(),
            Lang::En => a.name_en(),
        }
    }

    /// An area's name with its parent (`Usługi społeczne › Kultura`).
    pub fn area_path(self, a: Area) -> String {
        match a.parent() {
            Some(p) => format!("{} › {}", self.area(p), self.area(a)),
            None => self.area(a).to_string(),
        }
    }

    /// How precisely a practice was placed, in words.
    pub fn precision(self, p: Precision) -> &'static str {
        let pl = matches!(self, Lang::Pl);
        match p {
            Precision::Manual => {
                if pl {
                    "współrzędne podane ręcznie"
                } else {
                    "coordinates set by hand"
                }
            }
            Precision::PostalLocality | Precision::Locality => {
                if pl {
                    "miejscowość"
                } else {
                    "the locality"
                }
            }
            Precision::PostalCode | Precision::PostalArea => {
                if pl {
                    "obszar kodu pocztowego"
                } else {
                    "the postal code's area"
                }
            }
            Precision::Gmina => {
                if pl {
                    "środek gminy"
                } else {
                    "the gmina's centre"
                }
            }
            Precision::Powiat => {
                if pl {
                    "środek powiatu"
                } else {
                    "the powiat's centre"
                }
            }
            Precision::Voivodeship => {
                if pl {
                    "środek województwa"
                } else {
                    "the voivodeship's centre"
                }
            }
        }
    }
}

/// The sentences of one language.
#[derive(Debug)]
pub struct Texts {
    /// BCP 47 code.
    pub lang: &'static str,
    /// OpenGraph locale.
    pub locale: &'static str,
    /// The site's name.
    pub site: &'static str,
    /// The link to the other language.
    pub other_language: &'static str,
    /// Its language code.
    pub other_code: &'static str,
    /// "Skip to content".
    pub skip: &'static str,
    /// Main navigation's name.
    pub nav: &'static str,
    /// The map.
    pub map: &'static str,
    /// The list.
    pub list: &'static str,
    /// The statistics.
    pub stats: &'static str,
    /// The accessibility statement.
    pub declaration: &'static str,
    /// The footer's credit of the practice database.
    pub credit: &'static str,
    /// 400.
    pub bad_request: &'static str,
    /// 404.
    pub not_found: &'static str,
    /// 410.
    pub gone: &'static str,
    /// "Error".
    pub error_code: &'static str,
    /// Where to go from an error page.
    pub error_next: &'static str,
    /// Area.
    pub area: &'static str,
    /// Unit type.
    pub unit_type: &'static str,
    /// Implementing unit.
    pub unit: &'static str,
    /// Town.
    pub town: &'static str,
    /// Address.
    pub address: &'static str,
    /// Gmina.
    pub gmina: &'static str,
    /// Powiat.
    pub powiat: &'static str,
    /// Voivodeship.
    pub voivodeship: &'static str,
    /// Project period.
    pub period: &'static str,
    /// Year.
    pub year: &'static str,
    /// Cost.
    pub cost: &'static str,
    /// Funding.
    pub funding: &'static str,
    /// Population.
    pub population: &'static str,
    /// Phone.
    pub phone: &'static str,
    /// E-mail.
    pub email: &'static str,
    /// Websites.
    pub websites: &'static str,
    /// Contact persons.
    pub contacts: &'static str,
    /// Added to the database.
    pub added: &'static str,
    /// Updated in the database.
    pub updated: &'static str,
    /// Source.
    pub source: &'static str,
    /// The original page.
    pub source_link: &'static str,
    /// Details heading.
    pub details: &'static str,
    /// Description heading.
    pub description: &'static str,
    /// Location heading.
    pub location: &'static str,
    /// Not placed.
    pub not_placed: &'static str,
    /// "Show on the map".
    pub show_on_map: &'static str,
    /// Nearby heading.
    pub nearby: &'static str,
    /// Nearby: none.
    pub nearby_none: &'static str,
    /// "km away".
    pub km_away: &'static str,
    /// The static map's label.
    pub map_label: &'static str,
    /// Filters heading.
    pub filters: &'static str,
    /// Free text.
    pub text: &'static str,
    /// Its hint.
    pub text_hint: &'static str,
    /// Every area.
    pub all_areas: &'static str,
    /// Every voivodeship.
    pub all_voivodeships: &'static str,
    /// Every unit type.
    pub all_unit_types: &'static str,
    /// TERYT or name hint.
    pub region_hint: &'static str,
    /// Year from.
    pub year_from: &'static str,
    /// Year to.
    pub year_to: &'static str,
    /// Near a place.
    pub near: &'static str,
    /// Its hint.
    pub near_hint: &'static str,
    /// Radius.
    pub radius: &'static str,
    /// Sort order.
    pub sort: &'static str,
    /// Apply the filters.
    pub apply: &'static str,
    /// Clear the filters.
    pub clear: &'static str,
    /// Results heading: "{n} practices".
    pub found: &'static str,
    /// Nothing found.
    pub none_found: &'static str,
    /// Pages navigation.
    pub pages: &'static str,
    /// Previous page.
    pub previous: &'static str,
    /// Next page.
    pub next: &'static str,
    /// "Page {n} of {m}".
    pub page_of: &'static str,
    /// The list on the map.
    pub list_on_map: &'static str,
    /// Title.
    pub title: &'static str,
    /// Place column.
    pub place: &'static str,
    /// Feeds.
    pub feeds: &'static str,
    /// Atom feed.
    pub atom: &'static str,
    /// RSS feed.
    pub rss: &'static str,
    /// Statistics intro.
    pub stats_intro: &'static str,
    /// Count column.
    pub count: &'static str,
    /// Share column.
    pub share: &'static str,
    /// Download CSV.
    pub download_csv: &'static str,
    /// By voivodeship.
    pub by_voivodeship: &'static str,
    /// By powiat.
    pub by_powiat: &'static str,
    /// By gmina.
    pub by_gmina: &'static str,
    /// By year.
    pub by_year: &'static str,
    /// By area.
    pub by_area: &'static str,
    /// Powiat map note.
    pub powiat_map_note: &'static str,
    /// The table of the top rows only.
    pub top_rows: &'static str,
    /// No year.
    pub no_year: &'static str,
    /// Outside any unit.
    pub outside: &'static str,
    /// The chart's legend: more.
    pub legend: &'static str,
    /// The feed's title.
    pub feed_title: &'static str,
    /// The feed's subtitle.
    pub feed_subtitle: &'static str,
    /// Sort: dataset order.
    pub sort_default: &'static str,
    /// Sort: title.
    pub sort_title: &'static str,
    /// Sort: town.
    pub sort_town: &'static str,
    /// Sort: newest year.
    pub sort_year_desc: &'static str,
    /// Sort: oldest year.
    pub sort_year_asc: &'static str,
    /// The list's page description.
    pub list_description: &'static str,
    /// The statistics' page description.
    pub stats_description: &'static str,
    /// "withheld".
    pub withheld: &'static str,
}

/// Polish.
pub static PL: Texts = Texts {
    lang: "pl",
    locale: "pl_PL",
    site: "Mapa dobrych praktyk samorządowych",
    other_language: "English",
    other_code: "en",
    skip: "Przejdź do treści",
    nav: "Nawigacja",
    map: "Mapa",
    list: "Lista bez mapy",
    stats: "Statystyki",
    declaration: "Deklaracja dostępności",
    credit: "Dane: Baza Dobrych Praktyk samorządowych; położenie: GeoNames (CC BY 4.0), granice: Natural Earth.",
    bad_request: "Nieprawidłowe zapytanie",
    not_found: "Nie znaleziono strony",
    gone: "Praktyka została usunięta",
    error_code: "Kod błędu",
    error_next: "Przejdź do listy praktyk lub na mapę.",
    area: "Obszar",
    unit_type: "Typ jednostki",
    unit: "Jednostka wdrażająca",
    town: "Miejscowość",
    address: "Adres",
    gmina: "Gmina",
    powiat: "Powiat",
    voivodeship: "Województwo",
    period: "Okres realizacji",
    year: "Rok",
    cost: "Koszt",
    funding: "Finansowanie",
    population: "Liczba mieszkańców",
    phone: "Telefon",
    email: "E-mail",
    websites: "Strony internetowe",
    contacts: "Osoby do kontaktu",
    added: "Dodano do bazy",
    updated: "Zaktualizowano",
    source: "Źródło",
    source_link: "Strona praktyki w źródle",
    details: "Dane praktyki",
    description: "Opis",
    location: "Położenie",
    not_placed: "Tej praktyki nie udało się umieścić na mapie.",
    show_on_map: "Pokaż na mapie",
    nearby: "W pobliżu",
    nearby_none: "Brak innych praktyk w pobliżu.",
    km_away: "km stąd",
    map_label: "Mapa położenia w województwie",
    filters: "Filtry",
    text: "Szukaj w tekście",
    text_hint: "Muszą wystąpić wszystkie słowa (bez względu na wielkość liter i znaki diakrytyczne).",
    all_areas: "Wszystkie obszary",
    all_voivodeships: "Wszystkie województwa",
    all_unit_types: "Wszystkie typy jednostek",
    region_hint: "Kod TERYT albo nazwa",
    year_from: "Rok od",
    year_to: "Rok do",
    near: "W pobliżu miejsca",
    near_hint: "Kod pocztowy lub miejscowość",
    radius: "Promień (km)",
    sort: "Kolejność",
    apply: "Pokaż",
    clear: "Wyczyść filtry",
    found: "Znalezione praktyki",
    none_found: "Żadna praktyka nie spełnia tych warunków.",
    pages: "Strony wyników",
    previous: "Poprzednia strona",
    next: "Następna strona",
    page_of: "Strona {n} z {m}",
    list_on_map: "Pokaż te praktyki na mapie",
    title: "Tytuł",
    place: "Miejsce",
    feeds: "Subskrybuj nowe praktyki",
    atom: "Kanał Atom",
    rss: "Kanał RSS",
    stats_intro: "Liczby praktyk spełniających filtry, z wykresami i tabelami do pobrania jako CSV.",
    count: "Liczba praktyk",
    share: "Udział",
    download_csv: "Pobierz CSV",
    by_voivodeship: "Według województw",
    by_powiat: "Według powiatów",
    by_gmina: "Według gmin",
    by_year: "Według lat",
    by_area: "Według obszarów",
    powiat_map_note: "Obszary powiatów są przybliżone: każdy punkt mapy należy do powiatu najbliższej miejscowości z bazy nazw (dane nie zawierają granic powiatów). Liczby są w tabeli.",
    top_rows: "Tabela pokazuje jednostki z największą liczbą praktyk; pełne dane w pliku CSV.",
    no_year: "bez roku",
    outside: "poza jednostkami",
    legend: "Im ciemniejszy kolor, tym więcej praktyk",
    feed_title: "Nowe dobre praktyki samorządowe",
    feed_subtitle: "Praktyki ostatnio dodane do bazy",
    sort_default: "kolejność w bazie",
    sort_title: "tytuł (A–Ż)",
    sort_town: "miejscowość (A–Ż)",
    sort_year_desc: "najnowsze",
    sort_year_asc: "najstarsze",
    list_description: "Lista dobrych praktyk polskich samorządów z filtrami: obszar, województwo, powiat, gmina, lata, tekst i okolica.",
    stats_description: "Liczby dobrych praktyk samorządowych według województw, powiatów, gmin, lat i obszarów.",
    withheld: "dane osobowe nieudostępnione",
};

/// English.
pub static EN: Texts = Texts {
    lang: "en",
    locale: "en_GB",
    site: "Map of local-government good practices",
    other_language: "Polski",
    other_code: "pl",
    skip: "Skip to content",
    nav: "Navigation",
    map: "Map",
    list: "List without the map",
    stats: "Statistics",
    declaration: "Accessibility statement",
    credit: "Data: the local-government good practice database (Baza Dobrych Praktyk); places: GeoNames (CC BY 4.0); outlines: Natural Earth.",
    bad_request: "Bad request",
    not_found: "Page not found",
    gone: "This practice has been removed",
    error_code: "Error code",
    error_next: "Go to the list of practices or to the map.",
    area: "Area",
    unit_type: "Unit type",
    unit: "Implementing unit",
    town: "Town",
    address: "Address",
    gmina: "Gmina",
    powiat: "Powiat",
    voivodeship: "Voivodeship",
    period: "Project period",
    year: "Year",
    cost: "Cost",
    funding: "Funding",
    population: "Population",
    phone: "Phone",
    email: "E-mail",
    websites: "Websites",
    contacts: "Contact persons",
    added: "Added to the database",
    updated: "Updated",
    source: "Source",
    source_link: "The practice's page at the source",
    details: "Details",
    description: "Description",
    location: "Location",
    not_placed: "This practice could not be placed on the map.",
    show_on_map: "Show on the map",
    nearby: "Nearby",
    nearby_none: "No other practices nearby.",
    km_away: "km away",
    map_label: "Map of the location in its voivodeship",
    filters: "Filters",
    text: "Search the text",
    text_hint: "Every word must occur (any case, with or without Polish letters).",
    all_areas: "All areas",
    all_voivodeships: "All voivodeships",
    all_unit_types: "All unit types",
    region_hint: "TERYT code or name",
    year_from: "Year from",
    year_to: "Year to",
    near: "Near a place",
    near_hint: "Postal code or town",
    radius: "Radius (km)",
    sort: "Order",
    apply: "Show",
    clear: "Clear the filters",
    found: "Practices found",
    none_found: "No practice matches these filters.",
    pages: "Result pages",
    previous: "Previous page",
    next: "Next page",
    page_of: "Page {n} of {m}",
    list_on_map: "Show these practices on the map",
    title: "Title",
    place: "Place",
    feeds: "Follow new practices",
    atom: "Atom feed",
    rss: "RSS feed",
    stats_intro: "Counts of the practices matching the filters, as charts and as tables to download as CSV.",
    count: "Practices",
    share: "Share",
    download_csv: "Download CSV",
    by_voivodeship: "By voivodeship",
    by_powiat: "By powiat",
    by_gmina: "By gmina",
    by_year: "By year",
    by_area: "By area",
    powiat_map_note: "The powiats' areas are approximate: each point of the map belongs to the powiat of the nearest locality of the gazetteer (the data hold no powiat outlines). The numbers are in the table.",
    top_rows: "The table shows the units with the most practices; the CSV file has every one.",
    no_year: "no year",
    outside: "outside any unit",
    legend: "The darker the colour, the more practices",
    feed_title: "New local-government good practices",
    feed_subtitle: "Practices most recently added to the database",
    sort_default: "database order",
    sort_title: "title (A–Z)",
    sort_town: "town (A–Z)",
    sort_year_desc: "newest first",
    sort_year_asc: "oldest first",
    list_description: "A list of Polish local governments' good practices with filters: area, voivodeship, powiat, gmina, years, text and nearby.",
    stats_description: "Counts of local-government good practices by voivodeship, powiat, gmina, year and area.",
    withheld: "personal data withheld",
};
