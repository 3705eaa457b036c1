// The page state that a link carries: view, filters, near-me query, open practice.
//
//   ?lang=en               language (Polish when absent)
//   &map=ZOOM/LAT/LON      map view
//   &area=SLUG             area filter
//   &woj=TERYT             voivodeship filter
//   &pow=TERYT, &gmi=TERYT powiat and gmina filters
//   &yf=YEAR, &yt=YEAR     year from, year to
//   &ut=LABEL              unit type ("gmina wiejska", one of UNIT_TYPES)
//   &q=TEXT                free-text filter
//   &near=TEXT&r=KM        near a postal code or town
//   &nlat=..&nlon=..&r=KM  near a point (the browser's location, or a chosen place
//                          named by &nname=.. with its precision &nprec=..)
//   &embed=1               embedded: map and a compact list, no header
//   &p=ID                  the practice whose popup is open
//   &d=1                   its detail panel is open too
//   &choro=1               voivodeships shaded by count
//   &base=outline          offline base layer of outlines
//   &inview=1              downloads only the visible map area

export const DEFAULT_RADIUS_KM = 30;

/** The unit types, as the API names them (its `unit_type` values). */
export const UNIT_TYPES = ['gmina miejska', 'gmina wiejska', 'gmina miejsko-wiejska', 'miasto na prawach powiatu', 'powiat', 'województwo'];

/** The empty state. */
export function emptyState() {
  return {
    lang: 'pl',
    view: null, // {zoom, lat, lon}
    area: '',
    woj: '',
    pow: '',
    gmi: '',
    ut: '',
    yf: null,
    yt: null,
    q: '',
    near: null, // {place} or {lat, lon}, plus radius
    p: '',
    d: false,
    choro: false,
    base: '',
    inview: false,
    embed: false,
  };
}

/** A radius as typed ("2,5", "30"): km, or NaN unless 0 < r ≤ 1000. */
export function parseRadius(text) {
  const t = String(text ?? '').trim().replace(',', '.');
  if (!/^\d+(\.\d+)?$|^\.\d+$/.test(t)) return NaN;
  const r = Number(t);
  return r > 0 && r <= 1000 ? r : NaN;
}

/** A year as typed: an integer from 1900 to 2100, null when empty, NaN when bad. */
export function parseYear(text) {
  const t = String(text ?? '').trim();
  if (!t) return null;
  return /^\d{4}$/.test(t) && Number(t) >= 1900 && Number(t) <= 2100 ? Number(t) : NaN;
}

function num(v) {
  if (v === null || v === '') return NaN;
  return Number(v);
}

/** Reads the state from a query string. Values that make no sense are dropped. */
export function parseState(search) {
  const u = new URLSearchParams(search);
  const s = emptyState();
  s.lang = u.get('lang') === 'en' ? 'en' : 'pl';
  const m = (u.get('map') || '').split('/').map(Number);
  if (m.length === 3 && m.every(Number.isFinite) && Math.abs(m[1]) <= 90 && Math.abs(m[2]) <= 180) {
    s.view = { zoom: Math.max(0, Math.min(19, m[0])), lat: m[1], lon: m[2] };
  }
  s.area = u.get('area') || '';
  s.woj = u.get('woj') || '';
  s.pow = /^\d{4}$/.test(u.get('pow') || '') ? u.get('pow') : '';
  s.gmi = /^\d{6,7}$/.test(u.get('gmi') || '') ? u.get('gmi') : '';
  s.ut = UNIT_TYPES.includes(u.get('ut')) ? u.get('ut') : '';
  const yf = parseYear(u.get('yf'));
  const yt = parseYear(u.get('yt'));
  s.yf = Number.isFinite(yf) ? yf : null;
  s.yt = Number.isFinite(yt) ? yt : null;
  s.q = u.get('q') || '';
  let r = parseRadius(u.get('r'));
  if (!Number.isFinite(r)) r = DEFAULT_RADIUS_KM;
  const nlat = num(u.get('nlat'));
  const nlon = num(u.get('nlon'));
  if (u.get('near')) {
    s.near = { place: u.get('near'), radius: r };
  } else if (Number.isFinite(nlat) && Number.isFinite(nlon) && Math.abs(nlat) <= 90 && Math.abs(nlon) <= 180) {
    s.near = { lat: nlat, lon: nlon, radius: r };
    if (u.get('nname')) s.near.name = u.get('nname');
    if (u.get('nprec')) s.near.prec = u.get('nprec');
  }
  s.p = u.get('p') || '';
  s.d = !!s.p && u.get('d') === '1';
  s.choro = u.get('choro') === '1';
  s.base = u.get('base') === 'outline' ? 'outline' : '';
  s.inview = u.get('inview') === '1';
  s.embed = u.get('embed') === '1';
  return s;
}

function round(x, digits) {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Writes the state as a query string (with the leading "?", or "" when empty). */
export function formatState(s) {
  const u = new URLSearchParams();
  if (s.lang === 'en') u.set('lang', 'en');
  if (s.view) {
    const z = s.view.zoom;
    const digits = Math.max(2, Math.ceil(z * 0.3) + 1);
    u.set('map', `${round(z, 2)}/${round(s.view.lat, digits)}/${round(s.view.lon, digits)}`);
  }
  if (s.area) u.set('area', s.area);
  if (s.woj) u.set('woj', s.woj);
  if (s.pow) u.set('pow', s.pow);
  if (s.gmi) u.set('gmi', s.gmi);
  if (s.ut) u.set('ut', s.ut);
  if (s.yf) u.set('yf', String(s.yf));
  if (s.yt) u.set('yt', String(s.yt));
  if (s.q) u.set('q', s.q);
  if (s.near) {
    if (s.near.place) {
      u.set('near', s.near.place);
    } else {
      u.set('nlat', String(round(s.near.lat, 5)));
      u.set('nlon', String(round(s.near.lon, 5)));
      if (s.near.name) u.set('nname', s.near.name);
      if (s.near.prec) u.set('nprec', s.near.prec);
    }
    u.set('r', String(s.near.radius));
  }
  if (s.p) {
    u.set('p', s.p);
    if (s.d) u.set('d', '1');
  }
  if (s.choro) u.set('choro', '1');
  if (s.base) u.set('base', s.base);
  if (s.inview) u.set('inview', '1');
  if (s.embed) u.set('embed', '1');
  // "/" and "," need no escaping in a query; keeping them makes links readable.
  const q = u.toString().replace(/%2F/g, '/').replace(/%2C/g, ',');
  return q ? `?${q}` : '';
}

/**
 * The API's filter parameters for the state (what /api/practices.geojson and
 * .csv take), so a download holds exactly the selection shown.
 */
export function apiFilterParams(s, bbox) {
  const u = new URLSearchParams();
  if (s.area) u.set('category', s.area);
  if (s.woj) u.set('voivodeship', s.woj);
  if (s.pow) u.set('powiat', s.pow);
  if (s.gmi) u.set('gmina', s.gmi);
  if (s.ut) u.set('unit_type', s.ut);
  if (s.yf) u.set('year_from', String(s.yf));
  if (s.yt) u.set('year_to', String(s.yt));
  if (s.q.trim()) u.set('q', s.q.trim());
  if (s.near) {
    if (s.near.place) {
      u.set('near', s.near.place);
    } else {
      u.set('lat', String(s.near.lat));
      u.set('lon', String(s.near.lon));
    }
    u.set('radius_km', String(s.near.radius));
  }
  if (bbox) u.set('bbox', bbox.map((x) => round(x, 6)).join(','));
  return u;
}
