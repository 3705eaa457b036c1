//! Accounts and invitations through the router the binary serves, over a
//! real store (SQLite, or PostgreSQL with `MAPA_TEST_DATABASE_URL`): only
//! admins list and change accounts and make invites (401 anonymous, 403
//! others, CSRF on every post); the one-time link makes one account with
//! the password its invitee sets; accounts appear in no public answer; the
//! review queue's filters.

mod common;
#[path = "common/edit.rs"]
mod edit;

use axum::http::StatusCode;
use edit::*;
use serde_json::{Value, json};

use common::get;

/// The secret of an invite's link (its fragment).
fn secret_of(link: &str) -> String {
    let (page, secret) = link.split_once('#').expect("a fragment");
    assert_eq!(page, "http://127.0.0.1:8080/zaproszenie.html");
    assert!(secret.starts_with("mi_") && secret.len() == 67, "{secret}");
    secret.to_string()
}

/// The headers of a same-origin page without a session (the invitee's).
const SAME_SITE: &[(&str, &str)] = &[
    ("origin", "http://127.0.0.1:8080"),
    ("sec-fetch-site", "same-origin"),
];

async fn invite(e: &Editable, admin: &Browser, body: Value) -> Value {
    let r = post_json(&e.app, "/api/admin/invites", &body, &page(admin)).await;
    r.json_with(StatusCode::CREATED)
}

async fn account_id(e: &Editable, email: &str) -> i64 {
    e.store.account_by_email(email).await.unwrap().0.id.0
}

#[tokio::test]
async fn admin_endpoints_are_401_anonymous_and_403_for_everyone_but_admins() {
    let e = editable().await;
    let anna_id = account_id(&e, "anna@x.pl").await;
    let writes = [
        (
            "POST",
            "/api/admin/invites".to_string(),
            json!({"email": "n@x.pl", "role": "editor"}),
        ),
        (
            "PATCH",
            format!("/api/admin/accounts/{anna_id}"),
            json!({"role": "admin"}),
        ),
        ("DELETE", "/api/admin/invites/1".to_string(), json!({})),
    ];
    for path in ["/api/admin/accounts", "/api/admin/invites"] {
        let r = get(&e.app, path).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{path}");
    }
    for (method, uri, body) in &writes {
        let r = request(
            &e.app,
            method,
            uri,
            "application/json",
            body.to_string(),
            &[],
        )
        .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{method} {uri}");
    }
    for who in ["anna@x.pl", "editor@x.pl"] {
        let b = sign_in(&e.app, who).await;
        for path in ["/api/admin/accounts", "/api/admin/invites"] {
            let r = get_with(&e.app, path, &[("cookie", b.cookie.as_str())]).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{who} GET {path}");
            assert_eq!(r.error_code(), "forbidden");
            assert!(!r.text().contains("anna@x.pl"), "{}", r.text());
        }
        for (method, uri, body) in &writes {
            let r = request(
                &e.app,
                method,
                uri,
                "application/json",
                body.to_string(),
                &page(&b),
            )
            .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{who} {method} {uri}");
            assert_eq!(r.error_code(), "forbidden");
        }
    }
    // Nothing changed: anna is still a contributor, no invite exists.
    let (anna, _) = e.store.account_by_email("anna@x.pl").await.unwrap();
    assert_eq!(anna.role.slug(), "contributor");
    assert!(e.store.open_invites().await.unwrap().is_empty());
}

