import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createStore, changed } from '../../static/js/store.js';

test('set replaces the given keys and tells every listener, in order, with the note', () => {
  const store = createStore({ a: 1, b: { x: 1 } });
  const seen = [];
  store.subscribe((next, prev, note) => seen.push(['first', next.a, prev.a, note]));
  store.subscribe((next, prev) => seen.push(['second', next.b === prev.b]));
  const b = store.get().b;
  store.set({ a: 2 }, { push: 'filter' });
  assert.equal(store.get().a, 2);
  assert.equal(store.get().b, b, 'keys not in the patch are kept as they are');
  assert.deepEqual(seen, [['first', 2, 1, { push: 'filter' }], ['second', true]]);
});

test('update sets what its function returns; unsubscribing stops the calls', () => {
  const store = createStore({ n: 1 });
  let calls = 0;
  const off = store.subscribe(() => calls++);
  store.update((v) => ({ n: v.n + 1 }));
  off();
  store.set({ n: 10 });
  assert.equal(store.get().n, 10);
  assert.equal(calls, 1);
});

test('set resolves once every listener render is done; a listener may set again', async () => {
  const store = createStore({ q: '', drawn: '' });
  const order = [];
  store.subscribe(async (next, prev) => {
    if (next.q === prev.q) return;
    await new Promise((r) => setTimeout(r, 5));
    order.push('drawn');
  });
  store.subscribe((next, prev) => {
    if (next.q !== prev.q) store.set({ drawn: next.q });
  });
  await store.set({ q: 'x' });
  order.push('resolved');
  assert.deepEqual(order, ['drawn', 'resolved']);
  assert.equal(store.get().drawn, 'x');
});

test('changed compares keys by identity', () => {
  const list = [];
  assert.equal(changed({ a: list, b: 1 }, { a: list, b: 1 }, 'a', 'b'), false);
  assert.equal(changed({ a: [], b: 1 }, { a: list, b: 1 }, 'a'), true);
});
