//! The store's and the input reader's errors as HTTP answers.

use super::input::InputError;
use crate::api::error::ApiError;
use crate::db::DbError;

impl From<DbError> for ApiError {
    fn from(e: DbError) -> ApiError {
        match e {
            DbError::NotFound { .. } => ApiError::NotFound(e.to_string()),
            DbError::Denied(d) => ApiError::Forbidden {
                code: "forbidden",
                message: format!("not allowed: {d}"),
            },
            DbError::Conflict { current, .. } => ApiError::PreconditionFailed(format!(
                "{e}: read the practice again (its version is now {current}) and send its ETag in If-Match"
            )),
            DbError::Invalid { field, why } => ApiError::Unprocessable(format!("{field}: {why}")),
            DbError::Duplicate { what } => ApiError::Conflict(format!("{what} exists already")),
            DbError::Backend(_) | DbError::Migrate(_) | DbError::Corrupt { .. } => {
                ApiError::Internal(e.to_string())
            }
        }
    }
}

impl From<InputError> for ApiError {
    fn from(e: InputError) -> ApiError {
        if e.unprocessable {
            ApiError::Unprocessable(e.to_string())
        } else {
            ApiError::BadRequest {
                code: "invalid_field",
                message: e.to_string(),
            }
        }
    }
}
