/**
 * Scripts the renderer benchmark runs inside the page. They are plain JavaScript strings on
 * purpose: tsx compiles with `keepNames`, which would inject a `__name` helper into functions
 * serialised with `toString()`, and that helper does not exist in the page.
 *
 * Every time is `performance.now()` of the document, i.e. milliseconds since its navigation
 * started; the cold measurement subtracts the moment "Entrar" was clicked.
 */

/** What the page reports back (`window.__atendeBench`). */
export interface ProbeState {
  /** The click on "Entrar" (capture phase, before the app handles it). */
  clickAt: number | null;
  /** `.home` in the DOM. */
  home: number | null;
  /** The first `[data-conversation-id]` card in the DOM and visible. */
  firstCard: number | null;
  /** The "Em espera" count equals the expected number. */
  countSeen: number | null;
  /** Both of the above: the waiting list is complete in the DOM. */
  complete: number | null;
  /** The end of the first frame after `complete` (requestAnimationFrame, then a task): painted. */
  completePainted: number | null;
  /** `.home[data-sync-state="synced"]`: every collection's awaitInitialReplication resolved. */
  synced: number | null;
  syncState: string | null;
  /** The last "Em espera" count read. */
  count: number | null;
  /** Main-thread tasks over 50 ms (PerformanceObserver 'longtask'): the page was busy, not waiting. */
  longTasks: { count: number; totalMs: number; top: Array<[number, number]> };
}

export interface IdbState {
  /** First time the seeded documents were all in the RxDB Dexie tables. */
  conversations: number | null;
  messages: number | null;
  last: { at: number; conversations: number; messages: number } | null;
  /** [ms since navigation, conversations, messages], about one per second. */
  samples: Array<[number, number, number]>;
  polls: number;
  /** The slowest poll [started at, ms]: a poll waits behind the app's IndexedDB transactions. */
  slowest: [number, number] | null;
  errors: number;
  /** The last failure: [at, message]. */
  error: [number, string] | null;
}

/** Installed with `context.addInitScript`, so it runs first in every document of the context. */
export function domProbe(expectedWaiting: number, intervalMs = 50): string {
  return `(() => {
  if (window.__atendeBench) return;
  const expected = ${JSON.stringify(expectedWaiting)};
  const b = {
    clickAt: null, home: null, firstCard: null, countSeen: null, complete: null, completePainted: null,
    synced: null, syncState: null, count: null, longTasks: { count: 0, totalMs: 0, top: [] },
  };
  window.__atendeBench = b;
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        if (b.clickAt !== null && entry.startTime < b.clickAt) continue;
        const t = b.longTasks;
        t.count += 1;
        t.totalMs += entry.duration;
        t.top.push([Math.round(entry.startTime), Math.round(entry.duration)]);
        t.top.sort((x, y) => y[1] - x[1]);
        if (t.top.length > 10) t.top.length = 10;
      }
    }).observe({ type: 'longtask', buffered: true });
  } catch {}
  document.addEventListener('click', (event) => {
    const button = event.target instanceof Element ? event.target.closest('button') : null;
    if (b.clickAt === null && button && button.textContent.trim() === 'Entrar') b.clickAt = performance.now();
  }, true);
  let timer = null;
  // Polled, not observed: each waiting card re-renders its live waiting time every second on its
  // own timer, and a MutationObserver (or a forced layout per mutation) would slow the app down.
  const check = () => {
    const now = performance.now();
    const home = document.querySelector('.home');
    if (!home) return;
    if (b.home === null) b.home = now;
    b.syncState = home.getAttribute('data-sync-state');
    if (b.synced === null && b.syncState === 'synced') b.synced = now;
    if (b.firstCard === null) {
      const card = document.querySelector('[data-conversation-id]');
      // checkVisibility forces a layout: asked only until the first card is seen.
      if (card && (typeof card.checkVisibility !== 'function' || card.checkVisibility())) b.firstCard = now;
    }
    const counter = document.querySelector('.home [role="tab"] .count');
    const tab = counter && counter.closest('[role="tab"]');
    const count = tab && tab.textContent.includes('Em espera') ? Number.parseInt(counter.textContent, 10) : null;
    b.count = Number.isNaN(count) ? null : count;
    if (b.countSeen === null && b.count === expected) b.countSeen = now;
    if (b.complete === null && b.firstCard !== null && b.count === expected) {
      b.complete = now;
      requestAnimationFrame(() => setTimeout(() => { b.completePainted = performance.now(); }, 0));
    }
    if (b.complete !== null && b.synced !== null) clearInterval(timer);
  };
  timer = setInterval(check, ${JSON.stringify(intervalMs)});
})();`;
}

