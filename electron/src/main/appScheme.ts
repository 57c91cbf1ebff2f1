import { existsSync } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { protocol } from 'electron';
import { APP_HOST, APP_SCHEME, parseUrl } from './origin';

/**
 * The renderer's built files served from `app://atende/` (R-DT-01): a secure, standard origin
 * of its own (IndexedDB, BroadcastChannel, fetch and ES modules work as on https), never `file://`,
 * and every response carries the strict Content-Security-Policy below.
 */

/** Must run before `app` is ready: Chromium fixes the scheme table at start-up. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      privileges: {
        standard: true,
        secure: true,
        supportFetchAPI: true,
        // Vite emits `<script type="module" crossorigin>` and `<link crossorigin>`: such requests
        // go through CORS checks, which Chromium only runs for CORS-enabled schemes.
        corsEnabled: true,
        codeCache: true,
        // Never bypassCSP, and no service workers: the files are local, there is nothing to cache.
      },
    },
  ]);
}

/** The CSP sources of the sync server: its origin over HTTP(S) and the matching WebSocket one. */
export function serverSources(serverUrl: string): string[] {
  const url = parseUrl(serverUrl);
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) return [];
  const socket = `${url.protocol === 'https:' ? 'wss:' : 'ws:'}//${url.host}`;
  return [url.origin, socket];
}

/**
 * No inline script, no eval, no inline style (Vite emits a CSS file and Vue sets dynamic styles
 * through the CSSOM, which CSP does not restrict). Images and media may also come from the server
 * or from `blob:` URLs, which is how authorised attachments are shown once fetched.
 * `style-src-attr` alone allows inline style attributes: the emoji picker's shadow DOM writes
 * a few, and a style attribute can run nothing (message text is never rendered as HTML).
 */
export function contentSecurityPolicy(serverUrl: string): string {
  const server = serverSources(serverUrl);
  const httpServer = server.slice(0, 1);
  const directives: Array<[string, string[]]> = [
    ['default-src', ["'self'"]],
    ['script-src', ["'self'"]],
    ['style-src', ["'self'"]],
    ['style-src-attr', ["'unsafe-inline'"]],
    ['connect-src', ["'self'", ...server]],
    ['img-src', ["'self'", 'data:', 'blob:', ...httpServer]],
    ['media-src', ["'self'", 'blob:', ...httpServer]],
    ['font-src', ["'self'", 'data:']],
    ['worker-src', ["'self'"]],
    ['frame-src', ["'none'"]],
    ['object-src', ["'none'"]],
    ['base-uri', ["'none'"]],
    ['form-action', ["'none'"]],
    ['frame-ancestors', ["'none'"]],
  ];
  return directives.map(([name, sources]) => `${name} ${sources.join(' ')}`).join('; ');
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.wav': 'audio/wav',
};

export function contentType(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** Whether `candidate` is `root` or lies below it. */
function inside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/**
 * The file a request path names, or 'forbidden' when it tries to leave the folder. The path is
 * decoded once; encoded separators (`..%2f`), backslashes and NUL are refused outright rather than
 * normalised, and symbolic links must also resolve inside the folder.
 */
export async function resolveAppFile(root: string, pathname: string): Promise<string | 'forbidden' | 'missing'> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return 'forbidden';
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return 'forbidden';
  const segments = decoded.split('/').filter((segment) => segment !== '');
  if (segments.some((segment) => segment === '..' || segment === '.')) return 'forbidden';
  const candidate = path.resolve(root, ...segments);
  if (!inside(root, candidate)) return 'forbidden';
  try {
    const real = await realpath(candidate);
    if (!inside(await realpath(root), real)) return 'forbidden';
    return (await stat(real)).isFile() ? real : 'missing';
  } catch {
    return 'missing';
  }
}

type ResponseBody = ConstructorParameters<typeof Response>[0];

export interface AppFileHandlerOptions {
  /** The renderer's built folder (contains index.html). */
  root: string;
  /** Read per response so a changed server URL takes effect at the next load. */
  serverUrl: () => string;
}

export function createAppFileHandler(options: AppFileHandlerOptions): (request: Request) => Promise<Response> {
  const root = path.resolve(options.root);
  const respond = (status: number, body: ResponseBody, type = 'text/plain; charset=utf-8'): Response =>
    new Response(body, {
      status,
      headers: {
        'Content-Type': type,
        'Content-Security-Policy': contentSecurityPolicy(options.serverUrl()),
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-cache',
      },
    });

  return async (request) => {
    const url = parseUrl(request.url);
    if (!url || url.host !== APP_HOST) return respond(404, 'Not found');
    if (request.method !== 'GET' && request.method !== 'HEAD') return respond(405, 'Method not allowed');
    let file = await resolveAppFile(root, url.pathname);
    if (file === 'forbidden') return respond(403, 'Forbidden');
    // Single-page app: an unknown route (no extension) gets the app; a missing asset is a 404.
    if (file === 'missing' && path.extname(url.pathname) === '') file = await resolveAppFile(root, '/index.html');
    if (file === 'missing' || file === 'forbidden') return respond(404, 'Not found');
    const body = request.method === 'HEAD' ? null : new Uint8Array(await readFile(file));
    return respond(200, body, contentType(file));
  };
}

/**
 * Where the renderer's build lives. Packaged, `build/` copies `renderer/dist` into the app archive
 * as `renderer/` (so the asar integrity fuse covers it too); `extraResources/renderer` is accepted as
 * well. In development `electron/dist/main.js` sits two folders below the repository root, next
 * to `renderer/dist` built by `npm run build`.
 */
export function rendererDirCandidates(options: { isPackaged: boolean; appPath: string; resourcesPath: string; mainDir: string }): string[] {
  if (options.isPackaged) return [path.join(options.appPath, 'renderer'), path.join(options.resourcesPath, 'renderer')];
  return [path.resolve(options.mainDir, '..', '..', 'renderer', 'dist')];
}

export function findRendererDir(candidates: readonly string[]): string | undefined {
  return candidates.find((dir) => existsSync(path.join(dir, 'index.html')));
}

/** Serves `app://` on the default session; call once the app is ready. */
export function serveAppScheme(options: AppFileHandlerOptions): void {
  protocol.handle(APP_SCHEME, createAppFileHandler(options));
}
