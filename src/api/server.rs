//! Serving the router on a socket: connection limits and timeouts that no
//! client can outwait, and a graceful shutdown with a bound.
//!
//! Every connection has a header-read timeout (a client that sends half a
//! request header, or keeps an idle kept-alive connection open, is closed after
//! it), the number of connections served at once is capped (at the cap, the
//! connection idle the longest is closed to make room for a new one), and
//! shutdown waits at most a grace period for requests in flight.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;

use axum::http::{Request, Response};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{Notify, Semaphore};

use super::malformed::JsonErrors;
use super::router;
use super::security::SecurityHeaders;
use super::state::{ApiConfig, AppState};
use crate::config::ServeArgs;
use crate::dataset::follow::{FollowConfig, Follower};
use crate::dataset::{self, LoadError};
use crate::db::{DbError, Store};
use crate::gazetteer::Gazetteer;

/// Error of starting or running the server.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The dataset could not be loaded.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// The database could not be opened.
    #[error(transparent)]
    Database(#[from] DbError),
    /// The address could not be bound.
    #[error("listening on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The server failed while running.
    #[error("serving: {0}")]
    Io(#[from] std::io::Error),
}

/// How connections are kept in check.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// Time to receive a request's headers; also how long a kept-alive
    /// connection may wait idle for its next request.
    pub header_timeout: Duration,
    /// Connections served at once.
    pub max_connections: usize,
    /// How long shutdown waits for requests in flight.
    pub shutdown_grace: Duration,
}

impl ConnectionLimits {
    /// The limits from `serve`'s arguments.
    pub fn from_args(a: &ServeArgs) -> ConnectionLimits {
        ConnectionLimits {
            header_timeout: Duration::from_secs(a.header_timeout_secs.max(1)),
            max_connections: a.max_connections.max(1),
            shutdown_grace: Duration::from_secs(a.shutdown_grace_secs),
        }
    }
}

/// Loads the dataset, starts the reload watcher and serves until SIGTERM or
/// Ctrl-C.
pub async fn serve(args: ServeArgs) -> Result<(), ServeError> {
    let (state, store) = match &args.data {
        Some(csv) => (csv_state(&args, csv.clone())?, None),
        None => {
            let (state, store) = database_state(&args).await?;
            (state, Some(store))
        }
    };
    let headers = SecurityHeaders::new(&state.config.tile_url);
    let listener = TcpListener::bind(args.addr)
        .await
        .map_err(|source| ServeError::Bind {
            addr: args.addr,
            source,
        })?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, "serving on http://{addr}/");
    {
        use std::io::Write;
        // Announced on stdout for scripts that start the server on port 0.
        let mut out = std::io::stdout();
        let _ = writeln!(out, "mapa-praktyk listening on http://{addr}/");
        let _ = out.flush();
    }
    let mut limits = ConnectionLimits::from_args(&args);
    limits.max_connections = within_file_limit(limits.max_connections);
    tracing::info!(
        max_connections = limits.max_connections,
        header_timeout = ?limits.header_timeout,
        "connection limits"
    );
    let app = match store {
        Some(store) => super::editable_router(state, store).layer(axum::Extension(
            super::edit::reading::Fetching(args.allow_fetch),
        )),
        None => router(state),
    };
    run(listener, app, headers, limits, shutdown_signal()).await;
    tracing::info!("shut down");
    Ok(())
}

/// The state serving a dataset CSV read-only: loaded (from its snapshot file
/// when that matches), its snapshot file written, its reload watcher started.
fn csv_state(args: &ServeArgs, data: std::path::PathBuf) -> Result<AppState, ServeError> {
    // The gazetteer (a quarter of a second) loads beside the dataset, which
    // does not need it.
    let (gazetteer, loaded) = std::thread::scope(|s| {
        let gazetteer = s.spawn(Gazetteer::bundled);
        dataset::clean_temp_files(&data);
        let loaded = dataset::load_snapshot(&data, args.publish_personal);
        let gazetteer = gazetteer.join().expect("the embedded gazetteer loads");
        (gazetteer, loaded)
    });
    let loaded = loaded?;
    // The typo index is built once the dataset is in (loading has both cores),
    // not on the first misspelt query.
    tokio::task::spawn_blocking(|| Gazetteer::bundled().warm_up());
    let (fingerprint, watch) = (loaded.fingerprint, loaded.watch);
    let state = AppState::new(loaded.snapshot, ApiConfig::from_args(args), gazetteer);
    dataset::warm_up(&state.live);
    if !loaded.from_snapshot_file {
        dataset::save_snapshot_file(data.clone(), fingerprint, state.live.clone());
    }
    if args.reload_secs > 0 {
        dataset::watch(
            state.live.clone(),
            data,
            Duration::from_secs(args.reload_secs),
            watch,
            args.publish_personal,
        );
    }
    Ok(state)
}

