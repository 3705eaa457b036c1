// The Leaflet map: markers and clusters (named, keyboard-operable), base layers
// and the offline outlines, highlighting a practice's marker.

import { areaStyle } from './areas.js';
import { L, T, $, coarsePointer, POLAND, S } from './context.js';
import { commit, onMoveEnd } from './history.js';
import { listHighlight } from './list.js';
import { withPopup, onPopupOpen, onPopupClose, openDetail } from './detail.js';
import { serverMarkerOf } from './server.js';

export function initMap() {
  const map = L.map('map', {
    zoomControl: true,
    keyboard: true,
    minZoom: 5,
    maxZoom: 18,
    worldCopyJump: false,
    zoomSnap: 0.5,
  });
  S.map = map;
  map.attributionControl.addAttribution(T.outlinesAttribution);
  map.createPane('land').style.zIndex = 150; // under the tiles: seen when they are missing
  map.createPane('choro').style.zIndex = 300;
  map.createPane('borders').style.zIndex = 350;
  map.getPane('borders').style.pointerEvents = 'none';
  map.getPane('land').style.pointerEvents = 'none';
  const v = S.state.view;
  if (v) map.setView([v.lat, v.lon], v.zoom, { animate: false });
  else map.fitBounds(POLAND, { animate: false });

  S.clusters = L.markerClusterGroup({
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
  map.addLayer(S.clusters);
  // One set of listeners on the group serves every marker (cheaper than
  // listeners and popups on 10,000 markers up front).
  S.clusters.on('click', (e) => {
    const r = S.byId.get(e.layer.practiceId);
    if (r && !r.marker.getPopup()) withPopup(r).openPopup();
  });
  S.clusters.on('mouseover', (e) => listHighlight(e.layer.practiceId, true));
  S.clusters.on('mouseout', (e) => listHighlight(e.layer.practiceId, false));

  // data-moving is set while the map pans or zooms (tests wait for it to clear).
  map.on('movestart zoomstart', () => {
    document.documentElement.dataset.moving = '1';
  });
  map.on('moveend', () => {
    delete document.documentElement.dataset.moving;
  });
  map.on('moveend', onMoveEnd);
  map.on('popupopen', onPopupOpen);
  map.on('popupclose', onPopupClose);
  map.getContainer().addEventListener('keydown', onMarkerKey);
  map.getContainer().addEventListener('click', (e) => {
    const a = e.target.closest('a[data-detail]');
    if (a) {
      e.preventDefault();
      openDetail(a.dataset.detail, { push: true });
    }
  });
}

/** A div icon that names itself to screen readers (clusters have no title of their own). */
export const LabelledIcon = L.DivIcon.extend({
  createIcon(old) {
    const el = L.DivIcon.prototype.createIcon.call(this, old);
    el.setAttribute('aria-label', this.options.label);
    el.setAttribute('title', this.options.label);
    el.setAttribute('role', 'button');
    return el;
  },
});

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

/** Enter or Space on a focused marker opens its popup; on a cluster, zooms into it. */
function onMarkerKey(e) {
  if (e.key !== 'Enter' && e.key !== ' ') return;
  const el = e.target.closest('.leaflet-marker-icon');
  if (!el) return;
  e.preventDefault();
  e.stopPropagation();
  if (S.serverMode) {
    const m = serverMarkerOf(el);
    if (m) m.fire('click');
    return;
  }
  if (el.classList.contains('marker-cluster')) {
    S.clusters._featureGroup.eachLayer((c) => {
      if (c._icon === el && c.zoomToBounds) c.zoomToBounds({ padding: [20, 20] });
    });
    return;
  }
  const r = S.selected.find((x) => x.marker && x.marker._icon === el);
  if (r) withPopup(r).openPopup();
}

const iconCache = new Map();

export function markerIcon(slug) {
  let icon = iconCache.get(slug);
  if (!icon) {
    const s = areaStyle(slug);
    const px = coarsePointer ? 44 : 28;
    icon = L.divIcon({
      className: `pm-marker ${s.shape}`,
      html: `<span style="background:${s.color}">${s.letter}</span>`,
      iconSize: [px, px],
      iconAnchor: [px / 2, px / 2],
      popupAnchor: [0, -px / 2],
    });
    iconCache.set(slug, icon);
  }
  return icon;
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

export function addClusterMarkers(markers) {
  if (!markers.length) return Promise.resolve();
  return new Promise((resolve) => {
    clusterWaiters.push(resolve);
    S.clusters.addLayers(markers);
  });
}

export async function setClusterMarkers(markers) {
  S.clusters.clearLayers();
  await addClusterMarkers(markers);
}

export function setupBase() {
  const cfg = S.config || { tile_url: '', tile_attribution: '' };
  const offlineOnly = !cfg.tile_url;
  const box = $('l-offline');
  if (offlineOnly) {
    box.checked = true;
    box.disabled = true;
  }
  applyBase();
  box.addEventListener('change', () => {
    S.state.base = box.checked ? 'outline' : '';
    applyBase();
    commit(true, 'base');
  });
}

export function applyBase() {
  const cfg = S.config || { tile_url: '' };
  const offline = !cfg.tile_url || S.state.base === 'outline';
  $('l-offline').checked = offline;
  S.map.getContainer().classList.toggle('offline', offline);
  if (S.tilesDead) $('tile-notice').hidden = offline;
  if (offline) {
    if (S.tileLayer) {
      S.map.removeLayer(S.tileLayer);
      S.tileLayer = null;
    }
    $('tile-notice').hidden = true;
    return;
  }
  if (S.tileLayer || S.tilesDead) return;
  S.tileErrors = 0;
  S.tileLoads = 0;
  const layer = L.tileLayer(cfg.tile_url, {
    attribution: cfg.tile_attribution,
    maxZoom: 19,
    crossOrigin: false,
  });
  layer.on('tileload', () => {
    S.tileLoads += 1;
  });
  layer.on('tileerror', () => {
    S.tileErrors += 1;
    const note = $('tile-notice');
    note.textContent = T.tilesFailed;
    note.hidden = false;
    // No tile has ever come: stop asking; the outlines underneath stay.
    if (S.tileLoads === 0 && S.tileErrors >= 4 && S.tileLayer === layer) {
      S.tilesDead = true; // until the page is reloaded
      S.map.removeLayer(layer);
      S.tileLayer = null;
      S.map.getContainer().classList.add('offline');
    }
  });
  S.tileLayer = layer.addTo(S.map);
}

export function setupOutlines() {
  if (!S.regions) return;
  L.geoJSON(S.regions, {
    pane: 'land',
    interactive: false,
    style: { stroke: false, fill: true, fillColor: '#fbf9f3', fillOpacity: 1 },
  }).addTo(S.map);
  L.geoJSON(S.regions, {
    pane: 'borders',
    interactive: false,
    style: { color: '#5b5b5b', weight: 1.2, opacity: 0.9, fill: false },
  }).addTo(S.map);
}

export function markerElement(r) {
  if (!r || !r.marker) return null;
  const vis = S.clusters.getVisibleParent(r.marker);
  return vis && vis.getElement ? vis.getElement() : null;
}

export function mapHighlight(id, on) {
  if (S.hlEl) {
    S.hlEl.classList.remove('hl');
    S.hlEl = null;
  }
  if (!on) return;
  const el = markerElement(S.byId.get(id));
  if (el) {
    el.classList.add('hl');
    S.hlEl = el;
  }
}
