//! `/praktyki/{id}-{slug}`: a practice's own page. `/praktyki/{id}` and an
//! address with an old slug are redirected (301) to the canonical one; an
//! unknown id is 404, an archived practice 410.

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::{
    HTML, Head, HeadLink, Lang, LangParam, PagesStore, Texts, error_page, number, page_answer,
    practice_path, render, slug, svg, with_lang,
};
use crate::api::extract::{PathParam, Query};
use crate::api::state::AppState;
use crate::live::View;
use crate::practice::Practice;
use crate::query::{Filter, Near};

/// Practices listed under "nearby".
pub const NEARBY: usize = 6;
/// How far "nearby" reaches, km.
pub const NEARBY_KM: f64 = 50.0;

/// One line of the facts' list.
pub struct Fact {
    /// The label.
    pub label: &'static str,
    /// The value as text.
    pub value: String,
    /// A link, when the value is one.
    pub href: Option<String>,
}

/// A contact person as published.
pub struct ContactLine {
    /// Name, role.
    pub who: String,
    /// Phone and e-mail when published, or the note that they are withheld.
    pub reach: String,
}

/// A practice nearby.
pub struct NearItem {
    /// Its page.
    pub href: String,
    /// Its title.
    pub title: String,
    /// Its town, distance.
    pub note: String,
}

/// The page.
#[derive(Template)]
#[template(path = "pages/practice.html")]
pub struct PracticePage {
    /// The frame.
    pub head: Head,
    /// Sentences.
    pub t: &'static Texts,
    /// Title.
    pub title: String,
    /// Lead paragraph.
    pub lead: String,
    /// The full text's paragraphs.
    pub paragraphs: Vec<String>,
    /// The facts.
    pub facts: Vec<Fact>,
    /// Websites.
    pub websites: Vec<String>,
    /// Contact persons.
    pub contacts: Vec<ContactLine>,
    /// The location in words.
    pub location: String,
    /// The small map (SVG written by `svg.rs`), empty when not placed.
    pub map_svg: String,
    /// The map page focused on the practice.
    pub map_href: String,
    /// Practices nearby.
    pub nearby: Vec<NearItem>,
    /// The source's page, when known.
    pub source_href: Option<String>,
    /// The source as written.
    pub source: String,
    /// schema.org JSON-LD, escaped for a `<script>` element.
    pub json_ld: String,
}

/// `GET /praktyki/{key}`.
pub async fn page(
    State(state): State<AppState>,
    Extension(store): Extension<PagesStore>,
    PathParam(key): PathParam<String>,
    q: Result<Query<LangParam>, crate::api::error::ApiError>,
    headers: HeaderMap,
) -> Response {
    let base = super::origin(&state, &headers);
    let lang = match q {
        Ok(q) => q.params.get(),
        Err(e) => return super::refused(&base, &format!("/praktyki/{key}"), Lang::Pl, e),
    };
    let view = state.live.current_full();
    let Some(p) = find(&view, &key) else {
        let path = format!("/praktyki/{key}");
        let gone = match &store.0 {
            Some(s) => archived(s, &key).await,
            None => false,
        };
        return if gone {
            let msg = match lang {
                Lang::Pl => "Ta praktyka została wycofana z bazy i nie jest już publikowana.",
                Lang::En => {
                    "This practice has been withdrawn from the database and is no longer published."
                }
            };
            error_page(&base, &path, lang, StatusCode::GONE, msg.into())
        } else {
            let msg = match lang {
                Lang::Pl => format!("Nie ma opublikowanej praktyki o adresie „{key}”."),
                Lang::En => format!("There is no published practice at “{key}”."),
            };
            error_page(&base, &path, lang, StatusCode::NOT_FOUND, msg)
        };
    };
    let canonical = practice_path(&p.id, &p.title);
    let want = match slug(&p.title) {
        s if s.is_empty() => p.id.clone(),
        s => format!("{}-{s}", p.id),
    };
    if key != want {
        return redirect(&with_lang(&canonical, lang));
    }
    let publish = state.config.publish_personal;
    let answer = page_answer(
        &state,
        &headers,
        &view,
        &["practice", &p.id, lang.code(), &publish.to_string()],
        HTML,
        |base| {
            let public = p.public_view(publish);
            render(&practice_page(&view, state.gazetteer, &public, base, lang))
        },
    );
    answer.unwrap_or_else(IntoResponse::into_response)
}

/// The practice a key names: `{id}`, or `{id}-{slug}` with any slug.
fn find(view: &View, key: &str) -> Option<Practice> {
    if let Some(p) = view.by_id(key) {
        return Some(p);
    }
    key.match_indices('-')
        .find_map(|(i, _)| view.by_id(&key[..i]))
}

