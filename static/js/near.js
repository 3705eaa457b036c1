// Near me: the centre (a typed place, a chosen suggestion or the browser's
// location), the practices within the radius, the nearest when none is.

import { parseRadius, DEFAULT_RADIUS_KM } from './state.js';
import * as api from './api.js';
import { attachSuggestions, normalisePlaceQuery, placeOf, placeLabel } from './places.js';
import { nearKey } from './filter.js';
import { esc, apiMessage, fmtKm, fmtRadius, L, T, $, reducedMotion, store, setState } from './context.js';

let map = null;
let nearLayer = null;

function drawNear() {
  if (nearLayer) {
    map.removeLayer(nearLayer);
    nearLayer = null;
  }
  const { state, nearResult: res } = store.get();
  const n = state.near;
  $('near-clear').hidden = !n;
  if (!n || !res || !res.dist) return;
  const c = L.latLng(res.lat, res.lon);
  nearLayer = L.layerGroup([
    L.circle(c, { radius: n.radius * 1000, color: '#0b4f8a', weight: 2, fillOpacity: 0.06, interactive: false }),
    L.circleMarker(c, { radius: 6, color: '#fff', weight: 2, fillColor: '#0b4f8a', fillOpacity: 1, interactive: false }),
  ]).addTo(map);
}

/** The status under the near-me form: the centre, the chosen place and its precision, the others, the nearest when none is in the radius. */
function showNearStatus() {
  const { state, nearResult: res } = store.get();
  const n = state.near;
  const status = $('near-status');
  const extra = $('near-extra');
  status.classList.remove('error');
  extra.innerHTML = '';
  if (!n || !res) {
    status.textContent = '';
    return;
  }
  if (res.error) {
    status.textContent = res.error;
    status.classList.add('error');
    return;
  }
  const parts = [`${T.nearCentre(res.name, fmtRadius(n.radius))}.`];
  if (res.precision) parts.push(T.nearChosen(res.label || res.name, T.precisionWords[res.precision] || T.precisionNames[res.precision] || res.precision));
  if (!res.dist.size) parts.push(T.nearNone(fmtRadius(n.radius)));
  status.textContent = parts.join(' ');
  const html = [];
  if (res.others && res.others.length) {
    html.push(`<p class="muted">${esc(T.nearOthers)}</p><ul class="near-others">`);
    res.others.forEach((pl, i) => {
      html.push(`<li><button type="button" class="btn btn-ghost linkish" data-other="${i}">${esc(placeLabel(pl, T))}</button></li>`);
    });
    html.push('</ul>');
  }
  if (!res.dist.size && res.nearest && res.nearest.length) {
    // The way out first, then what it will bring in.
    const widen = Math.min(1000, Math.ceil(Math.max(...res.nearest.map((f) => f.km)) / 5) * 5 + 5);
    html.push(`<button type="button" id="near-widen" class="btn btn-primary" data-radius="${widen}">${esc(T.nearWiden(fmtRadius(widen)))}</button>`);
    html.push(`<p class="muted">${esc(T.nearNearest)}</p><ol class="near-nearest">`);
    for (const f of res.nearest) {
      html.push(`<li><button type="button" class="btn btn-ghost linkish" data-nearest="${esc(f.id)}">${esc(f.title)}</button> <span class="dist">${esc(fmtKm(f.km))}</span></li>`);
    }
    html.push('</ol>');
  }
  extra.innerHTML = html.join('');
}

let nearAbort = null;
/**
 * Finds the centre (geocoding a typed place), the practices within the radius
 * and, when none, the nearest few, for the store's near-me query; its answer
 * goes to the store (nearResult), and the selection follows. `fit` zooms to
 * the circle. Resolves when the selection is drawn.
 */
export async function runNear({ fit }) {
  const n = store.get().state.near;
  if (nearAbort) nearAbort.abort();
  if (!n) {
    await setResult(null);
    return;
  }
  const key = nearKey(n);
  nearAbort = new AbortController();
  const signal = nearAbort.signal;
  const dist = new Map();
  let result;
  try {
    let centre;
    let others = [];
    if (n.place) {
      const q = normalisePlaceQuery(n.place);
      let fc;
      try {
        fc = await api.geocode(q, 5, signal);
      } catch (e) {
        if (e.code === 'not_found') throw new Error(T.nearNotFound(n.place));
        throw e;
      }
      const places = (fc.features || []).map(placeOf);
      if (!places.length) throw new Error(T.nearNotFound(n.place));
      centre = places[0];
      others = places.slice(1);
    } else {
      centre = { lat: n.lat, lon: n.lon, name: n.name || T.nearMyLocation, precision: n.prec || '' };
    }
    const params = new URLSearchParams({ lat: String(centre.lat), lon: String(centre.lon), radius_km: String(n.radius) });
    const config = store.get().config;
    const limit = (config && config.max_limit) || 10000;
    await api.allPractices(params, {
      limit,
      parallel: 1,
      signal,
      onPage: (features) => {
        for (const f of features) dist.set(String(f.id ?? f.properties.id), f.properties.distance_km);
      },
    });
    let nearest = [];
    if (!dist.size) {
      const fc = await api.nearest(centre.lat, centre.lon, 3, signal);
      nearest = (fc.features || []).map((f) => ({ id: String(f.id ?? f.properties.id), title: f.properties.title, km: f.properties.distance_km }));
    }
    result = {
      key,
      lat: centre.lat,
      lon: centre.lon,
      name: centre.name || n.place,
      label: n.place ? placeLabel(centre, T) : centre.name,
      precision: centre.precision,
      others,
      nearest,
      dist,
    };
  } catch (e) {
    if (e.name === 'AbortError') return;
    result = { key, error: e instanceof api.ApiError ? apiMessage(e) : e.message || T.loadFailed };
  }
  await setResult(result, fit);
}

