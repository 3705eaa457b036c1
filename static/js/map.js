// The Leaflet map: markers and clusters (named, keyboard-operable) drawn from
// the store's selection, popups, base layers and the offline outlines,
// highlighting a practice's marker, flying to a practice.

import { distOf } from './filter.js';
import { LabelledIcon } from './markers.js';
import { L, T, $, coarsePointer, POLAND, reducedMotion, store, setState, pageUrl, mapView, esc, fmtKm, fmtCost, areaName } from './context.js';

let map = null;
let clusters = null;
/** What the other parts do on the map's events (set by main.js): highlight a list row, open or close the detail panel. */
let on = { hover: () => {}, openDetail: async () => {}, closeDetailPanel: () => {} };

/** Creates the map and its cluster layer; returns the map. `handlers`: {hover(id, on), openDetail(id, opts), closeDetailPanel()}. */
export function initMap(handlers) {
  on = { ...on, ...handlers };
  map = L.map('map', {
    zoomControl: true,
    keyboard: true,
    minZoom: 5,
    maxZoom: 18,
    worldCopyJump: false,
    zoomSnap: 0.5,
  });
  map.attributionControl.addAttribution(T.outlinesAttribution);
  map.createPane('land').style.zIndex = 150; // under the tiles: seen when they are missing
  map.createPane('choro').style.zIndex = 300;
  map.createPane('borders').style.zIndex = 350;
  map.getPane('borders').style.pointerEvents = 'none';
  map.getPane('land').style.pointerEvents = 'none';
  const v = store.get().state.view;
  if (v) map.setView([v.lat, v.lon], v.zoom, { animate: false });
  else map.fitBounds(POLAND, { animate: false });

  clusters = L.markerClusterGroup({
    chunkedLoading: true,
    chunkInterval: 80,
    chunkDelay: 8,
    chunkProgress: onClusterProgress,
    showCoverageOnHover: false,
    maxClusterRadius: 60,
    spiderfyOnMaxZoom: true,
    removeOutsideVisibleBounds: true,
    iconCreateFunction: clusterIcon,
  });
  map.addLayer(clusters);
  // One set of listeners on the group serves every marker (cheaper than
  // listeners and popups on 10,000 markers up front).
  clusters.on('click', (e) => {
    const r = store.get().byId.get(e.layer.practiceId);
    if (r && !r.marker.getPopup()) withPopup(r).openPopup();
  });
  clusters.on('mouseover', (e) => on.hover(e.layer.practiceId, true));
  clusters.on('mouseout', (e) => on.hover(e.layer.practiceId, false));

  // data-moving is set while the map pans or zooms (tests wait for it to clear).
  map.on('movestart zoomstart', () => {
    document.documentElement.dataset.moving = '1';
  });
  map.on('moveend', () => {
    delete document.documentElement.dataset.moving;
  });
  map.on('popupopen', onPopupOpen);
  map.on('popupclose', onPopupClose);
  map.getContainer().addEventListener('keydown', onMarkerKey);
  map.getContainer().addEventListener('click', (e) => {
    const a = e.target.closest('a[data-detail]');
    if (a) {
      e.preventDefault();
      on.openDetail(a.dataset.detail, { push: true });
    }
  });

  // The markers are the selection's (in the page's own clusters; server.js draws its own).
  store.subscribe((next, prev, note) => {
    if (next.state.base !== prev.state.base) applyBase();
    if (!next.serverMode && next.selected !== prev.selected) return drawSelection(next.selected, note && note.firstDraw);
  });
  return map;
}

function clusterIcon(cluster) {
  const n = cluster.getChildCount();
  const size = n < 10 ? 'small' : n < 100 ? 'medium' : 'large';
  const px = coarsePointer ? 48 : 40;
  return new LabelledIcon({
    html: `<div><span>${n}</span></div>`,
    className: `marker-cluster marker-cluster-${size}`,
    iconSize: L.point(px, px),
    label: T.clusterLabel(n),
  });
}

