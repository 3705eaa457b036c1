//! `import https://…` against a server started here on 127.0.0.1 (never the
//! internet): redirects, `robots.txt`, the size cap, timeouts, encodings
//! declared only in the HTTP header, error statuses and non-HTML answers, and
//! a whole import of a fetched page into a dataset.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use mapa_praktyk::gazetteer::Gazetteer;
use mapa_praktyk::import::fetch::{FetchConfig, FetchFailure, Fetcher};
use mapa_praktyk::import::{self, ImportError, ImportOptions};
use mapa_praktyk::store;

/// A page in ISO-8859-2 whose only encoding declaration is the HTTP header.
fn latin2_page() -> Vec<u8> {
    let html = "<html><head><title>Projekt</title></head><body>\
        <h1>Teleopieka dla seniorów</h1>\
        <p>Gminny Ośrodek Pomocy Społecznej w Zbójnie przekazał 10 osobom opaski \
        do teleopieki w ramach projektu „Kujawsko-Pomorska Teleopieka”. Koszt: 12 000 zł.</p>\
        </body></html>";
    let (bytes, _, _) = encoding_rs::ISO_8859_2.encode(html);
    bytes.into_owned()
}

/// A page in Windows-1250 that declares it in a `<meta>` only.
fn cp1250_page() -> Vec<u8> {
    let html = "<html><head><meta charset=\"windows-1250\"><title>x</title></head><body>\
        <h1>Nowy plac zabaw w Żółkiewce</h1>\
        <p>Gmina Żółkiewka oddała do użytku plac zabaw przy szkole w Żółkiewce.</p>\
        </body></html>";
    let (bytes, _, _) = encoding_rs::WINDOWS_1250.encode(html);
    bytes.into_owned()
}

/// An answer: status line, headers, body.
type Answer = (String, Vec<(String, String)>, Vec<u8>);

/// The server's answer to a path; `None` answers nothing.
fn answer(path: &str, port: u16) -> Option<Answer> {
    let html = |s: &str| vec![("Content-Type".to_string(), s.to_string())];
    let page = b"<html><head><title>t</title><link rel=\"canonical\" href=\"\"></head>\
        <body><h1>Nowa linia autobusowa w gminie Buk</h1><p>Gmina Buk uruchomila linie.</p></body></html>"
        .to_vec();
    Some(match path {
        "/robots.txt" => (
            "200 OK".into(),
            html("text/plain"),
            b"User-agent: *\nDisallow: /private/\n\nUser-agent: other-bot\nDisallow: /\n".to_vec(),
        ),
        "/page.html" => ("200 OK".into(), html("text/html; charset=utf-8"), page),
        "/redirect" => (
            "302 Found".into(),
            vec![("Location".into(), "/page.html".into())],
            Vec::new(),
        ),
        "/absolute-redirect" => (
            "301 Moved Permanently".into(),
            vec![(
                "Location".into(),
                format!("http://127.0.0.1:{port}/redirect"),
            )],
            Vec::new(),
        ),
        "/loop" => (
            "302 Found".into(),
            vec![("Location".into(), "/loop".into())],
            Vec::new(),
        ),
        "/to-ftp" => (
            "302 Found".into(),
            vec![("Location".into(), "ftp://127.0.0.1/file.html".into())],
            Vec::new(),
        ),
        "/private/page.html" => (
            "200 OK".into(),
            html("text/html"),
            b"<h1>secret</h1>".to_vec(),
        ),
        "/big-declared" => ("200 OK".into(), html("text/html"), vec![b'a'; 5000]),
        "/missing" => (
            "404 Not Found".into(),
            html("text/html"),
            b"<h1>404</h1>".to_vec(),
        ),
        "/broken" => (
            "500 Internal Server Error".into(),
            html("text/html"),
            b"oops".to_vec(),
        ),
        "/doc.pdf" => (
            "200 OK".into(),
            html("application/pdf"),
            b"%PDF-1.4".to_vec(),
        ),
        "/latin2" => (
            "200 OK".into(),
            html("text/html; charset=ISO-8859-2"),
            latin2_page(),
        ),
        "/cp1250" => ("200 OK".into(), html("text/html"), cp1250_page()),
        "/slow" => return None,
        _ => ("404 Not Found".into(), html("text/plain"), b"no".to_vec()),
    })
}

