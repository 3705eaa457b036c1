// How each of the 12 areas is drawn: colour, letter, shape. The six areas of
// social services are round, the others square, so shape and letter tell the
// area apart even without colour. Colours keep white text at 4.5:1 or more.

export const SOCIAL_SERVICES = 'uslugi-spoleczne';

/** The five subareas of social services (a filter on the parent includes them). */
export const SOCIAL_SUBAREAS = new Set(['kultura', 'pomoc-spoleczna', 'oswiata', 'ochrona-zdrowia', 'sport-i-rekreacja']);

export const AREA_STYLE = {
  'uslugi-spoleczne': { color: '#4b2991', letter: 'U', shape: 'round' },
  kultura: { color: '#8e0152', letter: 'K', shape: 'round' },
  'pomoc-spoleczna': { color: '#b2182b', letter: 'P', shape: 'round' },
  oswiata: { color: '#1f5fa6', letter: 'O', shape: 'round' },
  'ochrona-zdrowia': { color: '#00695c', letter: 'Z', shape: 'round' },
  'sport-i-rekreacja': { color: '#9a4a00', letter: 'S', shape: 'round' },
  'uslugi-techniczne': { color: '#37474f', letter: 'T', shape: 'square' },
  'rozwoj-instytucjonalny': { color: '#6a1b9a', letter: 'R', shape: 'square' },
  'efektywnosc-energetyczna': { color: '#2e7d32', letter: 'E', shape: 'square' },
  'wspolpraca-jst-ngo': { color: '#ad1457', letter: 'N', shape: 'square' },
  'wspolpraca-miedzy-jst': { color: '#00737d', letter: 'J', shape: 'square' },
  'dialog-spoleczny': { color: '#5d4037', letter: 'D', shape: 'square' },
};

const FALLBACK = { color: '#424242', letter: '?', shape: 'round' };

/** The style of an area slug. */
export function areaStyle(slug) {
  return AREA_STYLE[slug] || FALLBACK;
}

/** Does a practice of area `slug` pass the area filter `filter`? */
export function areaMatches(filter, slug) {
  if (!filter) return true;
  if (slug === filter) return true;
  return filter === SOCIAL_SERVICES && SOCIAL_SUBAREAS.has(slug);
}

/** A small inline swatch of the marker for an area, for legends and lists. */
export function swatchHtml(slug, size = 20) {
  const s = areaStyle(slug);
  const radius = s.shape === 'round' ? '50%' : '3px';
  return `<span class="pm-swatch" aria-hidden="true" style="display:inline-flex;align-items:center;justify-content:center;width:${size}px;height:${size}px;border-radius:${radius};background:${s.color};color:#fff;font:700 ${Math.round(size * 0.55)}px/1 system-ui,sans-serif;flex:none">${s.letter}</span>`;
}
