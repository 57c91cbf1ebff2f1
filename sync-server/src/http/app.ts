import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express, type RequestHandler, type Router } from 'express';
import { DomainError, errorHandler, unknownRoute } from './errors.js';

export const BODY_LIMIT = '1mb';
const here = path.dirname(fileURLToPath(import.meta.url));
export const PUBLIC_DIR = path.resolve(here, '../../public');
const RENDERER_DIR = path.resolve(here, '../../../renderer');

/** Bearer tokens, no cookies: any origin may call the API without CSRF exposure (the widget is embedded anywhere). */
const cors: RequestHandler = (req, res, next) => {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type');
  res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PATCH, PUT, DELETE, OPTIONS');
  res.setHeader('Access-Control-Max-Age', '600');
  if (req.method === 'OPTIONS') {
    res.status(204).end();
    return;
  }
  next();
};

const securityHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  next();
};

/** The web build when present, else a page that says how to build it. */
export function webRoot(configured: string | undefined): string {
  if (configured) return path.resolve(configured);
  const built = path.join(RENDERER_DIR, 'dist');
  return existsSync(path.join(built, 'index.html')) ? built : path.join(PUBLIC_DIR, 'unbuilt');
}

/** Types of what electron-builder publishes; anything else is sent as the mime table says. */
const UPDATE_TYPES: Record<string, string> = {
  '.yml': 'text/yaml; charset=utf-8',
  '.blockmap': 'application/octet-stream',
  '.exe': 'application/vnd.microsoft.portable-executable',
  '.msi': 'application/x-msi',
  '.dmg': 'application/x-apple-diskimage',
  '.zip': 'application/zip',
  '.appimage': 'application/octet-stream',
  '.deb': 'application/vnd.debian.binary-package',
  '.rpm': 'application/x-rpm',
};

/** The desktop update feed (R-DT-06): the folder read-only, no listing, no dotfiles, feeds never cached. */
export function updatesFeed(dir: string | undefined): RequestHandler {
  if (!dir) {
    return (_req, _res, next) => {
      next(new DomainError('not_found', 'updates_not_configured', 'This server hosts no update feed (ATENDE_UPDATES_DIR is not set)'));
    };
  }
  return express.static(dir, {
    index: false,
    redirect: false,
    dotfiles: 'ignore',
    setHeaders(res, file) {
      const name = path.basename(file);
      const type = UPDATE_TYPES[path.extname(name).toLowerCase()];
      if (type) res.setHeader('Content-Type', type);
      if (/^latest.*\.yml$/i.test(name)) res.setHeader('Cache-Control', 'no-cache');
    },
  });
}

export function buildApp(options: {
  api: Array<[string, Router]>;
  /** Routers outside /api that parse their own bodies (channel webhooks need the raw bytes). */
  raw?: Array<[string, Router]>;
  webDir: string;
  updatesDir?: string | undefined;
  /** ATENDE_TRUST_PROXY: only these proxies may say who the client is; none by default. */
  trustProxy?: readonly string[];
  health: () => Record<string, unknown>;
  log: (message: string) => void;
}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxy?.length ? [...options.trustProxy] : false);
  app.use(securityHeaders);
  for (const [mount, router] of options.raw ?? []) app.use(mount, router);
  app.use('/api', cors, express.json({ limit: BODY_LIMIT, type: ['application/json', 'text/plain'] }));
  app.get('/api/health', (_req, res) => {
    res.json({ ok: true, ...options.health() });
  });
  for (const [mount, router] of options.api) app.use(mount, router);
  app.use('/api', unknownRoute);
  app.get('/widget.js', (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(path.join(PUBLIC_DIR, 'widget.js'));
  });
  app.use('/demo', express.static(path.join(PUBLIC_DIR, 'demo')));
  app.use('/updates', updatesFeed(options.updatesDir), unknownRoute);
  app.use(express.static(options.webDir));
  app.use(unknownRoute);
  app.use(errorHandler(options.log));
  return app;
}