/// A server on a free loopback port; counts the requests for `/robots.txt`.
struct Server {
    port: u16,
    robots_hits: Arc<AtomicUsize>,
}

impl Server {
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let port = listener.local_addr().unwrap().port();
        let robots_hits = Arc::new(AtomicUsize::new(0));
        let hits = robots_hits.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let hits = hits.clone();
                std::thread::spawn(move || serve(stream, port, &hits));
            }
        });
        Server { port, robots_hits }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

fn serve(mut stream: TcpStream, port: u16, robots_hits: &AtomicUsize) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) if line == "\r\n" || line == "\n" => break,
            Ok(_) => {}
        }
    }
    let path = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .to_string();
    if path == "/robots.txt" {
        robots_hits.fetch_add(1, Ordering::SeqCst);
    }
    if path == "/big-streamed" {
        // No Content-Length: the body ends when the connection closes.
        let _ = stream
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n");
        for _ in 0..50 {
            if stream.write_all(&[b'b'; 1000]).is_err() {
                return;
            }
        }
        return;
    }
    let Some((status, headers, body)) = answer(&path, port) else {
        // Hold the connection open without answering, longer than the client waits.
        std::thread::sleep(Duration::from_secs(5));
        return;
    };
    let mut head = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
}

/// Short limits, so the slow and large cases end quickly.
fn config() -> FetchConfig {
    FetchConfig {
        connect_timeout: Duration::from_secs(5),
        read_timeout: Duration::from_millis(400),
        max_bytes: 2000,
        ..FetchConfig::default()
    }
}

#[test]
fn redirects_are_followed_and_the_final_address_kept() {
    let server = Server::start();
    let mut f = Fetcher::new(config());
    let page = f.fetch(&server.url("/absolute-redirect")).expect("fetched");
    assert_eq!(page.final_url, server.url("/page.html"));
    assert_eq!(page.requested, server.url("/absolute-redirect"));
    assert_eq!(page.media_type.as_deref(), Some("text/html"));
    assert!(String::from_utf8_lossy(&page.bytes).contains("Nowa linia autobusowa"));
}

#[test]
fn with_no_redirect_allowed_a_redirect_names_its_target_and_is_not_fetched() {
    let server = Server::start();
    let mut f = Fetcher::new(FetchConfig {
        max_redirects: 0,
        ..config()
    });
    let err = f.fetch(&server.url("/absolute-redirect")).unwrap_err();
    assert_eq!(
        err.failure,
        FetchFailure::Redirected(server.url("/redirect")),
        "{err}"
    );
    assert!(err.to_string().contains("give that address"), "{err}");
}

#[test]
fn robots_txt_is_read_once_per_site_and_honoured() {
    let server = Server::start();
    let mut f = Fetcher::new(config());
    f.fetch(&server.url("/page.html")).expect("allowed");
    f.fetch(&server.url("/redirect")).expect("allowed");
    let err = f.fetch(&server.url("/private/page.html")).unwrap_err();
    assert_eq!(err.failure, FetchFailure::Robots(server.url("/robots.txt")));
    assert!(err.to_string().contains("refused by"), "{err}");
    assert_eq!(server.robots_hits.load(Ordering::SeqCst), 1);
}

#[test]
fn redirects_are_bounded_and_stay_on_http() {
    let server = Server::start();
    let mut f = Fetcher::new(config());
    let err = f.fetch(&server.url("/loop")).unwrap_err();
    assert_eq!(
        err.failure,
        FetchFailure::TooManyRedirects(config().max_redirects)
    );
    let err = f.fetch(&server.url("/to-ftp")).unwrap_err();
    assert_eq!(
        err.failure,
        FetchFailure::BadRedirect("ftp://127.0.0.1/file.html".into())
    );
    let err = f.fetch("ftp://127.0.0.1/file.html").unwrap_err();
    assert_eq!(err.failure, FetchFailure::NotHttp);
}

#[test]
fn pages_over_the_cap_are_refused() {
    let server = Server::start();
    let mut f = Fetcher::new(config());
    let err = f.fetch(&server.url("/big-declared")).unwrap_err();
    assert_eq!(err.failure, FetchFailure::TooBig(2000));
    let err = f.fetch(&server.url("/big-streamed")).unwrap_err();
    assert_eq!(err.failure, FetchFailure::TooBig(2000));
}

