//! `POST /api/import/read`: the importer's reading of one page, for the
//! page's "Dodaj praktykę" form to start from. The page comes as its saved
//! HTML (`text/html`, any encoding the importer reads), as pasted text
//! (`text/plain`), or as an address the server fetches (`application/json`
//! `{"address": "https://…"}`), only when the operator allowed it (`serve
//! --allow-fetch`). Nothing is stored: the answer is the record the importer
//! made, placed, with the words each fact came from and the importer's
//! doubts, per field. `GET /api/import/options` says what the server reads.

use std::net::{IpAddr, ToSocketAddrs};

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::api::error::ApiError;
use crate::api::extract::{NoParams, Query};
use crate::api::writes::actor::Signed;
use crate::api::writes::body;
use crate::api::writes::entry::private_json;
use crate::api::writes::state::EditState;
use crate::import::{self, fetch};

/// The most bytes of a page sent to be read (its HTML or text).
pub const MAX_READ_BYTES: usize = 2 * 1024 * 1024;

/// Whether the server may fetch a page by its address (`serve
/// --allow-fetch`): an `Extension` the server adds; absent is no.
#[derive(Debug, Clone, Copy, Default)]
pub struct Fetching(pub bool);

/// The reading routes, over the write endpoints' state.
pub fn routes() -> Router<EditState> {
    Router::new()
        .route(
            "/api/import/read",
            post(read).layer(DefaultBodyLimit::max(MAX_READ_BYTES)),
        )
        .route("/api/import/options", get(options))
}

/// What the server reads.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ReadOptions {
    /// Whether an address is fetched (`serve --allow-fetch`).
    pub fetch: bool,
    /// The most bytes of a page sent.
    pub max_bytes: usize,
}

/// A page given by its address.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadAddress {
    /// The page's `http` or `https` address.
    pub address: String,
}

/// A fact the importer doubts, with the form's field it concerns.
#[derive(Serialize, utoipa::ToSchema, Debug, PartialEq)]
pub struct Doubt {
    /// The property (`area`, `cost_pln`, `period_start`, `geometry`).
    pub field: String,
    /// Why a person should check it.
    pub reason: String,
}

/// The importer's reading of a page.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Reading {
    /// The record as a GeoJSON Feature without an id (the detail properties,
    /// placed by the gazetteer when the page names a place).
    #[schema(value_type = Object)]
    pub feature: Value,
    /// Per property, the words of the page it came from (`area`,
    /// `period_start`, `cost_pln`, `funding`, `unit`, `town`).
    #[schema(value_type = Object)]
    pub from: std::collections::BTreeMap<String, Vec<String>>,
    /// What the importer doubts, per property.
    pub doubts: Vec<Doubt>,
    /// What the importer noticed and left out.
    pub warnings: Vec<String>,
}

/// `GET /api/import/options`.
#[utoipa::path(get, path = "/api/import/options", tag = "import", params(NoParams), security(("bearer" = []), ("session" = [])), responses(
    (status = 200, description = "What the server reads: whether it fetches addresses, the largest page", body = ReadOptions),
    (status = 401, description = "Not signed in", body = ErrorBody),
    (status = 403, description = "The service serves a CSV read-only (`serve --data`)", body = ErrorBody),
    (status = 400, description = "A malformed request, named", body = ErrorBody),
))]
pub async fn options(
    State(_): State<EditState>,
    _: Query<NoParams>,
    _: Signed,
    fetching: Option<axum::Extension<Fetching>>,
) -> Response {
    let fetch = fetching.is_some_and(|f| f.0.0);
    private_json(
        StatusCode::OK,
        &ReadOptions {
            fetch,
            max_bytes: MAX_READ_BYTES,
        },
        None,
    )
}

