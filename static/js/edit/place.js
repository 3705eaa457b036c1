// The form's place: the town with suggestions (as near-me's), the other
// places of the same name to choose from, and a small map whose marker can be
// dragged (or the map clicked, or the coordinates typed, for the keyboard);
// the gmina, powiat and voivodeship shown follow the marker (/api/reverse).

import * as api from '../api.js';
import { attachSuggestions, placeOf, placeLabel, whereText } from '../places.js';
import { L, T, $, store, fmtNum } from '../context.js';

const E = T.edit;
/** Poland's middle, for a form without a place yet. */
const MIDDLE = [52.1, 19.4];

/**
 * Wires the place part of the form (its elements exist: #ef-town,
 * #ef-town-suggest, #ef-candidates, #ef-map, #ef-where, #ef-lat, #ef-lon).
 * Returns {set(feature), point(), reset(), refresh()}.
 */
export function setupPlace() {
  let map = null;
  let marker = null;
  let at = null; // {lat, lon}
  let reverseAbort = null;
  let candidatesAbort = null;

  const showWhere = (chain) => {
    const w = chain ? whereText(chain, T) : '';
    $('ef-where').textContent = at ? (w ? E.placeWhere(w) : E.placeOutside) : E.placeNone;
  };

  const showCoords = () => {
    $('ef-lat').value = at ? String(Math.round(at.lat * 1e6) / 1e6) : '';
    $('ef-lon').value = at ? String(Math.round(at.lon * 1e6) / 1e6) : '';
  };

  const ensureMap = () => {
    if (map) return;
    map = L.map('ef-map', { zoomControl: true, attributionControl: true, keyboard: true }).setView(MIDDLE, 6);
    const cfg = store.get().config || {};
    if (cfg.tile_url) L.tileLayer(cfg.tile_url, { attribution: cfg.tile_attribution, maxZoom: 18 }).addTo(map);
    const regions = store.get().regions;
    if (regions) L.geoJSON(regions, { interactive: false, style: { color: '#0b4f8a', weight: 1, fillOpacity: 0.03 } }).addTo(map);
    map.on('click', (e) => moveTo(e.latlng.lat, e.latlng.lng, { reverse: true }));
  };

  const drawMarker = (fly) => {
    ensureMap();
    if (!at) {
      if (marker) map.removeLayer(marker);
      marker = null;
      return;
    }
    if (!marker) {
      marker = L.marker([at.lat, at.lon], { draggable: true, keyboard: true, title: E.markerTitle, alt: E.markerTitle, autoPan: true });
      marker.on('dragend', () => {
        const ll = marker.getLatLng();
        moveTo(ll.lat, ll.lng, { reverse: true });
      });
      marker.addTo(map);
    } else {
      marker.setLatLng([at.lat, at.lon]);
    }
    if (fly) map.setView([at.lat, at.lon], Math.max(map.getZoom(), 11));
  };

  /** The marker to a point; its chain from /api/reverse, or `chain` when known. */
  async function moveTo(lat, lon, { reverse = false, chain = null, fly = false } = {}) {
    at = { lat, lon };
    drawMarker(fly);
    showCoords();
    document.getElementById('ef-place-box').dataset.moved = '1';
    if (chain || !reverse) {
      showWhere(chain);
      return;
    }
    if (reverseAbort) reverseAbort.abort();
    reverseAbort = new AbortController();
    $('ef-where').textContent = E.placeLooking;
    try {
      const p = new URLSearchParams({ lat: String(lat), lon: String(lon) });
      const resp = await fetch(`/api/reverse?${p}`, { signal: reverseAbort.signal, headers: { Accept: 'application/geo+json' } });
      if (!resp.ok) {
        showWhere(null);
        return;
      }
      const f = await resp.json();
      showWhere(f.properties || null);
    } catch (e) {
      if (e.name !== 'AbortError') showWhere(null);
    }
  }

  /** The other places named as `name` (the candidates of a namesake), offered as buttons. */
  async function offerCandidates(name, chosen) {
    const box = $('ef-candidates');
    box.innerHTML = '';
    if (candidatesAbort) candidatesAbort.abort();
    if (!name || name.trim().length < 2) return;
    candidatesAbort = new AbortController();
    let places = [];
    try {
      const fc = await api.geocode(name.trim(), 10, candidatesAbort.signal);
      places = (fc.features || []).map(placeOf);
    } catch (_) {
      return;
    }
    const same = places.filter((p) => p.name && p.name.toLowerCase() === name.trim().toLowerCase());
    // The chosen place itself (also as its postal locality, a few hundred
    // metres off) is no other place; one button per place and gmina.
    const near = (p) => chosen && Math.abs(p.lat - chosen.lat) < 0.03 && Math.abs(p.lon - chosen.lon) < 0.045;
    const seen = new Set();
    const others = same.filter((p) => {
      const key = `${p.name}|${(p.gmina && p.gmina.teryt) || ''}|${p.lat.toFixed(2)}|${p.lon.toFixed(2)}`;
      if (near(p) || seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    if (!others.length) return;
    const head = document.createElement('p');
    head.className = 'muted';
    head.id = 'ef-candidates-head';
    head.textContent = E.placeNamesakes(name.trim(), others.length);
    const ul = document.createElement('ul');
    ul.className = 'candidates';
    ul.setAttribute('aria-labelledby', head.id);
    for (const p of others) {
      const li = document.createElement('li');
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'btn btn-ghost linkish';
      b.textContent = placeLabel(p, T);
      b.addEventListener('click', () => {
        $('ef-town').value = p.name;
        moveTo(p.lat, p.lon, { chain: p, fly: true });
        offerCandidates(p.name, p);
        $('ef-where').focus();
      });
      li.appendChild(b);
      ul.appendChild(li);
    }
    box.append(head, ul);
  }

  attachSuggestions({
    input: $('ef-town'),
    list: $('ef-town-suggest'),
    T,
    onPick: (p) => {
      moveTo(p.lat, p.lon, { chain: p, fly: true });
      offerCandidates(p.name, p);
    },
  });

  const typed = () => {
    const lat = Number($('ef-lat').value.replace(',', '.'));
    const lon = Number($('ef-lon').value.replace(',', '.'));
    if ($('ef-lat').value.trim() && $('ef-lon').value.trim() && Number.isFinite(lat) && Number.isFinite(lon)) {
      moveTo(lat, lon, { reverse: true, fly: true });
    }
  };
  $('ef-lat').addEventListener('change', typed);
  $('ef-lon').addEventListener('change', typed);

  return {
    /** The place of a record's feature (its point, its chain, its town's namesakes). */
    set(feature) {
      const p = (feature && feature.properties) || {};
      const c = feature && feature.geometry && feature.geometry.coordinates;
      document.getElementById('ef-place-box').dataset.moved = '';
      $('ef-candidates').innerHTML = '';
      if (c) {
        at = { lat: c[1], lon: c[0] };
        drawMarker(true);
        showCoords();
        showWhere(p.gmina || p.powiat || p.voivodeship ? p : null);
        const town = p.town || p.town_as_given;
        if (town) offerCandidates(town, at);
      } else {
        at = null;
        drawMarker(false);
        showCoords();
        showWhere(null);
      }
    },
    /** The GeoJSON geometry to send: the marker's point, or null. */
    geometry() {
      return at ? { type: 'Point', coordinates: [at.lon, at.lat] } : null;
    },
    /** After the dialog opened: Leaflet measures its box again. */
    refresh() {
      ensureMap();
      map.invalidateSize();
      if (at) map.setView([at.lat, at.lon], Math.max(map.getZoom(), 11));
    },
    fmt: (n) => fmtNum(n, 5),
  };
}
