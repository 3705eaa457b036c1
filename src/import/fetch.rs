//! Fetching pages from the web, for `import https://…`: one blocking GET per
//! page, as a polite crawler would make it.
//!
//! - Only `http` and `https` addresses, at every hop; redirects are followed by
//!   hand, at most [`FetchConfig::max_redirects`] of them, so each hop's address
//!   is checked (scheme, `robots.txt`) before it is asked for.
//! - `robots.txt` is read once per origin (scheme, host, port) and kept for
//!   the life of the [`Fetcher`]; its rules for the agent [`ROBOTS_AGENT`] are
//!   honoured (RFC 9309: a `robots.txt` that is missing or answers 4xx allows
//!   everything; one that cannot be read — 5xx, timeout, refused connection —
//!   allows nothing).
//! - Connect and read timeouts ([`FetchConfig::connect_timeout`],
//!   [`FetchConfig::read_timeout`]); a size cap ([`FetchConfig::max_bytes`])
//!   checked against `Content-Length` before reading and against the bytes as
//!   they arrive; only HTML or plain-text answers are taken.
//! - Every request names the project in its `User-Agent` ([`USER_AGENT`]).
//!
//! The page comes back as bytes with the charset its `Content-Type` declared;
//! turning them into text is the importer's (see [`super::decode`]). Nothing
//! here knows about practices, so the server can fetch with it too.
//!
//! The client is `ureq`: blocking (the CLI imports one page after another and
//! needs no async runtime for it), small, with rustls for HTTPS, and
//! redirects, timeouts and headers under the caller's control.

use std::collections::HashMap;
use std::io::Read;
use std::time::Duration;

use url::Url;

/// The agent name `robots.txt` rules are matched against.
pub const ROBOTS_AGENT: &str = "mapa-praktyk";

/// The `User-Agent` header of every request: the project, its version, and
/// what it does.
pub const USER_AGENT: &str = concat!(
    "mapa-praktyk/",
    env!("CARGO_PKG_VERSION"),
    " (importer of municipal good-practice pages; honours robots.txt)"
);

/// Redirects followed by default before giving up.
pub const DEFAULT_MAX_REDIRECTS: usize = 5;

/// Default connect and read timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20);

/// The most of a `robots.txt` read (RFC 9309 asks parsers to read at least 500 KiB).
pub const MAX_ROBOTS_BYTES: usize = 512 * 1024;

/// How pages are fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchConfig {
    /// Longest wait for a connection.
    pub connect_timeout: Duration,
    /// Longest wait for the next bytes of an answer.
    pub read_timeout: Duration,
    /// The largest page taken, in bytes.
    pub max_bytes: usize,
    /// Redirects followed before giving up.
    pub max_redirects: usize,
    /// The `User-Agent` header.
    pub user_agent: String,
}

impl Default for FetchConfig {
    fn default() -> Self {
        FetchConfig {
            connect_timeout: DEFAULT_TIMEOUT,
            read_timeout: DEFAULT_TIMEOUT,
            max_bytes: super::decode::MAX_PAGE_BYTES,
            max_redirects: DEFAULT_MAX_REDIRECTS,
            user_agent: USER_AGENT.to_string(),
        }
    }
}

/// A fetched page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// The address asked for.
    pub requested: String,
    /// The address the page came from, after redirects.
    pub final_url: String,
    /// The body as sent.
    pub bytes: Vec<u8>,
    /// The media type of `Content-Type`, lower case, when there was one.
    pub media_type: Option<String>,
    /// The `charset` of `Content-Type`, when there was one.
    pub charset: Option<String>,
}

