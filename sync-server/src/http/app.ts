import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import cors from 'cors';
import express, { type Express, type Request, type RequestHandler, type Router } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { DESKTOP_APP_ORIGIN } from '@atende/protocol';
import { metricsBearer, onThisMachine } from '../auth/machine.js';
import { metricsRoute, readyRoute, type ReadinessSources } from '../observability/health.js';
import type { ServerMetrics } from '../observability/metrics.js';
import { accessLog, traceRoute } from '../observability/requests.js';
import { dictionaryFile } from './dictionaries.js';
import { DomainError, errorHandler, unknownRoute } from './errors.js';

export const BODY_LIMIT = '1mb';
const here = path.dirname(fileURLToPath(import.meta.url));
export const PUBLIC_DIR = path.resolve(here, '../../public');
const RENDERER_DIR = path.resolve(here, '../../../renderer');

const CORS_COMMON = {
  methods: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'],
  allowedHeaders: ['Authorization', 'Content-Type'],
  // Content-Disposition: the desktop app (another origin) names a downloaded report CSV as the server does (R-RT-06).
  exposedHeaders: ['Retry-After', 'X-Request-Id', 'Content-Disposition'],
  maxAge: 600,
  credentials: false,
};

/**
 * The website widget's routes (R-CH-02): any site may embed the widget, so any origin may call
 * them. The visitor's bearer token is the credential, never a cookie, so no site can act as a
 * visitor it has no token for.
 */
const widgetCors: RequestHandler = cors({ ...CORS_COMMON, origin: '*' });

/**
 * The agents' API answers cross-origin callers it knows: the page's own origin (the web build
 * the server serves; the Vite dev server proxies with its own Host), the desktop app
 * (DESKTOP_APP_ORIGIN, `app://atende`, in protocol) and ATENDE_CORS_ORIGINS. A page elsewhere gets no
 * CORS headers, so a browser keeps the answers from it even if it holds a stolen token.
 */
function agentCors(extra: readonly string[]): RequestHandler {
  const known = new Set([DESKTOP_APP_ORIGIN, ...extra]);
  const policy = cors((req, done) => {
    const origin = req.headers.origin;
    const own = `${(req as Request).protocol}://${req.headers.host ?? ''}`;
    done(null, { ...CORS_COMMON, origin: origin !== undefined && (origin === own || known.has(origin)) });
  });
  // The widget's routes have their own policy (above); this one must not add to it.
  return (req, res, next) => (req.path === '/webchat' || req.path.startsWith('/webchat/') ? next() : policy(req, res, next));
}

/** A preflight the policy refused still gets an answer (without CORS headers, so the browser stops there). */
const refusedPreflight: RequestHandler = (req, res, next) => {
  if (req.method !== 'OPTIONS') return next();
  res.setHeader('Vary', 'Origin');
  res.status(204).end();
};

/**
 * helmet on every answer, configured for what this server serves: the web build (scripts and
 * styles from itself; pictures and media as blob: URLs of fetched attachments; a WhatsApp
 * template's example image from Meta's CDN over https), the /demo page and the "not built" page
 * (inline <style> blocks, so style-src keeps 'unsafe-inline'; a style can run nothing), and
 * /widget.js, which other sites load with a plain <script> tag: that one answer is
 * Cross-Origin-Resource-Policy: cross-origin (the widget's own calls are CORS fetches, which
 * CORP does not govern). No upgrade-insecure-requests: the demo and many LAN installs run on
 * plain http, where upgrading the page's own requests to https would break it.
 */
const securityHeaders: RequestHandler = helmet({
  contentSecurityPolicy: {
    useDefaults: true,
    directives: {
      'connect-src': ["'self'"],
      'img-src': ["'self'", 'data:', 'blob:', 'https:'],
      'media-src': ["'self'", 'blob:'],
      'font-src': ["'self'", 'data:'],
      'style-src': ["'self'", "'unsafe-inline'"],
      'worker-src': ["'self'"],
      'upgrade-insecure-requests': null,
    },
  },
  referrerPolicy: { policy: 'no-referrer' },
  // No HSTS from here: this server speaks plain http (127.0.0.1 by default, the demo, LAN installs),
  // where the header means nothing, and the TLS-terminating proxy in front is the one that knows
  // the public name is always https (and whether subdomains are) — it sends HSTS.
  strictTransportSecurity: false,
});