/// The state serving the store of record (`--database`, by default the
/// embedded file): opened and migrated, seeded from the CSV at its first
/// start, its published practices loaded into the snapshot.
async fn database_state(args: &ServeArgs) -> Result<(AppState, Store), ServeError> {
    // The embedded database's folder is made when missing.
    let file = crate::db::sqlite_file(&args.database);
    if let Some(dir) = file.as_deref().and_then(|f| f.parent()) {
        if !dir.as_os_str().is_empty() {
            std::fs::create_dir_all(dir)?;
        }
    }
    let store = Store::open(&args.database).await?;
    dataset::database::seed_if_empty(&store, &args.seed).await?;
    // The gazetteer (a quarter of a second) loads beside the dataset.
    let gazetteer = tokio::task::spawn_blocking(Gazetteer::bundled);
    let loaded =
        dataset::database::load_at(&store, args.snapshot_file.as_deref(), args.publish_personal)
            .await?;
    let gazetteer = gazetteer.await.map_err(std::io::Error::other)?;
    tokio::task::spawn_blocking(|| Gazetteer::bundled().warm_up());
    let state = AppState::new(loaded.snapshot, ApiConfig::from_args(args), gazetteer);
    dataset::warm_up(&state.live);
    let follow = FollowConfig {
        poll: Duration::from_millis(args.feed_poll_ms),
        max_lag: Duration::from_secs(args.max_lag_secs),
    };
    let follower = Follower::start(store.clone(), state.live.clone(), loaded.seq, follow);
    let _ = state.follower.set(follower);
    Ok((state, store))
}

/// File descriptors kept for the dataset, logs and the blocking pool.
const RESERVED_FDS: u64 = 128;

/// Raises the open-file limit to what the system allows and caps the number
/// of connections below it, so that idle clients can never use up the file
/// descriptors the server needs to accept the next one.
fn within_file_limit(wanted: usize) -> usize {
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(fds) => {
            let room = fds.saturating_sub(RESERVED_FDS).max(16);
            wanted.min(usize::try_from(room).unwrap_or(usize::MAX))
        }
        Err(e) => {
            tracing::warn!(error = %e, "cannot read the open-file limit; keeping max_connections");
            wanted
        }
    }
}

/// Serves `app` on `listener` within `limits` until `shutdown` completes, then
/// stops accepting, lets requests in flight finish for the grace period, and
/// returns. hyper's own error answers carry `headers`.
///
/// At the cap, a new connection does not wait for a free place while others
/// sit idle: the connection idle the longest (no request in flight: never
/// sent one, sent half of one, or kept alive after its answer) is closed to
/// make room. Only when every connection has a request in flight does the
/// newcomer wait.
pub async fn run(
    listener: TcpListener,
    app: axum::Router,
    headers: SecurityHeaders,
    limits: ConnectionLimits,
    shutdown: impl std::future::Future<Output = ()>,
) {
    // HTTP/1.1 only: its header-read timer runs from the connection's first
    // byte on, and again while a kept-alive connection waits for its next
    // request (a protocol sniffer for HTTP/2 would wait unbounded).
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        // hyper's buffer for a request's head keeps its default, about
        // 400 KB, above the router's limits (limits.rs); it also bounds the
        // write buffer, and a smaller one made large answers slower.
        .header_read_timeout(limits.header_timeout);
    let builder = Arc::new(builder);
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let mut open = OpenConnections::default();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: wait, do not spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let permit = loop {
            if let Ok(p) = permits.clone().try_acquire_owned() {
                break Some(p);
            }
            // Full: make room by closing the longest-idle connection, then
            // wait for its place (or, if it turned busy meanwhile, try the
            // next one shortly).
            open.close_longest_idle();
            tokio::select! {
                p = permits.clone().acquire_owned() => break p.ok(),
                () = tokio::time::sleep(EVICTION_RETRY) => {}
                () = &mut shutdown => break None,
            }
        };
        let Some(permit) = permit else { break };
        let _ = stream.set_nodelay(true);
        let conn = open.add();
        let service = Tracking {
            inner: TowerToHyperService::new(app.clone()),
            conn: conn.clone(),
            peer,
        };
        let io = TokioIo::new(JsonErrors::new(stream, headers.clone()));
        let builder = builder.clone();
        tokio::spawn(async move {
            let served = builder.serve_connection(io, service);
            tokio::pin!(served);
            let ended = tokio::select! {
                ended = served.as_mut() => ended,
                () = conn.close.notified() => {
                    if conn.busy.load(Ordering::Acquire) == 0 {
                        // Idle: closed at once (dropping it closes the socket).
                        Ok(())
                    } else {
                        // The request in flight is answered, then it closes.
                        served.as_mut().graceful_shutdown();
                        served.await
                    }
                }
            };
            if let Err(e) = ended {
                tracing::debug!(%peer, error = %e, "connection ended");
            }
            drop(permit);
        });
    }
    drop(listener);
    tracing::info!("signal received, finishing requests in flight");
    open.close_all();
    let all = u32::try_from(limits.max_connections).unwrap_or(u32::MAX);
    if tokio::time::timeout(limits.shutdown_grace, permits.acquire_many(all))
        .await
        .is_err()
    {
        tracing::warn!(grace = ?limits.shutdown_grace, "requests still in flight after the grace period: closing them");
    }
}