/// What failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchFailure {
    /// Not an `http` or `https` address.
    #[error("not an http or https address")]
    NotHttp,
    /// The address does not parse.
    #[error("not a valid address: {0}")]
    BadAddress(String),
    /// No connection or no answer in time.
    #[error("timed out {0} (after {1} s)")]
    Timeout(&'static str, u64),
    /// The page is larger than the cap.
    #[error("larger than {0} bytes; not read")]
    TooBig(usize),
    /// The server answered with an error status.
    #[error("HTTP {0} {1}")]
    Status(u16, String),
    /// `robots.txt` forbids the address to this agent.
    #[error("refused by {0}")]
    Robots(String),
    /// `robots.txt` could not be read, which forbids the whole site.
    #[error("{0} could not be read ({1}); the site is not fetched")]
    RobotsUnreadable(String, String),
    /// Not an HTML or text page.
    #[error("not an HTML page (Content-Type: {0})")]
    NotHtml(String),
    /// More redirects than allowed.
    #[error("more than {0} redirects")]
    TooManyRedirects(usize),
    /// A redirect when none may be followed: where it leads.
    #[error("the page redirects to {0}, which was not fetched; give that address")]
    Redirected(String),
    /// A redirect without a usable `Location`, or to another scheme.
    #[error("redirected to {0:?}, which is not an http or https address")]
    BadRedirect(String),
    /// The connection failed (DNS, refused, TLS, broken answer).
    #[error("{0}")]
    Connection(String),
}

/// Why a page was not fetched: the failure, and the address where it happened
/// when redirects led away from the one asked for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{failure}{}", at.as_ref().map(|a| format!(" (at {a}, after redirects)")).unwrap_or_default())]
pub struct FetchError {
    /// What failed.
    pub failure: FetchFailure,
    /// The address that failed, when it is not the one asked for.
    pub at: Option<String>,
}

/// What a site's `robots.txt` says, as far as this agent is concerned.
enum Robots {
    /// No rules (missing, 4xx).
    AllowAll,
    /// The parsed rules.
    Rules(Box<texting_robots::Robot>),
    /// Could not be read: nothing may be fetched; why.
    Unreadable(String),
}

/// Fetches pages, remembering each site's `robots.txt`.
pub struct Fetcher {
    config: FetchConfig,
    agent: ureq::Agent,
    robots: HashMap<String, Robots>,
}

impl Fetcher {
    /// A fetcher with `config`.
    pub fn new(config: FetchConfig) -> Fetcher {
        let agent = ureq::AgentBuilder::new()
            .timeout_connect(config.connect_timeout)
            .timeout_read(config.read_timeout)
            .timeout_write(config.read_timeout)
            .redirects(0)
            .user_agent(&config.user_agent)
            .build();
        Fetcher {
            config,
            agent,
            robots: HashMap::new(),
        }
    }

    /// How this fetcher fetches.
    pub fn config(&self) -> &FetchConfig {
        &self.config
    }

    /// Fetches `address`, following redirects and honouring `robots.txt`.
    pub fn fetch(&mut self, address: &str) -> Result<Page, FetchError> {
        let mut current =
            parse_http(address).map_err(|failure| FetchError { failure, at: None })?;
        let mut hops = 0;
        loop {
            let fail = |failure: FetchFailure, at: &Url| FetchError {
                failure,
                at: (at.as_str() != address).then(|| at.to_string()),
            };
            self.check_robots(&current).map_err(|f| fail(f, &current))?;
            let response = self.get(&current).map_err(|f| fail(f, &current))?;
            let status = response.status();
            if (300..400).contains(&status) && status != 304 {
                let location = response.header("location").unwrap_or("").trim().to_string();
                let next = current
                    .join(&location)
                    .ok()
                    .filter(|u| !location.is_empty() && matches!(u.scheme(), "http" | "https"))
                    .ok_or_else(|| fail(FetchFailure::BadRedirect(location.clone()), &current))?;
                hops += 1;
                if self.config.max_redirects == 0 {
                    return Err(fail(FetchFailure::Redirected(next.to_string()), &current));
                }
                if hops > self.config.max_redirects {
                    return Err(fail(
                        FetchFailure::TooManyRedirects(self.config.max_redirects),
                        &current,
                    ));
                }
                current = next;
                continue;
            }
            return self
                .take(address, &current, response)
                .map_err(|f| fail(f, &current));
        }
    }

