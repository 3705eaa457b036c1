//! No password, token or session id ever reaches the logs: every event of a
//! sign-in, a token's making and use, a write and a sign-out, at the most
//! verbose level, captured and searched.

mod common;
#[path = "common/edit.rs"]
mod edit;

use std::io::Write;
use std::sync::{Arc, Mutex};

use axum::http::{StatusCode, header};
use edit::*;
use serde_json::json;

/// Everything the subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn no_password_token_or_session_id_in_logs() {
    let captured = Captured::default();
    let writer = captured.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .init();
    let e = editable().await;
    // A failed sign-in with a password that must not appear.
    let wrong = "Zle-Haslo-Nie-Do-Logow-5521";
    let r = post_json(
        &e.app,
        "/api/session",
        &json!({"email": "editor@x.pl", "password": wrong}),
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let b = sign_in(&e.app, "editor@x.pl").await;
    let session_id = b.cookie.trim_start_matches("mapa_session=").to_string();
    let made = post_json(
        &e.app,
        "/api/tokens",
        &json!({"label": "log test"}),
        &page(&b),
    )
    .await
    .json_with(StatusCode::CREATED);
    let token = made["token"].as_str().unwrap().to_string();
    let bearer = format!("Bearer {token}");
    let r = request(
        &e.app,
        "POST",
        "/ogc/collections/practices/items",
        "application/geo+json",
        feature("Z logów").to_string(),
        &[("authorization", &bearer)],
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    // A malformed Authorization header is refused without echoing it.
    let junk = "Bearer mp_tajne-nie-do-logow-7788";
    let r = get_with(&e.app, "/api/me", &[("authorization", junk)]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(!r.text().contains("tajne-nie-do-logow"));
    let out = request(
        &e.app,
        "DELETE",
        "/api/session",
        "",
        String::new(),
        &page(&b),
    )
    .await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    assert!(out.headers.contains_key(header::SET_COOKIE));
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("signed in"), "the sign-in was logged: {logs}");
    assert!(logs.contains("token created"), "{logs}");
    for secret in [
        wrong,
        PASSWORD,
        &token,
        &token[3..],
        &session_id,
        &session_id[3..],
        &b.csrf,
        "tajne-nie-do-logow",
    ] {
        assert!(
            !logs.contains(secret),
            "the logs hold a secret ({} chars)",
            secret.len()
        );
    }
}