/// How long the accept loop waits for a closed connection's place before it
/// closes another (the one it closed had just received a request).
const EVICTION_RETRY: Duration = Duration::from_millis(100);

/// One open connection, as the accept loop sees it.
#[derive(Debug, Default)]
struct Connection {
    /// Requests in flight: received and not yet fully answered.
    busy: AtomicUsize,
    /// When it last became idle, on the [`OpenConnections`] clock (a counter:
    /// only the order matters).
    idle_since: AtomicU64,
    /// Set once it has been asked to close.
    closing: AtomicBool,
    /// Asks its task to close it.
    close: Notify,
}

/// The open connections, to find the one idle the longest.
#[derive(Debug, Default)]
struct OpenConnections {
    /// Every connection accepted; those whose task ended are pruned.
    all: Vec<Weak<Connection>>,
    /// Ticks at every accept and every end of a request.
    clock: Arc<AtomicU64>,
}

impl OpenConnections {
    /// A new connection, idle since now.
    fn add(&mut self) -> Arc<ConnectionHandle> {
        if self.all.len() >= 64 && self.all.len().is_power_of_two() {
            self.all.retain(|w| w.strong_count() > 0);
        }
        let c = Arc::new(Connection::default());
        c.idle_since.store(
            self.clock.fetch_add(1, Ordering::Relaxed),
            Ordering::Relaxed,
        );
        self.all.push(Arc::downgrade(&c));
        Arc::new(ConnectionHandle {
            conn: c,
            clock: self.clock.clone(),
        })
    }

    /// Asks the connection idle the longest to close; false when none is idle.
    fn close_longest_idle(&mut self) -> bool {
        self.all.retain(|w| w.strong_count() > 0);
        let longest = self
            .all
            .iter()
            .filter_map(Weak::upgrade)
            .filter(|c| c.busy.load(Ordering::Acquire) == 0 && !c.closing.load(Ordering::Relaxed))
            .min_by_key(|c| c.idle_since.load(Ordering::Relaxed));
        match longest {
            Some(c) => {
                c.closing.store(true, Ordering::Relaxed);
                c.close.notify_one();
                true
            }
            None => false,
        }
    }

    /// Asks every connection to close once its request in flight is answered.
    fn close_all(&mut self) {
        for c in self.all.drain(..).filter_map(|w| w.upgrade()) {
            c.closing.store(true, Ordering::Relaxed);
            c.close.notify_one();
        }
    }
}

/// A connection's task's handle on its [`Connection`].
#[derive(Debug)]
struct ConnectionHandle {
    conn: Arc<Connection>,
    clock: Arc<AtomicU64>,
}

impl std::ops::Deref for ConnectionHandle {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        &self.conn
    }
}

/// A request in flight on a connection: the connection is busy until the
/// answer's body has been sent (or dropped).
#[derive(Debug)]
struct InFlight(Arc<ConnectionHandle>);

impl InFlight {
    fn start(conn: &Arc<ConnectionHandle>) -> InFlight {
        conn.busy.fetch_add(1, Ordering::AcqRel);
        InFlight(conn.clone())
    }

    /// Kept alive by the answer's body.
    fn held(&self) {}
}

impl Drop for InFlight {
    fn drop(&mut self) {
        let c = &self.0;
        c.idle_since
            .store(c.clock.fetch_add(1, Ordering::Relaxed), Ordering::Relaxed);
        c.busy.fetch_sub(1, Ordering::AcqRel);
    }
}

/// The connection's service, noting when a request is in flight.
#[derive(Debug, Clone)]
struct Tracking<S> {
    inner: S,
    conn: Arc<ConnectionHandle>,
    /// The client's address, given to handlers as `ConnectInfo` (the sign-in
    /// throttle counts per address).
    peer: std::net::SocketAddr,
}

impl<S, B> hyper::service::Service<Request<Incoming>> for Tracking<S>
where
    S: hyper::service::Service<Request<Incoming>, Response = Response<B>>,
    S::Future: Send + 'static,
    B: hyper::body::Body<Data = axum::body::Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    type Response = Response<axum::body::Body>;
    type Error = S::Error;
    type Future = std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<Self::Response, S::Error>> + Send>,
    >;

    fn call(&self, mut req: Request<Incoming>) -> Self::Future {
        req.extensions_mut()
            .insert(axum::extract::ConnectInfo(self.peer));
        let in_flight = InFlight::start(&self.conn);
        let answer = self.inner.call(req);
        Box::pin(async move {
            let answer = answer.await?;
            Ok(answer.map(move |body| {
                axum::body::Body::new(body.map_err(move |e| {
                    in_flight.held();
                    e
                }))
            }))
        })
    }
}

/// Completes on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