    /// One GET, without following redirects; 4xx and 5xx are errors.
    fn get(&self, url: &Url) -> Result<ureq::Response, FetchFailure> {
        match self.agent.request_url("GET", url).call() {
            Ok(r) => Ok(r),
            Err(ureq::Error::Status(code, r)) => {
                Err(FetchFailure::Status(code, r.status_text().to_string()))
            }
            Err(ureq::Error::Transport(t)) => Err(self.transport(&t)),
        }
    }

    /// A transport error as a failure: timeouts told apart from the rest.
    fn transport(&self, t: &ureq::Transport) -> FetchFailure {
        let timed_out = std::error::Error::source(t)
            .and_then(|s| s.downcast_ref::<std::io::Error>())
            .is_some_and(is_timeout);
        match t.kind() {
            ureq::ErrorKind::ConnectionFailed if timed_out => {
                FetchFailure::Timeout("connecting", self.config.connect_timeout.as_secs())
            }
            _ if timed_out => {
                FetchFailure::Timeout("waiting for the answer", self.config.read_timeout.as_secs())
            }
            ureq::ErrorKind::TooManyRedirects => {
                FetchFailure::TooManyRedirects(self.config.max_redirects)
            }
            _ => FetchFailure::Connection(t.to_string()),
        }
    }

    /// Checks the media type and size of a final answer and reads its body.
    fn take(
        &self,
        requested: &str,
        url: &Url,
        response: ureq::Response,
    ) -> Result<Page, FetchFailure> {
        let content_type = response.header("content-type").map(str::to_string);
        let (media_type, charset) = match &content_type {
            Some(ct) => {
                let (m, c) = parse_content_type(ct);
                (Some(m), c)
            }
            None => (None, None),
        };
        if let Some(m) = &media_type {
            if !matches!(
                m.as_str(),
                "text/html" | "application/xhtml+xml" | "text/plain"
            ) {
                return Err(FetchFailure::NotHtml(content_type.unwrap_or_default()));
            }
        }
        let max = self.config.max_bytes;
        if let Some(len) = response
            .header("content-length")
            .and_then(|l| l.trim().parse::<u64>().ok())
        {
            if len > max as u64 {
                return Err(FetchFailure::TooBig(max));
            }
        }
        let bytes = self.read_capped(response, max)?;
        Ok(Page {
            requested: requested.to_string(),
            final_url: url.to_string(),
            bytes,
            media_type,
            charset,
        })
    }

    /// Reads a body, failing as soon as it passes `max` bytes.
    fn read_capped(&self, response: ureq::Response, max: usize) -> Result<Vec<u8>, FetchFailure> {
        let mut bytes = Vec::new();
        response
            .into_reader()
            .take(max as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| {
                if is_timeout(&e) {
                    FetchFailure::Timeout("reading the page", self.config.read_timeout.as_secs())
                } else {
                    FetchFailure::Connection(format!("reading the page: {e}"))
                }
            })?;
        if bytes.len() > max {
            return Err(FetchFailure::TooBig(max));
        }
        Ok(bytes)
    }

    /// Whether `robots.txt` lets this agent fetch `url` (read once per origin).
    fn check_robots(&mut self, url: &Url) -> Result<(), FetchFailure> {
        let origin = url.origin().ascii_serialization();
        let robots_url = format!("{origin}/robots.txt");
        if !self.robots.contains_key(&origin) {
            let rules = self.read_robots(&robots_url);
            self.robots.insert(origin.clone(), rules);
        }
        match &self.robots[&origin] {
            Robots::AllowAll => Ok(()),
            Robots::Rules(r) if r.allowed(url.as_str()) => Ok(()),
            Robots::Rules(_) => Err(FetchFailure::Robots(robots_url)),
            Robots::Unreadable(why) => Err(FetchFailure::RobotsUnreadable(robots_url, why.clone())),
        }
    }

