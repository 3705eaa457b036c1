//! The people's pages, rendered on the server and readable without
//! JavaScript: a page per practice (`/praktyki/{id}-{slug}`), the list with
//! the map's filters (`/praktyki`), its Atom and RSS feeds, the statistics
//! (`/statystyki`), and what search engines and operators read (`sitemap.xml`,
//! `robots.txt`, the accessibility statement, 404 and 410 pages).
//!
//! ```text
//! mod.rs       routes(), the language, the page head, HTML answers, 400/404/410
//! text.rs      every sentence of the pages, in Polish and English
//! practice.rs  /praktyki/{id}-{slug}: one practice; old addresses redirected
//! list.rs      /praktyki: the list, its form, paging and sorting
//! feeds.rs     /praktyki.atom, /praktyki.rss
//! stats.rs     /statystyki and its CSV files
//! svg.rs       charts and maps as SVG (the only SVG writer)
//! seo.rs       sitemap.xml (streamed, split), robots.txt, the declaration
//! ```
//!
//! HTML is written only by the templates in `templates/pages/` (askama,
//! compiled into the binary, escaped by default) and SVG only by `svg.rs`.
//! The filters are the map's: [`crate::api::practices::params::Filters`],
//! parsed and turned into a query the same way as `/api/practices`. Every
//! answer reads `state.live.current()`: only published practices, their
//! public view (people's contacts as the operator's setting says).

/// Atom and RSS feeds of newly added practices for any filter of the list.
pub mod feeds;
/// The list of practices: the map's filters as a form, paged and sortable.
pub mod list;
/// One practice's page, and the redirects of its other addresses.
pub mod practice;
/// `sitemap.xml`, `robots.txt` and the accessibility statement.
pub mod seo;
/// Counts per voivodeship, powiat, gmina, year and area; charts, tables, CSV.
pub mod stats;
/// SVG charts and maps.
pub mod svg;
/// The pages' sentences in Polish and English.
pub mod text;

use askama::Template;
use axum::Router;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use utoipa::IntoParams;

use super::error::ApiError;
use super::extract::query_params;
use super::origin::base_url;
use super::response::{CachePolicy, etag_for};
use super::state::AppState;
use super::values::{ParamValue, deserialize_by_parse};
use crate::db::Store;
use crate::live::View;
pub use text::{Lang, Texts};

/// The store of record, when there is one: the practice pages ask it whether
/// an unknown id was archived (410) rather than never public (404).
#[derive(Clone)]
pub struct PagesStore(pub Option<Store>);

/// The pages' routes, merged into the application's router.
pub fn routes(store: Option<Store>) -> Router<AppState> {
    Router::new()
        .route("/praktyki", get(list::list))
        .route("/praktyki.atom", get(feeds::atom))
        .route("/praktyki.rss", get(feeds::rss))
        .route("/praktyki/{key}", get(practice::page))
        .route("/statystyki", get(stats::page))
        .route("/statystyki.csv", get(stats::csv))
        .route("/sitemap.xml", get(seo::sitemap))
        .route("/sitemap/{file}", get(seo::sitemap_part))
        .route("/robots.txt", get(seo::robots))
        .route("/deklaracja-dostepnosci", get(seo::declaration))
        .layer(axum::Extension(PagesStore(store)))
}

/// The `lang` parameter: `pl` (the default) or `en`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LangValue(pub Lang);

impl ParamValue for LangValue {
    fn parse(v: &str) -> Result<LangValue, String> {
        match v {
            "pl" => Ok(LangValue(Lang::Pl)),
            "en" => Ok(LangValue(Lang::En)),
            _ => Err("must be pl or en".into()),
        }
    }
}

deserialize_by_parse!(LangValue);

/// The language of a page.
#[derive(Debug, IntoParams, Deserialize)]
#[into_params(parameter_in = Query)]
pub struct LangParam {
    /// `en` for the English version
    #[param(value_type = Option<String>)]
    pub lang: Option<LangValue>,
}

query_params!(LangParam);

impl LangParam {
    /// The language asked for.
    pub fn get(&self) -> Lang {
        self.lang.map_or(Lang::Pl, |l| l.0)
    }
}

