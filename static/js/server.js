// Server-side clusters, for datasets too large to load into the page. Above
// SERVER_MODE_ABOVE practices the page loads none up front: the map shows what
// /api/clusters answers for the viewport, the zoom and every filter (clusters
// with exact counts, or the practices themselves when few), and the list and
// counts come from /api/practices with the same filters. Pan, zoom and filter
// changes ask again (debounced; a newer question aborts the older one).

import { apiFilterParams } from './state.js';
import * as api from './api.js';
import { LabelledIcon, practiceMarker } from './markers.js';
import { recordOf } from './records.js';
import { selectionChanged } from './filter.js';
import { L, T, $, coarsePointer, LIST_MAX, PAGE, collator, setBusy, store, markRendered, mapBbox } from './context.js';

/**
 * Largest dataset the page loads whole: one page of the API (PAGE). Measured
 * with perf.test.mjs (docs/page.md): at 10,000 practices loading
 * and clustering every one in the page took 1.3–2.1 s to interactive under
 * load, server clusters 0.6–1.0 s; loading grows with the dataset, while the
 * server's answer for a view does not.
 */
export const SERVER_MODE_ABOVE = PAGE;

/** Whether to use server clusters for a dataset of `total` practices (`?cl=server|client` overrides, for tests). */
export function wantServerMode(total) {
  const force = new URLSearchParams(location.search).get('cl');
  if (force === 'server') return true;
  if (force === 'client') return false;
  return total > SERVER_MODE_ABOVE;
}

let viewAbort = null;
let viewTimer = null;
/** The questions of the answer on the map, to skip asking the same again. */
let drawnKey = '';
/** When the map stopped moving (or a filter changed) with no answer drawn since: performance.now(). */
let askedSince = null;
/** Pans and zooms that follow quickly (keys held, wheel) make one question. */
const VIEW_DEBOUNCE_MS = 40;

let map = null;
let layer = null;

/**
 * Sets the map up for server clusters: a layer of its own, a re-query on every
 * move and on every change of the filters, Enter on a focused marker. `withPopup(record)` gives a practice's marker its popup.
 */
export function setupServerMode(theMap, { withPopup }) {
  map = theMap;
  store.set({ serverMode: true });
  layer = L.featureGroup().addTo(map);
  layer.on('click', (e) => {
    const m = e.layer;
    if (m.clusterBbox) {
      const [w, s, east, n] = m.clusterBbox;
      const b = L.latLngBounds([s, w], [n, east]);
      // A cluster of one place (all at a point) zooms in two steps instead.
      if (b.getNorthEast().equals(b.getSouthWest())) map.setView(b.getCenter(), Math.min(map.getMaxZoom(), map.getZoom() + 2));
      else map.fitBounds(b, { padding: [30, 30], maxZoom: map.getMaxZoom() });
    } else if (m.practiceId) {
      const r = store.get().byId.get(m.practiceId);
      if (r) withPopup(r).openPopup();
    }
  });
  // Enter or Space on a focused marker: a click (a cluster zooms in, a practice opens its popup).
  map.getContainer().addEventListener('keydown', (e) => {
    if (e.key !== 'Enter' && e.key !== ' ') return;
    const el = e.target.closest('.leaflet-marker-icon');
    if (!el) return;
    e.preventDefault();
    e.stopPropagation();
    const m = markerOf(el);
    if (m) m.fire('click');
  });
  store.subscribe((next, prev, note) => {
    // The counts per voivodeship come with the answer: asked for when the choropleth is switched on.
    if (!next.loaded) return;
    if (selectionChanged(next, prev, note) || (next.state.choro && !prev.state.choro)) return serverRefresh();
  });
  map.on('moveend', () => {
    setBusy(true); // until the view's answer is drawn
    if (askedSince === null) askedSince = performance.now();
    clearTimeout(viewTimer);
    viewTimer = setTimeout(() => serverRefresh(), VIEW_DEBOUNCE_MS);
  });
}

