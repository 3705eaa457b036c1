//! The binary's database commands, as an operator runs them: accounts with a
//! password from standard input, tokens shown once, an import into the
//! database, and `serve` on the embedded database seeded from a CSV.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_mapa-praktyk");

fn run(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .env_remove("MAPA_DATABASE_URL")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn ok(args: &[&str], stdin: &str) -> String {
    let out = run(args, stdin);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn failing(args: &[&str], stdin: &str) -> String {
    let out = run(args, stdin);
    assert!(!out.status.success(), "{args:?} should fail");
    String::from_utf8(out.stderr).unwrap()
}

/// The first `n` rows of the bundled dataset, as a CSV in `dir`.
fn small_csv(dir: &Path, n: usize) -> PathBuf {
    let all = mapa_praktyk::store::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("data/practices.csv"),
    )
    .unwrap();
    let path = dir.join("small.csv");
    mapa_praktyk::store::save(&path, &all[..n]).unwrap();
    path
}

#[test]
fn accounts_and_tokens_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("store.db");
    let db = db.to_str().unwrap();
    let out = ok(
        &[
            "user",
            "add",
            "Ala@Example.org",
            "--role",
            "admin",
            "--database",
            db,
        ],
        "a long enough password\n",
    );
    assert!(
        out.contains("account 1 added: Ala@Example.org (admin)"),
        "{out}"
    );
    ok(
        &[
            "user",
            "--database",
            db,
            "add",
            "k@example.org",
            "--role",
            "contributor",
            "--unit",
            "1261011",
            "--unit",
            "24",
            "--name",
            "Kasia",
        ],
        "another long password\n",
    );
    let e = failing(
        &[
            "user",
            "add",
            "s@example.org",
            "--role",
            "editor",
            "--database",
            db,
        ],
        "short\n",
    );
    assert!(e.contains("password") && e.contains("too short"), "{e}");
    let e = failing(
        &[
            "user",
            "add",
            "ala@example.org",
            "--role",
            "editor",
            "--database",
            db,
        ],
        "a long enough password\n",
    );
    assert!(e.contains("exists already"), "{e}");
    let e = failing(
        &[
            "user",
            "add",
            "x@example.org",
            "--role",
            "editor",
            "--unit",
            "12a",
            "--database",
            db,
        ],
        "a long enough password\n",
    );
    assert!(e.contains("unit") && e.contains("12a"), "{e}");
    let list = ok(&["user", "list", "--database", db], "");
    assert!(
        list.contains("Ala@Example.org\tAla@Example.org\tadmin\t-\tactive"),
        "{list}"
    );
    assert!(
        list.contains("k@example.org\tKasia\tcontributor\t126101,24\tactive"),
        "{list}"
    );
    let token = ok(
        &[
            "token",
            "add",
            "k@example.org",
            "--label",
            "qgis",
            "--database",
            db,
        ],
        "",
    );
    let token = token.trim();
    assert!(token.starts_with("mp_") && token.len() == 67, "{token}");
    let out = ok(&["token", "revoke", "1", "--database", db], "");
    assert!(out.contains("token 1 revoked"), "{out}");
    assert!(failing(&["token", "revoke", "99", "--database", db], "").contains("not found"));
    let out = ok(&["user", "disable", "K@example.org", "--database", db], "");
    assert!(out.contains("disabled"), "{out}");
    let e = failing(&["token", "add", "k@example.org", "--database", db], "");
    assert!(e.contains("disabled"), "{e}");
    let list = ok(&["user", "list", "--database", db], "");
    assert!(list.contains("\tdisabled "), "{list}");
}

#[test]
fn import_into_the_database_submits_or_publishes() {
    let dir = tempfile::tempdir().unwrap();
    let csv = small_csv(dir.path(), 5);
    let db = dir.path().join("store.db");
    let (db, csv) = (db.to_str().unwrap(), csv.to_str().unwrap());
    let out = ok(&["import", csv, "--database", db], "");
    assert!(
        out.starts_with("5 submitted for review, 0 published"),
        "{out}"
    );
    let out = ok(&["import", csv, "--database", db, "--publish"], "");
    assert!(out.contains("5 unchanged"), "{out}");
    let e = failing(&["import", csv, "--publish"], "");
    assert!(e.contains("--database"), "{e}");
}

#[test]
fn serve_without_data_serves_the_embedded_database_seeded_from_the_csv() {
    let dir = tempfile::tempdir().unwrap();
    let csv = small_csv(dir.path(), 4);
    let db = dir.path().join("sub/store.db");
    for start in 0..2 {
        let mut child = Command::new(BIN)
            .args([
                "serve",
                "--addr",
                "127.0.0.1:0",
                "--reload-secs",
                "0",
                "--database",
            ])
            .arg(&db)
            .arg("--seed")
            .arg(&csv)
            .env_remove("MAPA_DATA")
            .env_remove("MAPA_DATABASE_URL")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let deadline = Instant::now() + Duration::from_secs(120);
        let mut url = None;
        for line in stdout.lines().map_while(Result::ok) {
            if let Some(u) = line.strip_prefix("mapa-praktyk listening on ") {
                url = Some(u.trim_end_matches('/').to_string());
                break;
            }
            assert!(Instant::now() < deadline, "no listening line");
        }
        let url = url.expect("the server listens");
        let body = http_get(&url, "/api/practices?limit=100");
        let _ = child.kill();
        let _ = child.wait();
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["numberMatched"], 4, "start {start}: {body:.200}");
    }
    assert!(db.exists());
}

/// A GET over a plain TCP connection (the test needs no HTTP client).
fn http_get(base: &str, path: &str) -> String {
    use std::io::Read;
    let addr = base.strip_prefix("http://").unwrap();
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    let body = raw.split_once("\r\n\r\n").map(|x| x.1).unwrap_or("");
    // Chunked or not, the JSON is the part between the first `{` and the last `}`.
    let (a, b) = (
        body.find('{').unwrap_or(0),
        body.rfind('}').map_or(0, |i| i + 1),
    );
    body[a..b].to_string()
}
