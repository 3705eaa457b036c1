// The URL and the browser history: the state written to the address bar, and
// re-applied on back/forward; the map view as part of it.

import { formatState } from './state.js';
import { lang, $, S } from './context.js';
import { applyBase } from './map.js';
import { updateChoropleth } from './choropleth.js';
import { nearKey, refresh, runText } from './data.js';
import { updateList, updateDownloads } from './list.js';
import { openPractice, openDetail, closeDetailPanel } from './detail.js';
import { runNear } from './near.js';
import { syncControls } from './filters.js';

export function pageUrl(state) {
  return location.pathname + formatState(state);
}

/** Writes the state to the URL: a new history entry when `push`, else in place. */
export function commit(push, kind = '') {
  if (S.applying) return;
  const url = pageUrl(S.state);
  const now = Date.now();
  // Typing in the search box makes one history entry, not one per key.
  const coalesce = kind && kind === S.lastPush.kind && now - S.lastPush.at < 1500;
  if (url !== location.pathname + location.search) {
    if (push && !coalesce) history.pushState(null, '', url);
    else history.replaceState(null, '', url);
  }
  if (push) S.lastPush = { kind, at: now };
  updateLangLink();
}

export function updateLangLink() {
  const other = lang === 'en' ? 'pl' : 'en';
  $('lang-switch').href = pageUrl({ ...S.state, lang: other });
}

export function currentView() {
  const c = S.map.getCenter();
  return { zoom: S.map.getZoom(), lat: c.lat, lon: c.lng };
}

let moveTimer = null;

export function onMoveEnd() {
  S.state.view = currentView();
  clearTimeout(moveTimer);
  moveTimer = setTimeout(() => {
    commit(false);
    if (S.loaded) {
      updateList();
      updateDownloads();
    }
  }, 60);
}

export async function applyState(next) {
  const prev = S.state;
  S.applying = true;
  S.state = next;
  try {
    syncControls();
    applyBase();
    if (next.view) {
      const c = S.map.getCenter();
      if (Math.abs(c.lat - next.view.lat) > 1e-5 || Math.abs(c.lng - next.view.lon) > 1e-5 || S.map.getZoom() !== next.view.zoom) {
        S.map.setView([next.view.lat, next.view.lon], next.view.zoom, { animate: false });
      }
    }
    runText();
    if (nearKey(prev.near) !== nearKey(next.near)) {
      await runNear({ fit: false });
    } else {
      await refresh();
    }
    updateChoropleth();
    // The open practice.
    if (!next.p) {
      S.map.closePopup();
      closeDetailPanel();
    } else {
      if (S.openPopupId !== next.p) {
        S.map.closePopup();
        const r = S.byId.get(next.p);
        if (r && r.marker && S.clusters.hasLayer(r.marker)) await openPractice(next.p, { fly: false });
      }
      if (next.d) await openDetail(next.p, { push: false, focus: false });
      else closeDetailPanel();
    }
  } finally {
    S.state = next;
    S.applying = false;
    S.state.view = currentView();
    commit(false);
  }
}