/// Whether the store holds the key's practice (or the id before a slug) as
/// archived.
async fn archived(store: &crate::db::Store, key: &str) -> bool {
    // At most the first few prefixes: a key of thousands of dashes must not
    // cost thousands of queries.
    let ids = std::iter::once(key).chain(key.match_indices('-').take(6).map(|(i, _)| &key[..i]));
    for id in ids {
        match store.is_archived(id).await {
            Ok(true) => return true,
            Ok(false) => {}
            Err(e) => {
                tracing::warn!(error = %e, "the store could not say whether {id:?} is archived");
                return false;
            }
        }
    }
    false
}

/// A permanent redirect.
fn redirect(to: &str) -> Response {
    let mut r = StatusCode::MOVED_PERMANENTLY.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    r
}

/// A place's parts, most precise first: town, gmina, powiat, voivodeship.
fn place_words(p: &Practice, t: &Texts) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(town) = &p.town {
        out.push(town.clone());
    }
    if let Some(g) = &p.admin.gmina {
        out.push(format!("{} {}", t.gmina.to_lowercase(), g.name));
    }
    if let Some(pw) = p
        .admin
        .powiat
        .as_ref()
        .map(|x| x.name.to_string())
        .or(p.powiat.clone())
    {
        out.push(format!("{} {pw}", t.powiat.to_lowercase()));
    }
    if let Some(v) = p
        .admin
        .voivodeship
        .as_ref()
        .map(|x| x.name.to_string())
        .or(p.voivodeship.clone())
    {
        out.push(format!("{} {v}", t.voivodeship.to_lowercase()));
    }
    out
}

/// A practice's town and place, short: `Oświęcim (małopolskie)`.
pub fn short_place(p: &Practice) -> String {
    let voiv = p
        .admin
        .voivodeship
        .as_ref()
        .map(|v| v.name.to_string())
        .or(p.voivodeship.clone());
    match (&p.town, voiv) {
        (Some(t), Some(v)) => format!("{t} ({v})"),
        (Some(t), None) => t.clone(),
        (None, Some(v)) => v,
        (None, None) => String::new(),
    }
}

fn practice_page(
    view: &View,
    g: &crate::gazetteer::Gazetteer,
    p: &Practice,
    base: &str,
    lang: Lang,
) -> PracticePage {
    let t = lang.texts();
    let path = practice_path(&p.id, &p.title);
    let place = place_words(p, t).join(", ");
    let lead = if p.summary.trim().is_empty() {
        first_sentences(&p.body)
    } else {
        p.summary.clone()
    };
    let description = {
        let d = if lead.is_empty() {
            place.clone()
        } else {
            lead.clone()
        };
        cut(&d, 300)
    };
    let title = if place.is_empty() {
        format!("{} – {}", p.title, t.site)
    } else {
        format!("{} – {} – {}", p.title, short_place(p), t.site)
    };
    let mut head = Head::new(base, &path, lang, title, description);
    head.og_type = "article";
    let feed_filter = p
        .admin
        .voivodeship
        .as_ref()
        .map(|v| format!("?voivodeship={}", v.teryt))
        .unwrap_or_default();
    head.feeds = feeds(base, &feed_filter, lang);
    let (location, map_svg, map_href) = location(g, p, t, lang, &place);
    PracticePage {
        head,
        t,
        title: p.title.clone(),
        lead: if p.summary.trim().is_empty() {
            String::new()
        } else {
            p.summary.clone()
        },
        paragraphs: p
            .body
            .split("\n\n")
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect(),
        facts: facts(p, t, lang),
        websites: p.websites.clone(),
        contacts: p
            .contacts
            .iter()
            .map(|c| ContactLine {
                who: match &c.role {
                    Some(r) => format!("{}, {r}", c.name),
                    None => c.name.clone(),
                },
                reach: {
                    let parts: Vec<&str> = [c.phone.as_deref(), c.email.as_deref()]
                        .into_iter()
                        .flatten()
                        .collect();
                    if parts.is_empty() {
                        t.withheld.to_string()
                    } else {
                        parts.join(", ")
                    }
                },
            })
            .collect(),
        location,
        map_svg,
        map_href,
        nearby: nearby(view, p, lang),
        source_href: p.source_url.clone(),
        source: p.source.clone(),
        json_ld: json_ld(p, base, &path, lang),
    }
}

