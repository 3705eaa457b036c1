//! The people's pages through the router the binary serves: a practice's
//! page and its redirects, 404 and 410, the list with the map's filters,
//! feeds, statistics with CSV, the sitemap and robots.txt, escaping, and
//! that drafts appear nowhere.

mod common;
#[path = "common/edit.rs"]
mod edit;

use axum::http::{StatusCode, header};
use common::{app, app_with, config, dataset, get};
use edit::{editable, page, request, sign_in};
use mapa_praktyk::api::pages::slug;
use mapa_praktyk::practice::Practice;
use serde_json::Value;

const ITEMS: &str = "/ogc/collections/practices/items";

fn location(r: &common::Reply) -> String {
    r.headers[header::LOCATION].to_str().unwrap().to_string()
}

fn first() -> Practice {
    dataset().into_iter().next().unwrap()
}

fn canonical(p: &Practice) -> String {
    format!("/praktyki/{}-{}", p.id, slug(&p.title))
}

/// The JSON-LD of a page, parsed.
fn json_ld(html: &str) -> Value {
    let start = html
        .find("<script type=\"application/ld+json\">")
        .expect("a JSON-LD script")
        + "<script type=\"application/ld+json\">".len();
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end]).expect("JSON-LD parses")
}

#[tokio::test]
async fn a_practice_page_has_every_public_field_and_its_place() {
    let app = app();
    let p = first();
    let r = get(&app, &canonical(&p)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.content_type(), "text/html; charset=utf-8");
    let html = r.text();
    assert!(html.contains("<html lang=\"pl\">"));
    assert!(html.contains(&format!(
        "<link rel=\"canonical\" href=\"http://127.0.0.1:8080{}\">",
        canonical(&p)
    )));
    assert!(html.contains("<meta property=\"og:title\""));
    assert!(html.contains("<meta name=\"description\""));
    assert!(html.contains("type=\"application/atom+xml\""));
    for part in [
        p.admin.gmina.as_ref().unwrap().name.to_string(),
        p.admin.powiat.as_ref().unwrap().name.to_string(),
        p.admin.voivodeship.as_ref().unwrap().name.to_string(),
        p.town.clone().unwrap(),
    ] {
        assert!(html.contains(&part), "{part} missing");
    }
    assert!(html.contains("Pokaż na mapie"));
    assert!(html.contains(&format!("p={}", p.id)));
    assert!(html.contains("<svg"), "the small map");
    assert!(html.contains("W pobliżu"));
    if let Some(u) = &p.source_url {
        assert!(html.contains(&format!("href=\"{u}\"")), "the source link");
    }
    let ld = json_ld(&html);
    assert_eq!(ld["@context"], "https://schema.org");
    assert_eq!(ld["name"], p.title.as_str());
    assert_eq!(
        ld["spatialCoverage"]["name"],
        p.town.clone().unwrap().as_str()
    );
    let inside: Vec<&str> = ld["spatialCoverage"]["containedInPlace"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["name"].as_str().unwrap())
        .collect();
    assert!(
        inside.iter().any(|n| n.starts_with("powiat ")),
        "{inside:?}"
    );
    // Personal contact rules: the contacts' phones and e-mails are withheld.
    for c in &p.contacts {
        for v in [&c.phone, &c.email].into_iter().flatten() {
            assert!(!html.contains(v.as_str()), "{v} published");
        }
    }
    // English.
    let r = get(&app, &format!("{}?lang=en", canonical(&p))).await;
    assert_eq!(r.status, StatusCode::OK);
    let html = r.text();
    assert!(html.contains("<html lang=\"en\">") && html.contains("Show on the map"));
    assert!(html.contains("hreflang=\"pl\"") && html.contains("hreflang=\"en\""));
}