#[test]
fn a_server_that_does_not_answer_times_out() {
    let server = Server::start();
    let mut f = Fetcher::new(config());
    let err = f.fetch(&server.url("/slow")).unwrap_err();
    assert!(
        matches!(err.failure, FetchFailure::Timeout(_, _)),
        "{err:?}"
    );
    assert!(err.to_string().starts_with("timed out"), "{err}");
}

#[test]
fn error_statuses_and_non_html_are_named() {
    let server = Server::start();
    let mut f = Fetcher::new(config());
    let err = f.fetch(&server.url("/missing")).unwrap_err();
    assert_eq!(err.failure, FetchFailure::Status(404, "Not Found".into()));
    assert_eq!(err.to_string(), "HTTP 404 Not Found");
    let err = f.fetch(&server.url("/broken")).unwrap_err();
    assert_eq!(
        err.failure,
        FetchFailure::Status(500, "Internal Server Error".into())
    );
    let err = f.fetch(&server.url("/doc.pdf")).unwrap_err();
    assert_eq!(err.failure, FetchFailure::NotHtml("application/pdf".into()));
}

#[test]
fn a_refused_connection_is_named() {
    // A port that was free a moment ago: nothing listens there.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut f = Fetcher::new(config());
    let err = f
        .fetch(&format!("http://127.0.0.1:{port}/page.html"))
        .unwrap_err();
    // robots.txt is asked for first; it cannot be read, which forbids the site.
    assert!(
        matches!(err.failure, FetchFailure::RobotsUnreadable(_, _)),
        "{err:?}"
    );
}

fn import_urls(
    urls: &[String],
) -> (
    Result<import::ImportReport, ImportError>,
    PathBuf,
    tempfile::TempDir,
) {
    let dir = tempfile::tempdir().unwrap();
    let into = dir.path().join("out.csv");
    let paths: Vec<PathBuf> = urls.iter().map(PathBuf::from).collect();
    let options = ImportOptions {
        fetch: config(),
        ..ImportOptions::default()
    };
    let report = import::run_with(&paths, &into, Gazetteer::bundled(), &options);
    (report, into, dir)
}

#[test]
fn fetched_pages_import_with_their_addresses_and_encodings() {
    let server = Server::start();
    let latin2 = server.url("/latin2");
    let cp1250 = server.url("/cp1250");
    let redirected = server.url("/redirect");
    let (report, into, _dir) = import_urls(&[latin2.clone(), cp1250.clone(), redirected.clone()]);
    let report = report.expect("imported");
    assert_eq!(report.added, 3);
    let rows = store::load(&into).expect("dataset loads");
    let by_source = |s: &str| {
        rows.iter()
            .find(|p| p.source == s)
            .unwrap_or_else(|| panic!("no record for {s}"))
    };

    let p = by_source(&latin2);
    assert!(
        p.body
            .contains("Gminny Ośrodek Pomocy Społecznej w Zbójnie"),
        "{}",
        p.body
    );
    assert_eq!(p.source_url.as_deref(), Some(latin2.as_str()));
    assert!(
        report
            .warnings
            .iter()
            .any(|(_, w)| w.contains("ISO-8859-2 (HTTP header)"))
    );

    let p = by_source(&cp1250);
    assert!(p.body.contains("Gmina Żółkiewka"), "{}", p.body);

    let p = by_source(&redirected);
    assert_eq!(
        p.source_url.as_deref(),
        Some(server.url("/page.html").as_str())
    );
    assert!(p.id.starts_with("page-127-0-0-1-redirect"), "{}", p.id);
}

#[test]
fn a_failed_address_stops_the_import_and_is_named() {
    let server = Server::start();
    let missing = server.url("/missing");
    let (report, into, _dir) = import_urls(&[server.url("/page.html"), missing.clone()]);
    match report {
        Err(ImportError::Inputs(failures)) => {
            assert_eq!(failures.len(), 1);
            assert_eq!(failures[0].0, PathBuf::from(&missing));
            assert_eq!(failures[0].1, "HTTP 404 Not Found");
        }
        other => panic!("expected the input failure, got {other:?}"),
    }
    assert!(!into.exists(), "nothing is written when an input fails");
}
