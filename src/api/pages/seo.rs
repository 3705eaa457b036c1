//! What search engines and operators read: `sitemap.xml` (streamed; past
//! [`PER_PART`] addresses a sitemap index of parts `/sitemap/{n}.xml`),
//! `robots.txt`, and the accessibility statement ("Deklaracja
//! dostępności") in the form Polish public bodies publish it.

use std::io::Write;
use std::sync::OnceLock;

use askama::Template;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::{HTML, Head, Lang, LangParam, Texts, page_answer, practice_path, render};
use crate::api::error::ApiError;
use crate::api::extract::{NoParams, PathParam, Query};
use crate::api::response::{CachePolicy, etag_for};
use crate::api::state::AppState;
use crate::live::View;

/// Practice addresses in one sitemap (the protocol allows 50,000; the
/// first part also lists the site's own pages).
pub const PER_PART: usize = 49_000;

/// The site's own pages, listed in the first part.
const PAGES: [&str; 4] = ["/", "/praktyki", "/statystyki", "/deklaracja-dostepnosci"];

const XML: &str = "application/xml; charset=utf-8";

/// `GET /sitemap.xml`: every page, or the index of the parts.
pub async fn sitemap(
    State(state): State<AppState>,
    _: Query<NoParams>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let view = state.live.current_full();
    let parts = view.len().div_ceil(PER_PART).max(1);
    if parts == 1 {
        return streamed(&state, &headers, view, 0, "sitemap");
    }
    page_answer(&state, &headers, &view, &["sitemap-index"], XML, |base| {
        let mut out = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
        );
        for n in 1..=parts {
            out.push_str(&format!(
                "<sitemap><loc>{}/sitemap/{n}.xml</loc></sitemap>\n",
                super::svg::esc(base)
            ));
        }
        out.push_str("</sitemapindex>\n");
        Ok(out.into_bytes())
    })
}

/// `GET /sitemap/{n}.xml`: part `n` (from 1) of a split sitemap.
pub async fn sitemap_part(
    State(state): State<AppState>,
    PathParam(file): PathParam<String>,
    _: Query<NoParams>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let view = state.live.current_full();
    let parts = view.len().div_ceil(PER_PART).max(1);
    let n = file
        .strip_suffix(".xml")
        .and_then(|n| n.parse::<usize>().ok())
        .filter(|n| (1..=parts).contains(n))
        .ok_or_else(|| {
            ApiError::NotFound(format!(
                "no sitemap part {file:?}; the parts are 1.xml to {parts}.xml"
            ))
        })?;
    streamed(&state, &headers, view, n - 1, "sitemap-part")
}

/// A `urlset` of part `part` (from 0), written on a blocking thread in
/// pieces as the practices are read; it holds a download permit while it
/// is sent.
fn streamed(
    state: &AppState,
    headers: &HeaderMap,
    view: std::sync::Arc<View>,
    part: usize,
    key: &str,
) -> Result<Response, ApiError> {
    let permit = state.downloads.clone().try_acquire_owned().map_err(|_| {
        ApiError::Busy(format!(
            "{} full downloads are already being served; try again in a few seconds",
            state.config.max_downloads
        ))
    })?;
    let base = super::origin(state, headers);
    let etag = etag_for(&view, &[key, &base, &part.to_string()]);
    let mut resp =
        crate::api::response::cached(headers, etag, XML, CachePolicy::Dataset, &[], || {
            Ok(Vec::new())
        })?;
    if resp.status() == StatusCode::OK {
        let mut rx =
            crate::download::spawn(permit, view, move |w, v| write_urlset(w, v, &base, part));
        *resp.body_mut() =
            Body::from_stream(futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx)));
    }
    Ok(resp)
}

/// Writes part `part` of the sitemap.
pub fn write_urlset(
    w: &mut impl Write,
    view: &View,
    base: &str,
    part: usize,
) -> std::io::Result<()> {
    let base = super::svg::esc(base);
    w.write_all(
        b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    )?;
    if part == 0 {
        for p in PAGES {
            writeln!(w, "<url><loc>{base}{p}</loc></url>")?;
        }
    }
    for i in view.ids().skip(part * PER_PART).take(PER_PART) {
        let p = view.practice(i);
        let path = super::svg::esc(&practice_path(&p.id, &p.title));
        match p.date_updated.or(p.date_added) {
            Some(d) => writeln!(
                w,
                "<url><loc>{base}{path}</loc><lastmod>{d}</lastmod></url>"
            )?,
            None => writeln!(w, "<url><loc>{base}{path}</loc></url>")?,
        }
    }
    w.write_all(b"</urlset>\n")?;
    w.flush()
}

