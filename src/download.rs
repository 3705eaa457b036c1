//! Downloads written as they are produced: a blocking writer hands the answer
//! over in pieces through a bounded channel, so a download of a million
//! practices holds a few pieces in memory, not the whole file. The caller
//! limits how many run at once: each writer holds a permit until it has ended.
//!
//! No HTTP here: the handler turns the receiving end into a response body.

use std::io::Write;
use std::sync::Arc;

use serde_json::{Map, Value};
use tokio::sync::mpsc;

use crate::geojson::{OpenFeature, WRITE_CHUNK_BYTES, write_collection_to};
use crate::live::View;
use crate::query::{Filter, Match};

/// Pieces in flight between a writer and its reader.
pub const PIECES_IN_FLIGHT: usize = 4;

/// A piece of a download, or the error that ended it.
pub type Piece = std::io::Result<Vec<u8>>;

/// The writing end: buffers up to a piece and sends it, waiting while the
/// reader is [`PIECES_IN_FLIGHT`] pieces behind. When the reader is gone (the
/// client hung up) writes fail with `BrokenPipe`, which stops the writer.
pub struct PieceWriter {
    tx: mpsc::Sender<Piece>,
    buf: Vec<u8>,
}

/// A writer and the receiver of its pieces.
pub fn channel() -> (PieceWriter, mpsc::Receiver<Piece>) {
    let (tx, rx) = mpsc::channel(PIECES_IN_FLIGHT);
    (
        PieceWriter {
            tx,
            buf: Vec::with_capacity(WRITE_CHUNK_BYTES),
        },
        rx,
    )
}

impl PieceWriter {
    fn send(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let piece = std::mem::replace(&mut self.buf, Vec::with_capacity(WRITE_CHUNK_BYTES));
        self.tx
            .blocking_send(Ok(piece))
            .map_err(|_| std::io::Error::from(std::io::ErrorKind::BrokenPipe))
    }

    /// Ends the download with an error the reader sees instead of a silent
    /// truncation.
    pub fn fail(self, e: std::io::Error) {
        let _ = self.tx.blocking_send(Err(e));
    }
}

impl Write for PieceWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= WRITE_CHUNK_BYTES {
            self.send()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.send()
    }
}

/// What to write: a page of the matches of a filter.
#[derive(Debug, Clone, Copy)]
pub struct Page<'a> {
    /// The filter.
    pub filter: &'a Filter,
    /// Matches skipped.
    pub offset: usize,
    /// Largest number written.
    pub limit: usize,
}

impl Page<'_> {
    /// Runs the query: every match (for `numberMatched`) and this page of them.
    fn run<'s>(&self, snapshot: &'s View) -> (usize, Box<dyn Iterator<Item = Match> + 's>) {
        let (offset, limit) = (self.offset, self.limit);
        // In dataset order (no centre, no sort) the matches are ids alone: a
        // quarter of the memory for a page or download of a million.
        if self.filter.near.is_none() && self.filter.sort.is_empty() {
            let ids = snapshot.matching(self.filter);
            let n = ids.len();
            return (
                n,
                Box::new(ids.into_iter().skip(offset).take(limit).map(Match::at)),
            );
        }
        let matches = snapshot.query(self.filter);
        (
            matches.len(),
            Box::new(matches.items.into_iter().skip(offset).take(limit)),
        )
    }
}

/// Writes the matches as a GeoJSON FeatureCollection (the summary features of
/// the list, with `distance_km` for a query with a centre).
pub fn write_geojson(
    w: &mut impl Write,
    snapshot: &View,
    page: Page<'_>,
    extra: &Map<String, Value>,
) -> std::io::Result<()> {
    let (n, items) = page.run(snapshot);
    let features = items.map(|m| (snapshot.prepared(m.id), m.distance_km()));
    write_collection_to(w, features, n, extra)?;
    w.flush()
}

