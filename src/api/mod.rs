//! HTTP: the router. Everything else of the edge has its own file or folder:
//!
//! ```text
//! state.rs      AppState (the snapshot swap, settings, gazetteer), ApiConfig
//! server.rs     serve: connection cap, header/idle timeouts, bounded shutdown
//! error.rs      ApiError -> JSON 4xx/5xx; the layer that makes every error JSON
//! limits.rs     URI and header sizes (414, 431) and a second Host (400) refused
//!               as JSON, below hyper's
//! malformed.rs  the JSON body on hyper's own answers to requests it cannot read
//! extract.rs    Query<T>: the query string as a handler's parameter type; PathParam
//! values.rs     parameter value types (a finite number, lon/lat, bbox, year...)
//! filters.rs    regions by TERYT code or name, which /api and /ogc share
//! origin.rs     the origin the client reached (links, the CSRF rule)
//! writes/       what write endpoints share: the written practice, the actor, CSRF
//! schema.rs     OpenAPI building blocks: value schemas, answer sets, Feature
//! response.rs   conditional GET (ETag), cache presets, content types
//! cors.rs       read-only CORS
//! security.rs   security headers; the page's files only from inside their folder
//! meta.rs       /api/config, /healthz and /readyz
//! practices/    /api: practices, clusters, counts, regions, categories;
//!               params.rs is its parameter contract
//! ogc/          /ogc: OGC API – Features (landing, collections, queryables, items)
//! geocoding/    /api/geocode, /photon, /nominatim over one neutral place
//! edit/         /api's editing side: session, me, tokens, entries, review, queue
//! pages/        the people's pages (HTML): practices, the list, feeds, statistics,
//!               sitemap, robots.txt, the accessibility statement
//! accounts/     /api/admin: accounts and invitations; the invitee's side
//! docs/         the two OpenAPI documents, assembled from all of the above
//! ```
//!
//! Protocol folders never import each other; what they share lives in the files
//! beside them (`values`, `filters`, `schema`) or below `api/` (`crate::places`,
//! `crate::query`). Nothing imports `docs/`: only this router serves it.

/// Accounts for admins (`/api/admin/…`) and invitations.
pub mod accounts;
/// Read-only CORS.
pub mod cors;
/// The two OpenAPI documents, assembled at the top.
pub mod docs;
/// `/api`'s editing side: sign-in, the account, tokens, entries, review.
pub mod edit;
/// `ApiError`: the JSON 4xx/5xx of every error.
pub mod error;
/// `Query<T>` and `PathParam`: extractors whose rejection is `ApiError`.
pub mod extract;
/// Regions by TERYT code or name, for `/api` and `/ogc`.
pub mod filters;
/// `/api/geocode`, `/photon` and `/nominatim`.
pub mod geocoding;
/// URI and header sizes, and the one `Host`, refused as JSON.
pub mod limits;
/// The JSON body on hyper's own answers.
pub mod malformed;
/// `/api/config` and `/healthz`.
pub mod meta;
/// `/ogc`: OGC API – Features.
pub mod ogc;
/// The scheme and authority the client reached (`Host`, or a trusted proxy's headers).
pub mod origin;
/// The people's pages: a page per practice, the list, feeds, statistics, sitemap.
pub mod pages;
/// `/api`: the practices.
pub mod practices;
/// Conditional GET, cache presets, content types.
pub mod response;
/// The building blocks of the OpenAPI documents.
pub mod schema;
/// Security headers and the page's files.
pub mod security;
/// `serve`: the listener and its limits.
pub mod server;
/// `AppState` and `ApiConfig`.
pub mod state;
/// The types of query parameter values.
pub mod values;
/// What write endpoints share: the written practice, the actor, CSRF.
pub mod writes;

use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{delete, get, post, put};
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

pub use error::ApiError;
pub use server::{ServeError, serve};
pub use state::{ApiConfig, AppState};

/// The whole application, read-only (a CSV served as it is): API routes, the
/// map page, and the middleware. The write endpoints answer 403 `read_only`.
pub fn router(state: AppState) -> Router {
    app(state, None)
}

