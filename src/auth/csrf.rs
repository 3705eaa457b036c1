//! Cross-site request forgery, for writes carrying the session cookie (bearer
//! requests carry no ambient credential and are exempt):
//!
//! 1. the browser's own word: `Sec-Fetch-Site` must be `same-origin` (or
//!    `none`, a person's own action) when sent, and `Origin` must be this
//!    service's origin when sent;
//! 2. and always a CSRF token bound to the session: the signed-in page gets
//!    it in the sign-in answer (and from `GET /api/me`) and sends it back in
//!    `X-CSRF-Token`. Another site's page
//!    can neither read it nor compute it: it is derived from the session id,
//!    which lives in an `HttpOnly` cookie.

use sha2::{Digest, Sha256};

use super::secret::{Secret, hex, same};

/// The request header that carries the CSRF token.
pub const HEADER: &str = "x-csrf-token";

/// The CSRF token of `session`: SHA-256 of a label and the session id, so it
/// differs from the id's stored hash and says nothing about the id.
pub fn token_for(session: &Secret) -> String {
    let mut h = Sha256::new();
    h.update(b"mapa-praktyk csrf v1\0");
    h.update(session.expose().as_bytes());
    hex(&h.finalize())
}

/// What a cookie-authenticated write brought, for the check.
#[derive(Debug, Clone, Copy)]
pub struct WriteRequest<'a> {
    /// This service's origin as the client reached it (`https://mapa.example`).
    pub own_origin: &'a str,
    /// The `Origin` header, if any.
    pub origin: Option<&'a str>,
    /// The `Sec-Fetch-Site` header, if any.
    pub sec_fetch_site: Option<&'a str>,
    /// The CSRF token from `X-CSRF-Token`, if any.
    pub token: Option<&'a str>,
}

/// Why a cookie-authenticated write was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CsrfRefusal {
    /// The browser says the request came from another site.
    #[error("a write from another site (Sec-Fetch-Site: {0}) is refused")]
    CrossSite(String),
    /// The `Origin` is not this service.
    #[error(
        "a write from origin {0} is refused: only this service's own pages may write with its cookie"
    )]
    CrossOrigin(String),
    /// No CSRF token was sent.
    #[error("the CSRF token is missing: send the token from the sign-in answer in X-CSRF-Token")]
    MissingToken,
    /// The CSRF token does not belong to this session.
    #[error("the CSRF token does not match this session")]
    WrongToken,
}

/// Whether a cookie-authenticated write in `session` may go ahead: the
/// browser's word ([`check_site`]) and the session's token.
pub fn check(session: &Secret, req: &WriteRequest<'_>) -> Result<(), CsrfRefusal> {
    check_site(req)?;
    let token = req.token.ok_or(CsrfRefusal::MissingToken)?;
    if same(token.trim(), &token_for(session)) {
        Ok(())
    } else {
        Err(CsrfRefusal::WrongToken)
    }
}

/// The browser's word alone: `Sec-Fetch-Site` and `Origin`, when sent, say
/// this service's own page (for the sign-in itself, before any session).
pub fn check_site(req: &WriteRequest<'_>) -> Result<(), CsrfRefusal> {
    if let Some(site) = req.sec_fetch_site {
        let site = site.trim().to_ascii_lowercase();
        if site != "same-origin" && site != "none" {
            return Err(CsrfRefusal::CrossSite(site));
        }
    }
    if let Some(origin) = req
        .origin
        .filter(|o| normalise(o) != normalise(req.own_origin))
    {
        return Err(CsrfRefusal::CrossOrigin(origin.chars().take(200).collect()));
    }
    Ok(())
}

/// An origin in one spelling: lowercase, no trailing slash, no default port.
fn normalise(origin: &str) -> String {
    let o = origin.trim().trim_end_matches('/').to_ascii_lowercase();
    if let Some(rest) = o.strip_prefix("http://") {
        format!("http://{}", rest.strip_suffix(":80").unwrap_or(rest))
    } else if let Some(rest) = o.strip_prefix("https://") {
        format!("https://{}", rest.strip_suffix(":443").unwrap_or(rest))
    } else {
        o
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::secret::Kind;

    fn req<'a>(
        origin: Option<&'a str>,
        site: Option<&'a str>,
        token: Option<&'a str>,
    ) -> WriteRequest<'a> {
        WriteRequest {
            own_origin: "http://127.0.0.1:8080",
            origin,
            sec_fetch_site: site,
            token,
        }
    }

    #[test]
    fn the_own_pages_write_with_the_token() {
        let s = Secret::generate(Kind::Session);
        let t = token_for(&s);
        assert_eq!(t.len(), 64);
        assert_ne!(t, s.hash().as_str());
        let ok = [
            req(Some("http://127.0.0.1:8080"), Some("same-origin"), Some(&t)),
            req(Some("HTTP://127.0.0.1:8080/"), None, Some(&t)),
            req(None, Some("none"), Some(&t)),
            req(None, None, Some(&t)),
        ];
        for r in ok {
            assert_eq!(check(&s, &r), Ok(()), "{r:?}");
        }
    }

    #[test]
    fn other_sites_are_refused_even_with_a_token() {
        let s = Secret::generate(Kind::Session);
        let t = token_for(&s);
        assert_eq!(
            check(&s, &req(Some("https://evil.example"), None, Some(&t))),
            Err(CsrfRefusal::CrossOrigin("https://evil.example".into()))
        );
        assert_eq!(
            check(&s, &req(Some("null"), None, Some(&t))),
            Err(CsrfRefusal::CrossOrigin("null".into()))
        );
        assert_eq!(
            check(&s, &req(Some("http://127.0.0.1:8081"), None, Some(&t))),
            Err(CsrfRefusal::CrossOrigin("http://127.0.0.1:8081".into()))
        );
        for site in ["cross-site", "same-site"] {
            assert_eq!(
                check(&s, &req(None, Some(site), Some(&t))),
                Err(CsrfRefusal::CrossSite(site.into()))
            );
        }
    }

    #[test]
    fn the_token_is_required_and_bound_to_the_session() {
        let s = Secret::generate(Kind::Session);
        let other = Secret::generate(Kind::Session);
        let own = Some("http://127.0.0.1:8080");
        assert_eq!(
            check(&s, &req(own, None, None)),
            Err(CsrfRefusal::MissingToken)
        );
        let theirs = token_for(&other);
        assert_eq!(
            check(&s, &req(own, None, Some(&theirs))),
            Err(CsrfRefusal::WrongToken)
        );
        assert_eq!(
            check(&s, &req(own, None, Some(""))),
            Err(CsrfRefusal::WrongToken)
        );
    }

    #[test]
    fn default_ports_do_not_matter() {
        assert_eq!(
            normalise("https://mapa.example:443"),
            "https://mapa.example"
        );
        assert_eq!(normalise("http://mapa.example:80/"), "http://mapa.example");
        assert_ne!(
            normalise("http://mapa.example"),
            normalise("https://mapa.example")
        );
    }
}
