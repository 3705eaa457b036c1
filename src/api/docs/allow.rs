//! `Allow` on the answers to `OPTIONS`, from the two OpenAPI documents: a
//! resource lists the methods its path documents (`HEAD` with `GET`, and
//! `OPTIONS`), so the header and the documents cannot disagree. The writes
//! are listed when a CSV is served read-only too: they answer 403 then.

use std::sync::LazyLock;

use axum::http::{HeaderValue, Method, header};
use axum::response::Response;
use utoipa::openapi::OpenApi;
use utoipa::openapi::path::PathItemType;

/// A path not in the documents (or not found): what every resource answers.
const DEFAULT: &str = "GET, HEAD, OPTIONS";

/// The `Allow` order of the methods.
const ORDER: [(PathItemType, &str); 6] = [
    (PathItemType::Get, "GET, HEAD"),
    (PathItemType::Post, "POST"),
    (PathItemType::Put, "PUT"),
    (PathItemType::Patch, "PATCH"),
    (PathItemType::Delete, "DELETE"),
    (PathItemType::Options, "OPTIONS"),
];

/// Each documented path's segments (`None` for a `{parameter}`) and its
/// `Allow` value.
type Table = Vec<(Vec<Option<String>>, HeaderValue)>;

static TABLE: LazyLock<Table> = LazyLock::new(|| {
    let mut table = Vec::new();
    add(&mut table, &super::api::document(), "");
    add(&mut table, &super::ogc::document(""), "/ogc");
    table
});

fn add(table: &mut Table, doc: &OpenApi, prefix: &str) {
    for (path, item) in &doc.paths.paths {
        let segments = format!("{prefix}{path}")
            .trim_end_matches('/')
            .split('/')
            .map(|s| (!(s.starts_with('{') && s.ends_with('}'))).then(|| s.to_string()))
            .collect();
        let mut methods: Vec<&str> = ORDER
            .iter()
            .filter(|(m, _)| item.operations.contains_key(m))
            .map(|(_, name)| *name)
            .collect();
        if !item.operations.contains_key(&PathItemType::Options) {
            methods.push("OPTIONS");
        }
        if let Ok(v) = HeaderValue::from_str(&methods.join(", ")) {
            table.push((segments, v));
        }
    }
}

/// The methods a resource answers, as its `Allow` header lists them.
fn allowed_methods(path: &str) -> HeaderValue {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    TABLE
        .iter()
        .find(|(template, _)| {
            template.len() == segments.len()
                && template
                    .iter()
                    .zip(&segments)
                    .all(|(t, s)| t.as_deref().is_none_or(|t| t == *s))
        })
        .map_or_else(|| HeaderValue::from_static(DEFAULT), |(_, v)| v.clone())
}

/// Adds `Allow` to the answers to `OPTIONS` (which the CORS layer gives,
/// preflight or not).
pub async fn allow_header(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let allow = (req.method() == Method::OPTIONS).then(|| allowed_methods(req.uri().path()));
    let mut r = next.run(req).await;
    if let Some(allow) = allow.filter(|_| r.status().is_success()) {
        r.headers_mut().insert(header::ALLOW, allow);
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_resource_allows_its_documented_methods() {
        let allow = |p: &str| allowed_methods(p).to_str().unwrap().to_string();
        assert_eq!(
            allow("/ogc/collections/practices/items"),
            "GET, HEAD, POST, OPTIONS"
        );
        assert_eq!(
            allow("/ogc/collections/practices/items/bdp-1"),
            "GET, HEAD, PUT, PATCH, DELETE, OPTIONS"
        );
        assert_eq!(allow("/api/entries/x/actions"), "POST, OPTIONS");
        assert_eq!(allow("/api/entries/x/restore"), "POST, OPTIONS");
        assert_eq!(allow("/api/session"), "POST, DELETE, OPTIONS");
        assert_eq!(allow("/api/tokens"), "GET, HEAD, POST, OPTIONS");
        assert_eq!(allow("/api/tokens/7"), "DELETE, OPTIONS");
        assert_eq!(allow("/api/entries/x"), DEFAULT);
        assert_eq!(allow("/ogc/collections/"), DEFAULT);
        assert_eq!(allow("/nothing/here"), DEFAULT);
    }
}