/** Stores a near-me answer, shows it (status, circle), and resolves when the selection is drawn. */
function setResult(result, fit = false) {
  // The status and circle first (a listener), then the selection (refresh: even when the answer is the same).
  const done = store.set({ nearResult: result }, { refresh: true, nearShown: true });
  if (fit && nearLayer) {
    const circle = nearLayer.getLayers()[0];
    map.fitBounds(circle.getBounds(), { animate: !reducedMotion, padding: [10, 10] });
  }
  return done;
}

function nearError(text, field) {
  const status = $('near-status');
  status.textContent = text;
  status.classList.add('error');
  $('near-extra').innerHTML = '';
  field.setAttribute('aria-invalid', 'true');
  field.focus();
}

/** Moves the near-me search to a chosen place (a suggestion or one of the others). */
function nearPlace(place) {
  const r = parseRadius($('near-radius').value);
  const old = store.get().state.near;
  $('near-place').value = place.name;
  $('near-place').dataset.chosen = place.name;
  setNear({
    lat: place.lat,
    lon: place.lon,
    radius: Number.isFinite(r) ? r : old ? old.radius : DEFAULT_RADIUS_KM,
    name: placeLabel(place, T),
    prec: place.precision || '',
  });
}

/** A new near-me query from the form: a history entry, then its answer, the map zoomed to its circle. */
function setNear(near, fit = true) {
  setState({ near }, { push: 'near' });
  runNear({ fit });
}

/**
 * Wires the form, and shows the answer whenever it changes. A query set from
 * elsewhere (back and forward: a note with `apply`) is asked for too.
 * `openPractice(id, opts)`: the map's.
 */
export function setupNear(theMap, { openPractice }) {
  map = theMap;
  store.subscribe((next, prev, note) => {
    if (note && note.nearShown) {
      showNearStatus();
      drawNear();
    }
    if (note && note.apply && nearKey(next.state.near) !== nearKey(prev.state.near)) return runNear({ fit: false });
  });
  const suggest = attachSuggestions({ input: $('near-place'), list: $('near-suggest'), T, onPick: nearPlace });
  for (const id of ['near-place', 'near-radius']) $(id).addEventListener('input', (e) => e.target.removeAttribute('aria-invalid'));
  $('near').addEventListener('submit', (e) => {
    e.preventDefault();
    suggest.close();
    const status = $('near-status');
    const place = $('near-place').value.trim();
    const r = parseRadius($('near-radius').value);
    status.classList.remove('error');
    if (!place) return nearError(T.nearNeedPlace, $('near-place'));
    if (!Number.isFinite(r)) return nearError(T.nearBadRadius, $('near-radius'));
    const n = store.get().state.near;
    // The same place with another radius keeps a chosen candidate.
    setNear(n && !n.place && n.name && place === $('near-place').dataset.chosen ? { ...n, radius: r } : { place, radius: r });
  });
  $('near-extra').addEventListener('click', (e) => {
    const b = e.target.closest('button');
    if (!b) return;
    if (b.dataset.other !== undefined) {
      const res = store.get().nearResult;
      const pl = res && res.others[Number(b.dataset.other)];
      if (pl) nearPlace(pl);
    } else if (b.dataset.nearest) {
      openPractice(b.dataset.nearest, { fly: true });
    } else if (b.id === 'near-widen') {
      const r = Number(b.dataset.radius);
      $('near-radius').value = fmtRadius(r);
      setNear({ ...store.get().state.near, radius: r });
    }
  });
  $('near-locate').addEventListener('click', () => {
    const status = $('near-status');
    status.classList.remove('error');
    const r = parseRadius($('near-radius').value) || DEFAULT_RADIUS_KM;
    if (!navigator.geolocation) {
      status.textContent = T.nearGeoUnavailable;
      status.classList.add('error');
      return;
    }
    status.textContent = T.nearLocating;
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        $('near-place').value = '';
        setNear({ lat: pos.coords.latitude, lon: pos.coords.longitude, radius: r });
      },
      () => {
        status.textContent = T.nearGeoDenied;
        status.classList.add('error');
      },
      { timeout: 10000, maximumAge: 600000 },
    );
  });
  $('near-clear').addEventListener('click', () => {
    setNear(null, false);
    $('near-place').focus();
  });
}
