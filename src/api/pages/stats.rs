//! `/statystyki`: the matches of the list's filters counted per voivodeship,
//! powiat, gmina, year and area, each as an SVG chart (maps for
//! voivodeships and powiats) with the numbers beside it as a table, and
//! each as a CSV file (`/statystyki.csv?by=…` with the same filters).

use std::collections::HashMap;

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::IntoParams;

use super::list::{Form, Sort, filter_pairs, lang_of};
use super::{
    HTML, Head, Lang, LangParam, Texts, number, page_answer, query_string, refused, render, svg,
    with_lang,
};
use crate::api::error::ApiError;
use crate::api::extract::{And, Query, query_params};
use crate::api::practices::params::Filters;
use crate::api::state::AppState;
use crate::api::values::{ParamValue, deserialize_by_parse};
use crate::gazetteer::AdminLevel;
use crate::live::View;
use crate::practice::Area;
use crate::query::Filter;

/// Rows of the powiat and gmina tables on the page (the CSV has all).
pub const TABLE_ROWS: usize = 30;

/// What a table counts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    /// Voivodeship.
    Voivodeship,
    /// Powiat.
    Powiat,
    /// Gmina.
    Gmina,
    /// Year.
    Year,
    /// Area.
    Area,
}

impl By {
    /// Every table, in the page's order.
    pub const ALL: [By; 5] = [By::Voivodeship, By::Powiat, By::Gmina, By::Year, By::Area];

    /// The parameter's value.
    pub fn value(self) -> &'static str {
        match self {
            By::Voivodeship => "voivodeship",
            By::Powiat => "powiat",
            By::Gmina => "gmina",
            By::Year => "year",
            By::Area => "area",
        }
    }

    fn heading(self, t: &Texts) -> &'static str {
        match self {
            By::Voivodeship => t.by_voivodeship,
            By::Powiat => t.by_powiat,
            By::Gmina => t.by_gmina,
            By::Year => t.by_year,
            By::Area => t.by_area,
        }
    }

    /// The CSV's file name.
    fn file(self) -> &'static str {
        match self {
            By::Voivodeship => "praktyki-wg-wojewodztw.csv",
            By::Powiat => "praktyki-wg-powiatow.csv",
            By::Gmina => "praktyki-wg-gmin.csv",
            By::Year => "praktyki-wg-lat.csv",
            By::Area => "praktyki-wg-obszarow.csv",
        }
    }
}

impl ParamValue for By {
    fn parse(v: &str) -> Result<By, String> {
        By::ALL
            .into_iter()
            .find(|b| b.value() == v)
            .ok_or_else(|| "must be voivodeship, powiat, gmina, year or area".into())
    }
}

deserialize_by_parse!(By);

/// The table of the CSV.
#[derive(Debug, IntoParams, Deserialize)]
#[into_params(parameter_in = Query)]
pub struct ByParam {
    /// voivodeship, powiat, gmina, year or area
    #[param(value_type = String)]
    pub by: Option<By>,
}

query_params!(ByParam);

/// One counted row: code (TERYT, year or area slug), name, count.
#[derive(Debug, Clone, PartialEq)]
pub struct Count {
    /// TERYT code, year, or area slug.
    pub code: String,
    /// Name.
    pub name: String,
    /// Practices.
    pub count: usize,
}

/// Every count of one filter.
pub struct Counts {
    /// Matches.
    pub total: usize,
    /// Per table, largest first (years and areas in their own order).
    pub tables: Vec<(By, Vec<Count>)>,
}

/// Counts the matches of `filter` every way.
pub fn count(view: &View, filter: &Filter, lang: Lang) -> Counts {
    let rows = view.matching(filter);
    let unit = |level| {
        let mut v: Vec<Count> = view
            .unit_counts(&rows, level)
            .into_iter()
            .map(|(code, name, count)| Count { code, name, count })
            .collect();
        v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.code.cmp(&b.code)));
        v
    };
    let mut years: HashMap<Option<i32>, usize> = HashMap::new();
    let mut areas = [0usize; Area::ALL.len()];
    for &i in &rows {
        *years.entry(view.year(i)).or_default() += 1;
        areas[view.area(i) as usize] += 1;
    }
    let mut years: Vec<(Option<i32>, usize)> = years.into_iter().collect();
    years.sort_by_key(|(y, _)| y.map_or(i32::MAX, |y| y));
    let t = lang.texts();
    let years = years
        .into_iter()
        .map(|(y, n)| Count {
            code: y.map(|y| y.to_string()).unwrap_or_default(),
            name: y.map_or_else(|| t.no_year.to_string(), |y| y.to_string()),
            count: n,
        })
        .collect();
    let areas = Area::ALL
        .into_iter()
        .map(|a| Count {
            code: a.slug().into(),
            name: lang.area_path(a),
            count: areas[a as usize],
        })
        .collect();
    Counts {
        total: rows.len(),
        tables: vec![
            (By::Voivodeship, unit(AdminLevel::Voivodeship)),
            (By::Powiat, unit(AdminLevel::Powiat)),
            (By::Gmina, unit(AdminLevel::Gmina)),
            (By::Year, years),
            (By::Area, areas),
        ],
    }
}

