//! The origin the client reached: for absolute links (OGC) and the CSRF
//! rule's "same origin" (writes).

use axum::http::{HeaderMap, header};

/// The scheme and authority the client used, e.g. `http://127.0.0.1:8080`:
/// from `X-Forwarded-Host` and `X-Forwarded-Proto` only when the operator
/// trusts a proxy to set them, else from `Host`.
pub fn base_url(headers: &HeaderMap, trust_forwarded: bool) -> String {
    let h = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.split(',').next().unwrap_or("").trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let forwarded = |name: &str| h(name).filter(|_| trust_forwarded);
    let scheme = forwarded("x-forwarded-proto")
        .filter(|s| s == "http" || s == "https")
        .unwrap_or_else(|| "http".into());
    let plausible = |h: &String| {
        h.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-.:[]_".contains(c))
    };
    let host = forwarded("x-forwarded-host")
        .filter(plausible)
        .or_else(|| h(header::HOST.as_str()).filter(plausible))
        .unwrap_or_else(|| "localhost".into());
    format!("{scheme}://{host}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn base_url_trusts_forwarded_headers_only_when_configured() {
        let mut h = HeaderMap::new();
        assert_eq!(base_url(&h, true), "http://localhost");
        h.insert(header::HOST, HeaderValue::from_static("127.0.0.1:8080"));
        assert_eq!(base_url(&h, true), "http://127.0.0.1:8080");
        h.insert("x-forwarded-proto", HeaderValue::from_static("https"));
        h.insert(
            "x-forwarded-host",
            HeaderValue::from_static("praktyki.example.org"),
        );
        assert_eq!(base_url(&h, true), "https://praktyki.example.org");
        // Not configured: a client's forwarded headers are ignored.
        assert_eq!(base_url(&h, false), "http://127.0.0.1:8080");
        h.insert("x-forwarded-host", HeaderValue::from_static("evil/\"x"));
        assert_eq!(base_url(&h, true), "https://127.0.0.1:8080");
    }
}
