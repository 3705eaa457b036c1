//! The HTTP edge's robustness: every error is JSON, security headers, the
//! polygon and download limits, the static folder's bounds, and the server's
//! timeouts and bounded shutdown on a real socket.

mod common;

use std::time::Duration;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use common::{app, app_with, config, dataset, get, send};
use mapa_praktyk::api::ApiConfig;
use mapa_praktyk::api::security::SecurityHeaders;
use mapa_praktyk::api::server::{ConnectionLimits, run};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tower::ServiceExt;

#[tokio::test]
async fn router_errors_are_json_too() {
    let app = app();
    // 405 from the router.
    let r = send(
        &app,
        Request::delete("/api/practices")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r.content_type(), "application/json");
    assert_eq!(r.error_code(), "method_not_allowed");
    // A path segment that is not UTF-8.
    let r = get(&app, "/api/practices/%FF%FE").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
    assert_eq!(r.content_type(), "application/json");
    assert_eq!(r.error_code(), "invalid_path");
    let r = get(&app, "/ogc/collections/practices/items/%C3%28").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
    assert_eq!(r.error_code(), "invalid_path");
    // A missing file of the page.
    let r = get(&app, "/no-such-file.js").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.error_code(), "not_found");
}

#[tokio::test]
async fn every_answer_has_security_headers_that_keep_embedding() {
    let app = app();
    for path in ["/", "/api/practices", "/ogc", "/api/nope"] {
        let r = get(&app, path).await;
        let csp = r.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(csp.contains("default-src 'self'"), "{path}: {csp}");
        // The embed mode (an iframe on a municipality's site) stays allowed.
        assert!(csp.contains("frame-ancestors *"), "{path}: {csp}");
        assert!(!r.headers.contains_key(header::X_FRAME_OPTIONS));
        assert_eq!(r.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(
            r.headers[header::REFERRER_POLICY],
            "strict-origin-when-cross-origin"
        );
    }
}

fn ring(n: usize) -> String {
    let pts: Vec<String> = (0..n)
        .map(|i| {
            let a = i as f64 / n as f64 * std::f64::consts::TAU;
            format!("[{:.6},{:.6}]", 19.0 + a.cos(), 51.0 + a.sin())
        })
        .collect();
    format!(
        "{{\"type\":\"Polygon\",\"coordinates\":[[{},{}]]}}",
        pts.join(","),
        pts[0]
    )
}

#[tokio::test]
async fn polygons_are_limited_in_positions_and_bytes() {
    let app = app();
    let post = |body: String| {
        Request::post("/api/practices/within")
            .body(Body::from(body))
            .unwrap()
    };
    let r = send(&app, post(ring(80_000))).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.text());
    assert_eq!(r.error_code(), "body_too_large");
    assert!(r.text().contains("80001 positions"), "{}", r.text());
    let huge = format!(
        "{{\"type\":\"Polygon\",\"coordinates\":[[{}[19,50]]]}}",
        "[19.0,50.0],".repeat(300_000)
    );
    let r = send(&app, post(huge)).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.error_code(), "body_too_large");
    // Within the limits, the query runs.
    let r = send(&app, post(ring(5_000))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
}

#[tokio::test]
async fn full_downloads_are_limited_while_their_bodies_are_sent() {
    let app = app_with(
        dataset(),
        ApiConfig {
            max_downloads: 1,
            ..config()
        },
    );
    let req = || {
        Request::get("/api/practices.geojson")
            .body(Body::empty())
            .unwrap()
    };
    // The first body is not read yet: its permit is held.
    let first = app.clone().oneshot(req()).await.unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    let r = send(&app, req()).await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.text());
    assert_eq!(r.error_code(), "busy");
    assert!(r.headers.contains_key(header::RETRY_AFTER));
    let r = get(&app, "/api/practices.csv").await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
    // Once the first body is gone, downloads are served again.
    drop(first);
    let r = send(&app, req()).await;
    assert_eq!(r.status, StatusCode::OK);
}

