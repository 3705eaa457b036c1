//! Serving the router on a socket: connection limits and timeouts that no
//! client can outwait, and a graceful shutdown with a bound.
//!
//! Every connection has a header-read timeout (a client that sends half a
//! request header, or keeps an idle kept-alive connection open, is closed after
//! it), the number of connections served at once is capped, and shutdown waits
//! at most a grace period for requests in flight.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use super::malformed::JsonErrors;
use super::router;
use super::state::{ApiConfig, AppState};
use crate::config::ServeArgs;
use crate::dataset::{self, LoadError};
use crate::gazetteer::Gazetteer;

/// Error of starting or running the server.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The dataset could not be loaded.
    #[error(transparent)]
    Load(#[from] LoadError),
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
    // The gazetteer (a quarter of a second) loads beside the dataset, which
    // does not need it.
    let (gazetteer, loaded) = std::thread::scope(|s| {
        let gazetteer = s.spawn(Gazetteer::bundled);
        dataset::clean_temp_files(&args.data);
        let loaded = dataset::load_snapshot(&args.data);
        let gazetteer = gazetteer.join().expect("the embedded gazetteer loads");
        (gazetteer, loaded)
    });
    let loaded = loaded?;
    // The typo index is built once the dataset is in (loading has both cores),
    // not on the first misspelt query.
    tokio::task::spawn_blocking(|| Gazetteer::bundled().warm_up());
    let (fingerprint, watch) = (loaded.fingerprint, loaded.watch);
    let state = AppState::new(loaded.snapshot, ApiConfig::from_args(&args), gazetteer);
    dataset::warm_up(&state.snapshot);
    if !loaded.from_snapshot_file {
        dataset::save_snapshot_file(args.data.clone(), fingerprint, state.snapshot.clone());
    }
    if args.reload_secs > 0 {
        dataset::watch(
            state.snapshot.clone(),
            args.data.clone(),
            Duration::from_secs(args.reload_secs),
            watch,
        );
    }
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
    run(listener, router(state), limits, shutdown_signal()).await;
    tracing::info!("shut down");
    Ok(())
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
/// returns.
pub async fn run(
    listener: TcpListener,
    app: axum::Router,
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
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            p = permits.clone().acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
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
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(app.clone());
        let conn = graceful
            .watch(builder.serve_connection(TokioIo::new(JsonErrors::new(stream)), service));
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(%peer, error = %e, "connection ended");
            }
            drop(permit);
        });
    }
    drop(listener);
    tracing::info!("signal received, finishing requests in flight");
    if tokio::time::timeout(limits.shutdown_grace, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!(grace = ?limits.shutdown_grace, "requests still in flight after the grace period: closing them");
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
