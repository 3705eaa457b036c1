//! The state every handler shares: the live dataset (snapshot and published changes), the operator's
//! settings and the gazetteer.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;

use crate::config::ServeArgs;
use crate::dataset::follow::Follower;
use crate::gazetteer::Gazetteer;
use crate::live::Live;
use crate::snapshot::Snapshot;

/// Settings the API needs from the operator.
#[derive(Debug, Clone)]
pub struct ApiConfig {
    /// Publish named contact persons' phones and e-mails.
    pub publish_personal: bool,
    /// Tile URL template for the page ("" for the offline base layer).
    pub tile_url: String,
    /// Tile attribution (HTML).
    pub tile_attribution: String,
    /// Folder of the map page.
    pub static_dir: PathBuf,
    /// Time limit for one request.
    pub request_timeout: Duration,
    /// Build absolute links from `X-Forwarded-Host`/`-Proto` (only behind a
    /// proxy that sets them); otherwise from `Host` alone.
    pub trust_forwarded: bool,
    /// Full downloads (`.geojson`, `.csv`) served at once; more wait for 503.
    pub max_downloads: usize,
}

impl ApiConfig {
    /// The configuration from `serve`'s arguments.
    pub fn from_args(a: &ServeArgs) -> ApiConfig {
        ApiConfig {
            publish_personal: a.publish_personal,
            tile_url: if a.tile_url.eq_ignore_ascii_case("none") {
                String::new()
            } else {
                a.tile_url.clone()
            },
            tile_attribution: a.tile_attribution.clone(),
            static_dir: a.static_dir.clone(),
            request_timeout: Duration::from_secs(a.request_timeout_secs.max(1)),
            trust_forwarded: a.trust_forwarded,
            max_downloads: a.max_downloads.max(1),
        }
    }
}

/// Shared state of every handler: one reference-counted pointer, as axum
/// clones it for every request (one atomic count, not one per member).
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// What [`AppState`] points to.
pub struct Shared {
    /// The served dataset: every public answer reads `live.current()` (the
    /// snapshot with the published changes laid over it); writers publish
    /// with `live.apply(changes)`.
    pub live: Live,
    /// Operator settings.
    pub config: Arc<ApiConfig>,
    /// The gazetteer.
    pub gazetteer: &'static Gazetteer,
    /// Permits for full downloads running at once.
    pub downloads: Arc<Semaphore>,
    /// Permits for polygon queries running at once
    /// ([`POLYGON_QUERIES_AT_ONCE`]).
    pub polygon_queries: Arc<Semaphore>,
    /// The follower of the store's log of changes (serving a database):
    /// set once at start; writers wait on it, readiness reports it.
    pub follower: std::sync::OnceLock<Follower>,
}

/// Polygon queries (`POST /api/practices/within`) running at once; more are
/// answered 503. Each uses one core for at most `MAX_POLYGON_WORK` steps.
pub const POLYGON_QUERIES_AT_ONCE: usize = 2;

impl AppState {
    /// State over a snapshot.
    pub fn new(snapshot: Snapshot, config: ApiConfig, gazetteer: &'static Gazetteer) -> AppState {
        AppState(Arc::new(Shared {
            live: Live::new(snapshot, config.publish_personal),
            downloads: Arc::new(Semaphore::new(config.max_downloads.max(1))),
            polygon_queries: Arc::new(Semaphore::new(POLYGON_QUERIES_AT_ONCE)),
            follower: std::sync::OnceLock::new(),
            config: Arc::new(config),
            gazetteer,
        }))
    }
}
