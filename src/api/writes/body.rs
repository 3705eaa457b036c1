//! Request bodies of the write endpoints: the media type checked (415
//! otherwise), the JSON read with the problem named (400).

use axum::http::{HeaderMap, header};
use serde::de::DeserializeOwned;

use crate::api::error::ApiError;

/// JSON bodies: `application/json`.
pub const JSON: &[&str] = &["application/json"];
/// A feature: `application/geo+json` or `application/json`.
pub const FEATURE: &[&str] = &["application/geo+json", "application/json"];
/// A JSON merge patch (RFC 7396).
pub const MERGE_PATCH: &[&str] = &["application/merge-patch+json"];

/// The body as `T`, when its `Content-Type` is one of `accepted`.
pub fn read<T: DeserializeOwned>(
    headers: &HeaderMap,
    body: &[u8],
    accepted: &[&str],
) -> Result<T, ApiError> {
    let given = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .unwrap_or_default();
    if !accepted.contains(&given.as_str()) {
        return Err(ApiError::UnsupportedMediaType(format!(
            "Content-Type {} is not read here; send {}",
            if given.is_empty() {
                "(none)".to_string()
            } else {
                format!("{given:?}")
            },
            accepted.join(" or ")
        )));
    }
    serde_json::from_slice(body).map_err(|e| ApiError::BadRequest {
        code: "invalid_body",
        message: format!("body: {e}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn with_type(t: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_str(t).unwrap());
        h
    }

    #[test]
    fn the_media_type_is_checked_then_the_json() {
        let ok: serde_json::Value = read(
            &with_type("application/json; charset=utf-8"),
            b"{\"a\":1}",
            JSON,
        )
        .unwrap();
        assert_eq!(ok["a"], 1);
        assert!(matches!(
            read::<serde_json::Value>(
                &with_type("application/x-www-form-urlencoded"),
                b"a=1",
                JSON
            ),
            Err(ApiError::UnsupportedMediaType(_))
        ));
        assert!(matches!(
            read::<serde_json::Value>(&HeaderMap::new(), b"{}", JSON),
            Err(ApiError::UnsupportedMediaType(_))
        ));
        assert!(matches!(
            read::<serde_json::Value>(&with_type("application/json"), b"{", JSON),
            Err(ApiError::BadRequest {
                code: "invalid_body",
                ..
            })
        ));
    }
}
