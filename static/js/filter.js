// The filter rule: which practice the current filters select (area with its
// subareas, voivodeship, powiat, gmina, unit type, years, free text, near a
// place), the same rule as the API's filters. Pure (no DOM), tested under node
// on the fixtures the Rust tests read (tests/fixtures/text_match.json).

import { areaMatches } from './areas.js';
import { queryStems, searchText, matches } from './text.js';

/** A key naming a near-me query (place or point, and radius); '' for none. */
export function nearKey(n) {
  if (!n) return '';
  return n.place ? `p:${n.place.trim()}|${n.radius}` : `c:${n.lat},${n.lon}|${n.radius}`;
}

/** The folded words a text filter searches in a record, computed on the first search. */
export function textOf(r) {
  if (r.text === undefined) r.text = searchText([r.p.title, r.p.summary, r.p.town, r.p.unit]);
  return r.text;
}

/**
 * The matcher of a filter state (`state.js`'s area, woj, pow, gmi, ut, yf, yt,
 * q): a function of a record `{id, p}` (p: the API's practice properties).
 * `textIds`, when known, are the ids the API's q matched (it searches the
 * bodies too), added to the page's own text matches; `near`, when ready, maps
 * the ids within the near-me radius to their distance, and only they pass.
 */
export function makeMatcher(f, { textIds = null, near = null } = {}) {
  const stems = queryStems(f.q);
  return (r) => {
    const p = r.p;
    if (!areaMatches(f.area, p.area)) return false;
    if (f.woj && !(p.voivodeship && p.voivodeship.teryt === f.woj)) return false;
    if (f.pow && !(p.powiat && p.powiat.teryt === f.pow)) return false;
    if (f.gmi && !(p.gmina && p.gmina.teryt === f.gmi)) return false;
    if (f.ut && p.unit_type !== f.ut) return false;
    if ((f.yf || f.yt) && !(p.year && (!f.yf || p.year >= f.yf) && (!f.yt || p.year <= f.yt))) return false;
    // The same rule as the API's q (text.js); the server's answer adds the matches in bodies.
    if (stems.length && !matches(stems, textOf(r)) && !(textIds && textIds.has(r.id))) return false;
    if (near && !near.has(r.id)) return false;
    return true;
  };
}

// The same for the page's store value ({state, nearResult, textResult}).

/** The near-me answer's distances (id → km) when it answers the state's query, else null. */
export function nearDistances(v) {
  const n = v.state.near;
  return n && v.nearResult && v.nearResult.key === nearKey(n) && v.nearResult.dist ? v.nearResult.dist : null;
}

/** A record's distance from the near-me centre, when known. */
export function distOf(v, r) {
  const near = nearDistances(v);
  return near ? near.get(r.id) : undefined;
}

/** The ids the API matched for the state's text filter, when its answer is for this text. */
export function textIds(v) {
  const stems = queryStems(v.state.q);
  return stems.length && v.textResult && v.textResult.key === stems.join(' ') ? v.textResult.ids : null;
}

/** A key that changes exactly when the selection may (the filters and what the API answered for them). */
export function filterKey(v) {
  const s = v.state;
  const near = nearDistances(v);
  return JSON.stringify([s.area, s.woj, s.pow, s.gmi, s.ut, s.yf, s.yt, queryStems(s.q), textIds(v) ? 1 : 0, near ? nearKey(s.near) : '']);
}

/** The matcher of the store's current filters. */
export function pageMatcher(v) {
  return makeMatcher(v.state, { textIds: textIds(v), near: nearDistances(v) });
}

/** The filters' own values (near-me counts once its answer is in: nearResult). */
const FILTERS = ['area', 'woj', 'pow', 'gmi', 'ut', 'yf', 'yt', 'q'];

/** Do two store values select differently, or must the selection be asked again (`note.refresh`)? */
export function selectionChanged(next, prev, note) {
  return (
    !!(note && note.refresh) ||
    FILTERS.some((k) => next.state[k] !== prev.state[k]) ||
    next.nearResult !== prev.nearResult ||
    next.textResult !== prev.textResult
  );
}