function clusterMarker(f) {
  const n = f.properties.count;
  const size = n < 10 ? 'small' : n < 100 ? 'medium' : 'large';
  const px = coarsePointer ? 48 : n < 1000 ? 40 : 48;
  const [lon, lat] = f.geometry.coordinates;
  const m = L.marker([lat, lon], {
    keyboard: true,
    icon: new LabelledIcon({
      html: `<div><span>${n}</span></div>`,
      className: `marker-cluster marker-cluster-${size} server-cluster`,
      iconSize: L.point(px, px),
      label: T.clusterLabel(n),
    }),
  });
  m.clusterBbox = f.properties.bbox;
  m.clusterCount = n;
  return m;
}

function placeMarker(f) {
  const r = recordOf(f);
  if (!r.latlng) return null;
  r.marker = practiceMarker(r);
  return r.marker;
}

/**
 * Asks for the map's view and the list with the current filters, and draws
 * them. Resolves once drawn (or superseded by a newer question).
 */
export async function serverRefresh() {
  clearTimeout(viewTimer);
  if (askedSince === null) askedSince = performance.now();
  if (viewAbort) viewAbort.abort();
  const abort = new AbortController();
  viewAbort = abort;
  const v = store.get();
  const s = v.state;
  const bbox = mapBbox(map);
  const zoom = Math.max(0, Math.min(20, Math.round(map.getZoom())));
  const view = apiFilterParams(s, bbox);
  view.set('zoom', String(zoom));
  // Near a place the list holds every practice in the circle, nearest first; else those in view.
  const list = apiFilterParams(s, s.near ? null : bbox);
  list.set('limit', String(LIST_MAX));
  // Every match, wherever it lies (without filters: the dataset's size, known).
  const all = apiFilterParams(s, null);
  all.set('limit', '0');
  const counted = [...all.keys()].length > 1 ? api.practices(all, abort.signal) : Promise.resolve({ numberMatched: v.total });
  const key = `${view}|${list}|${all}|${s.choro}`;
  if (key === drawnKey) {
    // The same view and filters (a move that came back, a repeated event): nothing to ask.
    viewAbort = null;
    askedSince = null;
    markRendered();
    setBusy(false);
    return;
  }
  setBusy(true);
  try {
    // The shaded voivodeships need the counts per voivodeship: asked for only when shown.
    const regions = s.choro && v.regions ? api.counts('voivodeship', apiFilterParams(s, null), abort.signal) : null;
    const [clusters, page, total, perRegion] = await Promise.all([api.clusters(view, abort.signal), api.practices(list, abort.signal), counted, regions]);
    if (viewAbort !== abort) return;
    const markers = [];
    for (const f of clusters.features || []) {
      const m = f.properties && f.properties.cluster ? clusterMarker(f) : placeMarker(f);
      if (m) markers.push(m);
    }
    layer.clearLayers();
    for (const m of markers) layer.addLayer(m);
    const rows = (page.features || []).map(recordOf);
    const dist = new Map();
    for (const f of page.features || []) if (typeof f.properties.distance_km === 'number') dist.set(String(f.id ?? f.properties.id), f.properties.distance_km);
    // Near a place the API answers nearest first; otherwise by title, as the page lists them.
    if (!s.near) rows.sort((a, b) => collator.compare(a.p.title || '', b.p.title || ''));
    drawnKey = key;
    // The list, the counts and the choropleth draw the answer.
    await store.set({
      server: {
        list: rows,
        dist,
        listMatched: page.numberMatched || 0,
        matched: total.numberMatched || 0,
        inView: clusters.numberMatched || 0,
        regions: perRegion ? new Map(perRegion.counts.map((c) => [c.teryt, c.count])) : null,
        version: store.get().server.version + 1,
      },
    });
    markRendered();
    // From the move's end (or the filter's change) to the answer drawn; perf.test.mjs reads these.
    performance.measure('mapa:view-answered', { start: askedSince, end: performance.now() });
    askedSince = null;
  } catch (e) {
    if (e.name === 'AbortError') return;
    $('loading').textContent = T.loadFailed;
  } finally {
    if (viewAbort === abort) {
      viewAbort = null;
      setBusy(false);
    }
  }
}

/** The marker of the server layer (a cluster or a practice) whose element is `el`. */
function markerOf(el) {
  let found = null;
  layer.eachLayer((m) => {
    if (m._icon === el) found = m;
  });
  return found;
}
