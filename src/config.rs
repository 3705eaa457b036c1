//! Command-line and environment configuration.
//!
//! Every option of `serve` has an environment fallback (`MAPA_ADDR`, `MAPA_DATA`,
//! ...) and a default, so `mapa-praktyk serve` runs on the bundled data as is.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// The embedded database `serve` uses without `--data` or `--database`.
pub const DEFAULT_DATABASE: &str = "data/practices.db";

/// Default OpenStreetMap tile URL.
pub const DEFAULT_TILE_URL: &str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
/// Default tile attribution (HTML).
pub const DEFAULT_TILE_ATTRIBUTION: &str =
    "&copy; <a href=\"https://www.openstreetmap.org/copyright\">OpenStreetMap</a> contributors";

/// mapa-praktyk: a map of Polish local-government good practices.
#[derive(Debug, Parser)]
#[command(name = "mapa-praktyk", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API and the map page.
    Serve(ServeArgs),
    /// Geocode a query ("32-600 Oświęcim"), or one query per line from standard input with "-".
    Geocode {
        /// The query, or "-" to read one query per line from standard input.
        query: String,
    },
    /// Place whole pages of text (a municipal news page, a report): one JSON
    /// object per file with the place, its alternatives and the words that gave it.
    Locate {
        /// Text files (UTF-8).
        #[arg(required = true)]
        paths: Vec<std::path::PathBuf>,
    },
    /// Reverse-geocode a point: the nearest locality, gmina, powiat, voivodeship.
    Reverse {
        /// Latitude in degrees.
        #[arg(allow_hyphen_values = true)]
        lat: f64,
        /// Longitude in degrees.
        #[arg(allow_hyphen_values = true)]
        lon: f64,
    },
    /// Manage the database's accounts.
    User {
        /// The database (PostgreSQL URL or SQLite file).
        #[arg(long, global = true, default_value = DEFAULT_DATABASE, env = "MAPA_DATABASE_URL", hide_env_values = true)]
        database: String,
        /// What to do.
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage API tokens (for scripts and GIS clients).
    Token {
        /// The database (PostgreSQL URL or SQLite file).
        #[arg(long, global = true, default_value = DEFAULT_DATABASE, env = "MAPA_DATABASE_URL", hide_env_values = true)]
        database: String,
        /// What to do.
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Import practice pages (text or HTML) and CSV files into the dataset.
    Import {
        /// Files to import: practice-database pages, institution pages, dataset CSV.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// The dataset to update (created when missing).
        #[arg(long, default_value = "data/practices.csv", env = "MAPA_DATA")]
        into: PathBuf,
        /// Print the records to check (placed with low confidence or not at all) as a table.
        #[arg(long)]
        review: bool,
        /// Import into this database (PostgreSQL URL or SQLite file) instead
        /// of the CSV: new records wait for review as submissions.
        #[arg(long, value_name = "URL")]
        database: Option<String>,
        /// With --database: publish the new and changed records at once
        /// (an operator's trusted batch), except those the importer asks to
        /// check and those people changed since the last import.
        #[arg(long, requires = "database")]
        publish: bool,
        /// The address of the original page (http or https), for a single page
        /// imported from a file; otherwise the page's `<link rel="canonical">`
        /// or `og:url` is used when it has one.
        #[arg(long, value_name = "URL")]
        source_url: Option<String>,
        /// For inputs given as addresses (`https://…`): seconds to wait for a
        /// connection and for each part of the answer (default 20).
        #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=600))]
        fetch_timeout: Option<u64>,
        /// For inputs given as addresses: the largest page taken, in bytes
        /// (default 8 MiB, the most the importer reads from any page).
        #[arg(long, value_name = "BYTES", value_parser = clap::value_parser!(u64).range(1..))]
        fetch_max_bytes: Option<u64>,
    },
    /// Export the dataset (public view) as GeoJSON or CSV to standard output.
    Export {
        /// The dataset.
        #[arg(long, default_value = "data/practices.csv", env = "MAPA_DATA")]
        data: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value = "geojson")]
        format: ExportFormat,
        /// Include contact persons' phones and e-mails.
        #[arg(long)]
        publish_personal: bool,
    },
    /// Write a dataset of seeded synthetic practices (for benchmarks and load tests).
    GenSynthetic {
        /// How many practices.
        #[arg(long, default_value_t = 10_000)]
        count: usize,
        /// Random seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Output CSV.
        #[arg(long)]
        out: PathBuf,
    },
}

