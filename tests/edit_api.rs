//! The write API through the router the binary serves, over a real store
//! (SQLite, or PostgreSQL with `MAPA_TEST_DATABASE_URL`): sign-in, sessions,
//! tokens, CSRF, the sign-in throttle, OGC API – Features Part 4 with
//! `If-Match`, review, and what the public never sees.

mod common;
#[path = "common/edit.rs"]
mod edit;

use axum::http::{StatusCode, header};
use edit::*;
use serde_json::json;

use common::get;

#[tokio::test]
async fn anonymous_writes_are_401() {
    let e = editable().await;
    let body = feature("Anonim").to_string();
    for (method, uri, ct) in [
        ("POST", ITEMS.to_string(), "application/geo+json"),
        ("PUT", format!("{ITEMS}/{OSWIECIM}"), "application/geo+json"),
        (
            "PATCH",
            format!("{ITEMS}/{OSWIECIM}"),
            "application/merge-patch+json",
        ),
        ("DELETE", format!("{ITEMS}/{OSWIECIM}"), ""),
        ("POST", "/api/tokens".to_string(), "application/json"),
        (
            "POST",
            format!("/api/entries/{OSWIECIM}/actions"),
            "application/json",
        ),
        ("DELETE", "/api/session".to_string(), ""),
    ] {
        let r = request(
            &e.app,
            method,
            &uri,
            ct,
            body.clone(),
            &[("if-match", "\"x-1\"")],
        )
        .await;
        assert_eq!(
            r.status,
            StatusCode::UNAUTHORIZED,
            "{method} {uri}: {}",
            r.text()
        );
        assert_eq!(r.error_code(), "unauthorized");
        assert!(r.headers.contains_key(header::WWW_AUTHENTICATE));
    }
    for uri in ["/api/me", "/api/mine", "/api/review/queue", "/api/tokens"] {
        assert_eq!(
            get(&e.app, uri).await.status,
            StatusCode::UNAUTHORIZED,
            "{uri}"
        );
    }
    // A malformed or made-up credential is no better.
    let made_up = format!("Bearer mp_{}", "0".repeat(64));
    for auth in ["Basic YTpi", "Bearer nonsense", made_up.as_str()] {
        let r = get_with(&e.app, "/api/me", &[("authorization", auth)]).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{auth}");
    }
    let r = get_with(
        &e.app,
        "/api/me",
        &[("cookie", &format!("mapa_session=ms_{}", "1".repeat(64)))],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn sign_in_gives_a_safe_cookie_rotated_each_time() {
    let e = editable().await;
    let r = post_json(
        &e.app,
        "/api/session",
        &json!({"email": "Anna@X.pl", "password": PASSWORD}),
        &[],
    )
    .await;
    let me = r.json_with(StatusCode::OK);
    assert_eq!(me["email"], "anna@x.pl");
    assert_eq!(me["role"], "contributor");
    assert_eq!(me["units"], json!(["1213"]));
    let cookie = r.headers[header::SET_COOKIE].to_str().unwrap().to_string();
    for attr in [
        "mapa_session=ms_",
        "HttpOnly",
        "SameSite=Strict",
        "Path=/",
        "Max-Age=",
    ] {
        assert!(cookie.contains(attr), "{cookie} lacks {attr}");
    }
    assert!(!cookie.contains("Secure"), "plain HTTP: {cookie}");
    assert_eq!(r.headers[header::CACHE_CONTROL], "no-store");
    let first = sign_in(&e.app, "anna@x.pl").await;
    let me = get_with(&e.app, "/api/me", &[("cookie", &first.cookie)])
        .await
        .json_with(StatusCode::OK);
    assert_eq!(me["csrf_token"], first.csrf.as_str());
    // Signing in again from the same browser ends the old session.
    let r = post_json(
        &e.app,
        "/api/session",
        &json!({"email": "anna@x.pl", "password": PASSWORD}),
        &[("cookie", &first.cookie)],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let second = r.headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    assert_ne!(second, first.cookie);
    assert_eq!(
        get_with(&e.app, "/api/me", &[("cookie", &first.cookie)])
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        get_with(&e.app, "/api/me", &[("cookie", &second)])
            .await
            .status,
        StatusCode::OK
    );
    // Signing out ends it.
    let b = Browser {
        cookie: second.clone(),
        csrf: r.json()["csrf_token"].as_str().unwrap().to_string(),
    };
    let out = request(
        &e.app,
        "DELETE",
        "/api/session",
        "",
        String::new(),
        &page(&b),
    )
    .await;
    assert_eq!(out.status, StatusCode::NO_CONTENT, "{}", out.text());
    assert!(
        out.headers[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    assert_eq!(
        get_with(&e.app, "/api/me", &[("cookie", &second)])
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn the_cookie_is_secure_behind_a_trusted_tls_proxy() {
    let mut cfg = common::config();
    cfg.trust_forwarded = true;
    let e = editable_with(cfg).await;
    let r = post_json(
        &e.app,
        "/api/session",
        &json!({"email": "anna@x.pl", "password": PASSWORD}),
        &[
            ("x-forwarded-proto", "https"),
            ("x-forwarded-host", "mapa.example"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(
        r.headers[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .ends_with("; Secure")
    );
}

#[tokio::test]
async fn wrong_passwords_are_one_answer_and_brute_force_is_slowed() {
    let e = editable().await;
    let wrong = post_json(
        &e.app,
        "/api/session",
        &json!({"email": "anna@x.pl", "password": "nie to hasło"}),
        &[],
    )
    .await;
    let unknown = post_json(
        &e.app,
        "/api/session",
        &json!({"email": "nikt@x.pl", "password": "nie to hasło"}),
        &[],
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        wrong.json()["error"]["message"],
        unknown.json()["error"]["message"]
    );
    let mut slowed = None;
    for i in 0..10 {
        let r = post_json(
            &e.app,
            "/api/session",
            &json!({"email": "editor@x.pl", "password": format!("zgadywanie {i}")}),
            &[],
        )
        .await;
        if r.status == StatusCode::TOO_MANY_REQUESTS {
            slowed = Some((i, r));
            break;
        }
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let (i, r) = slowed.expect("ten wrong guesses in a row are slowed");
    assert!(i >= 5, "the first five failures are free, slowed at {i}");
    assert_eq!(r.error_code(), "too_many_requests");
    let after: u64 = r.headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(after >= 1);
    // Even the right password waits now: the guesser learns nothing.
    let right = post_json(
        &e.app,
        "/api/session",
        &json!({"email": "editor@x.pl", "password": PASSWORD}),
        &[],
    )
    .await;
    assert_eq!(right.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn cross_origin_and_tokenless_cookie_writes_are_refused() {
    let e = editable().await;
    let b = sign_in(&e.app, "editor@x.pl").await;
    let form = "title=Zlosliwy&area=kultura".to_string();
    // A form on another site posting with the browser's cookie.
    for headers in [
        vec![
            ("cookie", b.cookie.as_str()),
            ("origin", "https://evil.example"),
        ],
        vec![
            ("cookie", b.cookie.as_str()),
            ("sec-fetch-site", "cross-site"),
        ],
        vec![("cookie", b.cookie.as_str()), ("origin", "null")],
    ] {
        let r = request(
            &e.app,
            "POST",
            ITEMS,
            "application/x-www-form-urlencoded",
            form.clone(),
            &headers,
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{headers:?}: {}", r.text());
        assert_eq!(r.error_code(), "csrf");
    }
    // Same origin but no CSRF token (or another session's) is refused too.
    let other = sign_in(&e.app, "admin@x.pl").await;
    for token in [None, Some(other.csrf.as_str())] {
        let mut h = vec![
            ("cookie", b.cookie.as_str()),
            ("origin", "http://127.0.0.1:8080"),
        ];
        if let Some(t) = token {
            h.push(("x-csrf-token", t));
        }
        let r = request(
            &e.app,
            "POST",
            ITEMS,
            "application/geo+json",
            feature("Bez tokenu").to_string(),
            &h,
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    }
    // A signed-in page can sign a browser in only from this service.
    let r = post_json(
        &e.app,
        "/api/session",
        &json!({"email": "anna@x.pl", "password": PASSWORD}),
        &[("origin", "https://evil.example")],
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(e.store.count().await.unwrap(), 5, "nothing was created");
    // The page itself writes.
    let r = request(
        &e.app,
        "POST",
        ITEMS,
        "application/geo+json",
        feature("Z tej strony").to_string(),
        &page(&b),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
}

#[tokio::test]
async fn tokens_work_on_every_write_and_a_revoked_one_stops() {
    let e = editable().await;
    let b = sign_in(&e.app, "editor@x.pl").await;
    let r = post_json(&e.app, "/api/tokens", &json!({"label": "QGIS"}), &page(&b)).await;
    let made = r.json_with(StatusCode::CREATED);
    let token = made["token"].as_str().unwrap().to_string();
    assert!(token.starts_with("mp_") && token.len() == 67);
    let listed = get_with(&e.app, "/api/tokens", &[("cookie", &b.cookie)])
        .await
        .json_with(StatusCode::OK);
    assert_eq!(listed[0]["label"], "QGIS");
    assert!(
        !listed.to_string().contains(&token),
        "the list never shows the token"
    );
    let bearer = format!("Bearer {token}");
    // No CSRF token needed: a bearer request carries no ambient credential.
    let r = request(
        &e.app,
        "POST",
        ITEMS,
        "application/geo+json",
        feature("Ze skryptu").to_string(),
        &[("authorization", &bearer)],
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let id = made["id"].as_i64().unwrap();
    // Another account cannot revoke it (404), its owner can.
    let anna = sign_in(&e.app, "anna@x.pl").await;
    let r = request(
        &e.app,
        "DELETE",
        &format!("/api/tokens/{id}"),
        "",
        String::new(),
        &page(&anna),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        get_with(&e.app, "/api/me", &[("authorization", &bearer)])
            .await
            .status,
        StatusCode::OK
    );
    let r = request(
        &e.app,
        "DELETE",
        &format!("/api/tokens/{id}"),
        "",
        String::new(),
        &page(&b),
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
    let r = get_with(&e.app, "/api/me", &[("authorization", &bearer)]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = request(
        &e.app,
        "POST",
        ITEMS,
        "application/geo+json",
        feature("Po odwołaniu").to_string(),
        &[("authorization", &bearer)],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn part4_replace_patch_delete_need_a_current_if_match() {
    let e = editable().await;
    let b = sign_in(&e.app, "editor@x.pl").await;
    let uri = format!("{ITEMS}/{OSWIECIM}");
    let patch = json!({"properties": {"title": "Nowy tytuł"}}).to_string();
    let r = request(
        &e.app,
        "PATCH",
        &uri,
        "application/merge-patch+json",
        patch.clone(),
        &page(&b),
    )
    .await;
    assert_eq!(r.status, StatusCode::PRECONDITION_REQUIRED, "{}", r.text());
    let tag = etag(&e, OSWIECIM).await;
    let mut h = page(&b);
    h.push(("if-match", tag.as_str()));
    let r = request(
        &e.app,
        "PATCH",
        &uri,
        "application/merge-patch+json",
        patch.clone(),
        &h,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let new_tag = r.headers[header::ETAG].to_str().unwrap().to_string();
    assert_ne!(new_tag, tag);
    assert_eq!(r.json()["feature"]["properties"]["title"], "Nowy tytuł");
    // The old ETag is stale now.
    let r = request(
        &e.app,
        "PATCH",
        &uri,
        "application/merge-patch+json",
        patch.clone(),
        &h,
    )
    .await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED, "{}", r.text());
    // The wrong media type for a patch.
    let mut h2 = page(&b);
    h2.push(("if-match", new_tag.as_str()));
    let r = request(&e.app, "PATCH", &uri, "application/json", patch, &h2).await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // Archive.
    let r = request(&e.app, "DELETE", &uri, "", String::new(), &page(&b)).await;
    assert_eq!(r.status, StatusCode::PRECONDITION_REQUIRED);
    let r = request(&e.app, "DELETE", &uri, "", String::new(), &h2).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
    let entry = get_with(
        &e.app,
        &format!("/api/entries/{OSWIECIM}"),
        &[("cookie", &b.cookie)],
    )
    .await
    .json_with(StatusCode::OK);
    assert_eq!(entry["status"], "archived");
}

#[tokio::test]
async fn editors_publish_contributors_submit() {
    let e = editable().await;
    let ed = sign_in(&e.app, "editor@x.pl").await;
    let r = request(
        &e.app,
        "POST",
        ITEMS,
        "application/geo+json",
        feature("Od redakcji").to_string(),
        &page(&ed),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let loc = r.headers[header::LOCATION].to_str().unwrap();
    assert!(
        loc.starts_with("http://127.0.0.1:8080/ogc/collections/practices/items/api-"),
        "{loc}"
    );
    assert_eq!(r.json()["status"], "published");
    let anna = sign_in(&e.app, "anna@x.pl").await;
    let r = request(
        &e.app,
        "POST",
        ITEMS,
        "application/geo+json",
        feature("Od gminy").to_string(),
        &page(&anna),
    )
    .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text());
    assert!(r.headers.contains_key(header::LOCATION));
    let made = r.json();
    assert_eq!(made["status"], "submitted");
    let id = made["feature"]["id"].as_str().unwrap().to_string();
    // A contributor cannot publish it.
    let r = post_json(
        &e.app,
        &format!("/api/entries/{id}/actions"),
        &json!({"action": "publish"}),
        &page(&anna),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    // Another contributor cannot even see it.
    let olek = sign_in(&e.app, "olek@x.pl").await;
    let r = get_with(
        &e.app,
        &format!("/api/entries/{id}"),
        &[("cookie", &olek.cookie)],
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
    let r = get_with(
        &e.app,
        &format!("/api/entries/{id}/history"),
        &[("cookie", &olek.cookie)],
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // The editor finds it in the queue, asks for changes, then publishes.
    let q = get_with(&e.app, "/api/review/queue", &[("cookie", &ed.cookie)])
        .await
        .json_with(StatusCode::OK);
    assert!(
        q.as_array().unwrap().iter().any(|i| i["id"] == id.as_str()),
        "{q}"
    );
    let r = post_json(
        &e.app,
        &format!("/api/entries/{id}/actions"),
        &json!({"action": "request_changes"}),
        &page(&ed),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a comment is required"
    );
    let r = post_json(
        &e.app,
        &format!("/api/entries/{id}/actions"),
        &json!({"action": "request_changes", "comment": "Dodaj koszt."}),
        &page(&ed),
    )
    .await;
    assert_eq!(r.json_with(StatusCode::OK)["status"], "changes_requested");
    let mine = get_with(&e.app, "/api/mine", &[("cookie", &anna.cookie)])
        .await
        .json_with(StatusCode::OK);
    assert!(mine.to_string().contains("Dodaj koszt."), "{mine}");
    let r = post_json(
        &e.app,
        &format!("/api/entries/{id}/actions"),
        &json!({"action": "publish"}),
        &page(&ed),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let h = get_with(
        &e.app,
        &format!("/api/entries/{id}/history"),
        &[("cookie", &ed.cookie)],
    )
    .await
    .json_with(StatusCode::OK);
    assert!(h.as_array().unwrap().len() >= 3, "{h}");
    let rev1 = get_with(
        &e.app,
        &format!("/api/entries/{id}/revisions/1"),
        &[("cookie", &ed.cookie)],
    )
    .await
    .json_with(StatusCode::OK);
    assert_eq!(rev1["properties"]["title"], "Od gminy");
}

#[tokio::test]
async fn contributors_propose_only_inside_their_units() {
    let e = editable().await;
    let anna = sign_in(&e.app, "anna@x.pl").await;
    for (id, allowed) in [(OSWIECIM, true), (GDANSK, false)] {
        let tag = etag(&e, id).await;
        let mut h = page(&anna);
        h.push(("if-match", tag.as_str()));
        let r = request(
            &e.app,
            "PATCH",
            &format!("{ITEMS}/{id}"),
            "application/merge-patch+json",
            json!({"properties": {"summary": "Poprawka."}}).to_string(),
            &h,
        )
        .await;
        if allowed {
            // A pending revision: the public version stays until review.
            assert_eq!(r.status, StatusCode::ACCEPTED, "{id}: {}", r.text());
            assert_eq!(etag(&e, id).await, tag, "the public version is unchanged");
        } else {
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{id}: {}", r.text());
        }
    }
}

#[tokio::test]
async fn bad_bodies_name_the_field() {
    let e = editable().await;
    let ed = sign_in(&e.app, "editor@x.pl").await;
    let cases = [
        (
            json!({"type": "Feature", "properties": {"area": "kultura"}}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "properties.title",
        ),
        (
            json!({"type": "Feature", "properties": {"title": "T", "area": "kultura", "kolor": 1}}),
            StatusCode::BAD_REQUEST,
            "properties.kolor",
        ),
        (
            json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": [2.35, 48.85]}, "properties": {"title": "T", "area": "kultura"}}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "geometry",
        ),
    ];
    for (body, status, field) in cases {
        let r = request(
            &e.app,
            "POST",
            ITEMS,
            "application/geo+json",
            body.to_string(),
            &page(&ed),
        )
        .await;
        assert_eq!(r.status, status, "{body}: {}", r.text());
        assert!(
            r.json()["error"]["message"]
                .as_str()
                .unwrap()
                .starts_with(field),
            "{}",
            r.text()
        );
    }
    let r = request(
        &e.app,
        "POST",
        ITEMS,
        "application/geo+json",
        "{not json".into(),
        &page(&ed),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn sql_injection_in_every_field_and_parameter_changes_nothing() {
    let e = editable().await;
    let before_count = e.store.count().await.unwrap();
    let before_accounts = e.store.accounts().await.unwrap();
    let gdansk_before = get(&e.app, &format!("/api/practices/{GDANSK}"))
        .await
        .text();
    let attacks = [
        "' OR '1'='1",
        "'; DROP TABLE practices; --",
        "\"; DELETE FROM accounts; --",
        "1; UPDATE practices SET status='published'",
        "x' UNION SELECT password_hash FROM accounts --",
    ];
    let ed = sign_in(&e.app, "editor@x.pl").await;
    for a in attacks {
        // Sign-in fields.
        let r = post_json(
            &e.app,
            "/api/session",
            &json!({"email": a, "password": a}),
            &[("x-forwarded-for", "10.9.9.9")],
        )
        .await;
        assert!(
            matches!(
                r.status,
                StatusCode::UNAUTHORIZED | StatusCode::TOO_MANY_REQUESTS
            ),
            "{a}: {}",
            r.text()
        );
        // Path ids and query parameters.
        let enc: String = url_escape(a);
        for uri in [
            format!("/api/entries/{enc}"),
            format!("/api/entries/{enc}/history"),
            format!("/api/entries/{GDANSK}/revisions/{enc}"),
            format!("/api/review/queue?voivodeship={enc}"),
            format!("/api/review/queue?area={enc}"),
            format!("{ITEMS}/{enc}"),
        ] {
            let r = get_with(&e.app, &uri, &[("cookie", &ed.cookie)]).await;
            assert!(
                r.status.is_client_error() || r.status == StatusCode::OK,
                "{uri}: {}",
                r.text()
            );
            assert!(!r.text().contains("argon2"), "{uri}: {}", r.text());
        }
        let r = request(
            &e.app,
            "DELETE",
            &format!("/api/tokens/{enc}"),
            "",
            String::new(),
            &page(&ed),
        )
        .await;
        assert!(r.status.is_client_error(), "{}", r.text());
        // Every property of a feature: stored as text, nothing else.
        let mut f = feature(a);
        for k in [
            "summary",
            "body",
            "funding",
            "town",
            "unit",
            "street",
            "phone",
            "email",
            "post_office",
        ] {
            f["properties"][k] = json!(a);
        }
        let r = request(
            &e.app,
            "POST",
            ITEMS,
            "application/geo+json",
            f.to_string(),
            &page(&ed),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{a}: {}", r.text());
        assert_eq!(r.json()["feature"]["properties"]["title"], a);
        let r = post_json(&e.app, "/api/tokens", &json!({"label": a}), &page(&ed)).await;
        assert_eq!(r.status, StatusCode::CREATED);
    }
    assert_eq!(
        e.store.count().await.unwrap(),
        before_count + attacks.len() as i64,
        "only the five created"
    );
    assert_eq!(e.store.accounts().await.unwrap(), before_accounts);
    assert_eq!(
        get(&e.app, &format!("/api/practices/{GDANSK}"))
            .await
            .text(),
        gdansk_before
    );
    let entry = get_with(
        &e.app,
        &format!("/api/entries/{GDANSK}"),
        &[("cookie", &ed.cookie)],
    )
    .await
    .json_with(StatusCode::OK);
    assert_eq!(entry["status"], "published");
    assert_eq!(entry["version"], 1);
}

#[tokio::test]
async fn drafts_pending_revisions_comments_and_accounts_never_reach_public_answers() {
    let e = editable().await;
    let anna = sign_in(&e.app, "anna@x.pl").await;
    let secret_title = "Tajny szkic ZXQW";
    let r = request(
        &e.app,
        "POST",
        ITEMS,
        "application/geo+json",
        feature(secret_title).to_string(),
        &page(&anna),
    )
    .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text());
    let id = r.json()["feature"]["id"].as_str().unwrap().to_string();
    let tag = etag(&e, OSWIECIM).await;
    let mut h = page(&anna);
    h.push(("if-match", tag.as_str()));
    let r = request(
        &e.app,
        "PATCH",
        &format!("{ITEMS}/{OSWIECIM}"),
        "application/merge-patch+json",
        json!({"properties": {"title": "Oczekująca poprawka QWZX"}}).to_string(),
        &h,
    )
    .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text());
    let ed = sign_in(&e.app, "editor@x.pl").await;
    let r = post_json(
        &e.app,
        &format!("/api/entries/{id}/actions"),
        &json!({"action": "request_changes", "comment": "Komentarz redakcji WQXZ"}),
        &page(&ed),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    for uri in [
        "/api/practices?limit=10000".to_string(),
        format!("/api/practices/{id}"),
        format!("/api/practices/{OSWIECIM}"),
        "/api/practices.csv".to_string(),
        "/api/practices.geojson".to_string(),
        "/api/clusters?bbox=14,49,24.2,55&zoom=5".to_string(),
        "/api/counts?by=gmina".to_string(),
        format!("{ITEMS}?limit=1000"),
        format!("{ITEMS}/{id}"),
        format!("{ITEMS}/{OSWIECIM}"),
        "/api/categories".to_string(),
    ] {
        let r = get(&e.app, &uri).await;
        let text = r.text();
        for secret in ["ZXQW", "QWZX", "WQXZ", "anna@x.pl", "argon2", "mp_", "ms_"] {
            assert!(!text.contains(secret), "{uri} shows {secret:?}");
        }
    }
    assert_eq!(
        get(&e.app, &format!("/api/practices/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&e.app, &format!("{ITEMS}/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
}