/// `POST /api/import/read`.
#[utoipa::path(post, path = "/api/import/read", tag = "import",
    request_body(description = "The page: its saved HTML (text/html), its text (text/plain), or {\"address\"} (application/json; only with serve --allow-fetch)",
        content = String, content_type = "text/html"),
    params(NoParams), security(("bearer" = []), ("session" = [])), responses(
    (status = 200, description = "The importer's reading: the record, the words each field came from, the doubts", body = Reading),
    (status = 400, description = "An empty page, an address that is not http(s), or a malformed request, named", body = ErrorBody),
    (status = 401, description = "Not signed in", body = ErrorBody),
    (status = 403, description = "Refused by the CSRF rule; an address when fetching is off (`fetch_disabled`) or a private one; the service is read-only", body = ErrorBody),
    (status = 413, description = "A page larger than 2 MiB", body = ErrorBody),
    (status = 415, description = "Neither text/html, text/plain nor application/json", body = ErrorBody),
    (status = 422, description = "A page the importer cannot read (its line named), or one it could not fetch", body = ErrorBody),
))]
pub async fn read(
    State(state): State<EditState>,
    _: Query<NoParams>,
    _: Signed,
    fetching: Option<axum::Extension<Fetching>>,
    headers: HeaderMap,
    bytes: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let kind = media_type(&headers);
    let gazetteer = state.app.gazetteer;
    let pasted = kind != "application/json";
    let parsed = match kind.as_str() {
        "text/html" | "text/plain" => {
            if bytes.iter().all(u8::is_ascii_whitespace) {
                return Err(ApiError::bad("empty_page", "the page is empty"));
            }
            let name = if kind == "text/html" {
                "strona.html"
            } else {
                "strona.txt"
            };
            tokio::task::spawn_blocking(move || {
                import::read_page(std::path::Path::new(name), &bytes).map_err(|e| e.detail())
            })
            .await
            .map_err(|e| ApiError::Internal(format!("reading the page: {e}")))?
            .map_err(|e| ApiError::Unprocessable(format!("page: {e}")))?
        }
        "application/json" => {
            let a: ReadAddress = body::read(&headers, &bytes, body::JSON)?;
            if !fetching.is_some_and(|f| f.0.0) {
                return Err(ApiError::Forbidden {
                    code: "fetch_disabled",
                    message: "this server does not fetch pages (serve --allow-fetch); \
send the saved page (text/html) or its text (text/plain)"
                        .into(),
                });
            }
            fetch_address(a.address).await?
        }
        _ => {
            return Err(ApiError::UnsupportedMediaType(format!(
                "Content-Type {kind:?} is not read here; send text/html, text/plain or application/json"
            )));
        }
    };
    let reading = tokio::task::spawn_blocking(move || reading_of(parsed, pasted, gazetteer))
        .await
        .map_err(|e| ApiError::Internal(format!("placing the page: {e}")))?;
    Ok(private_json(StatusCode::OK, &reading, None))
}

/// The documents' request body of `POST /api/import/read`: besides the
/// saved HTML, the text and the address (the path macro takes one type).
pub struct ReadBodies;

impl utoipa::Modify for ReadBodies {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref};
        let Some(body) = doc
            .paths
            .paths
            .get_mut("/api/import/read")
            .and_then(|item| {
                item.operations
                    .get_mut(&utoipa::openapi::PathItemType::Post)
            })
            .and_then(|op| op.request_body.as_mut())
        else {
            return;
        };
        if let Some(html) = body.content.get("text/html").cloned() {
            body.content.insert("text/plain".into(), html);
        }
        body.content.insert(
            "application/json".into(),
            ContentBuilder::new()
                .schema(Ref::from_schema_name("ReadAddress"))
                .build(),
        );
    }
}

fn media_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Fetches and reads `address`; an address of this machine or its private
/// network is refused (the server would otherwise reach for its
/// neighbours on a user's behalf), and redirects are not followed. Left:
/// the name is resolved again when connecting (a DNS answer that changes
/// between the check and the fetch is not caught).
async fn fetch_address(address: String) -> Result<import::Parsed, ApiError> {
    let url = fetch::parse_http(&address).map_err(|e| ApiError::invalid("address", e))?;
    let host = url.host_str().unwrap_or("").to_string();
    let port = url.port_or_known_default().unwrap_or(80);
    tokio::task::spawn_blocking(move || {
        let addrs: Vec<IpAddr> = (host.trim_matches(['[', ']']), port)
            .to_socket_addrs()
            .map_err(|e| ApiError::Unprocessable(format!("address: {host}: {e}")))?
            .map(|a| a.ip())
            .collect();
        if let Some(ip) = addrs.iter().find(|ip| !is_public(ip)) {
            return Err(ApiError::Forbidden {
                code: "private_address",
                message: format!(
                    "address: {host} is {ip}, not a public address; such pages are not fetched"
                ),
            });
        }
        // No redirect is followed: only the address checked above is
        // fetched (a public page redirecting to a private address would
        // otherwise be reached); a redirect is answered with its target, for
        // the person to give that address instead.
        let mut fetcher = fetch::Fetcher::new(fetch::FetchConfig {
            max_redirects: 0,
            ..fetch::FetchConfig::default()
        });
        import::read_address(&mut fetcher, &address)
            .map_err(|e| ApiError::Unprocessable(format!("address: {e}")))
    })
    .await
    .map_err(|e| ApiError::Internal(format!("fetching the page: {e}")))?
}

/// Whether `ip` is an address of the public internet.
fn is_public(ip: &IpAddr) -> bool {
    match ip {
        IpAddr::V4(v) => {
            !(v.is_loopback()
                || v.is_private()
                || v.is_link_local()
                || v.is_unspecified()
                || v.is_broadcast()
                || v.is_documentation()
                || v.octets()[0] == 100 && (64..128).contains(&v.octets()[1]))
        }
        IpAddr::V6(v) => {
            let s = v.segments()[0];
            !(v.is_loopback()
                || v.is_unspecified()
                || (s & 0xfe00) == 0xfc00
                || (s & 0xffc0) == 0xfe80
                || v.to_ipv4_mapped()
                    .is_some_and(|m| !is_public(&IpAddr::V4(m))))
        }
    }
}