    /// Reads and parses a `robots.txt`, following up to five redirects (RFC 9309).
    fn read_robots(&self, robots_url: &str) -> Robots {
        let mut url = match Url::parse(robots_url) {
            Ok(u) => u,
            Err(e) => return Robots::Unreadable(e.to_string()),
        };
        for _ in 0..=DEFAULT_MAX_REDIRECTS {
            let response = match self.get(&url) {
                Ok(r) => r,
                Err(FetchFailure::Status(code, _)) if (400..500).contains(&code) => {
                    return Robots::AllowAll;
                }
                Err(f) => return Robots::Unreadable(f.to_string()),
            };
            let status = response.status();
            if (300..400).contains(&status) {
                match response.header("location").and_then(|l| url.join(l).ok()) {
                    Some(next) if matches!(next.scheme(), "http" | "https") => {
                        url = next;
                        continue;
                    }
                    _ => return Robots::AllowAll,
                }
            }
            let mut body = Vec::new();
            if let Err(e) = response
                .into_reader()
                .take(MAX_ROBOTS_BYTES as u64)
                .read_to_end(&mut body)
            {
                return Robots::Unreadable(format!("reading it: {e}"));
            }
            return match texting_robots::Robot::new(ROBOTS_AGENT, &body) {
                Ok(r) => Robots::Rules(Box::new(r)),
                // Rules that do not parse are no rules (RFC 9309 §2.2.4: a
                // crawler uses what it can parse).
                Err(_) => Robots::AllowAll,
            };
        }
        // A redirect chain too long to follow: the file counts as unavailable,
        // which allows everything, as a 4xx does (RFC 9309 §2.3.1.2).
        Robots::AllowAll
    }
}

/// `address` as an `http` or `https` URL.
pub fn parse_http(address: &str) -> Result<Url, FetchFailure> {
    let url = Url::parse(address.trim()).map_err(|e| FetchFailure::BadAddress(e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(FetchFailure::NotHttp);
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(FetchFailure::BadAddress("no host".into()));
    }
    Ok(url)
}

/// Whether `s` is written as an address (`scheme://…`) rather than a file path.
pub fn is_address(s: &str) -> bool {
    match s.split_once("://") {
        Some((scheme, _)) => {
            !scheme.is_empty()
                && scheme
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}

/// `text/html; charset=ISO-8859-2` → (`text/html`, `Some("ISO-8859-2")`).
fn parse_content_type(ct: &str) -> (String, Option<String>) {
    let mut parts = ct.split(';');
    let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
    let charset = parts.find_map(|p| {
        let (k, v) = p.split_once('=')?;
        (k.trim().eq_ignore_ascii_case("charset"))
            .then(|| v.trim().trim_matches('"').trim_matches('\'').to_string())
    });
    (media, charset.filter(|c| !c.is_empty()))
}

/// A read that ran out of time (`TimedOut`, or `WouldBlock` as some platforms report it).
fn is_timeout(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_told_from_paths() {
        assert!(is_address("https://gmina.pl/a"));
        assert!(is_address("ftp://gmina.pl/a"));
        assert!(!is_address("pages/001_a.txt"));
        assert!(!is_address("C:\\pages\\a.txt"));
        assert!(!is_address("://x"));
    }

    #[test]
    fn only_http_and_https_parse() {
        assert!(parse_http("https://gmina.pl/x").is_ok());
        assert_eq!(parse_http("ftp://gmina.pl/x"), Err(FetchFailure::NotHttp));
        assert!(matches!(
            parse_http("https://"),
            Err(FetchFailure::BadAddress(_))
        ));
    }

    #[test]
    fn content_type_and_charset() {
        assert_eq!(
            parse_content_type("text/HTML; charset=\"ISO-8859-2\""),
            ("text/html".to_string(), Some("ISO-8859-2".to_string()))
        );
        assert_eq!(
            parse_content_type("application/pdf"),
            ("application/pdf".to_string(), None)
        );
    }

    #[test]
    fn errors_name_the_failure_and_where() {
        let e = FetchError {
            failure: FetchFailure::Status(404, "Not Found".into()),
            at: Some("https://b.pl/x".into()),
        };
        assert_eq!(
            e.to_string(),
            "HTTP 404 Not Found (at https://b.pl/x, after redirects)"
        );
        let e = FetchError {
            failure: FetchFailure::Robots("https://a.pl/robots.txt".into()),
            at: None,
        };
        assert_eq!(e.to_string(), "refused by https://a.pl/robots.txt");
    }
}