/// The feeds of practices like this one (its voivodeship's).
pub fn feeds(base: &str, filter_query: &str, lang: Lang) -> Vec<HeadLink> {
    let t = lang.texts();
    vec![
        HeadLink {
            kind: "application/atom+xml".into(),
            title: t.atom.into(),
            href: format!(
                "{base}{}",
                with_lang(&format!("/praktyki.atom{filter_query}"), lang)
            ),
        },
        HeadLink {
            kind: "application/rss+xml".into(),
            title: t.rss.into(),
            href: format!(
                "{base}{}",
                with_lang(&format!("/praktyki.rss{filter_query}"), lang)
            ),
        },
    ]
}

fn location(
    g: &crate::gazetteer::Gazetteer,
    p: &Practice,
    t: &Texts,
    lang: Lang,
    place: &str,
) -> (String, String, String) {
    let Some(l) = p.location else {
        let words = if place.is_empty() {
            t.not_placed.to_string()
        } else {
            format!("{place}. {}", t.not_placed)
        };
        return (words, String::new(), with_lang("/", lang));
    };
    let (ns, ew) = (
        if l.lat >= 0.0 { "N" } else { "S" },
        if l.lon >= 0.0 { "E" } else { "W" },
    );
    let precision = lang.precision(l.precision);
    let words = match lang {
        Lang::Pl => format!(
            "{place}. Współrzędne: {:.4}° {ns}, {:.4}° {ew} (dokładność: {precision}).",
            l.lat.abs(),
            l.lon.abs()
        ),
        Lang::En => format!(
            "{place}. Coordinates: {:.4}° {ns}, {:.4}° {ew} (placed at: {precision}).",
            l.lat.abs(),
            l.lon.abs()
        ),
    };
    let voiv = p.admin.voivodeship.as_ref().map(|v| v.teryt.to_string());
    let outline = voiv
        .as_deref()
        .and_then(|code| g.voivodeships().find(|v| v.teryt == code));
    let map_svg = outline
        .map(|v| {
            let label = format!(
                "{} {}: {}",
                t.map_label,
                v.name,
                p.town.as_deref().unwrap_or("")
            );
            svg::locator(v.outline, l.lon, l.lat, &label)
        })
        .unwrap_or_default();
    let id = percent_encoding::utf8_percent_encode(&p.id, super::ID);
    let map_href = with_lang(
        &format!("/?map=13/{:.5}/{:.5}&p={id}&d=1", l.lat, l.lon),
        lang,
    );
    (words, map_svg, map_href)
}

fn facts(p: &Practice, t: &Texts, lang: Lang) -> Vec<Fact> {
    let mut out = Vec::new();
    let mut add = |label: &'static str, value: Option<String>| {
        if let Some(value) = value.filter(|v| !v.trim().is_empty()) {
            out.push(Fact {
                label,
                value,
                href: None,
            });
        }
    };
    add(t.area, Some(lang.area_path(p.area)));
    add(t.unit, p.unit.clone());
    add(t.unit_type, p.unit_type.map(|u| u.label().to_string()));
    add(t.town, p.town.clone());
    let address = [
        p.street.clone(),
        match (&p.postal_code, &p.post_office) {
            (Some(c), Some(o)) => Some(format!("{c} {o}")),
            (Some(c), None) => Some(c.clone()),
            (None, Some(o)) => Some(o.clone()),
            (None, None) => None,
        },
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(", ");
    add(t.address, Some(address));
    add(
        t.gmina,
        p.admin
            .gmina
            .as_ref()
            .map(|g| format!("{} (TERYT {})", g.name, g.teryt)),
    );
    add(
        t.powiat,
        p.admin
            .powiat
            .as_ref()
            .map(|g| format!("{} (TERYT {})", g.name, g.teryt))
            .or(p.powiat.clone()),
    );
    add(
        t.voivodeship,
        p.admin
            .voivodeship
            .as_ref()
            .map(|g| format!("{} (TERYT {})", g.name, g.teryt))
            .or(p.voivodeship.clone()),
    );
    let period = match (p.period_start, p.period_end) {
        (Some(a), Some(b)) => Some(format!("{a} – {b}")),
        (Some(a), None) => Some(format!(
            "{} {a}",
            if lang == Lang::Pl { "od" } else { "from" }
        )),
        (None, Some(b)) => Some(format!(
            "{} {b}",
            if lang == Lang::Pl { "do" } else { "until" }
        )),
        (None, None) => None,
    };
    add(t.period, period);
    add(t.year, p.year().map(|y| y.to_string()));
    add(
        t.cost,
        p.cost_pln.map(|c| match lang {
            Lang::Pl => format!("{} zł", number(c as usize, lang)),
            Lang::En => format!("PLN {}", number(c as usize, lang)),
        }),
    );
    add(t.funding, p.funding.clone());
    add(t.population, p.population.map(|n| number(n as usize, lang)));
    add(t.phone, p.phone.clone());
    add(t.added, p.date_added.map(|d| d.to_string()));
    add(t.updated, p.date_updated.map(|d| d.to_string()));
    if let Some(e) = p.email.clone().filter(|e| !e.trim().is_empty()) {
        out.push(Fact {
            label: t.email,
            href: Some(format!("mailto:{e}")),
            value: e,
        });
    }
    out
}