/// `GET /robots.txt`.
pub async fn robots(
    State(state): State<AppState>,
    _: Query<NoParams>,
    headers: HeaderMap,
) -> Response {
    let base = super::origin(&state, &headers);
    let body = format!(
        "# The pages of practices, the list and the statistics are for everyone;\n\
# the API's answers repeat them in other shapes.\n\
User-agent: *\nAllow: /\nDisallow: /api/\nDisallow: /ogc/\n\nSitemap: {base}/sitemap.xml\n"
    );
    crate::api::response::with_type(body, "text/plain; charset=utf-8", CachePolicy::PerClient)
}

/// What only the operator knows for the statement, from the environment
/// (`MAPA_DEKLARACJA_*`), read once.
#[derive(Debug, Default, Clone)]
pub struct Operator {
    /// The public body running the service.
    pub body: Option<String>,
    /// Who answers about accessibility.
    pub person: Option<String>,
    /// Their e-mail.
    pub email: Option<String>,
    /// Their phone.
    pub phone: Option<String>,
    /// When the site was published (`RRRR-MM-DD`).
    pub published: Option<String>,
    /// Its last significant update.
    pub updated: Option<String>,
    /// When the statement was prepared.
    pub prepared: Option<String>,
}

impl Operator {
    /// The operator's values, read once from `MAPA_DEKLARACJA_PODMIOT`,
    /// `_OSOBA`, `_EMAIL`, `_TELEFON`, `_DATA_PUBLIKACJI`,
    /// `_DATA_AKTUALIZACJI`, `_DATA_SPORZADZENIA`.
    pub fn from_env() -> &'static Operator {
        static OP: OnceLock<Operator> = OnceLock::new();
        OP.get_or_init(|| {
            let v = |k: &str| {
                std::env::var(format!("MAPA_DEKLARACJA_{k}"))
                    .ok()
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
            };
            Operator {
                body: v("PODMIOT"),
                person: v("OSOBA"),
                email: v("EMAIL"),
                phone: v("TELEFON"),
                published: v("DATA_PUBLIKACJI"),
                updated: v("DATA_AKTUALIZACJI"),
                prepared: v("DATA_SPORZADZENIA"),
            }
        })
    }
}

/// The statement.
#[derive(Template)]
#[template(path = "pages/declaration.html")]
pub struct Declaration {
    /// The frame.
    pub head: Head,
    /// Sentences.
    pub t: &'static Texts,
    /// The body, or the note that the operator has not named it.
    pub body: String,
    /// The site's address.
    pub site: String,
    /// The contact person.
    pub person: String,
    /// E-mail.
    pub email: String,
    /// Phone.
    pub phone: String,
    /// Dates.
    pub published: String,
    /// Last update.
    pub updated: String,
    /// Prepared on.
    pub prepared: String,
    /// In English.
    pub english: bool,
}

/// `GET /deklaracja-dostepnosci`.
pub async fn declaration(
    State(state): State<AppState>,
    q: Result<Query<LangParam>, ApiError>,
    headers: HeaderMap,
) -> Response {
    let base = super::origin(&state, &headers);
    let path = "/deklaracja-dostepnosci";
    let lang = match q {
        Ok(q) => q.params.get(),
        Err(e) => return super::refused(&base, path, Lang::Pl, e),
    };
    let t = lang.texts();
    let op = Operator::from_env();
    let unset = match lang {
        Lang::Pl => "nie podano (operator serwisu podaje je w ustawieniach)",
        Lang::En => "not given (the operator of the service sets it)",
    };
    let or = |v: &Option<String>| v.clone().unwrap_or_else(|| unset.to_string());
    let page = Declaration {
        head: Head::new(
            &base,
            path,
            lang,
            format!("{} – {}", t.declaration, t.site),
            match lang {
                Lang::Pl => "Deklaracja dostępności serwisu z mapą i listą dobrych praktyk samorządowych.".into(),
                Lang::En => "The accessibility statement of the map and list of local-government good practices.".into(),
            },
        ),
        t,
        body: or(&op.body),
        site: base.clone(),
        person: or(&op.person),
        email: or(&op.email),
        phone: or(&op.phone),
        published: or(&op.published),
        updated: or(&op.updated),
        prepared: or(&op.prepared),
        english: lang == Lang::En,
    };
    match render(&page) {
        Ok(body) => crate::api::response::with_type(body, HTML, CachePolicy::PerClient),
        Err(e) => e.into_response(),
    }
}
