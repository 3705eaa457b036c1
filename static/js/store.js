// The page's one store: a value, `set`/`update` that replace parts of it and
// tell every listener, and `subscribe`. Pure (no DOM), tested under node.
//
// Listeners are called in the order they subscribed, with (next, prev, note):
// `note` is what the caller says about the change (e.g. {push: 'filter'} for a
// new history entry), passed through untouched. A listener may return a
// promise (an asynchronous render); `set` resolves when every one has.

/** A store holding `initial`. */
export function createStore(initial) {
  let value = initial;
  const listeners = [];
  const store = {
    /** The current value (treat as read-only: change it with set or update). */
    get: () => value,
    /** Replaces the keys of `patch` and notifies; resolves once every listener's render is done. */
    set(patch, note) {
      const prev = value;
      value = { ...value, ...patch };
      const renders = [];
      for (const listener of listeners.slice()) renders.push(listener(value, prev, note));
      return Promise.all(renders).then(() => undefined);
    },
    /** `set` with the patch that `fn(value)` returns. */
    update(fn, note) {
      return store.set(fn(value), note);
    },
    /** Calls `listener(next, prev, note)` after every change; returns the function that unsubscribes. */
    subscribe(listener) {
      listeners.push(listener);
      return () => {
        const i = listeners.indexOf(listener);
        if (i >= 0) listeners.splice(i, 1);
      };
    },
  };
  return store;
}

/** Did any of `keys` change between two values (compared by identity)? */
export function changed(next, prev, ...keys) {
  return keys.some((k) => next[k] !== prev[k]);
}
