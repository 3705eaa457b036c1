//! The session cookie: `HttpOnly` (scripts cannot read it), `SameSite=Strict`
//! (other sites' pages never send it), `Path=/`, a lifetime, and `Secure`
//! when the client reached the service over TLS. A new session id is made
//! at every sign-in (the old one, if any, ends), so an id fixed before
//! sign-in is worth nothing after it.

use std::time::Duration;

use super::secret::{Kind, Secret};

/// The cookie's name.
pub const COOKIE_NAME: &str = "mapa_session";

/// How long a session lasts from its sign-in; then the person signs in again.
pub const SESSION_LIFETIME: Duration = Duration::from_secs(8 * 60 * 60);

/// The `Set-Cookie` value that gives the browser `session` for
/// [`SESSION_LIFETIME`]; `secure` when the request came over TLS.
pub fn set_cookie(session: &Secret, secure: bool) -> String {
    format!(
        "{COOKIE_NAME}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}",
        session.expose(),
        SESSION_LIFETIME.as_secs(),
        if secure { "; Secure" } else { "" }
    )
}

/// The `Set-Cookie` value that removes the cookie (at sign-out).
pub fn clear_cookie(secure: bool) -> String {
    format!(
        "{COOKIE_NAME}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{}",
        if secure { "; Secure" } else { "" }
    )
}

/// The session id in the request's `Cookie` headers, when one is there and
/// well formed. A malformed value is no session (as if absent).
pub fn from_cookie_headers<'a>(headers: impl IntoIterator<Item = &'a str>) -> Option<Secret> {
    headers
        .into_iter()
        .flat_map(|h| h.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .filter(|(name, _)| *name == COOKIE_NAME)
        .find_map(|(_, value)| Secret::parse(Kind::Session, value.trim_matches('"')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_has_its_attributes() {
        let s = Secret::generate(Kind::Session);
        let c = set_cookie(&s, false);
        assert!(
            c.starts_with(&format!("mapa_session={}", s.expose())),
            "{c}"
        );
        for attr in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=28800"] {
            assert!(c.contains(attr), "{c} lacks {attr}");
        }
        assert!(!c.contains("Secure"));
        assert!(set_cookie(&s, true).ends_with("; Secure"));
        let gone = clear_cookie(true);
        assert!(gone.contains("Max-Age=0") && gone.contains("Secure") && gone.contains("HttpOnly"));
    }

    #[test]
    fn the_session_is_read_back_from_any_cookie_header() {
        let s = Secret::generate(Kind::Session);
        let one = format!("lang=pl; mapa_session={}; other=1", s.expose());
        assert_eq!(from_cookie_headers([one.as_str()]), Some(s.clone()));
        let second = format!("mapa_session={}", s.expose());
        assert_eq!(from_cookie_headers(["lang=pl", second.as_str()]), Some(s));
    }

    #[test]
    fn missing_or_malformed_sessions_are_none() {
        assert_eq!(from_cookie_headers([]), None);
        assert_eq!(from_cookie_headers(["lang=pl"]), None);
        assert_eq!(from_cookie_headers(["mapa_session=abc"]), None);
        let token = Secret::generate(Kind::Token);
        let wrong_kind = format!("mapa_session={}", token.expose());
        assert_eq!(from_cookie_headers([wrong_kind.as_str()]), None);
        assert_eq!(from_cookie_headers(["mapa_session=' OR 1=1 --"]), None);
    }
}
