//! The `mapa-praktyk` binary: parses the command line, starts tracing, and hands
//! over to the library.

use std::io::{BufRead, Write};
use std::process::ExitCode;

use clap::Parser;
use mapa_praktyk::config::{Cli, Command, ExportFormat, RoleArg, TokenCommand, UserCommand};
use mapa_praktyk::db::{Store, TokenId};
use mapa_praktyk::gazetteer::{Gazetteer, GeocodeQuery, GeocodeResult};
use mapa_praktyk::workflow::Role;
use mapa_praktyk::{admin, api, csv_out, geojson, import, store, synthetic};
use serde::Serialize;

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,tower_http=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(cli.command) {
        Ok(code) => code,
        // A reader that stopped reading (`| head`) is not an error.
        Err(e)
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("mapa-praktyk: {e}");
            ExitCode::FAILURE
        }
    }
}

/// A runtime for the commands that talk to the database.
fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
}

fn role_of(r: RoleArg) -> Role {
    match r {
        RoleArg::Contributor => Role::Contributor,
        RoleArg::Editor => Role::Editor,
        RoleArg::Admin => Role::Admin,
    }
}

/// The new account's password: one line of standard input (a terminal, or
/// piped in by a script), without its line end.
fn read_password() -> std::io::Result<String> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\n', '\r']).to_string())
}

