//! `/praktyki`: every published practice, with the map's filters as a plain
//! GET form (the parameters of `/api/practices`, parsed by the same
//! [`Filters`]), paged and sortable by links and a select, each row linking
//! to the practice's page.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::IntoParams;

use super::practice::{feeds, short_place};
use super::{
    HTML, Head, Lang, LangParam, Texts, number, page_answer, practice_path, query_string, refused,
    render, with_lang,
};
use crate::api::error::ApiError;
use crate::api::extract::{And, Query, query_params};
use crate::api::practices::params::{Filters, NearEcho};
use crate::api::state::AppState;
use crate::api::values::{Int, ParamValue, deserialize_by_parse};
use crate::practice::{Area, UnitType};
use crate::query::{Filter, SortField, SortKey};

/// Practices on one page of the list.
pub const PER_PAGE: usize = 50;
/// The last page number accepted.
pub const MAX_PAGE: i64 = 1_000_000;

/// The list's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    /// The dataset's order.
    Dataset,
    /// Title, A to Z.
    Title,
    /// Town, A to Z.
    Town,
    /// Newest year first.
    YearDesc,
    /// Oldest year first.
    YearAsc,
}

impl Sort {
    /// Every order, as the select lists them.
    pub const ALL: [Sort; 5] = [
        Sort::Dataset,
        Sort::Title,
        Sort::Town,
        Sort::YearDesc,
        Sort::YearAsc,
    ];

    /// The parameter's value.
    pub fn value(self) -> &'static str {
        match self {
            Sort::Dataset => "",
            Sort::Title => "title",
            Sort::Town => "town",
            Sort::YearDesc => "-year",
            Sort::YearAsc => "year",
        }
    }

    fn label(self, t: &Texts) -> &'static str {
        match self {
            Sort::Dataset => t.sort_default,
            Sort::Title => t.sort_title,
            Sort::Town => t.sort_town,
            Sort::YearDesc => t.sort_year_desc,
            Sort::YearAsc => t.sort_year_asc,
        }
    }

    /// The query's keys.
    pub fn keys(self) -> Vec<SortKey> {
        let key = |field, descending| vec![SortKey { field, descending }];
        match self {
            Sort::Dataset => Vec::new(),
            Sort::Title => key(SortField::Title, false),
            Sort::Town => key(SortField::Town, false),
            Sort::YearDesc => key(SortField::Year, true),
            Sort::YearAsc => key(SortField::Year, false),
        }
    }
}

impl ParamValue for Sort {
    fn parse(v: &str) -> Result<Sort, String> {
        Sort::ALL
            .into_iter()
            .find(|s| s.value() == v)
            .ok_or_else(|| "must be title, town, year or -year".into())
    }
}

deserialize_by_parse!(Sort);

/// The list's own parameters beside the filters.
#[derive(Debug, IntoParams, Deserialize)]
#[into_params(parameter_in = Query)]
pub struct ListOptions {
    /// Page number, from 1
    #[param(value_type = Option<u32>)]
    pub page: Option<Int<1, MAX_PAGE>>,
    /// title, town, year or -year
    #[param(value_type = Option<String>)]
    pub sort: Option<Sort>,
}

query_params!(ListOptions);

/// The list's parameters.
pub type ListQuery = Query<And<And<Filters, ListOptions>, LangParam>>;

/// An option of a select.
pub struct Choice {
    /// Its value.
    pub value: String,
    /// Its label.
    pub label: String,
    /// Whether it is chosen.
    pub selected: bool,
}

/// A row of the list.
pub struct Row {
    /// The practice's page.
    pub href: String,
    /// Title.
    pub title: String,
    /// Town and voivodeship.
    pub place: String,
    /// Area.
    pub area: String,
    /// Year.
    pub year: String,
}

/// The filters' form, shared by the list and the statistics.
pub struct Form {
    /// Where it is sent.
    pub action: &'static str,
    /// Free text as given.
    pub q: String,
    /// Powiat as given.
    pub powiat: String,
    /// Gmina as given.
    pub gmina: String,
    /// First year as given.
    pub year_from: String,
    /// Last year as given.
    pub year_to: String,
    /// Place as given.
    pub near: String,
    /// Radius as given.
    pub radius_km: String,
    /// Areas.
    pub areas: Vec<Choice>,
    /// Voivodeships.
    pub voivodeships: Vec<Choice>,
    /// Unit types.
    pub unit_types: Vec<Choice>,
    /// Orders (empty: no order to choose).
    pub sorts: Vec<Choice>,
    /// Whether the page is in English (a hidden `lang` field).
    pub english: bool,
}