fn nearby(view: &View, p: &Practice, lang: Lang) -> Vec<NearItem> {
    let Some((lon, lat)) = p.lon_lat() else {
        return Vec::new();
    };
    let f = Filter {
        near: Some(Near {
            lon,
            lat,
            radius_km: Some(NEARBY_KM),
            k: Some(NEARBY + 1),
        }),
        ..Filter::default()
    };
    let t = lang.texts();
    view.query(&f)
        .items
        .into_iter()
        .filter_map(|m| {
            let q = view.practice(m.id);
            (q.id != p.id).then(|| {
                let km = m.distance_km().unwrap_or(0.0);
                let km = match lang {
                    Lang::Pl => format!("{km:.1}").replace('.', ","),
                    Lang::En => format!("{km:.1}"),
                };
                NearItem {
                    href: with_lang(&practice_path(&q.id, &q.title), lang),
                    note: format!("{}, {km} {}", short_place(&q), t.km_away),
                    title: q.title,
                }
            })
        })
        .take(NEARBY)
        .collect()
}

/// schema.org JSON-LD of a practice: a `CreativeWork` about a `Place` (the
/// town in its gmina, powiat and voivodeship), made by the implementing
/// unit; written so that it cannot end its `<script>` element.
pub fn json_ld(p: &Practice, base: &str, path: &str, lang: Lang) -> String {
    let admin = |kind: &str, r: &Option<crate::gazetteer::AdminRef>| {
        r.as_ref().map(|a| {
            json!({"@type": "AdministrativeArea", "name": format!("{kind} {}", a.name), "identifier": &*a.teryt})
        })
    };
    let contained: Vec<Value> = [
        admin("gmina", &p.admin.gmina),
        admin("powiat", &p.admin.powiat),
        admin("województwo", &p.admin.voivodeship),
    ]
    .into_iter()
    .flatten()
    .collect();
    let place_name = p
        .town
        .clone()
        .or(p.admin.gmina.as_ref().map(|g| g.name.to_string()))
        .or(p.admin.voivodeship.as_ref().map(|g| g.name.to_string()))
        .unwrap_or_else(|| "Polska".into());
    let mut place = json!({
        "@type": "Place",
        "name": place_name,
        "address": {
            "@type": "PostalAddress",
            "addressCountry": "PL",
            "addressLocality": p.town,
            "postalCode": p.postal_code,
            "streetAddress": p.street,
            "addressRegion": p.admin.voivodeship.as_ref().map(|v| v.name.to_string()),
        },
        "containedInPlace": contained,
    });
    if let Some(l) = p.location {
        place["geo"] = json!({"@type": "GeoCoordinates", "latitude": l.lat, "longitude": l.lon});
    }
    let mut doc = json!({
        "@context": "https://schema.org",
        "@type": "CreativeWork",
        "@id": format!("{base}{path}"),
        "url": format!("{base}{path}"),
        "name": p.title,
        "description": if p.summary.is_empty() { first_sentences(&p.body) } else { p.summary.clone() },
        "inLanguage": "pl",
        "genre": lang.area_path(p.area),
        "spatialCoverage": place,
        "dateCreated": p.date_added.map(|d| d.to_string()),
        "dateModified": p.date_updated.map(|d| d.to_string()),
        "isBasedOn": p.source_url,
    });
    if let Some(u) = &p.unit {
        doc["creator"] = json!({"@type": "GovernmentOrganization", "name": u});
    }
    strip_nulls(&mut doc);
    script_safe(&doc.to_string())
}

/// JSON with `<`, `>` and `&` written as escapes, safe inside `<script>`.
pub fn script_safe(json: &str) -> String {
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

fn strip_nulls(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|_, x| !x.is_null());
            m.values_mut().for_each(strip_nulls);
        }
        Value::Array(a) => a.iter_mut().for_each(strip_nulls),
        _ => {}
    }
}

/// The first sentences of a text, up to about 300 characters.
fn first_sentences(body: &str) -> String {
    cut(body.trim(), 300)
}

/// A text cut at a word boundary to at most `max` characters, with `…`.
pub fn cut(s: &str, max: usize) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() <= max {
        return s;
    }
    let mut out = String::new();
    for w in s.split(' ') {
        if out.chars().count() + w.chars().count() + 2 > max {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out.push('…');
    out
}
