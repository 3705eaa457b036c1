//! Security headers on every answer, and the map page's files served only from
//! inside their folder.

use std::path::{Component, Path, PathBuf};

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::ApiError;

/// The one inline event handler the page uses (`onsubmit="return false"` on
/// its two forms), allowed by its hash: no other inline script runs.
const INLINE_HANDLER_HASH: &str = "'sha256-GZIcz60Uwd6wT3vaYke/atSr53TehbYAPepOa3d03Vw='";

/// The page's Content Security Policy. Scripts and data come only from this
/// origin (plus the one inline handler, [`INLINE_HANDLER_HASH`]); images also
/// from any HTTPS origin and from the operator's tile server (whatever its
/// scheme); inline styles are used by the markers.
/// `frame-ancestors *` keeps the embed mode (`?embed=1` in an `<iframe>` on a
/// municipality's site) working.
pub fn content_security_policy(tile_url: &str) -> String {
    let tiles = tile_origin(tile_url)
        .map(|o| format!(" {o}"))
        .unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self' 'unsafe-hashes' {INLINE_HANDLER_HASH}; \
style-src 'self' 'unsafe-inline'; \
img-src 'self' data: blob: https:{tiles}; connect-src 'self'; object-src 'none'; \
base-uri 'self'; form-action 'self'; frame-ancestors *"
    )
}

/// The origin of a tile URL template as a CSP source
/// (`http://{s}.tiles.local:8080/{z}/…` → `http://*.tiles.local:8080`).
fn tile_origin(tile_url: &str) -> Option<String> {
    let (scheme, rest) = tile_url.split_once("://")?;
    let host = rest.split('/').next()?;
    let host = host.replace("{s}", "*");
    let ok = |c: char| c.is_ascii_alphanumeric() || "-.:*[]".contains(c);
    (matches!(scheme, "http" | "https") && !host.is_empty() && host.chars().all(ok))
        .then(|| format!("{scheme}://{host}"))
}

/// The security headers of every answer: the router's (through [`headers`])
/// and hyper's own error answers (through `malformed.rs`) read this one list.
#[derive(Debug, Clone)]
pub struct SecurityHeaders {
    csp: HeaderValue,
}

impl SecurityHeaders {
    /// The headers for a page whose tiles come from `tile_url`.
    pub fn new(tile_url: &str) -> SecurityHeaders {
        let csp = HeaderValue::from_str(&content_security_policy(tile_url))
            .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'; frame-ancestors *"));
        SecurityHeaders { csp }
    }

    /// `Content-Security-Policy`, `X-Content-Type-Options` and
    /// `Referrer-Policy`, with their values.
    pub fn pairs(&self) -> [(HeaderName, HeaderValue); 3] {
        [
            (header::CONTENT_SECURITY_POLICY, self.csp.clone()),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            (
                header::REFERRER_POLICY,
                HeaderValue::from_static("strict-origin-when-cross-origin"),
            ),
        ]
    }
}

/// Adds the [`SecurityHeaders`] to every answer that has none of its own.
pub async fn headers(State(list): State<SecurityHeaders>, req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    for (name, value) in list.pairs() {
        if !h.contains_key(&name) {
            h.insert(name, value);
        }
    }
    resp
}

/// The file or folder a request path names under `root`, when it stays inside
/// `root` once symbolic links are followed; `None` for a path that does not
/// exist (the file server answers 404 for it).
async fn resolve_inside(root: &Path, request_path: &str) -> Result<Option<PathBuf>, ()> {
    let decoded = percent_encoding::percent_decode_str(request_path)
        .decode_utf8()
        .map_err(|_| ())?;
    let mut path = root.to_path_buf();
    for c in Path::new(decoded.trim_start_matches('/')).components() {
        match c {
            Component::Normal(part) => path.push(part),
            Component::CurDir => {}
            _ => return Err(()),
        }
    }
    let (Ok(root), Ok(target)) = (
        tokio::fs::canonicalize(root).await,
        tokio::fs::canonicalize(&path).await,
    ) else {
        return Ok(None);
    };
    if target.starts_with(&root) {
        Ok(Some(target))
    } else {
        Err(())
    }
}

/// Refuses (404) a request for the page's files whose path leads, through a
/// symbolic link, outside the static folder.
pub async fn inside_static_dir(State(root): State<PathBuf>, req: Request, next: Next) -> Response {
    match resolve_inside(&root, req.uri().path()).await {
        Ok(_) => next.run(req).await,
        Err(()) => {
            tracing::warn!(path = %req.uri().path(), "refused a path leading outside the static folder");
            ApiError::NotFound(format!("no such file: {}", req.uri().path())).into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tile_server_may_serve_images() {
        let csp = content_security_policy("http://{s}.tiles.local:8080/{z}/{x}/{y}.png");
        assert!(csp.contains("img-src 'self' data: blob: https: http://*.tiles.local:8080;"));
        let csp = content_security_policy("");
        assert!(csp.contains("img-src 'self' data: blob: https:;"));
        // A template that is no URL adds nothing.
        assert_eq!(tile_origin("javascript:alert(1)"), None);
        assert_eq!(tile_origin("http://evil'; script-src */x"), None);
    }

    #[tokio::test]
    async fn symlinks_out_of_the_folder_are_refused() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.txt"), "secret").unwrap();
        let root = tempfile::tempdir().unwrap();
        std::fs::write(root.path().join("index.html"), "page").unwrap();
        std::fs::create_dir(root.path().join("css")).unwrap();
        std::fs::write(root.path().join("css/a.css"), "a").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(outside.path(), root.path().join("out")).unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(root.path().join("css/a.css"), root.path().join("in.css"))
            .unwrap();

        assert!(
            resolve_inside(root.path(), "/index.html")
                .await
                .unwrap()
                .is_some()
        );
        assert!(
            resolve_inside(root.path(), "/css/a.css")
                .await
                .unwrap()
                .is_some()
        );
        assert!(
            resolve_inside(root.path(), "/missing.js")
                .await
                .unwrap()
                .is_none()
        );
        assert!(resolve_inside(root.path(), "/../etc/passwd").await.is_err());
        #[cfg(unix)]
        {
            assert!(
                resolve_inside(root.path(), "/out/secret.txt")
                    .await
                    .is_err()
            );
            assert!(
                resolve_inside(root.path(), "/out%2Fsecret.txt")
                    .await
                    .is_err()
            );
            // A link that stays inside the folder is fine.
            assert!(
                resolve_inside(root.path(), "/in.css")
                    .await
                    .unwrap()
                    .is_some()
            );
        }
    }
}