/**
 * Counts the seeded ids in the RxDB Dexie tables (`rxdb-dexie-<db>--<schema version>--<collection>`,
 * object store `docs`, keyed by the primary key `id`) every `intervalMs` through its own read-only
 * IndexedDB connections (`window.__atendeIdb`). The app's RxDB instance is not reachable from
 * outside the bundle, so this runs in a second page of the same origin that does not load the app:
 * there its polls are not delayed by the app's busy main thread.
 */
export function idbProbe(
  prefixes: { conversations: string; messages: string },
  expected: { conversations: number; messages: number },
  intervalMs: number,
): string {
  return `(() => {
  if (window.__atendeIdb) return;
  const prefixes = ${JSON.stringify(prefixes)};
  const expected = ${JSON.stringify(expected)};
  const state = { conversations: null, messages: null, last: null, samples: [], polls: 0, slowest: null, errors: 0, error: null };
  window.__atendeIdb = state;
  let lastSample = -Infinity;
  const count = (name, prefix) => new Promise((resolve, reject) => {
    const request = indexedDB.open(name);
    request.onerror = () => reject(request.error);
    // Never create a database the app has not created yet.
    request.onupgradeneeded = () => request.transaction.abort();
    request.onsuccess = () => {
      const db = request.result;
      db.onversionchange = () => db.close();
      try {
        if (!db.objectStoreNames.contains('docs')) { db.close(); resolve(0); return; }
        const counting = db.transaction('docs', 'readonly').objectStore('docs')
          .count(IDBKeyRange.bound(prefix, prefix + '\\uffff'));
        counting.onsuccess = () => { db.close(); resolve(counting.result); };
        counting.onerror = () => { db.close(); reject(counting.error); };
      } catch (error) { db.close(); reject(error); }
    };
  });
  const tick = async () => {
    state.polls += 1;
    const started = performance.now();
    try {
      const names = (await indexedDB.databases()).map((d) => d.name || '');
      const find = (collection) => names.find((n) => n.startsWith('rxdb-dexie-') && n.endsWith('--' + collection));
      const conversationsDb = find('conversations');
      const messagesDb = find('messages');
      const conversations = conversationsDb ? await count(conversationsDb, prefixes.conversations) : 0;
      const messages = messagesDb ? await count(messagesDb, prefixes.messages) : 0;
      const at = performance.now();
      if (!state.slowest || at - started > state.slowest[1]) state.slowest = [Math.round(started), Math.round(at - started)];
      state.last = { at, conversations, messages };
      if (state.conversations === null && conversations >= expected.conversations) state.conversations = at;
      if (state.messages === null && messages >= expected.messages) state.messages = at;
      if (at - lastSample >= 1000) { state.samples.push([Math.round(at), conversations, messages]); lastSample = at; }
    } catch (error) {
      state.errors += 1;
      state.error = [Math.round(performance.now()), String((error && (error.name + ': ' + error.message)) || error)];
    }
    if (state.conversations !== null && state.messages !== null) {
      state.samples.push([Math.round(state.last.at), state.last.conversations, state.last.messages]);
      return;
    }
    setTimeout(tick, ${JSON.stringify(intervalMs)});
  };
  void tick();
})();`;
}