impl Form {
    /// The form with the values of `pairs` (as given) and `filter` (as parsed).
    pub fn new(
        pairs: &[(String, String)],
        filter: &Filter,
        sort: Sort,
        lang: Lang,
        action: &'static str,
        sortable: bool,
    ) -> Form {
        let t = lang.texts();
        let chosen = |name: &str, value: &str| given(pairs, name) == value;
        let areas = std::iter::once(Choice {
            value: String::new(),
            label: t.all_areas.into(),
            selected: given(pairs, "category").is_empty(),
        })
        .chain(Area::ALL.into_iter().map(|a| Choice {
            value: a.slug().into(),
            label: match a.parent() {
                Some(_) => format!("– {}", lang.area(a)),
                None => lang.area(a).into(),
            },
            selected: filter.area == Some(a),
        }))
        .collect();
        let voivodeships = std::iter::once(Choice {
            value: String::new(),
            label: t.all_voivodeships.into(),
            selected: filter.voivodeship.is_none(),
        })
        .chain(
            crate::gazetteer::Gazetteer::bundled()
                .voivodeships()
                .map(|v| Choice {
                    value: v.teryt.into(),
                    label: v.name.into(),
                    selected: filter.voivodeship.as_deref() == Some(v.teryt),
                }),
        )
        .collect();
        let unit_types = std::iter::once(Choice {
            value: String::new(),
            label: t.all_unit_types.into(),
            selected: filter.unit_type.is_none(),
        })
        .chain(UnitType::ALL.into_iter().map(|u| Choice {
            value: u.label().into(),
            label: u.label().into(),
            selected: filter.unit_type == Some(u),
        }))
        .collect();
        let sorts = Sort::ALL
            .into_iter()
            .map(|s| Choice {
                value: s.value().into(),
                label: s.label(t).into(),
                selected: chosen("sort", s.value())
                    || (s == Sort::Dataset && sort == Sort::Dataset),
            })
            .collect();
        Form {
            action,
            q: given(pairs, "q").into(),
            powiat: given(pairs, "powiat").into(),
            gmina: given(pairs, "gmina").into(),
            year_from: given(pairs, "year_from").into(),
            year_to: given(pairs, "year_to").into(),
            near: given(pairs, "near").into(),
            radius_km: given(pairs, "radius_km").into(),
            areas,
            voivodeships,
            unit_types,
            sorts: if sortable { sorts } else { Vec::new() },
            english: lang == Lang::En,
        }
    }
}

/// The page.
#[derive(Template)]
#[template(path = "pages/list.html")]
pub struct ListPage {
    /// The frame.
    pub head: Head,
    /// Sentences.
    pub t: &'static Texts,
    /// The filters' form.
    pub form: Form,
    /// The result's summary (`12 345 practices`).
    pub summary: String,
    /// Where `near` was placed.
    pub near_note: String,
    /// The rows of this page.
    pub rows: Vec<Row>,
    /// "Page 2 of 9".
    pub page_note: String,
    /// The previous page's link.
    pub previous: Option<String>,
    /// The next page's link.
    pub next: Option<String>,
    /// The map with these filters.
    pub map_href: String,
    /// The Atom feed of these filters.
    pub atom_href: String,
    /// The RSS feed of these filters.
    pub rss_href: String,
}

/// `GET /praktyki`.
pub async fn list(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let base = super::origin(&state, &headers);
    let lang = lang_of(raw.as_deref());
    let path = match &raw {
        Some(r) if !r.is_empty() => format!("/praktyki?{r}"),
        _ => "/praktyki".to_string(),
    };
    let q = match ListQuery::parse(raw.as_deref()) {
        Ok(q) => q,
        Err(e) => return refused(&base, &path, lang, e),
    };
    let pairs = q.pairs.clone();
    let And(And(filters, options), lang_param) = q.params;
    let lang = lang_param.get();
    let (mut filter, near) = match filters.to_filter(state.gazetteer, None) {
        Ok(f) => f,
        Err(e) => return refused(&base, &path, lang, e),
    };
    let sort = options.sort.unwrap_or(Sort::Dataset);
    filter.sort = sort.keys();
    let page = options.page.map_or(1, |p| p.get());
    let view = state.live.current();
    let key = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    page_answer(&state, &headers, &view, &["list", &key], HTML, |base| {
        let matches = view.query(&filter);
        let total = matches.len();
        let pages = total.div_ceil(PER_PAGE).max(1);
        let start = (page - 1).saturating_mul(PER_PAGE);
        let rows = matches
            .items
            .iter()
            .skip(start)
            .take(PER_PAGE)
            .map(|m| {
                let p = view.practice(m.id);
                Row {
                    href: with_lang(&practice_path(&p.id, &p.title), lang),
                    place: short_place(&p),
                    area: lang.area_path(p.area),
                    year: p.year().map(|y| y.to_string()).unwrap_or_default(),
                    title: p.title,
                }
            })
            .collect();
        render(&list_page(
            base,
            &pairs,
            &filter,
            near.as_ref(),
            sort,
            lang,
            total,
            page,
            pages,
            rows,
        ))
    })
    .unwrap_or_else(IntoResponse::into_response)
}

