//! What every write endpoint shares, below the protocol folders (`/api`'s
//! `edit`, `/ogc`'s Part 4): the practice a client sends, read and checked;
//! the request's actor from its credential, with the CSRF rule for cookies.

/// The request's credential, the CSRF rule, the client's address, TLS.
pub mod access;
/// A written practice (GeoJSON Feature) read into a record; JSON merge patch.
pub mod input;

/// Marks the requests of a service that takes writes (the store of record,
/// not a CSV served read-only): documents that declare what the service
/// does (OGC conformance) read it.
#[derive(Debug, Clone, Copy)]
pub struct Writable;
/// The signed-in actor of a request (bearer token or session), resolved by the store.
pub mod actor;
/// Request bodies: media type and JSON.
pub mod body;
/// The answers of writes: the entry with its strong ETag.
pub mod entry;
/// The store's and the input's errors as HTTP answers.
pub mod errors;
/// `If-Match` as the store's version.
pub mod precondition;
/// The write endpoints' state: the read side, the store, the throttle.
pub mod state;
