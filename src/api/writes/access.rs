//! The request's side of access: which credential it carries, whether a
//! cookie-authenticated write passes the CSRF rule, where the client is
//! (for the sign-in throttle), and whether it came over TLS (for the
//! cookie's `Secure`). Whose the credential is, storage says.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::ConnectInfo;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};

use crate::api::error::ApiError;
use crate::api::origin::base_url;
use crate::auth::credential::Credential;
use crate::auth::csrf::{self, WriteRequest};
use crate::auth::secret::Secret;

/// The request's credential; a malformed `Authorization` is 401.
pub fn credential(headers: &HeaderMap) -> Result<Credential, ApiError> {
    let authorization = match headers.get(header::AUTHORIZATION) {
        None => None,
        Some(v) => Some(v.to_str().map_err(|_| {
            ApiError::Unauthorized("the Authorization header is not readable text".into())
        })?),
    };
    let cookies = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok());
    Credential::from_headers(authorization, cookies)
        .map_err(|e| ApiError::Unauthorized(e.to_string()))
}

/// Whether a method changes something (and so needs the CSRF rule with a cookie).
pub fn is_write(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The CSRF rule for a write carrying `session`'s cookie (the token in
/// `X-CSRF-Token`): 403 `csrf` when refused.
pub fn check_csrf(
    headers: &HeaderMap,
    session: &Secret,
    trust_forwarded: bool,
) -> Result<(), ApiError> {
    let own = base_url(headers, trust_forwarded);
    csrf::check(session, &write_request(headers, &own)).map_err(refused)
}

/// The browser's word alone (`Origin`, `Sec-Fetch-Site`), for the sign-in
/// itself: 403 `csrf` when it says another site's page sent it.
pub fn check_site(headers: &HeaderMap, trust_forwarded: bool) -> Result<(), ApiError> {
    let own = base_url(headers, trust_forwarded);
    csrf::check_site(&write_request(headers, &own)).map_err(refused)
}

fn write_request<'a>(headers: &'a HeaderMap, own: &'a str) -> WriteRequest<'a> {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    WriteRequest {
        own_origin: own,
        origin: text(header::ORIGIN.as_str()),
        sec_fetch_site: text("sec-fetch-site"),
        token: text(csrf::HEADER),
    }
}

fn refused(e: csrf::CsrfRefusal) -> ApiError {
    ApiError::Forbidden {
        code: "csrf",
        message: e.to_string(),
    }
}

/// Whether the client reached the service over TLS: only a trusted proxy's
/// `X-Forwarded-Proto: https` says so (the service itself speaks plain HTTP).
pub fn over_tls(headers: &HeaderMap, trust_forwarded: bool) -> bool {
    base_url(headers, trust_forwarded).starts_with("https://")
}

/// The client's address: the connection's peer, or, behind a trusted proxy,
/// the last address in `X-Forwarded-For` (the one the proxy itself added;
/// earlier ones are the client's own claims). Unknown (a request made
/// in-process, as tests do) is 0.0.0.0.
pub fn client_address(parts: &Parts, trust_forwarded: bool) -> IpAddr {
    let forwarded = trust_forwarded
        .then(|| {
            parts
                .headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .next_back()
                .and_then(|a| a.trim().parse::<IpAddr>().ok())
        })
        .flatten();
    forwarded
        .or_else(|| {
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip())
        })
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::secret::Kind;
    use axum::http::{HeaderValue, Request};

    fn parts(headers: &[(&str, &str)]) -> Parts {
        let mut b = Request::builder().method("POST").uri("/api/session");
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        b.body(()).unwrap().into_parts().0
    }

    #[test]
    fn the_client_is_the_peer_unless_a_trusted_proxy_says_otherwise() {
        let mut p = parts(&[("x-forwarded-for", "1.2.3.4, 203.0.113.5")]);
        assert_eq!(client_address(&p, false), IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        p.extensions
            .insert(ConnectInfo(SocketAddr::from(([192, 0, 2, 1], 5000))));
        assert_eq!(client_address(&p, false).to_string(), "192.0.2.1");
        assert_eq!(client_address(&p, true).to_string(), "203.0.113.5");
    }

    #[test]
    fn tls_only_from_a_trusted_proxy() {
        let p = parts(&[("host", "mapa.example"), ("x-forwarded-proto", "https")]);
        assert!(!over_tls(&p.headers, false));
        assert!(over_tls(&p.headers, true));
    }

    #[test]
    fn csrf_needs_the_header_from_the_own_origin() {
        let s = Secret::generate(Kind::Session);
        let t = csrf::token_for(&s);
        let mut p = parts(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "http://127.0.0.1:8080"),
        ]);
        assert!(matches!(
            check_csrf(&p.headers, &s, false),
            Err(ApiError::Forbidden { code: "csrf", .. })
        ));
        p.headers
            .insert(csrf::HEADER, HeaderValue::from_str(&t).unwrap());
        assert!(check_csrf(&p.headers, &s, false).is_ok());
        p.headers
            .insert("origin", HeaderValue::from_static("https://evil.example"));
        assert!(check_csrf(&p.headers, &s, false).is_err());
    }

    #[test]
    fn credentials_come_from_the_headers() {
        let t = Secret::generate(Kind::Token);
        let auth = format!("Bearer {}", t.expose());
        let p = parts(&[("authorization", &auth)]);
        assert_eq!(credential(&p.headers).unwrap(), Credential::Bearer(t));
        let p = parts(&[("authorization", "Basic eDp5")]);
        assert!(matches!(
            credential(&p.headers),
            Err(ApiError::Unauthorized(_))
        ));
        assert_eq!(
            credential(&parts(&[]).headers).unwrap(),
            Credential::Anonymous
        );
    }
}
