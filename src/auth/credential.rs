//! Which credential a request carries. A bearer token wins over a cookie:
//! a client that sends `Authorization` means that account, and bearer
//! requests need no CSRF check (a browser never adds the header by itself).

use super::secret::{Kind, Secret};
use super::session;

/// A request's credential, before storage says whose it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// No credential: anonymous (reads only).
    Anonymous,
    /// `Authorization: Bearer mp_…`.
    Bearer(Secret),
    /// The session cookie (`ms_…`).
    Session(Secret),
}

/// Why a request's credential is refused before any look-up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredentialError {
    /// `Authorization` is there but not `Bearer <token>` of our form.
    #[error("the Authorization header must be \"Bearer mp_…\" with a token this service issued")]
    MalformedAuthorization,
}

impl Credential {
    /// The credential of a request from its `Authorization` header value (if
    /// any) and its `Cookie` header values.
    pub fn from_headers<'a>(
        authorization: Option<&str>,
        cookies: impl IntoIterator<Item = &'a str>,
    ) -> Result<Credential, CredentialError> {
        if let Some(auth) = authorization {
            let (scheme, value) = auth
                .trim()
                .split_once(' ')
                .ok_or(CredentialError::MalformedAuthorization)?;
            if !scheme.eq_ignore_ascii_case("bearer") {
                return Err(CredentialError::MalformedAuthorization);
            }
            return Secret::parse(Kind::Token, value.trim())
                .map(Credential::Bearer)
                .ok_or(CredentialError::MalformedAuthorization);
        }
        Ok(session::from_cookie_headers(cookies)
            .map(Credential::Session)
            .unwrap_or(Credential::Anonymous))
    }

    /// Whether a write with this credential must pass the CSRF check: only
    /// the cookie, which browsers attach by themselves.
    pub fn needs_csrf_check(&self) -> bool {
        matches!(self, Credential::Session(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_tokens_win_over_cookies() {
        let t = Secret::generate(Kind::Token);
        let s = Secret::generate(Kind::Session);
        let auth = format!("Bearer {}", t.expose());
        let cookie = format!("mapa_session={}", s.expose());
        let c = Credential::from_headers(Some(&auth), [cookie.as_str()]).unwrap();
        assert_eq!(c, Credential::Bearer(t.clone()));
        assert!(!c.needs_csrf_check());
        let lower = format!("bearer {}", t.expose());
        assert_eq!(
            Credential::from_headers(Some(&lower), []).unwrap(),
            Credential::Bearer(t)
        );
        let c = Credential::from_headers(None, [cookie.as_str()]).unwrap();
        assert_eq!(c, Credential::Session(s));
        assert!(c.needs_csrf_check());
        assert_eq!(
            Credential::from_headers(None, ["lang=pl"]).unwrap(),
            Credential::Anonymous
        );
    }

    #[test]
    fn malformed_authorization_is_refused_not_anonymous() {
        let s = Secret::generate(Kind::Session);
        for bad in [
            "Basic dXNlcjpwYXNz".to_string(),
            "Bearer".to_string(),
            "Bearer abc".to_string(),
            format!("Bearer {}", s.expose()),
            "Bearer mp_' OR '1'='1".to_string(),
        ] {
            assert_eq!(
                Credential::from_headers(Some(&bad), []),
                Err(CredentialError::MalformedAuthorization),
                "{bad}"
            );
        }
    }
}
