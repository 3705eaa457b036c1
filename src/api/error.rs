//! The HTTP error type: the only place domain errors become status codes, and
//! the layer that gives every error of the router and the HTTP stack (405,
//! 413, 503 of the timeout, ...) the same JSON body.

use axum::extract::Request;
use axum::extract::rejection::PathRejection;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::gazetteer::GeocodeError;

/// An error answered to an HTTP client as `{"error": {"code", "message"}}`.
#[derive(Debug)]
pub enum ApiError {
    /// The client's request is wrong: 400, naming the parameter.
    BadRequest {
        /// Machine-readable code (`invalid_parameter`, `unknown_parameter`, ...).
        code: &'static str,
        /// What was wrong, naming the parameter.
        message: String,
    },
    /// No such resource: 404.
    NotFound(String),
    /// The request body is larger than accepted: 413.
    TooLarge(String),
    /// The request body asks for more work than one request may do: 413
    /// `polygon_too_complex`.
    TooComplex(String),
    /// The server is busy with this kind of request; try again: 503 with
    /// `Retry-After`.
    Busy(String),
    /// The work took longer than the request timeout: 503 `timeout`.
    Timeout(String),
    /// A server fault: logged in full, answered with a generic message.
    Internal(String),
    /// A write without a valid credential: 401 with `WWW-Authenticate`.
    Unauthorized(String),
    /// A write the actor may not make: 403 with its own code (`forbidden`, `csrf`).
    Forbidden {
        /// Machine-readable code.
        code: &'static str,
        /// Why, in a sentence.
        message: String,
    },
    /// A write the resource's state does not allow: 409.
    Conflict(String),
    /// A write without `If-Match`: 428.
    PreconditionRequired(String),
    /// A write whose `If-Match` names an older version: 412.
    PreconditionFailed(String),
    /// A readable body whose content is not acceptable: 422, naming the field.
    Unprocessable(String),
    /// A body of a type this endpoint does not read: 415.
    UnsupportedMediaType(String),
    /// Too many attempts; try again after the given seconds: 429 with `Retry-After`.
    TooManyRequests {
        /// Seconds until the next attempt is considered.
        retry_after_secs: u64,
        /// Why, in a sentence.
        message: String,
    },
}

/// The JSON body of every error.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorBody<'a> {
    /// The error.
    pub error: ErrorDetail<'a>,
}

/// What went wrong.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorDetail<'a> {
    /// Machine-readable code.
    pub code: &'a str,
    /// A sentence for a person, naming the parameter.
    pub message: &'a str,
}

impl ApiError {
    /// A 400 for parameter `param` with a message.
    pub fn invalid(param: &str, message: impl std::fmt::Display) -> ApiError {
        ApiError::BadRequest {
            code: "invalid_parameter",
            message: format!("{param}: {message}"),
        }
    }

    /// A 400 with its own code.
    pub fn bad(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::BadRequest {
            code,
            message: message.into(),
        }
    }

    /// A geocoder error for parameter `param`: bad input is 400; a query that
    /// found nothing is 404 with the geocoder's reason.
    pub fn geocode(param: &str, e: GeocodeError) -> ApiError {
        if e.is_bad_input() {
            ApiError::BadRequest {
                code: e.code(),
                message: format!("{param}: {e}"),
            }
        } else {
            ApiError::NotFound(format!("{param}: {e}"))
        }
    }
}

/// The JSON body of an error: `{"error": {"code", "message"}}`.
pub fn error_json(code: &str, message: &str) -> Vec<u8> {
    serde_json::to_vec(&ErrorBody {
        error: ErrorDetail { code, message },
    })
    .unwrap_or_default()
}

