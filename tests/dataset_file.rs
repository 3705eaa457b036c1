//! The real binary and its dataset file: boolean environment variables, and the
//! snapshot file written beside the dataset and used on restart.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_mapa-praktyk");

fn bundled() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/practices.csv")
}

/// Starts `serve` on a free port; returns the child and its base URL once it
/// listens, or its stderr when it exits first.
fn serve(data: &Path, env: &[(&str, &str)]) -> Result<(Child, String), String> {
    let mut cmd = Command::new(BIN);
    cmd.args([
        "serve",
        "--addr",
        "127.0.0.1:0",
        "--reload-secs",
        "0",
        "--data",
    ])
    .arg(data)
    .env_remove("MAPA_PUBLISH_PERSONAL")
    .env("RUST_LOG", "warn")
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("the binary starts");
    let stdout = child.stdout.take().expect("piped");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(url) = line.strip_prefix("mapa-praktyk listening on ") {
                let _ = tx.send(url.trim_end_matches('/').to_string());
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if let Ok(url) = rx.recv_timeout(Duration::from_millis(50)) {
            return Ok((child, url));
        }
        if let Some(status) = child.try_wait().expect("wait") {
            let mut err = String::new();
            use std::io::Read;
            child
                .stderr
                .take()
                .expect("piped")
                .read_to_string(&mut err)
                .expect("stderr");
            return Err(format!("{status}: {err}"));
        }
    }
    stop(child);
    panic!("the server neither listened nor exited within 60 s");
}

fn stop(mut child: Child) {
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn publish_personal_accepts_the_usual_spellings_and_names_the_bad_ones() {
    for v in ["1", "yes", "true", "", "0", "no", "off"] {
        match serve(&bundled(), &[("MAPA_PUBLISH_PERSONAL", v)]) {
            Ok((child, _)) => stop(child),
            Err(e) => panic!("MAPA_PUBLISH_PERSONAL={v:?} stopped the server: {e}"),
        }
    }
    let err = serve(&bundled(), &[("MAPA_PUBLISH_PERSONAL", "maybe")]).unwrap_err();
    assert!(
        err.contains("\"maybe\" is not a yes/no value") && err.contains("1/0, true/false, yes/no"),
        "{err}"
    );
}

#[test]
fn the_server_writes_a_snapshot_file_and_starts_from_it() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("practices.csv");
    std::fs::copy(bundled(), &data).unwrap();
    let snap = mapa_praktyk::dataset::snapshot_file_path(&data);
    let (child, _) = serve(&data, &[]).unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while !snap.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    stop(child);
    assert!(snap.exists(), "no snapshot file beside the dataset");
    // Named by the dataset's content and what its public text withholds.
    let fp = mapa_praktyk::files::fingerprint(&data).unwrap();
    let key = mapa_praktyk::dataset::snapshot_key(fp, false);
    let from_file = mapa_praktyk::snapshot::file::read(&snap, key).unwrap();
    assert_eq!(
        from_file.practices().collect::<Vec<_>>(),
        mapa_praktyk::store::load(&data).unwrap()
    );
    // A leftover temporary file of a killed save is removed at start.
    let leftover = dir.path().join(".practices.csv.tmp-4999999-aBcDeF");
    std::fs::write(&leftover, "id,title\n").unwrap();
    let (child, _) = serve(&data, &[]).unwrap();
    stop(child);
    assert!(!leftover.exists(), "the temporary file is still there");
}