/// Writes the matches as a GeoJSON FeatureCollection to download: every
/// public field of each record ([`crate::geojson::download_properties`];
/// contact persons' phones and e-mails only when `publish_personal`), with
/// `distance_km` for a query with a centre; `import` reads it back.
pub fn write_geojson_download(
    w: &mut impl Write,
    snapshot: &View,
    page: Page<'_>,
    extra: &Map<String, Value>,
    publish_personal: bool,
) -> std::io::Result<()> {
    let (n, items) = page.run(snapshot);
    let features = items.map(|m| {
        let p = snapshot.practice(m.id).public_view(publish_personal);
        (OpenFeature::download(&p), m.distance_km())
    });
    write_collection_to(w, features, n, extra)?;
    w.flush()
}

/// Writes the matches in the dataset's CSV format, public view (contact
/// persons' phones and e-mails only when `publish_personal`).
pub fn write_csv(
    w: &mut impl Write,
    snapshot: &View,
    page: Page<'_>,
    publish_personal: bool,
    dialect: crate::csv_out::Dialect,
) -> std::io::Result<()> {
    let (_, items) = page.run(snapshot);
    let rows = items.map(|m| snapshot.practice(m.id).public_view(publish_personal));
    crate::csv_out::write_user_csv(&mut *w, rows, dialect).map_err(std::io::Error::other)?;
    w.flush()
}

/// Runs a download writer on a blocking thread, holding its place among the
/// running downloads until it ends; returns the receiver of its pieces.
pub fn spawn(
    permit: impl Send + 'static,
    snapshot: Arc<View>,
    write: impl FnOnce(&mut PieceWriter, &View) -> std::io::Result<()> + Send + 'static,
) -> mpsc::Receiver<Piece> {
    let (mut w, rx) = channel();
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        match write(&mut w, &snapshot) {
            Ok(()) => {}
            // The CSV writer wraps the pipe's error; the channel tells.
            Err(_) if w.tx.is_closed() => {
                tracing::debug!("download abandoned by the client");
            }
            Err(e) => {
                tracing::error!(error = %e, "download failed");
                w.fail(e);
            }
        }
    });
    rx
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gazetteer::Gazetteer;

    fn snapshot(n: usize) -> Arc<View> {
        Arc::new(View::from(crate::snapshot::Snapshot::new(
            crate::synthetic::practices(Gazetteer::bundled(), n, 2),
        )))
    }

    fn all(filter: &Filter) -> Page<'_> {
        Page {
            filter,
            offset: 0,
            limit: usize::MAX,
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_download_arrives_in_bounded_pieces_and_whole() {
        let s = snapshot(3000);
        let slots = Arc::new(tokio::sync::Semaphore::new(1));
        let permit = slots.acquire_owned().await.unwrap();
        let mut rx = spawn(permit, s.clone(), |w, s| {
            write_geojson(w, s, all(&Filter::default()), &Map::new())
        });
        let mut body = Vec::new();
        let mut pieces = 0;
        while let Some(piece) = rx.recv().await {
            let piece = piece.unwrap();
            assert!(piece.len() < 2 * WRITE_CHUNK_BYTES, "{}", piece.len());
            body.extend_from_slice(&piece);
            pieces += 1;
        }
        assert!(pieces > 10, "{pieces} pieces");
        let v: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["numberMatched"], 3000);
        assert_eq!(v["features"].as_array().unwrap().len(), 3000);
        assert_eq!(v["features"][2999]["id"], s.practice(2999).id);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_hung_up_client_stops_the_writer_and_frees_its_place() {
        let s = snapshot(3000);
        let slots = Arc::new(tokio::sync::Semaphore::new(1));
        let permit = slots.clone().acquire_owned().await.unwrap();
        let (done_tx, done_rx) = std::sync::mpsc::channel();
        let mut rx = spawn(permit, s, move |w, s| {
            let r = write_csv(
                w,
                s,
                all(&Filter::default()),
                false,
                crate::csv_out::Dialect::Plain,
            );
            let _ = done_tx.send(r.as_ref().map_err(|e| e.kind()).copied());
            r
        });
        let _first = rx.recv().await.unwrap().unwrap();
        drop(rx);
        let r = tokio::task::spawn_blocking(move || done_rx.recv().unwrap())
            .await
            .unwrap();
        assert!(r.is_err(), "the writer went on after the reader left");
        // The place is given back once the writer has ended.
        for _ in 0..500 {
            if slots.available_permits() == 1 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        assert_eq!(slots.available_permits(), 1);
    }
}