fn run(command: Command) -> Result<ExitCode, Box<dyn std::error::Error>> {
    match command {
        Command::Geocode { query } => geocode(&query),
        Command::Locate { paths } => locate(&paths),
        Command::Reverse { lat, lon } => {
            let g = Gazetteer::bundled();
            match g.reverse(mapa_praktyk::geo_util::LonLat::new(lon, lat)) {
                Ok(r) => {
                    writeln!(std::io::stdout(), "{}", serde_json::to_string(&r)?)?;
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => {
                    let line = Failure {
                        asked: Point { lat, lon },
                        error: e.to_string(),
                        code: Some(e.code()),
                    };
                    writeln!(std::io::stdout(), "{}", serde_json::to_string(&line)?)?;
                    Ok(ExitCode::FAILURE)
                }
            }
        }
        Command::Serve(args) => {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?;
            rt.block_on(api::serve(args))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Import {
            paths,
            into: _,
            review,
            database: Some(database),
            publish,
            source_url,
            fetch_timeout,
            fetch_max_bytes,
        } => {
            let options = import_options(source_url, fetch_timeout, fetch_max_bytes);
            let done = runtime()?.block_on(async {
                let store = Store::open(&database).await?;
                admin::import_into(&store, paths, options, publish).await
            })?;
            write!(std::io::stdout(), "{done}")?;
            if review && !done.importer.review.is_empty() {
                write!(std::io::stdout(), "\n{}", done.importer.review_table())?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::User { database, command } => runtime()?.block_on(async {
            let store = Store::open(&database).await?;
            let mut out = std::io::stdout();
            match command {
                UserCommand::Add {
                    email,
                    role,
                    units,
                    name,
                } => {
                    let password = read_password()?;
                    let a =
                        admin::user_add(&store, &email, role_of(role), &units, &name, &password)
                            .await?;
                    writeln!(
                        out,
                        "account {} added: {} ({})",
                        a.id,
                        a.email,
                        a.role.slug()
                    )?;
                }
                UserCommand::List => {
                    write!(out, "{}", admin::accounts_table(&store.accounts().await?))?
                }
                UserCommand::Disable { email } => {
                    let a = store.disable_account(&email).await?;
                    writeln!(
                        out,
                        "account {} disabled; its tokens revoked, its sessions ended",
                        a.email
                    )?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }),
        Command::Token { database, command } => runtime()?.block_on(async {
            let store = Store::open(&database).await?;
            let mut out = std::io::stdout();
            match command {
                TokenCommand::Add { email, label } => {
                    let (id, secret) = admin::token_add(&store, &email, &label).await?;
                    eprintln!("token {id} for {email}; it is shown this once:");
                    writeln!(out, "{}", secret.expose())?;
                }
                TokenCommand::Revoke { id } => {
                    let t = store.revoke_token(TokenId(id)).await?;
                    writeln!(out, "token {} revoked", t.id)?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }),
        Command::Import {
            paths,
            into,
            review,
            database: None,
            publish: _,
            source_url,
            fetch_timeout,
            fetch_max_bytes,
        } => {
            let options = import_options(source_url, fetch_timeout, fetch_max_bytes);
            let report = import::run_with(&paths, &into, Gazetteer::bundled(), &options)?;
            write!(std::io::stdout(), "{report}")?;
            if review {
                if report.review.is_empty() {
                    writeln!(std::io::stdout(), "nothing to check")?;
                } else {
                    write!(std::io::stdout(), "\n{}", report.review_table())?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Export {
            data,
            format,
            publish_personal,
        } => {
            let practices: Vec<_> = store::load(&data)?
                .iter()
                .map(|p| p.public_view(publish_personal))
                .collect();
            let mut out = std::io::stdout().lock();
            match format {
                ExportFormat::Csv => {
                    csv_out::write_user_csv(&mut out, &practices, csv_out::Dialect::Plain)?
                }
                ExportFormat::ExcelCsv => {
                    csv_out::write_user_csv(&mut out, &practices, csv_out::Dialect::Excel)?
                }
                ExportFormat::Geojson => {
                    let fc = ::geojson::FeatureCollection {
                        bbox: None,
                        features: practices.iter().map(geojson::download_feature).collect(),
                        foreign_members: None,
                    };
                    serde_json::to_writer(&mut out, &fc)?;
                    writeln!(out)?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::GenSynthetic { count, seed, out } => {
            let practices = synthetic::practices(Gazetteer::bundled(), count, seed);
            store::save(&out, &practices)?;
            eprintln!("wrote {count} synthetic practices to {}", out.display());
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// What a CLI line answers: the query's text, the point or the file.
#[derive(Serialize)]
struct Query<'a> {
    query: &'a str,
}

#[derive(Serialize)]
struct Point {
    lat: f64,
    lon: f64,
}

#[derive(Serialize)]
struct File<'a> {
    file: &'a str,
}

/// A line for a lookup that failed: what was asked, the error and its code.
#[derive(Serialize)]
struct Failure<A> {
    #[serde(flatten)]
    asked: A,
    error: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<&'static str>,
}

/// A line for a lookup's result: what was asked first, then the result.
#[derive(Serialize)]
struct Found<'a, A> {
    #[serde(flatten)]
    asked: A,
    #[serde(flatten)]
    result: &'a GeocodeResult,
}

/// A file's place with the words that gave it.
#[derive(Serialize)]
struct Located<'a> {
    #[serde(flatten)]
    result: &'a GeocodeResult,
    file: &'a str,
    evidence: &'a str,
}

/// One JSON object for a query: the result with `query` first, or `{query, error}`.
fn geocode_line(g: &Gazetteer, query: &str) -> Result<(String, bool), serde_json::Error> {
    Ok(match g.geocode(&GeocodeQuery::text(query)) {
        Ok(r) => (
            serde_json::to_string(&Found {
                asked: Query { query },
                result: &r,
            })?,
            true,
        ),
        Err(e) => (
            serde_json::to_string(&Failure {
                asked: Query { query },
                error: e.to_string(),
                code: Some(e.code()),
            })?,
            false,
        ),
    })
}

/// Places each file's text; one JSON object per file, in order.
fn locate(paths: &[std::path::PathBuf]) -> Result<ExitCode, Box<dyn std::error::Error>> {
    let g = Gazetteer::bundled();
    let mut out = std::io::stdout().lock();
    let mut code = ExitCode::SUCCESS;
    for path in paths {
        let file = path.display().to_string();
        let text = match std::fs::read(path) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(e) => {
                let line = Failure {
                    asked: File { file: &file },
                    error: e.to_string(),
                    code: None,
                };
                writeln!(out, "{}", serde_json::to_string(&line)?)?;
                code = ExitCode::FAILURE;
                continue;
            }
        };
        match g.locate_in_text(&text) {
            Ok(p) => {
                let line = Located {
                    result: &p.result,
                    file: &file,
                    evidence: &p.evidence,
                };
                writeln!(out, "{}", serde_json::to_string(&line)?)?;
            }
            Err(e) => {
                let line = Failure {
                    asked: File { file: &file },
                    error: e.to_string(),
                    code: Some(e.code()),
                };
                writeln!(out, "{}", serde_json::to_string(&line)?)?;
                code = ExitCode::FAILURE;
            }
        }
    }
    Ok(code)
}

fn geocode(query: &str) -> Result<ExitCode, Box<dyn std::error::Error>> {
    let g = Gazetteer::bundled();
    if query != "-" {
        let (line, ok) = geocode_line(g, query)?;
        writeln!(std::io::stdout(), "{line}")?;
        return Ok(if ok {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        });
    }
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    for line in stdin.lock().lines() {
        let line = line?;
        let (json, _) = geocode_line(g, line.trim_end_matches('\r'))?;
        writeln!(out, "{json}")?;
        out.flush()?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The importer's options from the command line: the page's address, and
/// the fetcher's timeout and size cap when given.
fn import_options(
    source_url: Option<String>,
    fetch_timeout: Option<u64>,
    fetch_max_bytes: Option<u64>,
) -> import::ImportOptions {
    let mut fetch = import::fetch::FetchConfig::default();
    if let Some(secs) = fetch_timeout {
        fetch.connect_timeout = std::time::Duration::from_secs(secs);
        fetch.read_timeout = fetch.connect_timeout;
    }
    if let Some(bytes) = fetch_max_bytes {
        fetch.max_bytes = usize::try_from(bytes).unwrap_or(usize::MAX);
    }
    import::ImportOptions { source_url, fetch }
}
