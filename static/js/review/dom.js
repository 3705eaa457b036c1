// Small DOM helpers of the review views: elements without innerHTML (every
// text from the API goes in as text), dates in the page's language, and
// errors in words.

/** An element: `el('button', {type: 'button', class: 'btn'}, 'Tekst', child)`. */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

/** An RFC 3339 time as people read it. */
export function when(iso, en) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso || '';
  return d.toLocaleString(en ? 'en-GB' : 'pl-PL', { dateStyle: 'medium', timeStyle: 'short' });
}

/** A status line: `say(node, text, isError)`; screen readers hear it (role=status). */
export function say(node, text, error = false) {
  node.textContent = text;
  node.classList.toggle('error', Boolean(error));
}

/** A ReviewError in words. */
export function errorText(W, e) {
  if (!e) return '';
  if (e.status === 401) return W.sessionEnded;
  if (e.status === 403) return W.forbidden;
  if (e.status === 412) return W.stale;
  return W.failed(e.message || String(e));
}

/** Marks a field invalid with a message next to it (or clears it). */
export function fieldError(input, msgNode, text) {
  msgNode.textContent = text || '';
  if (text) {
    input.setAttribute('aria-invalid', 'true');
  } else {
    input.removeAttribute('aria-invalid');
  }
}
