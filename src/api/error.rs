//! The HTTP error type: the only place domain errors become status codes.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

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
    /// A server fault: logged in full, answered with a generic message.
    Internal(String),
    /// Too much at once (every download place taken): 503, try again shortly.
    Busy(String),
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

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, message) = match self {
            ApiError::BadRequest { code, message } => (StatusCode::BAD_REQUEST, code, message),
            ApiError::NotFound(message) => (StatusCode::NOT_FOUND, "not_found", message),
            ApiError::Busy(message) => (StatusCode::SERVICE_UNAVAILABLE, "busy", message),
            ApiError::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "internal server error".to_string(),
                )
            }
        };
        (
            status,
            Json(json!({"error": {"code": code, "message": message}})),
        )
            .into_response()
    }
}