/// `user` subcommands.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add an account; its password is read from standard input (one line).
    Add {
        /// The e-mail address it signs in with.
        email: String,
        /// What it may do.
        #[arg(long, value_enum)]
        role: RoleArg,
        /// A TERYT code of a unit it is tied to (2 digits voivodeship, 4
        /// powiat, 6 or 7 gmina); repeat for several.
        #[arg(long = "unit", value_name = "TERYT")]
        units: Vec<String>,
        /// The name shown as author (the e-mail when not given).
        #[arg(long, default_value = "")]
        name: String,
    },
    /// List the accounts.
    List,
    /// Disable an account: it can no longer sign in; its tokens and sessions end.
    Disable {
        /// Its e-mail address.
        email: String,
    },
}

/// `token` subcommands.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Make an API token for an account and print it (shown this once).
    Add {
        /// The account's e-mail address.
        email: String,
        /// What the token is for.
        #[arg(long, default_value = "")]
        label: String,
    },
    /// Revoke a token by its number.
    Revoke {
        /// The token's number (as `token add` printed it).
        id: i64,
    },
}

/// Roles on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RoleArg {
    /// Submits practices, edits its own drafts, proposes changes in its units.
    Contributor,
    /// Reviews and publishes, edits any practice.
    Editor,
    /// An editor who also manages accounts.
    Admin,
}

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// RFC 7946 GeoJSON FeatureCollection.
    Geojson,
    /// The dataset's CSV format (formulas neutralised).
    Csv,
    /// The same for Excel: UTF-8 with a byte-order mark, `;` between cells.
    ExcelCsv,
}

/// Options of `serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080", env = "MAPA_ADDR")]
    pub addr: SocketAddr,
    /// Serve this dataset CSV read-only (the researchers' case); without it,
    /// the database is served.
    #[arg(long, env = "MAPA_DATA")]
    pub data: Option<PathBuf>,
    /// The database served when no `--data` is given: a PostgreSQL URL
    /// (`postgres://…`) or an SQLite file (created when missing).
    #[arg(long, default_value = DEFAULT_DATABASE, env = "MAPA_DATABASE_URL", hide_env_values = true)]
    pub database: String,
    /// The CSV an empty database is seeded from at its first start.
    #[arg(long, default_value = "data/practices.csv", env = "MAPA_SEED")]
    pub seed: PathBuf,
    /// Folder of the map page's static files.
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/static"), env = "MAPA_STATIC_DIR")]
    pub static_dir: PathBuf,
    /// Tile URL template for the map's base layer; "none" for the offline base layer of outlines.
    #[arg(long, default_value = DEFAULT_TILE_URL, env = "MAPA_TILE_URL")]
    pub tile_url: String,
    /// Attribution shown for the tiles (HTML).
    #[arg(long, default_value = DEFAULT_TILE_ATTRIBUTION, env = "MAPA_TILE_ATTRIBUTION")]
    pub tile_attribution: String,
    /// Publish contact persons' phones and e-mails (off by default: personal
    /// data). MAPA_PUBLISH_PERSONAL takes 1/0, true/false, yes/no, on/off.
    #[arg(long, env = "MAPA_PUBLISH_PERSONAL", value_parser = parse_bool,
          num_args = 0..=1, require_equals = true, default_value = "false",
          default_missing_value = "true")]
    pub publish_personal: bool,
    /// Seconds between checks of the dataset file for changes (0: never reload).
    #[arg(long, default_value_t = 2, env = "MAPA_RELOAD_SECS")]
    pub reload_secs: u64,
    /// Seconds a request may take before it is answered with 503.
    #[arg(long, default_value_t = 30, env = "MAPA_REQUEST_TIMEOUT")]
    pub request_timeout_secs: u64,
    /// Seconds a client may take to send a request's headers, and a kept-alive
    /// connection may stay idle, before it is closed.
    #[arg(long, default_value_t = 10, env = "MAPA_HEADER_TIMEOUT")]
    pub header_timeout_secs: u64,
    /// Connections served at once; at the cap the connection idle the longest
    /// is closed to make room for a new one (which waits only when every
    /// connection has a request in flight).
    #[arg(long, default_value_t = 4096, env = "MAPA_MAX_CONNECTIONS")]
    pub max_connections: usize,
    /// Seconds shutdown waits for requests in flight before it closes them.
    #[arg(long, default_value_t = 3, env = "MAPA_SHUTDOWN_GRACE")]
    pub shutdown_grace_secs: u64,
    /// Full downloads (practices.geojson, practices.csv) served at once.
    #[arg(long, default_value_t = 4, env = "MAPA_MAX_DOWNLOADS")]
    pub max_downloads: usize,
    /// Trust X-Forwarded-Host and X-Forwarded-Proto for absolute links (only
    /// behind a proxy that sets them). MAPA_TRUST_FORWARDED takes the same
    /// spellings as MAPA_PUBLISH_PERSONAL.
    #[arg(long, env = "MAPA_TRUST_FORWARDED", value_parser = parse_bool,
          num_args = 0..=1, require_equals = true, default_value = "false",
          default_missing_value = "true")]
    pub trust_forwarded: bool,
    /// Milliseconds between reads of the store's log of changes when no
    /// notification came (the fallback of PostgreSQL `LISTEN`; the only way
    /// on SQLite).
    #[arg(long, default_value_t = 500, env = "MAPA_FEED_POLL_MS",
          value_parser = clap::value_parser!(u64).range(10..=60_000))]
    pub feed_poll_ms: u64,
    /// Seconds a node may be behind the store's log before `/readyz`
    /// answers 503 (a load balancer then takes it out).
    #[arg(long, default_value_t = 5, env = "MAPA_MAX_LAG_SECS",
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub max_lag_secs: u64,
    /// Serving a database: start from this snapshot file when it was made
    /// from the same database (then read the log of changes on from it),
    /// else build from the database and write it here for the next start.
    #[arg(long, value_name = "PATH", env = "MAPA_SNAPSHOT_FILE")]
    pub snapshot_file: Option<std::path::PathBuf>,
    /// Let signed-in people have the server fetch a page by its address for
    /// the form's "Wklej treść strony" (off by default: the server then
    /// reaches out to addresses people give; private networks stay refused).
    #[arg(long, env = "MAPA_ALLOW_FETCH", value_parser = parse_bool,
          num_args = 0..=1, require_equals = true, default_value = "false",
          default_missing_value = "true")]
    pub allow_fetch: bool,
}

