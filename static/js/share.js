// Share, embed and print: the link and <iframe> code of the current view, the
// embedded page (?embed=1: map and a compact list, no header) and the printed
// sheet (map on top, the selection as a table, filters and date in a header,
// credits in a footer).

import { formatState } from './state.js';

/** The absolute link of a state on the page at `origin + pathname`. */
export function shareUrl(origin, pathname, state) {
  return origin + pathname + formatState({ ...state, embed: false });
}

/** The <iframe> code that embeds a state. */
export function embedCode(origin, pathname, state, title) {
  const src = origin + pathname + formatState({ ...state, embed: true });
  const esc = (v) => String(v).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return `<iframe src="${esc(src)}" title="${esc(title)}" width="100%" height="520" style="border:0" loading="lazy" allow="geolocation"></iframe>`;
}

/** Wires the share dialog: `current()` gives the state to share. */
export function setupShareDialog({ T, current }) {
  const dialog = document.getElementById('share-dialog');
  const status = document.getElementById('share-status');
  document.getElementById('share-open').addEventListener('click', () => {
    const s = current();
    document.getElementById('share-link').value = shareUrl(location.origin, location.pathname, s);
    document.getElementById('share-embed').value = embedCode(location.origin, location.pathname, s, T.embedTitle);
    status.textContent = '';
    dialog.showModal();
    document.getElementById('share-link').select();
  });
  dialog.addEventListener('click', async (e) => {
    const b = e.target.closest('button[data-copy]');
    if (!b) return;
    const field = document.getElementById(b.dataset.copy);
    field.select();
    try {
      await navigator.clipboard.writeText(field.value);
    } catch (_) {
      document.execCommand('copy'); // no clipboard permission (e.g. http): the old way
    }
    status.textContent = T.shareCopied;
  });
}

/** Embedded mode: no header, a compact list, an "open full map" link to the same view. */
export function setupEmbed({ current }) {
  document.body.classList.add('embed');
  const link = document.getElementById('open-full');
  link.hidden = false;
  const update = () => {
    link.href = shareUrl(location.origin, location.pathname, current());
  };
  update();
  return update;
}

/**
 * Fills the print sheet (header with filters and date, the selection as a
 * table, credits) from `rows` ([{title, town, area, year}]) and `filters`
 * (["Obszar: Kultura", ...]).
 */
export function fillPrintSheet({ T, rows, total = rows.length, filters, creditsHtml }) {
  const esc = (v) => String(v ?? '').replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
  const date = new Date().toLocaleDateString(T.locale, { year: 'numeric', month: 'long', day: 'numeric' });
  document.getElementById('print-meta').textContent =
    `${T.printFilters}: ${filters.length ? filters.join('; ') : T.printNone}. ${T.printDate}: ${date}.` +
    (total > rows.length ? ` ${T.printPartial(rows.length.toLocaleString(T.locale), total.toLocaleString(T.locale))}` : '');
  const head = `<thead><tr><th>${esc(T.orderCol)}</th><th>${esc(T.listTitle)}</th><th>${esc(T.town)}</th><th>${esc(T.area)}</th><th>${esc(T.year)}</th></tr></thead>`;
  const body = rows
    .map((r, i) => `<tr><td>${i + 1}</td><td>${esc(r.title)}</td><td>${esc(r.town)}</td><td>${esc(r.area)}</td><td>${esc(r.year)}</td></tr>`)
    .join('');
  document.getElementById('print-table').innerHTML = `${head}<tbody>${body}</tbody>`;
  document.getElementById('print-credits').innerHTML = creditsHtml;
}