/// The language a raw query asks for (for the error page of a query that
/// does not parse).
pub fn lang_of(raw: Option<&str>) -> Lang {
    let en = raw
        .and_then(|r| serde_urlencoded::from_str::<Vec<(String, String)>>(r).ok())
        .is_some_and(|p| p.iter().any(|(k, v)| k == "lang" && v == "en"));
    if en { Lang::En } else { Lang::Pl }
}

/// The value of a parameter as given.
fn given<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

/// The filter pairs (without `page`, `sort`, `lang`), for links.
pub fn filter_pairs(pairs: &[(String, String)]) -> Vec<(&str, &str)> {
    pairs
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "page" | "sort" | "lang"))
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn list_page(
    base: &str,
    pairs: &[(String, String)],
    filter: &Filter,
    near: Option<&NearEcho>,
    sort: Sort,
    lang: Lang,
    total: usize,
    page: usize,
    pages: usize,
    rows: Vec<Row>,
) -> ListPage {
    let t = lang.texts();
    let filters = filter_pairs(pairs);
    let plain_link = |p: usize| {
        let mut v = filters.clone();
        let ps = p.to_string();
        if sort != Sort::Dataset {
            v.push(("sort", sort.value()));
        }
        if p > 1 {
            v.push(("page", &ps));
        }
        format!("/praktyki{}", query_string(v))
    };
    let link_to = |p: usize| with_lang(&plain_link(p), lang);
    let canonical_path = plain_link(page);
    let filter_query = query_string(filters.iter().copied());
    let mut head = Head::new(
        base,
        &canonical_path,
        lang,
        match page {
            1 => format!("{} – {}", t.list, t.site),
            n => format!("{} ({} {n}) – {}", t.list, page_word(lang), t.site),
        },
        t.list_description.to_string(),
    );
    head.feeds = feeds(base, &filter_query, lang);
    let form = Form::new(pairs, filter, sort, lang, "/praktyki", true);
    let summary = format!("{}: {}", t.found, number(total, lang));
    let near_note = near
        .map(|n| match lang {
            Lang::Pl => format!("„{}” umieszczono w miejscu: {}.", n.query, n.name),
            Lang::En => format!("“{}” was placed at {}.", n.query, n.name),
        })
        .unwrap_or_default();
    let page_note = t
        .page_of
        .replace("{n}", &number(page, lang))
        .replace("{m}", &number(pages, lang));
    ListPage {
        head,
        t,
        form,
        summary,
        near_note,
        rows,
        page_note,
        previous: (page > 1).then(|| link_to(page.min(pages + 1) - 1)),
        next: (page < pages).then(|| link_to(page + 1)),
        map_href: map_link(filter, pairs, lang),
        atom_href: with_lang(&format!("/praktyki.atom{filter_query}"), lang),
        rss_href: with_lang(&format!("/praktyki.rss{filter_query}"), lang),
    }
}

fn page_word(lang: Lang) -> &'static str {
    match lang {
        Lang::Pl => "strona",
        Lang::En => "page",
    }
}

/// The map page with the same filters, in the map's own parameter names.
fn map_link(filter: &Filter, pairs: &[(String, String)], lang: Lang) -> String {
    let years = (
        filter.year_from.map(|y| y.to_string()).unwrap_or_default(),
        filter.year_to.map(|y| y.to_string()).unwrap_or_default(),
    );
    let v = vec![
        ("area", filter.area.map_or("", |a| a.slug())),
        ("woj", filter.voivodeship.as_deref().unwrap_or("")),
        ("pow", filter.powiat.as_deref().unwrap_or("")),
        ("gmi", filter.gmina.as_deref().unwrap_or("")),
        ("ut", filter.unit_type.map_or("", |u| u.label())),
        ("yf", years.0.as_str()),
        ("yt", years.1.as_str()),
        ("q", given(pairs, "q")),
        ("near", given(pairs, "near")),
        ("r", given(pairs, "radius_km")),
    ];
    with_lang(&format!("/{}", query_string(v)), lang)
}

/// A parsed filter, the pairs as given, and the language.
pub type Parsed = (Filter, Vec<(String, String)>, Lang);

/// The list's filters and language alone (the feeds' parameters).
pub fn parse_filters(state: &AppState, raw: Option<&str>) -> Result<Parsed, ApiError> {
    let q = Query::<And<Filters, LangParam>>::parse(raw)?;
    let pairs = q.pairs;
    let And(filters, lang) = q.params;
    let (filter, _) = filters.to_filter(state.gazetteer, None)?;
    Ok((filter, pairs, lang.get()))
}