#[cfg(unix)]
#[tokio::test]
async fn static_files_behind_symlinks_out_of_the_folder_are_refused() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "top secret").unwrap();
    let root = tempfile::tempdir().unwrap();
    std::fs::write(root.path().join("index.html"), "<p>page</p>").unwrap();
    std::os::unix::fs::symlink(outside.path(), root.path().join("out")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.txt"),
        root.path().join("secret.txt"),
    )
    .unwrap();
    let app = app_with(
        dataset(),
        ApiConfig {
            static_dir: root.path().to_path_buf(),
            ..config()
        },
    );
    assert_eq!(get(&app, "/index.html").await.status, StatusCode::OK);
    for path in ["/out/secret.txt", "/secret.txt"] {
        let r = get(&app, path).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!r.text().contains("top secret"));
    }
}

/// Starts the real server loop on a free port; returns its address, a sender
/// that shuts it down, and its task.
async fn start(
    limits: ConnectionLimits,
) -> (
    std::net::SocketAddr,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<()>,
) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(run(
        listener,
        app(),
        SecurityHeaders::new(""),
        limits,
        async {
            let _ = rx.await;
        },
    ));
    (addr, tx, task)
}

/// Shuts down a server [`start`]ed, and waits (at most 20 s) for it to end.
async fn stop(tx: tokio::sync::oneshot::Sender<()>, task: tokio::task::JoinHandle<()>) {
    tx.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(20), task)
        .await
        .unwrap()
        .unwrap();
}

/// 64 connections, a grace of a second, and this header timeout.
fn limits(header_secs: u64) -> ConnectionLimits {
    ConnectionLimits {
        header_timeout: Duration::from_secs(header_secs),
        max_connections: 64,
        shutdown_grace: Duration::from_secs(1),
    }
}

