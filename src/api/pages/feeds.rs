//! `/praktyki.atom` and `/praktyki.rss`: the practices most recently added
//! to the database (by the date the database gives, newest first) for any
//! filter of the list, its parameters as they are.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate};

use super::list::{filter_pairs, lang_of, parse_filters};
use super::practice::cut;
use super::{Lang, page_answer, practice_path, query_string, refused, render, with_lang};
use crate::api::state::AppState;
use crate::live::View;
use crate::practice::Practice;
use crate::query::Filter;

/// Entries in a feed.
pub const ENTRIES: usize = 50;

/// One entry.
pub struct Entry {
    /// Absolute address of the practice's page (also its id).
    pub href: String,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Area, as the entry's category.
    pub category: String,
    /// Town and voivodeship.
    pub place: String,
    /// RFC 3339 `published` (date added).
    pub published: String,
    /// RFC 3339 `updated`.
    pub updated: String,
    /// RFC 822 date for RSS.
    pub pub_date: String,
}

/// The Atom feed.
#[derive(Template)]
#[template(path = "pages/feed.atom.xml")]
pub struct Atom {
    /// Feed id and self link.
    pub self_href: String,
    /// The list of the same filters.
    pub list_href: String,
    /// Title.
    pub title: String,
    /// Subtitle.
    pub subtitle: String,
    /// Newest update.
    pub updated: String,
    /// Language.
    pub lang: &'static str,
    /// Entries.
    pub entries: Vec<Entry>,
}

/// The RSS 2.0 feed.
#[derive(Template)]
#[template(path = "pages/feed.rss.xml")]
pub struct Rss {
    /// Its own address.
    pub self_href: String,
    /// The list of the same filters.
    pub list_href: String,
    /// Title.
    pub title: String,
    /// Description.
    pub subtitle: String,
    /// Language.
    pub lang: &'static str,
    /// Last build date (RFC 822).
    pub build_date: String,
    /// Entries.
    pub entries: Vec<Entry>,
}

/// `GET /praktyki.atom`.
pub async fn atom(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    feed(state, raw, headers, Kind::Atom).await
}

/// `GET /praktyki.rss`.
pub async fn rss(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    feed(state, raw, headers, Kind::Rss).await
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Atom,
    Rss,
}

async fn feed(state: AppState, raw: Option<String>, headers: HeaderMap, kind: Kind) -> Response {
    let base = super::origin(&state, &headers);
    let (ext, mime) = match kind {
        Kind::Atom => ("atom", "application/atom+xml; charset=utf-8"),
        Kind::Rss => ("rss", "application/rss+xml; charset=utf-8"),
    };
    let path = format!("/praktyki.{ext}");
    let (filter, pairs, lang) = match parse_filters(&state, raw.as_deref()) {
        Ok(x) => x,
        Err(e) => return refused(&base, &path, lang_of(raw.as_deref()), e),
    };
    let view = state.live.current_full();
    let key = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    let publish = state.config.publish_personal;
    let state2 = state.clone();
    let work = tokio::task::spawn_blocking(move || {
        page_answer(&state2, &headers, &view, &[ext, &key], mime, |base| {
            let filters = query_string(filter_pairs(&pairs));
            let newest = newest(&view, &filter, ENTRIES);
            let entries: Vec<Entry> = newest
                .iter()
                .map(|p| entry(&p.public_view(publish), base, lang))
                .collect();
            let t = lang.texts();
            let updated = newest
                .iter()
                .filter_map(|p| p.date_updated.or(p.date_added))
                .max()
                .unwrap_or_else(today);
            let self_href = format!("{base}{}", with_lang(&format!("{path}{filters}"), lang));
            let list_href = format!("{base}{}", with_lang(&format!("/praktyki{filters}"), lang));
            match kind {
                Kind::Atom => render(&Atom {
                    self_href,
                    list_href,
                    title: t.feed_title.into(),
                    subtitle: t.feed_subtitle.into(),
                    updated: rfc3339(updated),
                    lang: t.lang,
                    entries,
                }),
                Kind::Rss => render(&Rss {
                    self_href,
                    list_href,
                    title: t.feed_title.into(),
                    subtitle: t.feed_subtitle.into(),
                    lang: t.lang,
                    build_date: rfc822(updated),
                    entries,
                }),
            }
        })
    });
    match work.await {
        Ok(r) => r.unwrap_or_else(IntoResponse::into_response),
        Err(e) => crate::api::error::ApiError::Internal(format!("feed: {e}")).into_response(),
    }
}