#[tokio::test]
async fn other_addresses_redirect_to_the_canonical_one() {
    let app = app();
    let p = first();
    let r = get(&app, &format!("/praktyki/{}", p.id)).await;
    assert_eq!(r.status, StatusCode::MOVED_PERMANENTLY);
    assert_eq!(location(&r), canonical(&p));
    let r = get(&app, &format!("/praktyki/{}-dawny-tytul", p.id)).await;
    assert_eq!(r.status, StatusCode::MOVED_PERMANENTLY);
    assert_eq!(location(&r), canonical(&p));
    let r = get(&app, &format!("/praktyki/{}?lang=en", p.id)).await;
    assert_eq!(location(&r), format!("{}?lang=en", canonical(&p)));
}

#[tokio::test]
async fn unknown_practices_and_bad_queries_get_pages_in_polish() {
    let app = app();
    let r = get(&app, "/praktyki/nie-ma-takiej").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.content_type(), "text/html; charset=utf-8");
    assert!(r.text().contains("Nie znaleziono strony"));
    assert!(
        r.text()
            .contains("<meta name=\"robots\" content=\"noindex\">")
    );
    let r = get(&app, "/praktyki?year_from=dawno").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.text().contains("year_from"), "{}", r.text());
    let r = get(&app, "/praktyki?kolor=zielony").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.text().contains("kolor: unknown parameter"),
        "{}",
        r.text()
    );
    let r = get(&app, "/praktyki?voivodeship=Atlantyda&lang=en").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.text().contains("Bad request") && r.text().contains("Atlantyda"));
}

#[tokio::test]
async fn text_is_escaped_everywhere() {
    let mut ps = dataset();
    let evil = "<script>alert(1)</script> & \"cudzysłów\"";
    ps[0].title = evil.into();
    ps[0].summary = "</script><img src=x onerror=alert(2)>".into();
    let app = app_with(ps.clone(), config());
    let path = format!("/praktyki/{}-{}", ps[0].id, slug(evil));
    let r = get(&app, &path).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let html = r.text();
    assert!(!html.contains("<script>alert"), "unescaped title");
    assert!(!html.contains("<img src=x"), "unescaped summary");
    assert!(
        html.contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
        "{html}"
    );
    let ld = json_ld(&html);
    assert_eq!(ld["name"], evil, "the JSON-LD keeps the text, escaped");
    let list = get(&app, "/praktyki?q=%3Cb%3E").await.text();
    assert!(!list.contains("value=\"<b>\"") && list.contains("value=\"&#60;b&#62;\""));
    let atom = get(&app, "/praktyki.atom").await.text();
    assert!(!atom.contains("<script>") && atom.contains("&#60;script&#62;"));
}