/// The whole application with writes over the store of record: sign-in,
/// tokens, review, and OGC API – Features Part 4.
pub fn editable_router(state: AppState, store: crate::db::Store) -> Router {
    app(state, Some(store))
}

/// The write routes, over their own state.
fn edit_routes(edit: writes::state::EditState) -> Router {
    use ogc::write;
    let entries = "/api/entries/{id}";
    Router::new()
        .route(
            "/api/session",
            post(edit::session::sign_in).delete(edit::session::sign_out),
        )
        .route("/api/me", get(edit::session::me))
        .route(
            "/api/tokens",
            get(edit::tokens::list).post(edit::tokens::create),
        )
        .route("/api/tokens/{id}", delete(edit::tokens::revoke))
        .route("/api/review/queue", get(edit::review::queue))
        .route("/api/mine", get(edit::review::mine))
        .route(entries, get(edit::review::entry))
        .route(&format!("{entries}/actions"), post(edit::review::act))
        .route(&format!("{entries}/history"), get(edit::review::history))
        .route(
            &format!("{entries}/revisions/{{n}}"),
            get(edit::review::revision),
        )
        .route(&format!("{entries}/restore"), post(edit::review::restore))
        .merge(edit::reading::routes())
        .route("/ogc/collections/{cid}/items", post(write::create))
        .route(
            "/ogc/collections/{cid}/items/{fid}",
            put(write::replace)
                .patch(write::patch)
                .delete(write::delete),
        )
        // Merged onto the read routes' paths: OPTIONS answered alike.
        .layer(cors::read_only())
        .layer(from_fn(docs::allow::allow_header))
        .with_state(edit)
}

fn app(state: AppState, store: Option<crate::db::Store>) -> Router {
    let edit = writes::state::EditState::new(state.clone(), store.clone());
    let static_dir = state.config.static_dir.clone();
    let timeout = state.config.request_timeout;
    let security = security::SecurityHeaders::new(&state.config.tile_url);
    let api = Router::new()
        .route("/api/practices", get(practices::list))
        .route("/api/clusters", get(practices::clusters::clusters_in_view))
        .route("/api/counts", get(practices::counts::counts))
        .route("/api/practices.geojson", get(practices::download_geojson))
        .route("/api/practices.csv", get(practices::download_csv))
        .route("/api/practices/within", post(practices::within))
        .route("/api/practices/{id}", get(practices::one))
        .route("/api/geocode", get(geocoding::native::geocode))
        .route("/api/reverse", get(geocoding::native::reverse))
        .route(
            "/api/regions/voivodeships",
            get(practices::regions::voivodeships),
        )
        .route("/api/categories", get(practices::regions::categories))
        .route("/api/config", get(meta::config))
        .route("/api/openapi.json", get(docs::api::openapi))
        .route("/healthz", get(meta::healthz))
        .route("/readyz", get(meta::readyz))
        .route("/api", get(api_not_found))
        .route("/api/{*rest}", get(api_not_found).post(api_not_found))
        .layer(cors::read_only());
    let page = Router::new()
        .fallback_service(ServeDir::new(&static_dir).append_index_html_on_directories(true))
        .layer(from_fn_with_state(static_dir, security::inside_static_dir))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=300"),
        ));
    let mut app = api
        .merge(page)
        .merge(ogc::routes(get(docs::ogc::api_doc)).layer(from_fn(docs::allow::allow_header)))
        .merge(geocoding::photon::routes())
        .merge(geocoding::nominatim::routes())
        .merge(pages::routes(store))
        .with_state(state);
    let writable = edit.writable();
    app = app.merge(edit_routes(edit.clone()));
    app = app.merge(accounts::routes(edit.clone()));
    if writable {
        app = app
            .layer(from_fn_with_state(edit, ogc::write::strong_etag))
            .layer(axum::Extension(writes::Writable));
    }
    app.layer(CompressionLayer::new().gzip(true).br(true).zstd(true))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            timeout,
        ))
        .layer(from_fn(error::json_errors))
        .layer(from_fn(limits::request_limits))
        // Outside the limits, so that their refusals carry the headers too.
        .layer(from_fn_with_state(security, security::headers))
        .layer(TraceLayer::new_for_http())
}

async fn api_not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::NotFound(format!("no such endpoint: {}", uri.path()))
}
