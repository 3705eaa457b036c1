// Thin wrappers over the service's HTTP API (see /api/openapi.json).

/** An error answered by the API, with its code and message. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function getJson(url, signal) {
  const resp = await fetch(url, { signal, headers: { Accept: 'application/json, application/geo+json' } });
  let body = null;
  try {
    body = await resp.json();
  } catch (_) {
    body = null;
  }
  if (!resp.ok) {
    const e = (body && body.error) || {};
    throw new ApiError(resp.status, e.code || 'http_' + resp.status, e.message || resp.statusText);
  }
  return body;
}

/** `{tile_url, tile_attribution, max_limit, default_limit, practices}` (practices: the dataset's size) */
export function config() {
  return getJson('/api/config');
}

/** `{categories: [{slug, name_pl, name_en, path_pl, count}]}` */
export function categories() {
  return getJson('/api/categories');
}

/** FeatureCollection of the 16 voivodeship outlines with `count`. */
export function voivodeships() {
  return getJson('/api/regions/voivodeships');
}

/** One page of practices matching `params` (URLSearchParams). */
export function practices(params, signal) {
  return getJson('/api/practices?' + params.toString(), signal);
}

/** The map's view from the server: clusters with exact counts, or the practices when few (`params`: filters, bbox, zoom). */
export function clusters(params, signal) {
  return getJson('/api/clusters?' + params.toString(), signal);
}

/** `{by, numberMatched, counts: [{teryt, name, count}]}`: the matches of `params` (filters) per voivodeship, powiat or gmina. */
export function counts(by, params, signal) {
  const p = new URLSearchParams(params);
  p.set('by', by);
  return getJson('/api/counts?' + p.toString(), signal);
}

/** One practice, full public record. */
export function practice(id, signal) {
  return getJson('/api/practices/' + encodeURIComponent(id), signal);
}

/**
 * Every practice matching `params`, page by page (`limit` per page). The first
 * `parallel` pages are asked for at once, before the total is known, and then
 * at most `parallel` requests are in flight. `onPage(features, page, total)` is
 * called as pages arrive, in order. Resolves to the first page's top-level
 * members (numberMatched, near).
 */
export async function allPractices(params, { limit, parallel = 2, onPage, signal }) {
  const pageParams = (offset) => {
    const p = new URLSearchParams(params);
    p.set('limit', String(limit));
    p.set('offset', String(offset));
    return p;
  };
  const pending = new Map();
  const ask = (offset) => {
    const p = practices(pageParams(offset), signal);
    p.catch(() => {}); // awaited below; a page past the end may go unread
    pending.set(offset, p);
  };
  for (let i = 0; i < Math.max(1, parallel); i++) ask(i * limit);
  let next = Math.max(1, parallel) * limit;
  const first = await pending.get(0);
  const total = first.numberMatched || 0;
  for (let offset = 0, page = 0; offset === 0 || offset < total; offset += limit, page++) {
    const body = offset === 0 ? first : await pending.get(offset);
    pending.delete(offset);
    while (pending.size < parallel && next < total) {
      ask(next);
      next += limit;
    }
    await onPage(body.features, page, total);
  }
  return first;
}

/** The geocoder's candidates for a place name or postal code, best first (a FeatureCollection). */
export function geocode(q, limit, signal) {
  const p = new URLSearchParams({ q, limit: String(limit) });
  return getJson('/api/geocode?' + p.toString(), signal);
}

/** The `k` practices nearest to a point, whatever their distance (nearest first). */
export function nearest(lat, lon, k, signal) {
  const p = new URLSearchParams({ lat: String(lat), lon: String(lon), k: String(k) });
  return getJson('/api/practices?' + p.toString(), signal);
}