#[tokio::test]
async fn the_list_filters_pages_and_sorts_as_the_map_does() {
    let app = app();
    let all = dataset();
    let html = get(&app, "/praktyki").await.text();
    for p in &all {
        assert!(html.contains(&canonical(p)), "{} missing", p.id);
    }
    assert!(html.contains("Znalezione praktyki: 5"));
    // A voivodeship filter by TERYT code, as /api/practices takes it.
    let woj = all[0].admin.voivodeship.as_ref().unwrap().teryt.to_string();
    let html = get(&app, &format!("/praktyki?voivodeship={woj}"))
        .await
        .text();
    let want = all
        .iter()
        .filter(|p| {
            p.admin
                .voivodeship
                .as_ref()
                .is_some_and(|v| *v.teryt == *woj)
        })
        .count();
    assert!(
        html.contains(&format!("Znalezione praktyki: {want}")),
        "{html}"
    );
    assert!(html.contains(&format!("<option value=\"{woj}\" selected>")));
    // The same answer as the API's for the same parameters.
    let api = get(&app, &format!("/api/practices?voivodeship={woj}"))
        .await
        .json();
    assert_eq!(api["numberMatched"], want);
    // Paging over more practices.
    let g = mapa_praktyk::gazetteer::Gazetteer::bundled();
    let many = mapa_praktyk::synthetic::practices(g, 120, 7);
    let app = app_with(many.clone(), config());
    let page2 = get(&app, "/praktyki?page=2").await.text();
    assert!(page2.contains("rel=\"prev\"") && page2.contains("rel=\"next\""));
    assert!(page2.contains("Strona 2 z 3"));
    let page3 = get(&app, "/praktyki?page=3").await.text();
    assert_eq!(page3.matches("<tr><td><a href=\"/praktyki/").count(), 20);
    assert!(!page3.contains("rel=\"next\""));
    // Sorted by title.
    let sorted = get(&app, "/praktyki?sort=title").await.text();
    let titles: Vec<String> = sorted
        .split("<tr><td><a href=\"/praktyki/")
        .skip(1)
        .map(|row| {
            row.split('>')
                .nth(1)
                .unwrap()
                .split('<')
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    let folded: Vec<String> = titles
        .iter()
        .map(|t| mapa_praktyk::gazetteer::fold(t))
        .collect();
    let mut want = folded.clone();
    want.sort();
    assert_eq!(folded, want);
    let r = get(&app, "/praktyki?sort=kolor").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn feeds_list_the_newest_practices_of_a_filter() {
    let app = app();
    let r = get(&app, "/praktyki.atom").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.content_type(), "application/atom+xml; charset=utf-8");
    let atom = r.text();
    assert_eq!(atom.matches("<entry>").count(), 5);
    assert!(atom.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\""));
    let r = get(&app, "/praktyki.rss?category=pomoc-spoleczna").await;
    assert_eq!(r.content_type(), "application/rss+xml; charset=utf-8");
    let rss = r.text();
    let want = dataset()
        .iter()
        .filter(|p| p.area == mapa_praktyk::practice::Area::PomocSpoleczna)
        .count();
    assert_eq!(rss.matches("<item>").count(), want);
    assert!(
        rss.contains("category=pomoc-spoleczna"),
        "self link keeps the filter"
    );
    let r = get(&app, "/praktyki.atom?category=nope").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn statistics_count_every_way_and_download_as_csv() {
    let app = app();
    let r = get(&app, "/statystyki").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let html = r.text();
    for h in [
        "Według województw",
        "Według powiatów",
        "Według gmin",
        "Według lat",
        "Według obszarów",
    ] {
        assert!(html.contains(h), "{h}");
    }
    assert!(html.matches("<svg").count() >= 6, "charts and maps");
    for by in ["voivodeship", "powiat", "gmina", "year", "area"] {
        let r = get(&app, &format!("/statystyki.csv?by={by}")).await;
        assert_eq!(r.status, StatusCode::OK, "{by}: {}", r.text());
        assert!(
            r.headers[header::CONTENT_DISPOSITION]
                .to_str()
                .unwrap()
                .contains("praktyki-wg-")
        );
        let text = r.text();
        let mut lines = text.lines();
        assert!(lines.next().unwrap().ends_with("liczba_praktyk"), "{by}");
        let sum: usize = lines
            .map(|l| l.rsplit(',').next().unwrap().parse::<usize>().unwrap())
            .sum();
        assert_eq!(sum, 5, "{by}: {text}");
    }
    let en = get(&app, "/statystyki.csv?by=area&lang=en").await.text();
    assert!(en.starts_with("area,name,practices"));
    let woj = first().admin.voivodeship.unwrap().teryt.to_string();
    let one = get(
        &app,
        &format!("/statystyki.csv?by=voivodeship&voivodeship={woj}"),
    )
    .await
    .text();
    assert_eq!(one.lines().count(), 2, "{one}");
    let r = get(&app, "/statystyki.csv").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.error_code(), "invalid_parameter");
}

#[tokio::test]
async fn the_sitemap_lists_every_page_and_robots_points_to_it() {
    let app = app();
    let r = get(&app, "/sitemap.xml").await;
    assert_eq!(r.status, StatusCode::OK);
    let xml = r.text();
    assert_eq!(xml.matches("<url>").count(), 5 + 4);
    assert!(xml.contains(&format!(
        "<loc>http://127.0.0.1:8080{}</loc>",
        canonical(&first())
    )));
    let robots = get(&app, "/robots.txt").await.text();
    assert!(robots.contains("Sitemap: http://127.0.0.1:8080/sitemap.xml"));
    let d = get(&app, "/deklaracja-dostepnosci").await;
    assert_eq!(d.status, StatusCode::OK);
    assert!(d.text().contains("Deklaracja dostępności") && d.text().contains("a11y-wstep"));
}

#[tokio::test]
async fn a_large_sitemap_is_split_into_parts() {
    use mapa_praktyk::api::pages::seo::PER_PART;
    let g = mapa_praktyk::gazetteer::Gazetteer::bundled();
    let n = PER_PART + 30;
    let app = app_with(mapa_praktyk::synthetic::practices(g, n, 3), config());
    let index = get(&app, "/sitemap.xml").await.text();
    assert!(index.contains("<sitemapindex"));
    assert_eq!(index.matches("<sitemap>").count(), 2);
    let one = get(&app, "/sitemap/1.xml").await.text();
    assert_eq!(one.matches("<url>").count(), PER_PART + 4);
    let two = get(&app, "/sitemap/2.xml").await.text();
    assert_eq!(two.matches("<url>").count(), 30);
    assert_eq!(
        get(&app, "/sitemap/3.xml").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn drafts_appear_nowhere_and_archived_practices_are_gone() {
    let e = editable().await;
    let olek = sign_in(&e.app, "olek@x.pl").await;
    let secret = "Szkic XQZJ niepublikowany";
    let r = request(
        &e.app,
        "POST",
        ITEMS,
        "application/geo+json",
        edit::feature(secret).to_string(),
        &page(&olek),
    )
    .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text());
    let id = r.json()["feature"]["id"].as_str().unwrap().to_string();
    for path in [
        "/praktyki".to_string(),
        "/praktyki.atom".to_string(),
        "/praktyki.rss".to_string(),
        "/sitemap.xml".to_string(),
        "/statystyki".to_string(),
    ] {
        let r = get(&e.app, &path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert!(
            !r.text().contains("XQZJ") && !r.text().contains(&id),
            "{path}"
        );
    }
    assert!(
        get(&e.app, "/statystyki")
            .await
            .text()
            .contains("Znalezione praktyki: 5")
    );
    let found = get(&e.app, "/praktyki?q=XQZJ").await.text();
    assert!(found.contains("Znalezione praktyki: 0") && !found.contains(&id));
    assert_eq!(
        get(&e.app, &format!("/praktyki/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    // An editor archives a published practice: its page is gone (410).
    let p = first();
    let ed = sign_in(&e.app, "editor@x.pl").await;
    let tag = get(&e.app, &format!("{ITEMS}/{}", p.id)).await.headers[header::ETAG]
        .to_str()
        .unwrap()
        .to_string();
    let mut h = page(&ed);
    h.push(("if-match", tag.as_str()));
    let r = request(
        &e.app,
        "DELETE",
        &format!("{ITEMS}/{}", p.id),
        "",
        String::new(),
        &h,
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
    let r = get(&e.app, &canonical(&p)).await;
    assert_eq!(r.status, StatusCode::GONE, "{}", r.text());
    assert!(r.text().contains("Praktyka została usunięta"));
    assert!(!get(&e.app, "/praktyki").await.text().contains(&p.id));
}

#[test]
fn every_page_route_is_documented() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let src = std::fs::read_to_string(root.join("src/api/pages/mod.rs")).unwrap();
    let doc = std::fs::read_to_string(root.join("docs/pages.md")).unwrap();
    let routes: Vec<&str> = src
        .split(".route(\"")
        .skip(1)
        .map(|r| r.split('"').next().unwrap())
        .collect();
    assert!(routes.len() >= 10, "{routes:?}");
    for r in routes {
        let shown = r
            .replace("{key}", "{id}-{slug}")
            .replace("{file}", "{n}.xml");
        assert!(
            doc.contains(&format!("`{shown}")),
            "{r} is not in docs/pages.md"
        );
    }
}
