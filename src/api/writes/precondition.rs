//! `If-Match` on writes: the version a client read, as the store's
//! [`Version`]. Required on OGC writes (428 without); one that is not an ETag
//! of this practice (weak, another's, garbage) can never be current: 412.

use axum::http::{HeaderMap, header};

use crate::api::error::ApiError;
use crate::db::Version;

/// The version `If-Match` names for practice `id`; `None` when absent and not
/// `required`.
pub fn if_match(
    headers: &HeaderMap,
    id: &str,
    required: bool,
) -> Result<Option<Version>, ApiError> {
    let Some(v) = headers.get(header::IF_MATCH) else {
        return if required {
            Err(ApiError::PreconditionRequired(
                "If-Match is required: send the ETag of the version you read (GET the item first)"
                    .into(),
            ))
        } else {
            Ok(None)
        };
    };
    let text = v.to_str().unwrap_or("");
    Version::from_etag(id, text).map(Some).ok_or_else(|| {
        ApiError::PreconditionFailed(format!(
            "If-Match {:?} is not a current ETag of practice {id:?}",
            text.chars().take(100).collect::<String>()
        ))
    })
}
