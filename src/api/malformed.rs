//! Requests hyper cannot read at all — a broken request line or header, a
//! target longer than the `http` crate can hold (65,534 bytes), a head
//! larger than its buffer, an unsupported HTTP version — never reach the
//! router: hyper answers them itself, with the status and an empty body, and
//! closes the connection. It has no hook for that answer, so [`JsonErrors`]
//! wraps each connection's socket and gives those answers the service's JSON
//! error body on their way out.
//!
//! Those answers carry the same security headers as every other
//! ([`SecurityHeaders`]).
//!
//! hyper's answer is recognised by its shape: an error status, `connection:
//! close` and `content-length: 0`. The service's own error answers always
//! carry a JSON body, so none of them has that shape.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use super::error::error_json;
use super::limits::MAX_HEADERS;
use super::security::SecurityHeaders;

/// Longer than any head hyper writes for its own errors (about 110 bytes).
const MAX_HEAD: usize = 512;

/// A connection's socket whose bodiless error answers from hyper are sent
/// with a JSON body.
#[derive(Debug)]
pub struct JsonErrors<S> {
    inner: S,
    /// The security headers added to hyper's answers.
    headers: SecurityHeaders,
    /// The answer being sent in place of hyper's.
    replacing: Option<Replacing>,
}

/// An answer sent in place of hyper's.
#[derive(Debug)]
struct Replacing {
    answer: Vec<u8>,
    /// How much of it is sent.
    sent: usize,
    /// The length of hyper's buffer, reported once all of it is sent.
    hypers_len: usize,
}

impl<S> JsonErrors<S> {
    /// Wraps a connection's socket; hyper's answers get `headers`.
    pub fn new(inner: S, headers: SecurityHeaders) -> JsonErrors<S> {
        JsonErrors {
            inner,
            headers,
            replacing: None,
        }
    }
}

