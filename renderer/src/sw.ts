/**
 * Service worker of the web build: keeps the app shell (index.html and its hashed assets) so
 * the app starts from the local store while the server is unreachable (R-NET-04, R-NET-05).
 * Only the shell is cached (with assets fetched later, such as the emoji picker's data); API
 * calls, the socket, the widget and /demo/ never pass through it.
 * Written against minimal local types: the DOM and WebWorker libs cannot share one program.
 */
interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  readonly request: Request;
  respondWith(response: Promise<Response>): void;
}
interface WorkerScope {
  readonly registration: { readonly scope: string };
  readonly clients: { claim(): Promise<void> };
  skipWaiting(): Promise<void>;
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', listener: (event: FetchEvent) => void): void;
}

const worker = self as unknown as WorkerScope;
const CACHE = 'atende-shell-v1';
const scope = new URL(worker.registration.scope);
const shellUrl = scope.href;
const assetsPath = `${scope.pathname}assets/`;

/** The shell page and every asset it references, stored together. */
async function cacheShell(page: Response): Promise<void> {
  const cache = await caches.open(CACHE);
  const html = await page.clone().text();
  const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)]
    .map((match) => new URL(match[1] ?? '', shellUrl))
    .filter((url) => url.origin === scope.origin && url.pathname.startsWith(assetsPath));
  await Promise.all(assets.map(async (url) => (await cache.match(url)) ?? cache.add(url)));
  await cache.put(shellUrl, page);
}

worker.addEventListener('install', (event) => {
  event.waitUntil(
    fetch(shellUrl, { cache: 'no-cache' })
      .then((page) => (page.ok ? cacheShell(page) : undefined))
      .then(() => worker.skipWaiting()),
  );
});

worker.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
      .then(() => worker.clients.claim()),
  );
});

/** Network first, so a new build is picked up; the cached shell when the server is unreachable. */
async function navigate(request: Request): Promise<Response> {
  try {
    const page = await fetch(request);
    if (page.ok) await cacheShell(page.clone()).catch(() => undefined);
    return page;
  } catch (error) {
    const cached = await caches.match(shellUrl);
    if (cached) return cached;
    throw error;
  }
}

/** Assets carry a content hash in their names: a cached copy is always right. */
async function asset(request: Request): Promise<Response> {
  const cached = await caches.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) {
    const copy = response.clone();
    await caches.open(CACHE).then((cache) => cache.put(request, copy)).catch(() => undefined);
  }
  return response;
}

/**
 * The emoji picker asks `HEAD` of its bundled data before using its IndexedDB copy (to compare
 * ETags); offline, the cached GET answers with its headers so the picker does not report an error.
 */
async function assetHead(request: Request): Promise<Response> {
  try {
    return await fetch(request);
  } catch (error) {
    const cached = await caches.match(request.url);
    if (!cached) throw error;
    return new Response(null, { status: cached.status, headers: cached.headers });
  }
}

worker.addEventListener('fetch', (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (url.origin !== scope.origin) return;
  if (request.method === 'HEAD' && url.pathname.startsWith(assetsPath)) {
    event.respondWith(assetHead(request));
    return;
  }
  if (request.method !== 'GET') return;
  if (request.mode === 'navigate' && (url.pathname === scope.pathname || url.pathname === `${scope.pathname}index.html`)) {
    event.respondWith(navigate(request));
  } else if (url.pathname.startsWith(assetsPath)) {
    event.respondWith(asset(request));
  }
});