/// Parses a yes/no setting: `1`/`0`, `true`/`false`, `yes`/`no`, `on`/`off`, in
/// any case, and empty (an empty environment variable) as no; anything else is an
/// error naming the accepted spellings.
pub fn parse_bool(s: &str) -> Result<bool, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" | "" => Ok(false),
        _ => Err(format!(
            "{s:?} is not a yes/no value; use 1/0, true/false, yes/no or on/off"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serve(args: &[&str]) -> Result<ServeArgs, clap::Error> {
        let mut argv = vec!["mapa-praktyk", "serve"];
        argv.extend_from_slice(args);
        Cli::try_parse_from(argv).map(|c| match c.command {
            Command::Serve(a) => a,
            _ => unreachable!("serve was asked for"),
        })
    }

    #[test]
    fn booleans_take_the_usual_spellings() {
        for (s, v) in [
            ("1", true),
            ("0", false),
            ("TRUE", true),
            ("false", false),
            ("yes", true),
            ("No", false),
            ("on", true),
            ("off", false),
            ("", false),
        ] {
            assert_eq!(parse_bool(s), Ok(v), "{s}");
        }
        let e = parse_bool("maybe").unwrap_err();
        assert!(e.contains("\"maybe\"") && e.contains("yes/no"), "{e}");
    }

    #[test]
    fn publish_personal_flag_alone_or_with_a_value() {
        assert!(!serve(&[]).unwrap().publish_personal);
        assert!(serve(&["--publish-personal"]).unwrap().publish_personal);
        assert!(serve(&["--publish-personal=yes"]).unwrap().publish_personal);
        assert!(!serve(&["--publish-personal=0"]).unwrap().publish_personal);
        let e = serve(&["--publish-personal=maybe"])
            .unwrap_err()
            .to_string();
        assert!(e.contains("use 1/0, true/false, yes/no"), "{e}");
    }

    #[test]
    fn fetching_pages_is_off_unless_asked_for() {
        assert!(!serve(&[]).unwrap().allow_fetch);
        assert!(serve(&["--allow-fetch"]).unwrap().allow_fetch);
        assert!(!serve(&["--allow-fetch=no"]).unwrap().allow_fetch);
        assert!(serve(&["--allow-fetch=maybe"]).is_err());
    }

    #[test]
    fn trust_forwarded_takes_the_same_spellings() {
        assert!(!serve(&[]).unwrap().trust_forwarded);
        assert!(serve(&["--trust-forwarded"]).unwrap().trust_forwarded);
        assert!(serve(&["--trust-forwarded=1"]).unwrap().trust_forwarded);
        assert!(!serve(&["--trust-forwarded=off"]).unwrap().trust_forwarded);
    }
}