/// The JSON answer, with the security `headers`, for hyper's bodiless error
/// `head`, or `None` when `head` is anything else.
fn replacement(head: &[u8], headers: &SecurityHeaders) -> Option<Vec<u8>> {
    // Cheap checks first: this runs on every single-buffer write.
    if head.len() > MAX_HEAD || !head.starts_with(b"HTTP/1.") || !head.ends_with(b"\r\n\r\n") {
        return None;
    }
    let text = std::str::from_utf8(head).ok()?;
    let status_line = text.split("\r\n").next()?;
    let status: u16 = status_line
        .strip_prefix("HTTP/1.1 ")
        .or_else(|| status_line.strip_prefix("HTTP/1.0 "))?
        .get(..3)?
        .parse()
        .ok()?;
    let lower = text.to_ascii_lowercase();
    let is_hypers = (400..600).contains(&status)
        // One head, and nothing after it.
        && text.find("\r\n\r\n") == Some(text.len().saturating_sub(4))
        && lower.contains("\r\ncontent-length: 0\r\n")
        && lower.contains("\r\nconnection: close\r\n");
    if !is_hypers {
        return None;
    }
    let (code, message) = match status {
        414 => (
            "uri_too_long",
            "request target: longer than 65,534 bytes, more than the 16,384 accepted".to_string(),
        ),
        431 => (
            "headers_too_large",
            format!("headers: more than {MAX_HEADERS} fields, or larger than the server reads"),
        ),
        505 => (
            "http_version",
            "only HTTP/1.0 and HTTP/1.1 are served".to_string(),
        ),
        _ => (
            "malformed_request",
            "the request line or a header is not valid HTTP/1.1".to_string(),
        ),
    };
    let body = error_json(code, &message);
    let mut out = Vec::with_capacity(head.len() + body.len() + 96);
    out.extend_from_slice(status_line.as_bytes());
    out.extend_from_slice(b"\r\n");
    for line in text.split("\r\n").skip(1).filter(|l| !l.is_empty()) {
        if !line.to_ascii_lowercase().starts_with("content-length:") {
            out.extend_from_slice(line.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
    }
    out.extend_from_slice(b"content-type: application/json\r\ncache-control: no-store\r\n");
    for (name, value) in headers.pairs() {
        out.extend_from_slice(name.as_str().as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("content-length: {}\r\n\r\n", body.len()).as_bytes());
    out.extend_from_slice(&body);
    Some(out)
}

impl<S: AsyncWrite + Unpin> JsonErrors<S> {
    /// Sends what is left of the replacement; ready with the length of
    /// hyper's buffer once all of it is sent.
    fn poll_replacing(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        while let Some(r) = &mut self.replacing {
            if r.sent == r.answer.len() {
                break;
            }
            match Pin::new(&mut self.inner).poll_write(cx, &r.answer[r.sent..]) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => r.sent += n,
                other => return other,
            }
        }
        let reported = self.replacing.take().map_or(0, |r| r.hypers_len);
        Poll::Ready(Ok(reported))
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for JsonErrors<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for JsonErrors<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.replacing.is_none() {
            match replacement(buf, &self.headers) {
                Some(answer) => {
                    self.replacing = Some(Replacing {
                        answer,
                        sent: 0,
                        hypers_len: buf.len(),
                    })
                }
                None => return Pin::new(&mut self.inner).poll_write(cx, buf),
            }
        }
        self.poll_replacing(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        // hyper's bodiless answer is its head alone, in one buffer.
        if self.replacing.is_some() || bufs.len() == 1 {
            return self.poll_write(cx, &bufs[0]);
        }
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.replacing.is_some() {
            if let Poll::Ready(Err(e)) = self.poll_replacing(cx) {
                return Poll::Ready(Err(e));
            }
            if self.replacing.is_some() {
                return Poll::Pending;
            }
        }
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncWriteExt;

    const HYPERS_414: &[u8] = b"HTTP/1.1 414 URI Too Long\r\nconnection: close\r\ncontent-length: 0\r\ndate: Mon, 23 Nov 2026 20:14:09 GMT\r\n\r\n";

    /// A socket that takes at most three bytes a write, and is not ready
    /// every other time.
    #[derive(Default)]
    struct Trickle {
        got: Vec<u8>,
        ready: bool,
    }

    impl AsyncWrite for Trickle {
        fn poll_write(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &[u8],
        ) -> Poll<io::Result<usize>> {
            self.ready = !self.ready;
            if !self.ready {
                cx.waker().wake_by_ref();
                return Poll::Pending;
            }
            let n = buf.len().min(3);
            self.got.extend_from_slice(&buf[..n]);
            Poll::Ready(Ok(n))
        }
        fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
            Poll::Ready(Ok(()))
        }
        fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
            Poll::Ready(Ok(()))
        }
    }

    async fn through(bytes: &[u8]) -> String {
        let mut w = JsonErrors::new(Trickle::default(), SecurityHeaders::new(""));
        w.write_all(bytes).await.unwrap();
        w.flush().await.unwrap();
        String::from_utf8(w.inner.got).unwrap()
    }

    #[tokio::test]
    async fn hypers_bodiless_error_gets_the_json_body_even_in_pieces() {
        let out = through(HYPERS_414).await;
        assert!(out.starts_with("HTTP/1.1 414 URI Too Long\r\n"), "{out}");
        assert!(out.contains("\r\ndate: Mon, 23 Nov 2026 20:14:09 GMT\r\n"));
        assert!(out.contains("\r\nconnection: close\r\n"));
        assert!(out.contains("\r\ncontent-type: application/json\r\n"));
        for (name, value) in SecurityHeaders::new("").pairs() {
            let line = format!("\r\n{name}: {}\r\n", value.to_str().unwrap());
            assert!(out.contains(&line), "{line} missing in {out}");
        }
        assert!(!out.contains("content-length: 0\r\n"));
        let (head, body) = out.split_once("\r\n\r\n").unwrap();
        assert!(head.contains(&format!("content-length: {}", body.len())));
        let v: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(v["error"]["code"], "uri_too_long");
    }

    #[tokio::test]
    async fn other_answers_pass_unchanged() {
        for answer in [
            // The service's own error, with its body.
            &b"HTTP/1.1 404 Not Found\r\nconnection: close\r\ncontent-length: 2\r\n\r\n{}"[..],
            // A bodiless success.
            b"HTTP/1.1 204 No Content\r\nconnection: close\r\ncontent-length: 0\r\n\r\n",
            // A kept-alive bodiless error (not hyper's).
            b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n",
            // Body bytes that happen to look like a status line.
            b"HTTP/1.1 400 in a JSON string",
            // Two heads in one write: a bodiless answer and hyper's.
            b"HTTP/1.1 304 Not Modified\r\n\r\nHTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n",
        ] {
            assert_eq!(through(answer).await.as_bytes(), answer);
        }
    }
}