/// A table row as shown.
pub struct ShownRow {
    /// Its name.
    pub name: String,
    /// Its code, when it has one.
    pub code: String,
    /// Practices.
    pub count: String,
    /// Share of the matches.
    pub share: String,
}

/// A section of the page.
pub struct Section {
    /// Its anchor.
    pub id: &'static str,
    /// Its heading.
    pub heading: &'static str,
    /// The chart or map (SVG from `svg.rs`).
    pub chart: String,
    /// A note under the chart.
    pub note: String,
    /// The rows.
    pub rows: Vec<ShownRow>,
    /// The CSV's address.
    pub csv_href: String,
    /// Whether the code column is shown.
    pub codes: bool,
}

/// The page.
#[derive(Template)]
#[template(path = "pages/stats.html")]
pub struct StatsPage {
    /// The frame.
    pub head: Head,
    /// Sentences.
    pub t: &'static Texts,
    /// The filters' form.
    pub form: Form,
    /// "Practices found: n".
    pub summary: String,
    /// The sections.
    pub sections: Vec<Section>,
}

/// `GET /statystyki`.
pub async fn page(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let base = super::origin(&state, &headers);
    let path = "/statystyki";
    let q = match Query::<And<Filters, LangParam>>::parse(raw.as_deref()) {
        Ok(q) => q,
        Err(e) => return refused(&base, path, lang_of(raw.as_deref()), e),
    };
    let pairs = q.pairs;
    let And(filters, lang) = q.params;
    let lang = lang.get();
    let filter = match filters.to_filter(state.gazetteer, None) {
        Ok((f, _)) => f,
        Err(e) => return refused(&base, path, lang, e),
    };
    let view = state.live.current_full();
    let key = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    let g = state.gazetteer;
    let state2 = state.clone();
    let work = tokio::task::spawn_blocking(move || {
        page_answer(&state2, &headers, &view, &["stats", &key], HTML, |base| {
            let counts = count(&view, &filter, lang);
            render(&stats_page(g, base, &pairs, &filter, lang, &counts))
        })
    });
    match work.await {
        Ok(r) => r.unwrap_or_else(IntoResponse::into_response),
        Err(e) => ApiError::Internal(format!("statistics: {e}")).into_response(),
    }
}

fn stats_page(
    g: &'static crate::gazetteer::Gazetteer,
    base: &str,
    pairs: &[(String, String)],
    filter: &Filter,
    lang: Lang,
    counts: &Counts,
) -> StatsPage {
    let t = lang.texts();
    let filters = filter_pairs(pairs);
    let filter_query = query_string(filters.iter().copied());
    let mut head = Head::new(
        base,
        &format!("/statystyki{filter_query}"),
        lang,
        format!("{} – {}", t.stats, t.site),
        t.stats_description.into(),
    );
    head.feeds = super::practice::feeds(base, &filter_query, lang);
    let share = |n: usize| {
        let pct = if counts.total == 0 {
            0.0
        } else {
            n as f64 * 100.0 / counts.total as f64
        };
        let s = format!("{pct:.1}\u{a0}%");
        if lang == Lang::Pl {
            s.replace('.', ",")
        } else {
            s
        }
    };
    let sections = counts
        .tables
        .iter()
        .map(|(by, rows)| {
            let lookup: HashMap<&str, usize> =
                rows.iter().map(|r| (r.code.as_str(), r.count)).collect();
            let names: HashMap<&str, &str> = rows
                .iter()
                .map(|r| (r.code.as_str(), r.name.as_str()))
                .collect();
            let title = format!("{}: {}", t.count, by.heading(t).to_lowercase());
            let (chart, note, limit) = match by {
                By::Voivodeship => (
                    svg::voivodeship_map(g, |c| lookup.get(c).copied().unwrap_or(0), &title)
                        + &svg::bars(&bars(rows, usize::MAX), &title),
                    t.legend.to_string(),
                    usize::MAX,
                ),
                By::Powiat => (
                    svg::powiat_map(
                        g,
                        |c| lookup.get(c).copied().unwrap_or(0),
                        |c| names.get(c).map(|n| n.to_string()),
                        &title,
                    ),
                    format!("{} {} {}", t.legend, t.powiat_map_note, t.top_rows),
                    TABLE_ROWS,
                ),
                By::Gmina => (
                    svg::bars(&bars(rows, 20), &title),
                    t.top_rows.to_string(),
                    TABLE_ROWS,
                ),
                By::Year | By::Area => (
                    svg::bars(&bars(rows, usize::MAX), &title),
                    String::new(),
                    usize::MAX,
                ),
            };
            let mut csv_pairs = filters.clone();
            csv_pairs.push(("by", by.value()));
            Section {
                id: by.value(),
                heading: by.heading(t),
                chart,
                note,
                rows: rows
                    .iter()
                    .take(limit)
                    .map(|r| ShownRow {
                        name: r.name.clone(),
                        code: r.code.clone(),
                        count: number(r.count, lang),
                        share: share(r.count),
                    })
                    .collect(),
                csv_href: with_lang(&format!("/statystyki.csv{}", query_string(csv_pairs)), lang),
                codes: matches!(by, By::Voivodeship | By::Powiat | By::Gmina),
            }
        })
        .collect();
    StatsPage {
        head,
        t,
        form: Form::new(pairs, filter, Sort::Dataset, lang, "/statystyki", false),
        summary: format!("{}: {}", t.found, number(counts.total, lang)),
        sections,
    }
}

