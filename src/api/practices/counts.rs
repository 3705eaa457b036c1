//! `GET /api/counts`: the matches of the list's filters counted per
//! voivodeship, powiat or gmina (see [`crate::facets`]).

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;

use super::PracticeQuery;
use super::params::CountParams;
use crate::api::error::ApiError;
use crate::api::extract::And;
use crate::api::response::{content_type, dataset_answer};
use crate::api::schema::QueryAnswers;
use crate::api::state::AppState;
use crate::facets::{UnitCount, counts_by};
use crate::gazetteer::AdminLevel;

/// The answer: the units with matches, largest count first.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Counts {
    by: &'static str,
    #[serde(rename = "numberMatched")]
    number_matched: usize,
    counts: Vec<UnitCount>,
}

/// `GET /api/counts?by=voivodeship|powiat|gmina` with any filter of
/// `/api/practices` (`limit` and `offset` do not apply).
#[utoipa::path(get, path = "/api/counts", tag = "practices", params(CountParams),
    responses(
        (status = 200, description = "Counts per unit", body = Counts),
        QueryAnswers,
    ))]
pub async fn counts(
    State(state): State<AppState>,
    q: CountParams,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let key = q.key();
    let And(And(inbox, filters), by) = q.params;
    let (by, level) = match by.by.as_deref() {
        Some("voivodeship") => ("voivodeship", AdminLevel::Voivodeship),
        Some("powiat") => ("powiat", AdminLevel::Powiat),
        Some("gmina") => ("gmina", AdminLevel::Gmina),
        Some(other) => {
            return Err(ApiError::invalid(
                "by",
                format!("{other:?} is not voivodeship, powiat or gmina"),
            ));
        }
        None => {
            return Err(ApiError::invalid(
                "by",
                "required: voivodeship, powiat or gmina",
            ));
        }
    };
    let bbox = inbox.bbox.map(|b| b.0);
    let pq = PracticeQuery::new(state.gazetteer, filters, bbox, None, None)?;
    let snapshot = state.live.current_full();
    dataset_answer(
        &headers,
        &snapshot,
        &["counts", &key],
        content_type::JSON,
        || {
            let (counts, number_matched) = counts_by(&snapshot, &pq.filter, level);
            serde_json::to_vec(&Counts {
                by,
                number_matched,
                counts,
            })
            .map_err(|e| ApiError::Internal(e.to_string()))
        },
    )
}