/// A link in the head: an alternate language or a feed.
#[derive(Debug, Clone)]
pub struct HeadLink {
    /// `hreflang` or the feed's MIME type.
    pub kind: String,
    /// Its title (feeds).
    pub title: String,
    /// Absolute address.
    pub href: String,
}

/// What every page's `<head>` and frame carry.
#[derive(Debug, Clone)]
pub struct Head {
    /// `<title>`.
    pub title: String,
    /// Meta description.
    pub description: String,
    /// The canonical absolute address.
    pub canonical: String,
    /// The same page in each language (`hreflang`).
    pub languages: Vec<HeadLink>,
    /// Feeds of this page's practices.
    pub feeds: Vec<HeadLink>,
    /// OpenGraph type (`website`, `article`).
    pub og_type: &'static str,
    /// The page in the other language, relative (the switch in the header).
    pub other_language: String,
    /// Kept out of search engines (error pages).
    pub noindex: bool,
}

impl Head {
    /// A head for `path` (with its query, `lang` left out) in `lang`.
    pub fn new(
        base: &str,
        path_and_query: &str,
        lang: Lang,
        title: String,
        description: String,
    ) -> Head {
        let with = |l: Lang| with_lang(path_and_query, l);
        Head {
            title,
            description,
            canonical: format!("{base}{}", with(lang)),
            languages: [Lang::Pl, Lang::En]
                .into_iter()
                .map(|l| HeadLink {
                    kind: l.code().into(),
                    title: String::new(),
                    href: format!("{base}{}", with(l)),
                })
                .collect(),
            feeds: Vec::new(),
            og_type: "website",
            other_language: with(lang.other()),
            noindex: false,
        }
    }
}

/// `path?query` with `lang=en` added for English.
pub fn with_lang(path_and_query: &str, lang: Lang) -> String {
    match lang {
        Lang::Pl => path_and_query.to_string(),
        Lang::En if path_and_query.contains('?') => format!("{path_and_query}&lang=en"),
        Lang::En => format!("{path_and_query}?lang=en"),
    }
}

/// The absolute origin of links for this request.
pub fn origin(state: &AppState, headers: &HeaderMap) -> String {
    base_url(headers, state.config.trust_forwarded)
}

/// How long pages may be kept: a shared cache may keep them unless their
/// links depend on a proxy's forwarded headers.
fn cache_policy(state: &AppState) -> CachePolicy {
    if state.config.trust_forwarded {
        CachePolicy::PerClient
    } else {
        CachePolicy::Dataset
    }
}

/// An answer of the dataset with an ETag over the view, the request's
/// origin and `key`; `body` runs only when the client's copy is stale.
pub fn page_answer(
    state: &AppState,
    headers: &HeaderMap,
    view: &View,
    key: &[&str],
    content_type: &'static str,
    body: impl FnOnce(&str) -> Result<Vec<u8>, ApiError>,
) -> Result<Response, ApiError> {
    let base = origin(state, headers);
    let mut parts = vec![base.as_str()];
    parts.extend_from_slice(key);
    super::response::cached(
        headers,
        etag_for(view, &parts),
        content_type,
        cache_policy(state),
        &[],
        || body(&base),
    )
}

/// The HTML content type.
pub const HTML: &str = "text/html; charset=utf-8";

/// Renders a template.
pub fn render(t: &impl Template) -> Result<Vec<u8>, ApiError> {
    t.render()
        .map(String::into_bytes)
        .map_err(|e| ApiError::Internal(format!("rendering a page: {e}")))
}

/// An HTML page with a status other than 200, never stored.
pub fn html_status(status: StatusCode, body: Vec<u8>) -> Response {
    let mut r = (status, body).into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(HTML));
    h.insert(header::CACHE_CONTROL, CachePolicy::NoStore.header());
    r
}

/// The page of an error: 400 (what was wrong with the query), 404 or 410.
#[derive(Template)]
#[template(path = "pages/error.html")]
pub struct ErrorPage<'a> {
    /// The frame.
    pub head: Head,
    /// Sentences.
    pub t: &'static Texts,
    /// The heading.
    pub heading: &'a str,
    /// What happened, in a sentence.
    pub message: String,
    /// The status code, shown.
    pub status: u16,
}

