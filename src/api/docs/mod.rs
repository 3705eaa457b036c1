//! The OpenAPI documents, assembled at the top from the handlers, their
//! parameter types and the serde types of their answers: `/api/openapi.json`
//! ([`api`]) and `/ogc/api` ([`ogc`]). Nothing in `api/` imports them; the
//! router serves them.

/// `Allow` on answers to `OPTIONS`, from the documents' paths.
pub mod allow;
/// `/api/openapi.json`: `/api`, `/photon` and `/nominatim`.
pub mod api;
/// `/ogc/api`: OGC API – Features.
pub mod ogc;
