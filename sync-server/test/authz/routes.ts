import type { Express } from 'express';

/**
 * What the running Express app really answers, read from its router stack (Express 5 / router 2),
 * so a route added with a plain `router.get(...)` shows up as surely as one from `implement()`:
 * - `GET /api/conversations/:id/messages` for a route (one key per method);
 * - `USE /demo` for middleware mounted on a path of its own (static folders, feeds);
 * - `STATIC /` for a static folder mounted at the root (the web app).
 * Other middleware at its router's root (headers, parsers, auth guards, error handlers) answers
 * no route of its own.
 */
interface Layer {
  name?: string;
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

function pathText(raw: unknown): string {
  if (typeof raw === 'string') return raw;
  if (Array.isArray(raw)) return raw.map(pathText).join('|');
  return String(raw);
}

function join(prefix: string, path: string): string {
  const joined = `${prefix}/${path}`.replace(/\/+/g, '/');
  return joined.length > 1 ? joined.replace(/\/$/, '') : joined;
}

function walk(stack: readonly Layer[], prefix: string, keys: Set<string>): void {
  for (const layer of stack) {
    const path = pathText(layer.rawPath ?? '/');
    if (layer.route) {
      const full = join(prefix, pathText(layer.route.path));
      for (const [method, on] of Object.entries(layer.route.methods)) {
        if (on) keys.add(`${method === '_all' ? 'ALL' : method.toUpperCase()} ${full}`);
      }
    } else if (layer.handle?.stack) {
      walk(layer.handle.stack, join(prefix, path), keys);
    } else if (path !== '/') {
      keys.add(`USE ${join(prefix, path)}`);
    } else if (layer.name === 'serveStatic') {
      keys.add(`STATIC ${join(prefix, '/')}`);
    }
  }
}

/** Every route key the app registers, sorted. */
export function registeredRoutes(app: Express): string[] {
  const router = (app as unknown as { router?: { stack?: Layer[] } }).router;
  if (!router?.stack) throw new Error('the Express app has no router stack to read (Express 5 expected)');
  const keys = new Set<string>();
  walk(router.stack, '', keys);
  return [...keys].sort();
}
