// A revision against the published version, field by field: pure (no DOM),
// tested under node (tests/js/review-diff.test.mjs).

/** The fields the comparison shows, in the form's order (detail properties of a Feature). */
export const DIFF_FIELDS = [
  'title', 'area_name', 'summary', 'body', 'period_start', 'period_end', 'cost_pln', 'funding',
  'unit', 'unit_type', 'town', 'gmina', 'powiat', 'voivodeship', 'postal_code', 'post_office', 'street',
  'phone', 'email', 'websites', 'contacts', 'source_url', 'coordinates',
];

/** A property's value as text: units as "name (TERYT)", lists joined, the place as "lat, lon". */
export function showValue(key, v) {
  if (v === null || v === undefined || v === '') return '';
  if (Array.isArray(v)) return v.map((x) => showValue(key, x)).filter(Boolean).join('; ');
  if (typeof v === 'object') {
    if (key === 'coordinates' && typeof v.lat === 'number') {
      return `${v.lat.toFixed(5)}, ${v.lon.toFixed(5)}${v.precision ? ` (${v.precision})` : ''}`;
    }
    if ('teryt' in v && 'name' in v) return `${v.name} (${v.teryt})`;
    return Object.entries(v)
      .filter(([, x]) => x !== null && x !== undefined && x !== '')
      .map(([k, x]) => `${k}: ${showValue(k, x)}`)
      .join(', ');
  }
  return String(v);
}

/** The pin of a Feature as [lat, lon], or null. */
export function pinOf(feature) {
  const g = feature && feature.geometry;
  if (!g || g.type !== 'Point' || !Array.isArray(g.coordinates)) return null;
  return [g.coordinates[1], g.coordinates[0]];
}

/**
 * The rows of the comparison: {key, before, after, changed}. Without a
 * `before` (a practice never published) every row is the new content and
 * none is marked changed. Rows empty on both sides are left out.
 */
export function diffRows(before, after) {
  const b = (before && before.properties) || null;
  const a = (after && after.properties) || {};
  const rows = [];
  for (const key of DIFF_FIELDS) {
    const av = showValue(key, a[key]);
    const bv = b ? showValue(key, b[key]) : '';
    if (!av && !bv) continue;
    rows.push({ key, before: bv, after: av, changed: Boolean(b) && av !== bv });
  }
  return rows;
}

/** Whether two pins differ by more than a few centimetres. */
export function pinMoved(p, q) {
  if (!p || !q) return Boolean(p) !== Boolean(q);
  return Math.abs(p[0] - q[0]) > 1e-6 || Math.abs(p[1] - q[1]) > 1e-6;
}