/** Enter or Space on a focused marker opens its popup; on a cluster, zooms into it. (Server clusters: server.js.) */
function onMarkerKey(e) {
  if (e.key !== 'Enter' && e.key !== ' ') return;
  if (store.get().serverMode) return;
  const el = e.target.closest('.leaflet-marker-icon');
  if (!el) return;
  e.preventDefault();
  e.stopPropagation();
  if (el.classList.contains('marker-cluster')) {
    clusters._featureGroup.eachLayer((c) => {
      if (c._icon === el && c.zoomToBounds) c.zoomToBounds({ padding: [20, 20] });
    });
    return;
  }
  const r = store.get().selected.find((x) => x.marker && x.marker._icon === el);
  if (r) withPopup(r).openPopup();
}

let clusterWaiters = [];

function onClusterProgress(processed, total) {
  if (processed >= total) {
    const w = clusterWaiters;
    clusterWaiters = [];
    // chunkProgress runs just before the last clustering step of the same
    // task; resolving afterwards lets that step finish first.
    setTimeout(() => w.forEach((f) => f()), 0);
  }
}

function addClusterMarkers(markers) {
  if (!markers.length) return Promise.resolve();
  return new Promise((resolve) => {
    clusterWaiters.push(resolve);
    clusters.addLayers(markers);
  });
}

/** Draws the selection's markers; resolves when clustered. */
async function drawSelection(selected, first) {
  const markers = selected.filter((r) => r.marker).map((r) => r.marker);
  if (!first) {
    clusters.clearLayers();
    await addClusterMarkers(markers);
    return;
  }
  // The first clustering in one go, not in chunks: measured about a quarter faster
  // with 10,000 practices, and nothing waits for input before the markers are in.
  clusters.options.chunkedLoading = false;
  try {
    await addClusterMarkers(markers);
  } finally {
    clusters.options.chunkedLoading = true;
  }
}

/** Whether a practice's marker is among the clustered markers. */
export function onMap(r) {
  return !!(r && r.marker && clusters.hasLayer(r.marker));
}

let tileLayer = null;
let tilesDead = false;
let tileErrors = 0;
let tileLoads = 0;

/** The base layers, once the configuration is in: tiles, or the outlines alone when there are none (or asked for). */
export function setupBase() {
  const cfg = store.get().config || { tile_url: '', tile_attribution: '' };
  const offlineOnly = !cfg.tile_url;
  const box = $('l-offline');
  if (offlineOnly) {
    box.checked = true;
    box.disabled = true;
  }
  applyBase();
  box.addEventListener('change', () => {
    setState({ base: box.checked ? 'outline' : '' }, { push: 'base' });
  });
}

function applyBase() {
  const cfg = store.get().config || { tile_url: '' };
  const offline = !cfg.tile_url || store.get().state.base === 'outline';
  $('l-offline').checked = offline;
  map.getContainer().classList.toggle('offline', offline);
  if (tilesDead) $('tile-notice').hidden = offline;
  if (offline) {
    if (tileLayer) {
      map.removeLayer(tileLayer);
      tileLayer = null;
    }
    $('tile-notice').hidden = true;
    return;
  }
  if (tileLayer || tilesDead) return;
  tileErrors = 0;
  tileLoads = 0;
  const layer = L.tileLayer(cfg.tile_url, {
    attribution: cfg.tile_attribution,
    maxZoom: 19,
    crossOrigin: false,
  });
  layer.on('tileload', () => {
    tileLoads += 1;
  });
  layer.on('tileerror', () => {
    tileErrors += 1;
    const note = $('tile-notice');
    note.textContent = T.tilesFailed;
    note.hidden = false;
    // No tile has ever come: stop asking; the outlines underneath stay.
    if (tileLoads === 0 && tileErrors >= 4 && tileLayer === layer) {
      tilesDead = true; // until the page is reloaded
      map.removeLayer(layer);
      tileLayer = null;
      map.getContainer().classList.add('offline');
    }
  });
  tileLayer = layer.addTo(map);
}