/// Reads until the peer closes; `None` if it stays open for `guard`.
async fn closed_within(s: &mut TcpStream, guard: Duration) -> Option<Vec<u8>> {
    let mut got = Vec::new();
    tokio::time::timeout(guard, async {
        let mut buf = [0u8; 4096];
        loop {
            match s.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await
    .ok()
    .map(|_| got)
}

#[tokio::test]
async fn half_sent_headers_and_idle_connections_are_closed() {
    let (addr, tx, task) = start(limits(1)).await;
    // A request whose headers never end.
    let mut half = TcpStream::connect(addr).await.unwrap();
    half.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    // A connection that never sends anything.
    let mut idle = TcpStream::connect(addr).await.unwrap();
    // A kept-alive connection after one answered request.
    let mut kept = TcpStream::connect(addr).await.unwrap();
    kept.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let guard = Duration::from_secs(20);
    assert!(
        closed_within(&mut half, guard).await.is_some(),
        "half-sent request still open"
    );
    assert!(
        closed_within(&mut idle, guard).await.is_some(),
        "idle connection still open"
    );
    let answered = closed_within(&mut kept, guard)
        .await
        .expect("kept-alive connection still open");
    assert!(String::from_utf8_lossy(&answered).starts_with("HTTP/1.1 200"));
    // Others are still answered.
    let mut fresh = TcpStream::connect(addr).await.unwrap();
    fresh
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let reply = closed_within(&mut fresh, guard).await.unwrap();
    assert!(String::from_utf8_lossy(&reply).starts_with("HTTP/1.1 200"));
    tx.send(()).unwrap();
    tokio::time::timeout(guard, task).await.unwrap().unwrap();
}

#[tokio::test]
async fn shutdown_does_not_wait_for_a_half_sent_request() {
    let (addr, tx, task) = start(ConnectionLimits {
        // Far longer than the grace: shutdown must not wait for it.
        header_timeout: Duration::from_secs(600),
        max_connections: 64,
        shutdown_grace: Duration::from_millis(500),
    })
    .await;
    let mut half = TcpStream::connect(addr).await.unwrap();
    half.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    tx.send(()).unwrap();
    let finished = tokio::time::timeout(Duration::from_secs(30), task).await;
    assert!(
        finished.is_ok(),
        "the server kept waiting for the half-sent request"
    );
    // No new connection is accepted after shutdown.
    assert!(TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn options_and_head_still_work_through_the_layers() {
    let app = app();
    let r = send(
        &app,
        Request::builder()
            .method(Method::HEAD)
            .uri("/api/practices")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
}

#[tokio::test]
async fn at_the_cap_the_longest_idle_connection_makes_room() {
    const CAP: usize = 8;
    let (addr, tx, task) = start(ConnectionLimits {
        // Far longer than the test: only closing an idle connection can make
        // room for the newcomer.
        header_timeout: Duration::from_secs(600),
        max_connections: CAP,
        shutdown_grace: Duration::from_secs(1),
    })
    .await;
    // The cap filled with idle connections, oldest first: one kept alive
    // after its answer, one with half a request, the rest silent.
    let mut idle = Vec::new();
    let mut kept = TcpStream::connect(addr).await.unwrap();
    kept.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut first = [0u8; 12];
    kept.read_exact(&mut first).await.unwrap();
    assert_eq!(&first, b"HTTP/1.1 200");
    idle.push(kept);
    let mut half = TcpStream::connect(addr).await.unwrap();
    half.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    idle.push(half);
    while idle.len() < CAP {
        idle.push(TcpStream::connect(addr).await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    // Three newcomers beyond the cap, kept alive after their answers (so each
    // keeps its place): each is answered.
    let guard = Duration::from_secs(20);
    let mut newcomers = Vec::new();
    for _ in 0..3 {
        let mut next = TcpStream::connect(addr).await.unwrap();
        next.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            .await
            .unwrap();
        let mut status = [0u8; 12];
        tokio::time::timeout(guard, next.read_exact(&mut status))
            .await
            .expect("never answered")
            .unwrap();
        assert_eq!(&status, b"HTTP/1.1 200");
        newcomers.push(next);
    }
    // The three idle the longest made room; the others are still open.
    for (i, s) in idle.iter_mut().enumerate() {
        let short = Duration::from_millis(if i < 3 { 5_000 } else { 300 });
        let closed = closed_within(s, short).await.is_some();
        assert_eq!(closed, i < 3, "connection {i}: closed {closed}");
    }
    stop(tx, task).await;
}

/// Sends `head` (a request line and headers) on a fresh connection and reads
/// the answer until the server closes.
async fn raw_answer(addr: std::net::SocketAddr, head: String) -> String {
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(head.as_bytes()).await.unwrap();
    let got = closed_within(&mut s, Duration::from_secs(20))
        .await
        .expect("connection still open");
    String::from_utf8_lossy(&got).into_owned()
}

#[tokio::test]
async fn oversized_uris_and_headers_are_answered_as_json() {
    use mapa_praktyk::api::limits::{MAX_HEADER_BYTES, MAX_HEADERS, MAX_URI_BYTES};
    let (addr, tx, task) = start(limits(5)).await;
    let end = "Host: x\r\nConnection: close\r\n\r\n";
    // Sizes between the router's limits and hyper's (which answers with an
    // empty body): a 60,000-byte target, 300 fields, 200 KB of headers.
    let long_uri = format!("GET /healthz?{} HTTP/1.1\r\n{end}", "a".repeat(60_000));
    let many: String = (0..3 * MAX_HEADERS)
        .map(|i| format!("X-H{i}: v\r\n"))
        .collect();
    let many = format!("GET /healthz HTTP/1.1\r\n{many}{end}");
    let big = format!(
        "GET /healthz HTTP/1.1\r\nX-Big: {}\r\n{end}",
        "b".repeat(200_000)
    );
    for (head, status, what) in [
        (long_uri, "414", "request target"),
        (many, "431", "fields"),
        (big, "431", "bytes"),
    ] {
        let answer = raw_answer(addr, head).await;
        assert!(
            answer.starts_with(&format!("HTTP/1.1 {status}")),
            "{answer:.200}"
        );
        assert!(
            answer
                .to_ascii_lowercase()
                .contains("content-type: application/json"),
            "{answer:.400}"
        );
        let body = answer.split("\r\n\r\n").nth(1).unwrap_or_default();
        let v: serde_json::Value = serde_json::from_str(body).expect(body);
        assert!(
            v["error"]["message"].as_str().unwrap().contains(what),
            "{v}"
        );
    }
    // Just within the limits: answered.
    let fits = format!(
        "GET /healthz?{} HTTP/1.1\r\nX-Big: {}\r\n{end}",
        "a".repeat(MAX_URI_BYTES - 20),
        "b".repeat(MAX_HEADER_BYTES - 200)
    );
    assert!(raw_answer(addr, fits).await.starts_with("HTTP/1.1 200"));
    tx.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(20), task)
        .await
        .unwrap()
        .unwrap();
}

#[tokio::test]
async fn requests_hyper_cannot_read_are_answered_as_json() {
    let (addr, tx, task) = start(limits(5)).await;
    let end = "Host: x\r\nConnection: close\r\n\r\n";
    for (head, status, code) in [
        // Longer than the `http` crate holds: hyper's own 414.
        (
            format!("GET /healthz?{} HTTP/1.1\r\n{end}", "a".repeat(70_000)),
            "414",
            "uri_too_long",
        ),
        // Spaces in the target, a header without a colon, a bad length.
        (
            format!("GET /a b c HTTP/1.1\r\n{end}"),
            "400",
            "malformed_request",
        ),
        (
            format!("GET /healthz HTTP/1.1\r\nBad Header\r\n{end}"),
            "400",
            "malformed_request",
        ),
        (
            format!("POST /api/practices/within HTTP/1.1\r\nContent-Length: abc\r\n{end}"),
            "400",
            "malformed_request",
        ),
    ] {
        let answer = raw_answer(addr, head).await;
        assert!(
            answer.starts_with(&format!("HTTP/1.1 {status}")),
            "{answer:.200}"
        );
        let (head, body) = answer.split_once("\r\n\r\n").unwrap();
        assert!(
            head.to_ascii_lowercase()
                .contains("content-type: application/json"),
            "{head}"
        );
        let v: serde_json::Value = serde_json::from_str(body).expect(body);
        assert_eq!(v["error"]["code"], code, "{v}");
    }
    // The connection still serves well-formed requests after a bad one
    // elsewhere, and their answers are untouched.
    let ok = raw_answer(addr, format!("GET /healthz HTTP/1.1\r\n{end}")).await;
    assert!(ok.starts_with("HTTP/1.1 200"), "{ok:.200}");
    tx.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(20), task)
        .await
        .unwrap()
        .unwrap();
}

#[tokio::test]
async fn refusals_before_the_router_carry_the_security_headers() {
    let (addr, tx, task) = start(limits(5)).await;
    let end = "Host: x\r\nConnection: close\r\n\r\n";
    let want = SecurityHeaders::new("").pairs();
    for (head, status) in [
        // hyper's own answers: a broken request line, too many fields, a
        // target longer than the `http` crate holds.
        (format!("GET /a b c HTTP/1.1\r\n{end}"), "400"),
        (
            format!("GET /healthz HTTP/1.1\r\n{}{end}", "X-H: v\r\n".repeat(300)),
            "431",
        ),
        (
            format!("GET /healthz?{} HTTP/1.1\r\n{end}", "a".repeat(70_000)),
            "414",
        ),
        // The router's limits.
        (
            format!("GET /healthz?{} HTTP/1.1\r\n{end}", "a".repeat(20_000)),
            "414",
        ),
    ] {
        let answer = raw_answer(addr, head).await;
        assert!(
            answer.starts_with(&format!("HTTP/1.1 {status}")),
            "{answer:.200}"
        );
        let head = answer
            .split("\r\n\r\n")
            .next()
            .unwrap()
            .to_ascii_lowercase();
        for (name, value) in &want {
            let line = format!("\r\n{name}: {}\r\n", value.to_str().unwrap()).to_ascii_lowercase();
            assert!(head.contains(&line), "{line:?} missing in {head}");
        }
    }
    stop(tx, task).await;
}

#[tokio::test]
async fn a_request_naming_two_hosts_is_refused() {
    let app = app();
    let r = send(
        &app,
        Request::get("/healthz")
            .header(header::HOST, "a.example")
            .header(header::HOST, "b.example")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
    assert_eq!(r.error_code(), "duplicate_host");
    assert_eq!(r.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    // One Host is fine.
    let r = send(
        &app,
        Request::get("/healthz")
            .header(header::HOST, "a.example")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    // On the socket too.
    let (addr, tx, task) = start(limits(5)).await;
    let answer = raw_answer(
        addr,
        "GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n".into(),
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer:.200}");
    assert!(answer.contains("duplicate_host"), "{answer}");
    stop(tx, task).await;
}

/// A GeoJSON MultiPolygon of `n` squares of side `side` degrees, the first at
/// (`lon`, `lat`), the next each `step` degrees east (wrapping every 40).
fn squares(n: usize, lon: f64, lat: f64, side: f64, step: f64) -> String {
    let parts: Vec<String> = (0..n)
        .map(|i| {
            let (x, y) = (lon + (i % 40) as f64 * step, lat + (i / 40) as f64 * step);
            format!(
                "[[[{x},{y}],[{},{y}],[{},{}],[{x},{}],[{x},{y}]]]",
                x + side,
                x + side,
                y + side,
                y + side
            )
        })
        .collect();
    format!(
        "{{\"type\":\"MultiPolygon\",\"coordinates\":[{}]}}",
        parts.join(",")
    )
}

fn post_within(body: String) -> Request<Body> {
    Request::post("/api/practices/within")
        .header(header::CONTENT_TYPE, "application/geo+json")
        .body(Body::from(body))
        .unwrap()
}

#[tokio::test]
async fn polygons_crossing_the_antimeridian_are_refused() {
    let app = app();
    // A thin box across the antimeridian, written flat: read as drawn it
    // would span the whole map the other way round.
    let across =
        r#"{"type":"Polygon","coordinates":[[[179,40],[-179,40],[-179,60],[179,60],[179,40]]]}"#;
    let r = send(&app, post_within(across.into())).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
    assert_eq!(r.error_code(), "crosses_antimeridian");
    assert!(r.text().contains("RFC 7946"), "{}", r.text());
    // A box that stays on one side is read as drawn.
    let east = r#"{"type":"Polygon","coordinates":[[[14,48],[25,48],[25,56],[14,56],[14,48]]]}"#;
    let r = send(&app, post_within(east.into())).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["numberMatched"], 5);
}

#[tokio::test]
async fn polygon_work_is_bounded_before_it_starts() {
    use mapa_praktyk::api::practices::MAX_POLYGON_WORK;
    let practices = mapa_praktyk::synthetic::practices(
        mapa_praktyk::gazetteer::Gazetteer::bundled(),
        30_000,
        7,
    );
    let app = app_with(practices, config());
    // 2,000 squares, each over the whole country: 10,000 positions, each
    // tested against 30,000 practices.
    let r = send(&app, post_within(squares(2_000, 13.0, 48.0, 12.0, 0.0))).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.text());
    assert_eq!(r.error_code(), "polygon_too_complex");
    assert!(
        r.text().contains(&MAX_POLYGON_WORK.to_string()),
        "{}",
        r.text()
    );
    // As many small squares side by side: each is tested only on the
    // practices in its own box, and the query runs.
    let r = send(&app, post_within(squares(2_000, 14.0, 49.0, 0.1, 0.15))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    // The API document names the limit and the answers.
    let doc = get(&app, "/api/openapi.json").await.json();
    let answers = &doc["paths"]["/api/practices/within"]["post"]["responses"];
    let limit = MAX_POLYGON_WORK
        .to_string()
        .as_bytes()
        .rchunks(3)
        .rev()
        .map(|d| std::str::from_utf8(d).unwrap())
        .collect::<Vec<_>>()
        .join(",");
    let too_large = answers["413"]["description"].as_str().unwrap();
    assert!(too_large.contains(&limit), "{too_large}");
    assert!(
        answers["503"]["headers"]["Retry-After"].is_object(),
        "{answers}"
    );
    assert!(
        answers["400"]["description"]
            .as_str()
            .unwrap()
            .contains("crosses_antimeridian")
    );
}

#[tokio::test]
async fn polygon_queries_beyond_the_limit_are_told_to_come_back() {
    use mapa_praktyk::api::state::POLYGON_QUERIES_AT_ONCE;
    use mapa_praktyk::api::{AppState, router};
    let state = AppState::new(
        mapa_praktyk::snapshot::Snapshot::new(dataset()),
        config(),
        mapa_praktyk::gazetteer::Gazetteer::bundled(),
    );
    let app = router(state.clone());
    let poland = r#"{"type":"Polygon","coordinates":[[[14,48],[25,48],[25,56],[14,56],[14,48]]]}"#;
    // Every place taken (as by queries running).
    let running = state
        .polygon_queries
        .clone()
        .try_acquire_many_owned(POLYGON_QUERIES_AT_ONCE as u32)
        .unwrap();
    let r = send(&app, post_within(poland.into())).await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.text());
    assert_eq!(r.error_code(), "busy");
    assert!(r.headers.contains_key(header::RETRY_AFTER));
    drop(running);
    let r = send(&app, post_within(poland.into())).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
}
