// "Redakcja": the review queue (newest first, filtered by voivodeship and
// area on the server), a waiting item with the importer's doubts, its
// comparison with the published version (field by field, with both pins on
// a small map), the decision (Opublikuj, Poproś o zmiany with a comment,
// Odrzuć) and the practice's history with Przywróć.

import { call } from './api.js';
import { el, when, say, errorText, fieldError } from './dom.js';
import { diffRows, pinOf, pinMoved } from './diff.js';

const enc = encodeURIComponent;

/** Builds the queue view into `root`; returns {load} (called when the view is shown). */
export function setupReview(root, { W, en, status }) {
  const L = window.L;
  const fieldName = (k) => W.fields[k] || k;
  const fieldList = (keys) => keys.map(fieldName).filter((v, i, a) => a.indexOf(v) === i).join(', ');

  // The queue: filters, count, list.
  const woj = el('select', { id: 'rv-f-woj', name: 'voivodeship' }, el('option', { value: '' }, W.allVoivodeships));
  const area = el('select', { id: 'rv-f-area', name: 'area' }, el('option', { value: '' }, W.allAreas));
  const count = el('p', { class: 'status', id: 'rv-count', role: 'status', 'aria-live': 'polite' });
  const list = el('ol', { class: 'rv-list', id: 'rv-queue-list', 'aria-labelledby': 'rv-q-title' });
  const idInput = el('input', { id: 'rv-id', type: 'text', autocomplete: 'off', spellcheck: 'false' });
  const idForm = el(
    'form',
    { class: 'rv-byid', onsubmit: (e) => { e.preventDefault(); if (idInput.value.trim()) openItem(idInput.value.trim()); } },
    el('label', { for: 'rv-id' }, W.practiceId),
    el('div', { class: 'row' }, el('div', { class: 'grow' }, idInput), el('button', { type: 'submit', class: 'btn btn-secondary' }, W.show)),
  );
  const queueBox = el(
    'section',
    { class: 'rv-queue', 'aria-labelledby': 'rv-q-title' },
    el('h3', { id: 'rv-q-title', tabindex: '-1' }, W.queueTitle),
    el(
      'form',
      { class: 'rv-filters', role: 'search', 'aria-label': W.filters, onsubmit: (e) => e.preventDefault() },
      el('div', { class: 'grow' }, el('label', { for: 'rv-f-woj' }, W.voivodeship), woj),
      el('div', { class: 'grow' }, el('label', { for: 'rv-f-area' }, W.area), area),
    ),
    count,
    list,
    el('h3', { id: 'rv-byid-title' }, W.openById),
    idForm,
  );
  const item = el('section', { class: 'rv-item', id: 'rv-item', 'aria-labelledby': 'rv-i-title', hidden: true });
  const columns = el('div', { class: 'rv-columns' }, queueBox, item);
  root.append(columns);
  woj.addEventListener('change', loadQueue);
  area.addEventListener('change', loadQueue);

  let options = false;
  async function fillOptions() {
    if (options) return;
    options = true;
    try {
      const [cats, regs] = await Promise.all([call('GET', '/api/categories'), call('GET', '/api/regions/voivodeships')]);
      for (const c of cats.body.categories || []) {
        area.append(el('option', { value: c.slug }, en ? c.name_en : c.name_pl));
      }
      const vs = (regs.body.features || []).map((f) => f.properties);
      vs.sort((a, b) => a.name.localeCompare(b.name, 'pl'));
      for (const v of vs) woj.append(el('option', { value: v.teryt }, en ? v.name_en || v.name : v.name));
    } catch (e) {
      options = false;
      say(status, errorText(W, e), true);
    }
  }

  let queueSeq = 0;
  async function loadQueue() {
    const seq = ++queueSeq;
    const q = new URLSearchParams();
    if (woj.value) q.set('voivodeship', woj.value);
    if (area.value) q.set('area', area.value);
    say(count, W.loading);
    try {
      const { body } = await call('GET', `/api/review/queue${q.toString() ? `?${q}` : ''}`);
      if (seq !== queueSeq) return;
      list.replaceChildren(...body.map(queueItem));
      say(count, W.queueCount(body.length));
    } catch (e) {
      if (seq === queueSeq) say(count, errorText(W, e), true);
    }
  }

  function queueItem(q) {
    const doubts = q.doubts && q.doubts.length
      ? el('div', { class: 'rv-doubts' }, el('p', { class: 'rv-doubts-h' }, `⚠ ${W.doubts}:`), el('ul', {}, q.doubts.map((d) => el('li', {}, d))))
      : null;
    return el(
      'li',
      { class: 'rv-qitem', 'data-id': q.id },
      el('button', { type: 'button', class: 'rv-open', onclick: () => openItem(q.id) }, q.title),
      el('p', { class: 'rv-kind' }, el('span', { class: `rv-badge rv-${q.kind}` }, W.kinds[q.kind] || q.kind), ' ', W.sentBy(q.author_name, when(q.at, en))),
      q.kind === 'pending_revision' && q.changed.length ? el('p', { class: 'muted' }, `${W.changedFields}: ${fieldList(q.changed)}`) : null,
      doubts,
    );
  }

  // One practice: the entry, the comparison, the decision, the history.
  let mini = null;
  let current = null;
  async function openItem(id, { quiet = false } = {}) {
    item.hidden = false;
    columns.classList.add('rv-item-open');
    item.setAttribute('aria-busy', 'true');
    if (!quiet) say(status, W.loading);
    try {
      const entry = (await call('GET', `/api/entries/${enc(id)}`)).body;
      const waiting = entry.status === 'submitted' || (entry.pending && entry.pending.status === 'submitted');
      let before = null;
      if (entry.public_version && entry.public_version !== entry.version) {
        before = (await call('GET', `/api/entries/${enc(id)}/revisions/${entry.public_version}`)).body;
      }
      const history = (await call('GET', `/api/entries/${enc(id)}/history`)).body;
      current = { id, entry };
      renderItem(entry, before, history, waiting);
      if (!quiet) say(status, '');
      const h = document.getElementById('rv-i-title');
      h.focus();
    } catch (e) {
      item.replaceChildren(el('h3', { id: 'rv-i-title', tabindex: '-1' }, id));
      say(status, e.status === 404 ? W.notFound : errorText(W, e), true);
      document.getElementById('rv-i-title').focus();
    } finally {
      item.removeAttribute('aria-busy');
    }
  }

  function renderItem(entry, before, history, waiting) {
    const after = entry.feature;
    const p = after.properties || {};
    const pend = entry.pending;
    const who = pend ? pend.author_name : (history.length ? history[history.length - 1].author_name : '');
    const at = pend ? pend.at : (history.length ? history[history.length - 1].at : '');
    const meta = waiting ? W.itemMeta(entry.status_label, who, when(at, en)) : W.statusOnly(entry.status_label);
    const parts = [
      el('div', { class: 'rv-item-head' },
        el('h3', { id: 'rv-i-title', tabindex: '-1' }, p.title || entry.feature.id),
        el('button', { type: 'button', class: 'btn btn-ghost rv-back', onclick: backToQueue }, W.back)),
      el('p', { class: 'muted' }, meta, ' ', el('span', { class: 'rv-id' }, entry.feature.id)),
    ];
    if (entry.doubts && entry.doubts.length) {
      parts.push(el('div', { class: 'rv-doubts' }, el('h4', {}, `⚠ ${W.doubts}`), el('ul', {}, entry.doubts.map((d) => el('li', {}, d)))));
    }
    parts.push(compareTable(before, after, waiting), miniMap(before, after));
    if (waiting) parts.push(decision());
    else parts.push(el('p', { class: 'muted' }, W.notWaiting));
    parts.push(historyList(history, entry));
    item.replaceChildren(...parts);
    drawMiniMap(before, after);
  }

  function compareTable(before, after, waiting) {
    const rows = diffRows(before, after);
    const two = Boolean(before);
    const caption = two ? W.compare : waiting ? W.compareNew : W.compareNone;
    const head = two
      ? el('tr', {}, el('th', { scope: 'col' }, W.field), el('th', { scope: 'col' }, W.before), el('th', { scope: 'col' }, W.after))
      : el('tr', {}, el('th', { scope: 'col' }, W.field), el('th', { scope: 'col' }, W.current));
    const body = rows.map((r) => {
      const name = el('th', { scope: 'row' }, fieldName(r.key));
      if (two) name.append(el('span', { class: r.changed ? 'rv-mark rv-changed' : 'rv-mark' }, r.changed ? `✎ ${W.changed}` : W.same));
      const cells = two
        ? [el('td', { class: r.changed ? 'rv-old' : '' }, r.before ? r.changed ? el('del', {}, r.before) : r.before : W.empty),
          el('td', { class: r.changed ? 'rv-new' : '' }, r.after ? r.changed ? el('ins', {}, r.after) : r.after : W.empty)]
        : [el('td', {}, r.after || W.empty)];
      return el('tr', { class: r.changed ? 'rv-row-changed' : '', 'data-field': r.key }, name, ...cells);
    });
    return el('div', { class: 'rv-table-wrap' },
      el('table', { class: `rv-diff${two ? ' rv-two' : ''}`, id: 'rv-diff' }, el('caption', {}, caption), el('thead', {}, head), el('tbody', {}, body)));
  }

  function miniMap(before, after) {
    const a = pinOf(after);
    const b = before ? pinOf(before) : null;
    const text = !a && !b ? W.noPlace : b ? W.pins(pinMoved(a, b)) : W.pinsOne;
    return el('div', { class: 'rv-mini-wrap' },
      el('div', { id: 'rv-mini', class: 'rv-mini', role: 'region', 'aria-label': W.mapLabel }),
      el('p', { class: 'muted', id: 'rv-mini-text' }, text));
  }

  let config = null;
  async function drawMiniMap(before, after) {
    if (mini) {
      mini.remove();
      mini = null;
    }
    const node = document.getElementById('rv-mini');
    const a = pinOf(after);
    const b = before ? pinOf(before) : null;
    if (!node || !L || (!a && !b)) {
      if (node) node.hidden = true;
      return;
    }
    mini = L.map(node, { attributionControl: true, zoomControl: true, scrollWheelZoom: false });
    if (config === null) {
      try {
        config = (await call('GET', '/api/config')).body;
      } catch (_) {
        config = {};
      }
    }
    if (!mini) return;
    if (config.tile_url) L.tileLayer(config.tile_url, { attribution: config.tile_attribution || '', maxZoom: 18 }).addTo(mini);
    const pin = (ll, cls, label) => L.marker(ll, {
      icon: L.divIcon({ className: `rv-pin ${cls}`, html: `<span aria-hidden="true">${label}</span>`, iconSize: null, iconAnchor: [0, 0] }),
      interactive: false, keyboard: false,
    }).addTo(mini);
    const pts = [];
    if (b) { pin(b, 'rv-pin-old', W.pinOld); pts.push(b); }
    if (a && (!b || pinMoved(a, b))) { pin(a, b ? 'rv-pin-new' : 'rv-pin-one', b ? W.pinNew : '●'); pts.push(a); }
    if (pts.length > 1) mini.fitBounds(L.latLngBounds(pts), { padding: [60, 60], maxZoom: 15 });
    else mini.setView(pts[0], 13);
    setTimeout(() => mini && mini.invalidateSize(), 50);
  }

  function decision() {
    const ta = el('textarea', { id: 'rv-comment', rows: '3', 'aria-describedby': 'rv-comment-hint rv-comment-err' });
    const err = el('p', { id: 'rv-comment-err', class: 'status error' });
    const btn = (action, label, cls) => el('button', { type: 'button', class: `btn ${cls}`, 'data-action': action, onclick: () => act(action, ta, err) }, label);
    return el('section', { class: 'rv-decision', 'aria-labelledby': 'rv-d-title' },
      el('h4', { id: 'rv-d-title' }, W.decision),
      el('label', { for: 'rv-comment' }, W.comment),
      el('p', { id: 'rv-comment-hint', class: 'muted' }, W.commentHint),
      ta,
      err,
      el('div', { class: 'row rv-actions' },
        btn('publish', W.publish, 'btn-primary'),
        btn('request_changes', W.requestChanges, 'btn-secondary'),
        btn('reject', W.reject, 'btn-secondary rv-danger')));
  }

  async function act(action, ta, err) {
    const comment = ta.value.trim();
    if ((action === 'request_changes' || action === 'reject') && !comment) {
      fieldError(ta, err, W.commentRequired);
      ta.focus();
      return;
    }
    fieldError(ta, err, '');
    const { id, entry } = current;
    const json = { action };
    if (comment) json.comment = comment;
    try {
      await call('POST', `/api/entries/${enc(id)}/actions`, { json, headers: { 'If-Match': entry.etag } });
      await loadQueue();
      await openItem(id, { quiet: true });
      say(status, W.done[action]);
    } catch (e) {
      say(status, errorText(W, e), true);
      if (e.status === 412) await openItem(id, { quiet: true });
    }
  }

  function historyList(history, entry) {
    const items = history.slice().reverse().map((h) => {
      const n = h.revision;
      const restorable = h.kind !== 'review' && n !== entry.version;
      const bits = [
        el('p', { class: 'rv-h-line' },
          el('strong', {}, W.revision(n)), ` · ${W.revKinds[h.kind] || h.kind} · ${W.statuses[h.status] || h.status} · `,
          `${h.author_name === 'system' ? W.authorSystem : h.author_name}, ${when(h.at, en)}`),
        el('p', { class: 'muted' }, h.kind === 'review' ? '' : h.changed.length ? W.fieldsChanged(fieldList(h.changed)) : W.noChange),
      ];
      if (h.comment) bits.push(el('p', { class: 'rv-h-comment' }, `${W.commentOf}: ${h.comment}`));
      if (restorable) {
        bits.push(el('button', { type: 'button', class: 'btn btn-secondary rv-restore', 'aria-label': W.restoreLabel(n), 'data-revision': n, onclick: () => restore(n) }, W.restore));
      }
      return el('li', { 'data-revision': n }, ...bits);
    });
    return el('section', { class: 'rv-history', 'aria-labelledby': 'rv-h-title' },
      el('h4', { id: 'rv-h-title' }, W.history), el('ol', { reversed: true }, items));
  }

  async function restore(n) {
    const { id, entry } = current;
    try {
      await call('POST', `/api/entries/${enc(id)}/restore`, { json: { revision: n }, headers: { 'If-Match': entry.etag } });
      await loadQueue();
      await openItem(id, { quiet: true });
      say(status, W.restored(n));
    } catch (e) {
      say(status, errorText(W, e), true);
      if (e.status === 412) await openItem(id, { quiet: true });
    }
  }

  function backToQueue() {
    const id = current && current.id;
    item.hidden = true;
    columns.classList.remove('rv-item-open');
    if (mini) {
      mini.remove();
      mini = null;
    }
    const row = id && list.querySelector(`li[data-id="${CSS.escape(id)}"] button`);
    (row || document.getElementById('rv-q-title')).focus();
  }

  return {
    async load() {
      await fillOptions();
      await loadQueue();
    },
    close() {
      if (mini) {
        mini.remove();
        mini = null;
      }
    },
  };
}
