//! The `mapa-praktyk` binary: parses the command line, starts tracing, and hands
//! over to the library.

use std::io::{BufRead, Write};
use std::process::ExitCode;

use clap::Parser;
use mapa_praktyk::config::{Cli, Command};
use mapa_praktyk::gazetteer::{Gazetteer, GeocodeQuery};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("mapa-praktyk: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command) -> Result<ExitCode, Box<dyn std::error::Error>> {
    match command {
        Command::Geocode { query } => geocode(&query),
        Command::Reverse { lat, lon } => {
            let g = Gazetteer::bundled();
            match g.reverse(lat, lon) {
                Ok(r) => {
                    println!("{}", serde_json::to_string(&r)?);
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => {
                    println!(
                        "{}",
                        serde_json::json!({"lat": lat, "lon": lon, "error": e.to_string(), "code": e.code()})
                    );
                    Ok(ExitCode::FAILURE)
                }
            }
        }
        _ => Err("this command is being built".into()),
    }
}

/// One JSON object for a query: the result with `query` first, or `{query, error}`.
fn geocode_line(g: &Gazetteer, query: &str) -> (String, bool) {
    match g.geocode(&GeocodeQuery::text(query)) {
        Ok(r) => {
            let mut v = serde_json::json!({ "query": query });
            if let (Some(obj), Ok(serde_json::Value::Object(rest))) =
                (v.as_object_mut(), serde_json::to_value(&r))
            {
                obj.extend(rest);
            }
            (v.to_string(), true)
        }
        Err(e) => (
            serde_json::json!({"query": query, "error": e.to_string(), "code": e.code()}).to_string(),
            false,
        ),
    }
}

fn geocode(query: &str) -> Result<ExitCode, Box<dyn std::error::Error>> {
    let g = Gazetteer::bundled();
    if query != "-" {
        let (line, ok) = geocode_line(g, query);
        println!("{line}");
        return Ok(if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE });
    }
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    for line in stdin.lock().lines() {
        let line = line?;
        let (json, _) = geocode_line(g, line.trim_end_matches('\r'));
        writeln!(out, "{json}")?;
        out.flush()?;
    }
    Ok(ExitCode::SUCCESS)
}
