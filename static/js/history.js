// The URL and the browser history: the store's state written to the address
// bar (a change whose note says `push` makes a new entry, `replace` rewrites
// the current one), and a state re-applied on back/forward; the map's view as
// part of it.

import { nearKey } from './filter.js';
import { lang, $, store, setState, pageUrl, mapView } from './context.js';

let map = null;
/** The map's and the detail panel's actions, for re-applying an open practice (set by main.js). */
let on = null;
let applying = false;
let lastPush = { kind: '', at: 0 };

/**
 * Writes the store's state to the URL on every change that asks for it, and
 * the map's view after every move. `handlers`: {onMap(record), openPractice(id, opts),
 * openDetail(id, opts), closeDetailPanel()}.
 */
export function setupHistory(theMap, handlers) {
  map = theMap;
  on = handlers;
  store.subscribe((next, prev, note) => {
    if (!note) return;
    if (note.push) commit(true, note.push);
    else if (note.replace) commit(false);
  });
  map.on('moveend', onMoveEnd);
}

/** Writes the state to the URL: a new history entry when `push`, else in place. */
export function commit(push, kind = '') {
  if (applying) return;
  const url = pageUrl(store.get().state);
  const now = Date.now();
  // Typing in the search box makes one history entry, not one per key.
  const coalesce = kind && kind === lastPush.kind && now - lastPush.at < 1500;
  if (url !== location.pathname + location.search) {
    if (push && !coalesce) history.pushState(null, '', url);
    else history.replaceState(null, '', url);
  }
  if (push) lastPush = { kind, at: now };
  updateLangLink();
}

export function updateLangLink() {
  const other = lang === 'en' ? 'pl' : 'en';
  $('lang-switch').href = pageUrl({ ...store.get().state, lang: other });
}

let moveTimer = null;

function onMoveEnd() {
  setState({ view: mapView(map) });
  clearTimeout(moveTimer);
  moveTimer = setTimeout(() => commit(false), 60);
}

/** Re-applies a state (back and forward): the form, the map, the selection and the open practice. */
export async function applyState(next) {
  const prev = store.get().state;
  applying = true;
  try {
    if (next.view) {
      const c = map.getCenter();
      if (Math.abs(c.lat - next.view.lat) > 1e-5 || Math.abs(c.lng - next.view.lon) > 1e-5 || map.getZoom() !== next.view.zoom) {
        map.setView([next.view.lat, next.view.lon], next.view.zoom, { animate: false });
      }
    }
    // The form shows it (sync); a new near-me query is asked for, and the
    // selection follows its answer; else the selection is drawn again (refresh).
    const nearChanged = nearKey(prev.near) !== nearKey(next.near);
    await store.set({ state: next }, { apply: true, sync: true, refresh: !nearChanged });
    // The open practice.
    const v = store.get();
    if (!next.p) {
      map.closePopup();
      on.closeDetailPanel();
    } else {
      if (v.popupId !== next.p) {
        map.closePopup();
        if (on.onMap(v.byId.get(next.p))) await on.openPractice(next.p, { fly: false });
      }
      if (next.d) await on.openDetail(next.p, { push: false, focus: false });
      else on.closeDetailPanel();
    }
  } finally {
    applying = false;
    setState({ view: mapView(map) });
    commit(false);
  }
}