fn bars(rows: &[Count], n: usize) -> Vec<svg::Bar<'_>> {
    rows.iter()
        .take(n)
        .map(|r| svg::Bar {
            label: &r.name,
            value: r.count,
        })
        .collect()
}

/// `GET /statystyki.csv?by=…`: one table, every row, headers in Polish
/// (`lang=en`: English).
pub async fn csv(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    match csv_answer(&state, raw.as_deref(), &headers).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

async fn csv_answer(
    state: &AppState,
    raw: Option<&str>,
    headers: &HeaderMap,
) -> Result<Response, ApiError> {
    let q = Query::<And<And<Filters, ByParam>, LangParam>>::parse(raw)?;
    let key = q.key();
    let And(And(filters, by), lang) = q.params;
    let by = by.by.ok_or_else(|| {
        ApiError::invalid("by", "missing: voivodeship, powiat, gmina, year or area")
    })?;
    let lang = lang.get();
    let (filter, _) = filters.to_filter(state.gazetteer, None)?;
    let view = state.live.current_full();
    let state2 = state.clone();
    let headers = headers.clone();
    let mut r = tokio::task::spawn_blocking(move || {
        page_answer(
            &state2,
            &headers,
            &view,
            &["stats.csv", &key],
            "text/csv; charset=utf-8; header=present",
            |_| {
                let counts = count(&view, &filter, lang);
                let rows = counts
                    .tables
                    .into_iter()
                    .find(|(b, _)| *b == by)
                    .map(|(_, r)| r)
                    .unwrap_or_default();
                csv_body(by, &rows, lang)
            },
        )
    })
    .await
    .map_err(|e| ApiError::Internal(format!("statistics: {e}")))??;
    if let Ok(v) = format!("attachment; filename=\"{}\"", by.file()).parse() {
        r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(r)
}

/// A table as CSV.
pub fn csv_body(by: By, rows: &[Count], lang: Lang) -> Result<Vec<u8>, ApiError> {
    let head: [&str; 3] = match (by, lang) {
        (By::Year, Lang::Pl) => ["rok", "opis", "liczba_praktyk"],
        (By::Year, Lang::En) => ["year", "label", "practices"],
        (By::Area, Lang::Pl) => ["obszar", "nazwa", "liczba_praktyk"],
        (By::Area, Lang::En) => ["area", "name", "practices"],
        (_, Lang::Pl) => ["teryt", "nazwa", "liczba_praktyk"],
        (_, Lang::En) => ["teryt", "name", "practices"],
    };
    let mut w = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| ApiError::Internal(format!("writing CSV: {e}"));
    w.write_record(head).map_err(fail)?;
    for r in rows {
        w.write_record([
            crate::csv_out::neutralise(&r.code).as_ref(),
            crate::csv_out::neutralise(&r.name).as_ref(),
            &r.count.to_string(),
        ])
        .map_err(fail)?;
    }
    w.into_inner()
        .map_err(|e| ApiError::Internal(format!("writing CSV: {e}")))
}
