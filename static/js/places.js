// Place search with suggestions as you type: an ARIA combobox over the
// geocoder (/api/geocode). Each suggestion names its gmina, powiat and
// voivodeship (and its kind when the API gives one), so "Nowa Wieś" or
// "Dąbrowa" can be told apart before choosing.

import * as api from './api.js';

/** "41300" → "41-300": a postal code typed without its dash. */
export function normalisePlaceQuery(q) {
  const t = String(q || '').trim();
  return /^\d{5}$/.test(t) ? `${t.slice(0, 2)}-${t.slice(2)}` : t;
}

/** One geocoder answer as the page uses it: {name, lat, lon, precision, score, postal_code, gmina, powiat, voivodeship, kind}. */
export function placeOf(feature) {
  const p = feature.properties || {};
  const [lon, lat] = (feature.geometry && feature.geometry.coordinates) || [p.lon, p.lat];
  return { ...p, lat, lon };
}

/** "gm. Kęty, pow. oświęcimski, małopolskie": where a place lies. */
export function whereText(place, T) {
  const parts = [];
  if (place.gmina && place.gmina.name) parts.push(`${T.gminaShort} ${place.gmina.name}`);
  if (place.powiat && place.powiat.name) parts.push(`${T.powiatShort} ${place.powiat.name}`);
  if (place.voivodeship && place.voivodeship.name) parts.push(place.voivodeship.name);
  return parts.join(', ');
}

/** A place's one-line label: name, postal code, where it lies. */
export function placeLabel(place, T) {
  const head = [place.name, place.postal_code && place.postal_code !== place.name ? place.postal_code : ''].filter(Boolean).join(' ');
  const where = whereText(place, T);
  return where ? `${head} (${where})` : head;
}

/**
 * Wires suggestions to `input` (a text field) and `list` (an empty <ul>).
 * `onPick(place)` is called when a suggestion is chosen by click or Enter.
 */
export function attachSuggestions({ input, list, T, onPick }) {
  let items = [];
  let active = -1;
  let timer = null;
  let abort = null;
  let lastQuery = '';
  input.setAttribute('role', 'combobox');
  input.setAttribute('aria-autocomplete', 'list');
  input.setAttribute('aria-expanded', 'false');
  input.setAttribute('aria-controls', list.id);
  list.setAttribute('role', 'listbox');
  list.hidden = true;

  const close = () => {
    // A lookup still under way must not reopen the list.
    clearTimeout(timer);
    if (abort) abort.abort();
    items = [];
    active = -1;
    list.hidden = true;
    list.innerHTML = '';
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
  };

  const render = () => {
    list.innerHTML = '';
    items.forEach((place, i) => {
      const li = document.createElement('li');
      li.id = `${list.id}-${i}`;
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', String(i === active));
      li.dataset.index = String(i);
      const name = document.createElement('span');
      name.className = 'sg-name';
      name.textContent = [place.name, place.postal_code && place.postal_code !== place.name ? place.postal_code : ''].filter(Boolean).join(' ');
      li.appendChild(name);
      if (place.kind && T.placeKinds[place.kind]) {
        const kind = document.createElement('span');
        kind.className = 'sg-kind';
        kind.textContent = T.placeKinds[place.kind];
        li.appendChild(kind);
      }
      const where = document.createElement('span');
      where.className = 'sg-where';
      where.textContent = whereText(place, T);
      li.appendChild(where);
      list.appendChild(li);
    });
    list.hidden = items.length === 0;
    input.setAttribute('aria-expanded', String(items.length > 0));
    if (active >= 0) input.setAttribute('aria-activedescendant', `${list.id}-${active}`);
    else input.removeAttribute('aria-activedescendant');
  };

  const lookup = async () => {
    const q = normalisePlaceQuery(input.value);
    if (q === lastQuery) return;
    lastQuery = q;
    if (abort) abort.abort();
    if (q.length < 2) {
      close();
      return;
    }
    abort = new AbortController();
    try {
      const fc = await api.geocode(q, 8, abort.signal);
      // Typed on, or left the field meanwhile: this answer is stale.
      if (normalisePlaceQuery(input.value) !== q || document.activeElement !== input) return;
      items = (fc.features || []).map(placeOf);
      active = -1;
      render();
    } catch (e) {
      if (e.name === 'AbortError') return;
      close(); // nothing found (yet): no suggestions
    }
  };

  const pick = (i) => {
    const place = items[i];
    if (!place) return;
    input.value = place.name;
    lastQuery = normalisePlaceQuery(place.name);
    close();
    onPick(place);
  };

  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(lookup, 150);
  });
  input.addEventListener('keydown', (e) => {
    if (list.hidden || !items.length) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const n = items.length;
      active = e.key === 'ArrowDown' ? (active + 1) % n : (active - 1 + n) % n;
      render();
    } else if (e.key === 'Enter' && active >= 0) {
      e.preventDefault();
      e.stopPropagation();
      pick(active);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      close();
    }
  });
  // mousedown, not click: the input must not lose the pick to its blur.
  list.addEventListener('mousedown', (e) => {
    const li = e.target.closest('li[data-index]');
    if (!li) return;
    e.preventDefault();
    pick(Number(li.dataset.index));
  });
  input.addEventListener('blur', () => setTimeout(close, 150));
  return { close };
}