const embeddable: RequestHandler = (_req, res, next) => {
  res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
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
  // The Ed25519 signature of a latest*.yml (issue 17), base64 text.
  '.sig': 'text/plain; charset=utf-8',
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
      // A metadata file and its signature are revalidated together: a cache must not pair a new one with an old one.
      if (/^latest.*\.yml(\.sig)?$/i.test(name)) res.setHeader('Cache-Control', 'no-cache');
    },
  });
}

/** Logs, metrics and readiness (R-OPS-05); without them (unit tests of routes) the app still serves. */
export interface AppObservability {
  logger: Logger;
  metrics: ServerMetrics;
  /** ATENDE_METRICS_TOKEN: bearer token for /metrics; unset, only loopback callers, and nobody behind ATENDE_TRUST_PROXY. */
  metricsToken: string | undefined;
  readiness: ReadinessSources;
}

/**
 * Who may read /metrics. With ATENDE_METRICS_TOKEN, whoever presents it (401 otherwise). Without
 * it, only callers on this machine (404 otherwise) — unless ATENDE_TRUST_PROXY says a reverse proxy
 * stands in front: nginx's plain `proxy_pass` adds no X-Forwarded-For, so a scrape from the
 * internet would reach us as a loopback caller with nothing to tell it apart. Then /metrics stays
 * shut (404) until the token is set, and the start-up log says so once.
 */
function metricsDoor(seen: AppObservability, behindProxy: boolean): RequestHandler {
  if (seen.metricsToken) return metricsBearer(seen.metricsToken);
  if (!behindProxy) return onThisMachine;
  seen.logger.warn('/metrics is closed (404): ATENDE_TRUST_PROXY is set and ATENDE_METRICS_TOKEN is not; a proxy on this machine makes every caller look local, so set ATENDE_METRICS_TOKEN to scrape');
  return unknownRoute;
}

export function buildApp(options: {
  api: Array<[string, Router]>;
  /** Routers outside /api that parse their own bodies (channel webhooks need the raw bytes). */
  raw?: Array<[string, Router]>;
  webDir: string;
  updatesDir?: string | undefined;
  /** ATENDE_DICTIONARIES_DIR: the desktop app's spelling dictionaries (issue 17); unset → 404. */
  dictionariesDir?: string | undefined;
  /** ATENDE_TRUST_PROXY: only these proxies may say who the client is; none by default. */
  trustProxy?: readonly string[];
  /** ATENDE_CORS_ORIGINS: other origins the agents' API answers (besides its own and the desktop app's). */
  corsOrigins?: readonly string[];
  health: () => Record<string, unknown>;
  observability?: AppObservability;
  log: (message: string) => void;
}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxy?.length ? [...options.trustProxy] : false);
  const seen = options.observability;
  // First, so the route pattern is caught wherever it is set and the time covers everything.
  app.use(traceRoute);
  if (seen) app.use(seen.metrics.timeRequests, accessLog(seen.logger));
  app.use(securityHeaders);
  for (const [mount, router] of options.raw ?? []) app.use(mount, router);
  app.use('/api/webchat', embeddable, widgetCors);
  app.use('/api', agentCors(options.corsOrigins ?? []), refusedPreflight);
  app.use('/api', express.json({ limit: BODY_LIMIT, type: ['application/json', 'text/plain'] }));
  app.get('/api/health', (_req, res) => {
    res.json({ ok: true, ...options.health() });
  });
  if (seen) {
    app.get('/api/ready', readyRoute(seen.readiness));
    app.get('/metrics', metricsDoor(seen, Boolean(options.trustProxy?.length)), metricsRoute(seen.metrics));
  }
  for (const [mount, router] of options.api) app.use(mount, router);
  app.use('/api', unknownRoute);
  app.get('/widget.js', embeddable, (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(path.join(PUBLIC_DIR, 'widget.js'));
  });
  app.use('/demo', express.static(path.join(PUBLIC_DIR, 'demo')));
  app.use('/updates', updatesFeed(options.updatesDir), unknownRoute);
  app.get('/dictionaries/:file', dictionaryFile(options.dictionariesDir));
  app.use(express.static(options.webDir));
  app.use(unknownRoute);
  app.use(errorHandler(options.log));
  return app;
}