/// The `n` matches of `filter` added last (by date added, then updated;
/// practices without either last), newest first.
pub fn newest(view: &View, filter: &Filter, n: usize) -> Vec<Practice> {
    type Key = (Option<NaiveDate>, Option<NaiveDate>, Reverse<u32>);
    let mut heap: BinaryHeap<Reverse<(Key, u32)>> = BinaryHeap::with_capacity(n + 1);
    let plain = Filter {
        sort: Vec::new(),
        ..filter.clone()
    };
    for i in view.matching(&plain) {
        let p = view.practice(i);
        let key = (p.date_added, p.date_updated, Reverse(i));
        if heap.len() < n {
            heap.push(Reverse((key, i)));
        } else if heap.peek().is_some_and(|Reverse((k, _))| key > *k) {
            heap.pop();
            heap.push(Reverse((key, i)));
        }
    }
    let mut rows: Vec<(Key, u32)> = heap.into_iter().map(|Reverse(x)| x).collect();
    rows.sort_by_key(|r| Reverse(r.0));
    rows.into_iter().map(|(_, i)| view.practice(i)).collect()
}

fn entry(p: &Practice, base: &str, lang: Lang) -> Entry {
    let date = p.date_added.or(p.date_updated).unwrap_or_else(today);
    let updated = p.date_updated.unwrap_or(date).max(date);
    let summary = if p.summary.trim().is_empty() {
        &p.body
    } else {
        &p.summary
    };
    Entry {
        href: format!("{base}{}", with_lang(&practice_path(&p.id, &p.title), lang)),
        title: p.title.clone(),
        summary: cut(summary, 500),
        category: lang.area_path(p.area),
        place: super::practice::short_place(p),
        published: rfc3339(date),
        updated: rfc3339(updated),
        pub_date: rfc822(date),
    }
}

fn today() -> NaiveDate {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400);
    NaiveDate::from_ymd_opt(1970, 1, 1)
        .and_then(|d| d.checked_add_days(chrono::Days::new(days)))
        .unwrap_or_default()
}

fn rfc3339(d: NaiveDate) -> String {
    format!("{d}T00:00:00Z")
}

/// An RFC 822 date as RSS 2.0 wants it: `Mon, 07 Dec 2026 00:00:00 +0000`.
fn rfc822(d: NaiveDate) -> String {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{}, {:02} {} {} 00:00:00 +0000",
        DAYS[d.weekday().num_days_from_monday() as usize],
        d.day(),
        MONTHS[d.month0() as usize],
        d.year()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_as_each_format_wants() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        assert_eq!(rfc822(d), "Mon, 07 Dec 2026 00:00:00 +0000");
        assert_eq!(rfc3339(d), "2026-12-07T00:00:00Z");
        assert!(today().year() >= 2026);
    }

    #[test]
    fn the_newest_come_first_and_the_filter_holds() {
        let g = crate::gazetteer::Gazetteer::bundled();
        let ps = crate::synthetic::practices(g, 300, 4);
        let view = View::from(crate::snapshot::Snapshot::new(ps.clone()));
        let got = newest(&view, &Filter::default(), 10);
        assert_eq!(got.len(), 10);
        let mut want: Vec<_> = ps.iter().map(|p| (p.date_added, p.date_updated)).collect();
        want.sort_by(|a, b| b.cmp(a));
        let got_keys: Vec<_> = got.iter().map(|p| (p.date_added, p.date_updated)).collect();
        assert_eq!(got_keys, want[..10].to_vec());
        let woj = ps[0].admin.voivodeship.clone().unwrap().teryt.to_string();
        let f = Filter {
            voivodeship: Some(woj.clone()),
            ..Filter::default()
        };
        assert!(newest(&view, &f, 5).iter().all(|p| {
            p.admin
                .voivodeship
                .as_ref()
                .is_some_and(|v| *v.teryt == woj)
        }));
    }
}