/// A JSON error answer with a status, a code and a message.
pub fn error_response(status: StatusCode, code: &str, message: &str) -> Response {
    let mut r = (status, error_json(code, message)).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            ApiError::BadRequest { code, message } => {
                error_response(StatusCode::BAD_REQUEST, code, &message)
            }
            ApiError::NotFound(message) => {
                error_response(StatusCode::NOT_FOUND, "not_found", &message)
            }
            ApiError::TooLarge(message) => {
                error_response(StatusCode::PAYLOAD_TOO_LARGE, "body_too_large", &message)
            }
            ApiError::TooComplex(message) => error_response(
                StatusCode::PAYLOAD_TOO_LARGE,
                "polygon_too_complex",
                &message,
            ),
            ApiError::Busy(message) => {
                let mut r = error_response(StatusCode::SERVICE_UNAVAILABLE, "busy", &message);
                r.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
                r
            }
            ApiError::Timeout(message) => {
                error_response(StatusCode::SERVICE_UNAVAILABLE, "timeout", &message)
            }
            ApiError::Unauthorized(message) => {
                let mut r = error_response(StatusCode::UNAUTHORIZED, "unauthorized", &message);
                r.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"mapa-praktyk\""),
                );
                r
            }
            ApiError::Forbidden { code, message } => {
                error_response(StatusCode::FORBIDDEN, code, &message)
            }
            ApiError::Conflict(message) => {
                error_response(StatusCode::CONFLICT, "conflict", &message)
            }
            ApiError::PreconditionRequired(message) => error_response(
                StatusCode::PRECONDITION_REQUIRED,
                "precondition_required",
                &message,
            ),
            ApiError::PreconditionFailed(message) => error_response(
                StatusCode::PRECONDITION_FAILED,
                "precondition_failed",
                &message,
            ),
            ApiError::Unprocessable(message) => {
                error_response(StatusCode::UNPROCESSABLE_ENTITY, "invalid_field", &message)
            }
            ApiError::UnsupportedMediaType(message) => error_response(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                &message,
            ),
            ApiError::TooManyRequests {
                retry_after_secs,
                message,
            } => {
                let mut r =
                    error_response(StatusCode::TOO_MANY_REQUESTS, "too_many_requests", &message);
                r.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
                r
            }
            ApiError::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                error_response(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "internal server error",
                )
            }
        }
    }
}

impl From<PathRejection> for ApiError {
    fn from(e: PathRejection) -> ApiError {
        ApiError::bad("invalid_path", format!("path: {}", e.body_text()))
    }
}

/// The code of an error status that no handler shaped.
fn code_of(status: StatusCode) -> &'static str {
    match status {
        StatusCode::BAD_REQUEST => "bad_request",
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::NOT_ACCEPTABLE => "not_acceptable",
        StatusCode::REQUEST_TIMEOUT => "request_timeout",
        StatusCode::PAYLOAD_TOO_LARGE => "body_too_large",
        StatusCode::URI_TOO_LONG => "uri_too_long",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        StatusCode::SERVICE_UNAVAILABLE => "timeout",
        s if s.is_server_error() => "internal",
        _ => "error",
    }
}

/// Gives every error answer that is not JSON yet (axum's rejections, 405, the
/// body limit's 413, the timeout's 503) the JSON body of [`ApiError`]; the
/// HTML error pages of the people's pages (`api::pages`: 400, 404, 410) are
/// left as they are.
pub async fn json_errors(req: Request, next: Next) -> Response {
    let resp = next.run(req).await;
    let status = resp.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return resp;
    }
    let is_json = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("json") || v.starts_with("text/html"));
    if is_json {
        return resp;
    }
    let (parts, body) = resp.into_parts();
    let text = axum::body::to_bytes(body, 4096).await.unwrap_or_default();
    let text = String::from_utf8_lossy(&text);
    let message = match text.trim() {
        "" => status.canonical_reason().unwrap_or("error").to_string(),
        t => t.to_string(),
    };
    let mut r = error_response(status, code_of(status), &message);
    for (k, v) in parts.headers.iter() {
        if k != header::CONTENT_TYPE && k != header::CONTENT_LENGTH && !r.headers().contains_key(k)
        {
            r.headers_mut().insert(k.clone(), v.clone());
        }
    }
    r
}