#[tokio::test]
async fn admin_writes_need_the_csrf_token_with_a_cookie() {
    let e = editable().await;
    let admin = sign_in(&e.app, "admin@x.pl").await;
    let anna_id = account_id(&e, "anna@x.pl").await;
    let no_token = [
        ("cookie", admin.cookie.as_str()),
        ("origin", "http://127.0.0.1:8080"),
    ];
    let other_site = [
        ("cookie", admin.cookie.as_str()),
        ("x-csrf-token", admin.csrf.as_str()),
        ("origin", "https://evil.example"),
    ];
    for headers in [&no_token[..], &other_site[..]] {
        let r = post_json(
            &e.app,
            "/api/admin/invites",
            &json!({"email": "n@x.pl", "role": "editor"}),
            headers,
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
        assert_eq!(r.error_code(), "csrf");
        let r = request(
            &e.app,
            "PATCH",
            &format!("/api/admin/accounts/{anna_id}"),
            "application/json",
            json!({"disabled": true}).to_string(),
            headers,
        )
        .await;
        assert_eq!(r.error_code(), "csrf");
    }
    assert!(e.store.open_invites().await.unwrap().is_empty());
    let (anna, _) = e.store.account_by_email("anna@x.pl").await.unwrap();
    assert!(anna.is_active());
}

#[tokio::test]
async fn an_admin_lists_and_changes_accounts_but_not_their_own_role() {
    let e = editable().await;
    let admin = sign_in(&e.app, "admin@x.pl").await;
    let anna = sign_in(&e.app, "anna@x.pl").await;
    let r = get_with(
        &e.app,
        "/api/admin/accounts",
        &[("cookie", admin.cookie.as_str())],
    )
    .await;
    let list = r.json_with(StatusCode::OK);
    let emails: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["email"].as_str().unwrap())
        .collect();
    assert_eq!(
        emails,
        ["editor@x.pl", "anna@x.pl", "olek@x.pl", "admin@x.pl"]
    );
    assert!(
        !r.text().contains("argon2"),
        "a password hash in {}",
        r.text()
    );
    assert_eq!(r.headers["cache-control"], "no-store");

    let anna_id = account_id(&e, "anna@x.pl").await;
    let patch = |body: Value, id: i64| {
        let app = e.app.clone();
        let h = admin.clone();
        async move {
            request(
                &app,
                "PATCH",
                &format!("/api/admin/accounts/{id}"),
                "application/json",
                body.to_string(),
                &page(&h),
            )
            .await
        }
    };
    let r = patch(
        json!({"role": "editor", "units": ["1261", "0264011"]}),
        anna_id,
    )
    .await;
    let a = r.json_with(StatusCode::OK);
    assert_eq!(a["role"], "editor");
    assert_eq!(a["units"], json!(["026401", "1261"]));
    // The role counts at once, in the session anna already has.
    let r = get_with(
        &e.app,
        "/api/review/queue",
        &[("cookie", anna.cookie.as_str())],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());

    // Bad values are named, and change nothing.
    for (body, field) in [
        (json!({"role": "boss"}), "role"),
        (json!({"units": ["12a"]}), "unit"),
    ] {
        let r = patch(body, anna_id).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains(field), "{}", r.text());
    }
    let r = patch(json!({"colour": "red"}), anna_id).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
    let r = patch(json!({"role": "editor"}), 999_999).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // Disabled: her session ends and she cannot sign in; enabled again: she can.
    let r = patch(json!({"disabled": true}), anna_id).await;
    assert!(r.json_with(StatusCode::OK)["disabled_at"].is_string());
    let r = get_with(&e.app, "/api/me", &[("cookie", anna.cookie.as_str())]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = post_json(
        &e.app,
        "/api/session",
        &json!({"email": "anna@x.pl", "password": PASSWORD}),
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = patch(json!({"disabled": false}), anna_id).await;
    assert!(r.json_with(StatusCode::OK)["disabled_at"].is_null());
    sign_in(&e.app, "anna@x.pl").await;

    // Not their own admin role or account.
    let admin_id = account_id(&e, "admin@x.pl").await;
    for body in [json!({"role": "editor"}), json!({"disabled": true})] {
        let r = patch(body, admin_id).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    }
    let r = patch(json!({"units": ["12"]}), admin_id).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
}

#[tokio::test]
async fn an_invitation_link_makes_one_account_with_the_password_set() {
    let e = editable().await;
    let admin = sign_in(&e.app, "admin@x.pl").await;
    let out = invite(
        &e,
        &admin,
        json!({"email": "Nowa@X.pl", "name": "Nowa Redaktorka", "role": "editor", "units": ["12"]}),
    )
    .await;
    assert_eq!(out["invite"]["email"], "Nowa@X.pl");
    assert_eq!(out["invite"]["expired"], false);
    let secret = secret_of(out["link"].as_str().unwrap());
    // The list never shows the link or its secret.
    let r = get_with(
        &e.app,
        "/api/admin/invites",
        &[("cookie", admin.cookie.as_str())],
    )
    .await;
    let list = r.json_with(StatusCode::OK);
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert!(!r.text().contains(&secret[3..]));

    let r = post_json(
        &e.app,
        "/api/invitations/lookup",
        &json!({"token": secret}),
        SAME_SITE,
    )
    .await;
    let who = r.json_with(StatusCode::OK);
    assert_eq!(who["email"], "Nowa@X.pl");
    assert_eq!(who["role"], "editor");

    // A short password is refused, and the link still works.
    let r = post_json(
        &e.app,
        "/api/invitations/accept",
        &json!({"token": secret, "password": "krótkie"}),
        SAME_SITE,
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("password"), "{}", r.text());
    // Another site's page may not post it.
    let r = post_json(
        &e.app,
        "/api/invitations/accept",
        &json!({"token": secret, "password": "nowe-hasło-12345"}),
        &[
            ("origin", "https://evil.example"),
            ("sec-fetch-site", "cross-site"),
        ],
    )
    .await;
    assert_eq!(r.error_code(), "csrf");

    let r = post_json(
        &e.app,
        "/api/invitations/accept",
        &json!({"token": secret, "password": "nowe-hasło-12345"}),
        SAME_SITE,
    )
    .await;
    let made = r.json_with(StatusCode::CREATED);
    assert_eq!(made["account"]["role"], "editor");
    assert_eq!(made["account"]["units"], json!(["12"]));
    assert_eq!(made["account"]["name"], "Nowa Redaktorka");
    // Stored as Argon2id, and it signs in.
    let (_, hash) = e.store.account_by_email("nowa@x.pl").await.unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    let r = post_json(
        &e.app,
        "/api/session",
        &json!({"email": "nowa@x.pl", "password": "nowe-hasło-12345"}),
        &[],
    )
    .await;
    assert_eq!(r.json_with(StatusCode::OK)["role"], "editor");

    // Once only.
    let r = post_json(
        &e.app,
        "/api/invitations/accept",
        &json!({"token": secret, "password": "jeszcze-raz-12345"}),
        SAME_SITE,
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
    let r = post_json(
        &e.app,
        "/api/invitations/lookup",
        &json!({"token": secret}),
        SAME_SITE,
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
    assert!(e.store.open_invites().await.unwrap().is_empty());
    // An account exists: no second invite of that e-mail.
    let r = post_json(
        &e.app,
        "/api/admin/invites",
        &json!({"email": "NOWA@x.pl", "role": "contributor"}),
        &page(&admin),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn revoked_replaced_and_forged_links_do_not_work() {
    let e = editable().await;
    let admin = sign_in(&e.app, "admin@x.pl").await;
    let first = invite(
        &e,
        &admin,
        json!({"email": "z@x.pl", "role": "contributor"}),
    )
    .await;
    let second = invite(
        &e,
        &admin,
        json!({"email": "z@x.pl", "role": "contributor", "units": ["1213"]}),
    )
    .await;
    let (s1, s2) = (
        secret_of(first["link"].as_str().unwrap()),
        secret_of(second["link"].as_str().unwrap()),
    );
    let lookup = |token: String| {
        let app = e.app.clone();
        async move {
            post_json(
                &app,
                "/api/invitations/lookup",
                &json!({"token": token}),
                SAME_SITE,
            )
            .await
        }
    };
    assert_eq!(
        lookup(s1.clone()).await.status,
        StatusCode::NOT_FOUND,
        "replaced"
    );
    assert_eq!(lookup(s2.clone()).await.status, StatusCode::OK);
    let forged = format!("mi_{}", "0".repeat(64));
    for token in [
        forged,
        "mi_x".into(),
        "' OR 1=1 --".into(),
        s2.replace("mi_", "mp_"),
    ] {
        let r = lookup(token.clone()).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{token}");
    }
    let id = second["invite"]["id"].as_i64().unwrap();
    let revoke = || {
        let app = e.app.clone();
        let h = admin.clone();
        async move {
            let uri = format!("/api/admin/invites/{id}");
            request(&app, "DELETE", &uri, "", String::new(), &page(&h))
                .await
                .status
        }
    };
    assert_eq!(revoke().await, StatusCode::NO_CONTENT);
    assert_eq!(
        lookup(s2.clone()).await.status,
        StatusCode::NOT_FOUND,
        "revoked"
    );
    assert_eq!(revoke().await, StatusCode::NOT_FOUND, "revoked already");
    assert!(e.store.account_by_email("z@x.pl").await.is_err());
}

#[tokio::test]
async fn accounts_and_invites_appear_in_no_public_answer() {
    let e = editable().await;
    let admin = sign_in(&e.app, "admin@x.pl").await;
    invite(
        &e,
        &admin,
        json!({"email": "ukryta@x.pl", "role": "editor"}),
    )
    .await;
    let doc = get(&e.app, "/api/openapi.json").await.json();
    for path in [
        "/api/admin/accounts",
        "/api/admin/accounts/{id}",
        "/api/admin/invites",
        "/api/admin/invites/{id}",
    ] {
        let ops = doc["paths"][path]
            .as_object()
            .unwrap_or_else(|| panic!("{path} documented"));
        for (method, op) in ops {
            let schemes: Vec<String> = op["security"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|s| s.as_object().unwrap().keys().cloned())
                .collect();
            assert_eq!(schemes, ["bearer", "session"], "{method} {path}");
            assert!(op["responses"]["403"].is_object(), "{method} {path}");
        }
    }
    for path in [
        "/api/practices",
        "/api/practices.csv",
        "/api/practices.geojson",
        "/ogc/collections/practices/items",
        "/api/config",
    ] {
        let body = get(&e.app, path).await.text();
        for secret in ["ukryta@x.pl", "admin@x.pl", "anna@x.pl"] {
            assert!(!body.contains(secret), "{secret} in {path}");
        }
    }
}

#[tokio::test]
async fn the_queue_filters_by_voivodeship_and_area_and_refuses_bad_ones() {
    let e = editable().await;
    let anna = sign_in(&e.app, "anna@x.pl").await;
    let editor = sign_in(&e.app, "editor@x.pl").await;
    // Anna's submission in Oświęcim (małopolskie, 12), area kultura.
    let r = request(
        &e.app,
        "POST",
        "/ogc/collections/practices/items",
        "application/geo+json",
        feature("Kolejka z filtrem").to_string(),
        &page(&anna),
    )
    .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text());
    let queue = |q: &'static str| {
        let app = e.app.clone();
        let c = editor.cookie.clone();
        async move {
            get_with(
                &app,
                &format!("/api/review/queue{q}"),
                &[("cookie", c.as_str())],
            )
            .await
        }
    };
    let titles = |v: Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|i| i["title"].as_str().unwrap().to_string())
            .collect()
    };
    for (q, listed) in [
        ("", true),
        ("?voivodeship=12", true),
        ("?voivodeship=22", false),
        ("?area=kultura", true),
        ("?area=oswiata", false),
        ("?voivodeship=12&area=kultura", true),
    ] {
        let got = titles(queue(q).await.json_with(StatusCode::OK));
        assert_eq!(
            got.contains(&"Kolejka z filtrem".to_string()),
            listed,
            "{q}: {got:?}"
        );
    }
    for (q, named) in [
        ("?voivodeship=1", "voivodeship"),
        ("?area=nieznany", "area"),
    ] {
        let r = queue(q).await;
        assert!(
            matches!(
                r.status,
                StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY
            ),
            "{q}"
        );
        assert!(r.text().contains(named), "{q}: {}", r.text());
    }
    let r = get_with(
        &e.app,
        "/api/review/queue",
        &[("cookie", anna.cookie.as_str())],
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}