export function setupOutlines() {
  const regions = store.get().regions;
  if (!regions) return;
  L.geoJSON(regions, {
    pane: 'land',
    interactive: false,
    style: { stroke: false, fill: true, fillColor: '#fbf9f3', fillOpacity: 1 },
  }).addTo(map);
  L.geoJSON(regions, {
    pane: 'borders',
    interactive: false,
    style: { color: '#5b5b5b', weight: 1.2, opacity: 0.9, fill: false },
  }).addTo(map);
}

function markerElement(r) {
  if (!r || !r.marker) return null;
  const vis = clusters.getVisibleParent(r.marker);
  return vis && vis.getElement ? vis.getElement() : null;
}

let hlEl = null;

/** Highlights (or not) the marker, or the cluster, of a practice. */
export function highlight(id, lit) {
  if (hlEl) {
    hlEl.classList.remove('hl');
    hlEl = null;
  }
  if (!lit) return;
  const el = markerElement(store.get().byId.get(id));
  if (el) {
    el.classList.add('hl');
    hlEl = el;
  }
}

/** The practice's marker with its popup bound (bound on first use). */
export function withPopup(r) {
  if (!r.marker.getPopup()) r.marker.bindPopup(() => popupHtml(r), { maxWidth: 320, autoPanPadding: [30, 30] });
  return r.marker;
}

function popupHtml(r) {
  const p = r.p;
  const d = distOf(store.get(), r);
  const rows = [
    [T.town, p.town],
    [T.unit, p.unit],
    [T.area, areaName(p.area, p.area_name)],
    [T.cost, fmtCost(p.cost_pln)],
  ];
  if (d !== undefined) rows.push([T.distance, fmtKm(d)]);
  const dl = rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v || T.unknown)}</dd>`).join('');
  const href = pageUrl({ ...store.get().state, p: r.id, d: true });
  return `<div class="pm-popup"><h3>${esc(p.title)}</h3><dl>${dl}</dl><a class="btn btn-secondary" href="${esc(href)}" data-detail="${esc(r.id)}" aria-label="${esc(T.detailsOf(p.title))}">${esc(T.details)}</a></div>`;
}

function onPopupOpen(e) {
  const m = e.popup._source;
  if (!m || !m.practiceId) return;
  const id = m.practiceId;
  const s = store.get().state;
  const patch = { view: mapView(map) };
  if (s.p !== id) {
    patch.p = id;
    patch.d = false;
    on.closeDetailPanel();
  }
  store.set({ popupId: id, state: { ...s, ...patch } }, { push: 'popup' });
}

function onPopupClose(e) {
  const m = e.popup._source;
  if (!m || !m.practiceId) return;
  if (store.get().popupId === m.practiceId) store.set({ popupId: '' });
  setTimeout(() => {
    const v = store.get();
    if (!v.popupId && !v.state.d && v.state.p === m.practiceId) setState({ p: '' }, { replace: true });
  }, 0);
}

/** Shows a practice: flies to its marker and opens its popup (its detail panel when it has no marker on the map). */
export function openPractice(id, { fly = true } = {}) {
  const r = store.get().byId.get(id);
  if (!r) return Promise.resolve(false);
  if (!onMap(r)) {
    return on.openDetail(id, { push: true }).then(() => true);
  }
  return new Promise((resolve) => {
    const show = () => {
      clusters.zoomToShowLayer(r.marker, () => {
        withPopup(r).openPopup();
        resolve(true);
      });
    };
    const targetZoom = Math.max(map.getZoom(), 12);
    const visible = map.getBounds().contains(r.latlng) && markerElement(r) === r.marker.getElement();
    if (!fly || visible) {
      show();
    } else {
      map.flyTo(r.latlng, targetZoom, { animate: !reducedMotion, duration: 0.6 });
      map.once('moveend', show);
    }
  });
}
