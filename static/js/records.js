// The page's records of practices (store.records and store.byId): one per
// practice feature the page has seen, made on first sight.

import { L, store } from './context.js';
import { practiceMarker } from './markers.js';

/** The page's record of a practice feature (made on first sight, without a marker). */
export function recordOf(f) {
  const { records, byId } = store.get();
  const p = f.properties || {};
  const id = String(f.id ?? p.id);
  let r = byId.get(id);
  if (r) return r;
  r = { i: records.length, id, p, latlng: null, marker: null, rank: 0, text: undefined };
  const g = f.geometry;
  if (g && g.type === 'Point' && Array.isArray(g.coordinates)) r.latlng = L.latLng(g.coordinates[1], g.coordinates[0]);
  records.push(r);
  byId.set(id, r);
  return r;
}

/** Records for loaded features, each placed one with its marker. */
export function addRecords(features) {
  return features.map((f) => {
    const r = recordOf(f);
    if (r.latlng && !r.marker) r.marker = practiceMarker(r);
    return r;
  });
}