/// The reading of a parsed page: placed, its evidence per field, its doubts.
fn reading_of(parsed: import::Parsed, pasted: bool, g: &crate::gazetteer::Gazetteer) -> Reading {
    let mut warnings = parsed.warnings;
    let mut p = parsed.practice;
    let placed = import::place_page(g, &mut p, &parsed.text, &mut warnings);
    let mut doubts: Vec<Doubt> = parsed.doubts.iter().map(|d| doubt_of(d)).collect();
    if let Err(e) = placed {
        doubts.push(Doubt {
            field: "geometry".into(),
            reason: format!("not placed: {e}"),
        });
    } else if let Some(why) = import::needs_review(&p) {
        doubts.push(Doubt {
            field: "geometry".into(),
            reason: why,
        });
    }
    let mut from = evidence(p.facts_from.as_deref().unwrap_or(""));
    if let Some(words) = p.placed_from.as_deref().filter(|w| !w.trim().is_empty()) {
        from.insert("town".into(), vec![words.to_string()]);
    }
    let mut feature =
        serde_json::to_value(crate::geojson::detail_feature(&p)).unwrap_or(Value::Null);
    if let Value::Object(f) = &mut feature {
        f.remove("id");
        if let Some(Value::Object(props)) = f.get_mut("properties") {
            props.remove("id");
            // A page sent as a file or text has no source but the person's
            // (the store's default); a fetched one keeps its address.
            if pasted {
                props.remove("source");
            }
        }
    }
    Reading {
        feature,
        from,
        doubts,
        warnings,
    }
}

/// The form's property a fact of `facts_from` fills, by its Polish label.
fn property_of(label: &str) -> Option<&'static str> {
    Some(match label {
        "obszar" => "area",
        "rok" => "period_start",
        "koszt" => "cost_pln",
        "finansowanie" => "funding",
        "jednostka" => "unit",
        _ => return None,
    })
}

/// `facts_from` (`obszar: «kanalizacji», «oczyszczalni»; rok: «w latach
/// 2019–2021»`) per property.
pub fn evidence(facts_from: &str) -> std::collections::BTreeMap<String, Vec<String>> {
    let mut out = std::collections::BTreeMap::new();
    let mut rest = facts_from.trim();
    while let Some((label, after)) = rest.split_once(": ") {
        let label = label.trim_start_matches(';').trim();
        let mut words = Vec::new();
        let mut tail = after;
        while let Some(open) = tail.strip_prefix('«') {
            let Some(close) = open.find('»') else { break };
            words.push(open[..close].to_string());
            tail = open[close + '»'.len_utf8()..].trim_start_matches([',', ' ']);
        }
        if let Some(p) = property_of(label).filter(|_| !words.is_empty()) {
            out.insert(p.to_string(), words);
        }
        if tail.len() == after.len() {
            break;
        }
        rest = tail.trim_start_matches([';', ' ']);
    }
    out
}

/// A doubt of the importer (`area: …`, `cost: …`, `year: …`) by property.
fn doubt_of(d: &str) -> Doubt {
    let (key, reason) = d.split_once(": ").unwrap_or(("", d));
    let field = match key {
        "area" => "area",
        "cost" => "cost_pln",
        "year" => "period_start",
        _ => "body",
    };
    Doubt {
        field: field.into(),
        reason: reason.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_is_split_per_property() {
        let e = evidence(
            "obszar: «kanalizacji», «oczyszczalni»; rok: «w latach 2019–2021»; koszt: «99 999,75 zł»; jednostka: «Gminy Zbójno»",
        );
        assert_eq!(e["area"], ["kanalizacji", "oczyszczalni"]);
        assert_eq!(e["period_start"], ["w latach 2019–2021"]);
        assert_eq!(e["cost_pln"], ["99 999,75 zł"]);
        assert_eq!(e["unit"], ["Gminy Zbójno"]);
        assert!(!e.contains_key("funding"));
        assert!(evidence("").is_empty());
        assert!(evidence("nonsense without quotes").is_empty());
    }

    #[test]
    fn doubts_name_their_property() {
        assert_eq!(doubt_of("cost: two sums").field, "cost_pln");
        assert_eq!(
            doubt_of("year: no year or period found").field,
            "period_start"
        );
        assert_eq!(doubt_of("area: nothing").reason, "nothing");
    }

    #[test]
    fn only_public_addresses_are_fetched() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "192.168.0.1",
            "169.254.1.1",
            "::1",
            "fd00::1",
            "100.64.0.1",
            "::ffff:127.0.0.1",
        ] {
            assert!(!is_public(&ip.parse().unwrap()), "{ip}");
        }
        for ip in ["91.198.174.192", "2a02:ec80::1"] {
            assert!(is_public(&ip.parse().unwrap()), "{ip}");
        }
    }
}