/// An HTML error page in `lang`.
pub fn error_page(
    base: &str,
    path: &str,
    lang: Lang,
    status: StatusCode,
    message: String,
) -> Response {
    let t = lang.texts();
    let heading = match status {
        StatusCode::NOT_FOUND => t.not_found,
        StatusCode::GONE => t.gone,
        _ => t.bad_request,
    };
    let mut head = Head::new(
        base,
        path,
        lang,
        format!("{heading} – {}", t.site),
        message.clone(),
    );
    head.noindex = true;
    let page = ErrorPage {
        head,
        t,
        heading,
        message,
        status: status.as_u16(),
    };
    match render(&page) {
        Ok(body) => html_status(status, body),
        Err(e) => e.into_response(),
    }
}

/// A refused query as an HTML 400 naming what was wrong (an `ApiError` of
/// another kind stays as it is).
pub fn refused(base: &str, path: &str, lang: Lang, e: ApiError) -> Response {
    match e {
        ApiError::BadRequest { message, .. } => {
            error_page(base, path, lang, StatusCode::BAD_REQUEST, message)
        }
        ApiError::NotFound(message) => {
            error_page(base, path, lang, StatusCode::BAD_REQUEST, message)
        }
        other => other.into_response(),
    }
}

/// A URL-safe slug of a title: folded (no diacritics, lower case), words
/// joined by `-`, at most [`SLUG_CHARS`] characters, cut between words.
pub fn slug(title: &str) -> String {
    let folded = crate::gazetteer::fold(title);
    let mut out = String::new();
    for word in folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if out.len() + word.len() + 1 > SLUG_CHARS {
            break;
        }
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(word);
    }
    out
}

/// What a practice id keeps as it is in an address: letters, digits, `-_.`.
pub const ID: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.');

/// The longest slug.
pub const SLUG_CHARS: usize = 60;

/// The address of a practice's page: `/praktyki/{id}-{slug}`, or
/// `/praktyki/{id}` when the title gives no slug.
pub fn practice_path(id: &str, title: &str) -> String {
    let id = percent_encoding::utf8_percent_encode(id, ID);
    match slug(title) {
        s if s.is_empty() => format!("/praktyki/{id}"),
        s => format!("/praktyki/{id}-{s}"),
    }
}

/// A query string of pairs, encoded, starting with `?` (empty when none).
pub fn query_string<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let pairs: Vec<(&str, &str)> = pairs.into_iter().filter(|(_, v)| !v.is_empty()).collect();
    if pairs.is_empty() {
        return String::new();
    }
    format!(
        "?{}",
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    )
}

/// A number with Polish or English digit grouping (`12 345`, `12,345`).
pub fn number(n: usize, lang: Lang) -> String {
    let digits = n.to_string();
    let sep = match lang {
        Lang::Pl => '\u{a0}',
        Lang::En => ',',
    };
    // Polish groups only numbers of five digits or more.
    if lang == Lang::Pl && digits.len() < 5 {
        return digits;
    }
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_folded_words_cut_between_words() {
        assert_eq!(
            slug("Łódź: Mieszkania chronione – program „Dom”"),
            "lodz-mieszkania-chronione-program-dom"
        );
        assert_eq!(slug("„”"), "");
        let long = slug(&"długie słowo ".repeat(20));
        assert!(long.len() <= SLUG_CHARS && !long.ends_with('-'), "{long}");
        assert_eq!(practice_path("bdp-1a", "Żółw"), "/praktyki/bdp-1a-zolw");
        assert_eq!(practice_path("a b", ""), "/praktyki/a%20b");
    }

    #[test]
    fn numbers_are_grouped_as_each_language_does() {
        assert_eq!(number(1234, Lang::Pl), "1234");
        assert_eq!(number(12345, Lang::Pl), "12\u{a0}345");
        assert_eq!(number(1234567, Lang::En), "1,234,567");
        assert_eq!(
            with_lang("/praktyki?q=a", Lang::En),
            "/praktyki?q=a&lang=en"
        );
        assert_eq!(query_string([("q", "a b"), ("x", "")]), "?q=a+b");
    }
}
