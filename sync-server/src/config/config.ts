import { statSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { REPLICA_DAYS_DEFAULT } from '@atende/protocol';
import { ConfigError, HTTP, int, list, str, url, type Env } from './env.js';
import { loadTelephonyConfig, type TelephonyConfig } from './telephony.js';
import { loadTicketConfig, type TicketConfig } from './tickets.js';
import { loadTrustProxy } from './trustProxy.js';

/** Configuration from the environment, validated once at start-up (README lists every key). */
export type StoreConfig =
  | { driver: 'embedded'; dataDir: string }
  | { driver: 'couchdb'; couchUrl: string; couchDb: string };

export interface Config {
  host: string;
  port: number;
  store: StoreConfig;
  demo: boolean;
  demoPassword: string;
  /** The demo's two weeks of past conversations (issue 16), for the supervisor's charts and reports; `npm start` turns it on. */
  demoHistory: boolean;
  /** The WhatsApp simulator beside the demo (issue 10): its Graph endpoints and customer page on loopback. */
  whatsappSimulator: boolean;
  /** The Telegram and Meta (Messenger, Instagram) simulators beside the demo (issue 11), same idea. */
  simulators: boolean;
  /** Token signing secret; when absent a random one is generated and kept in the store. */
  secret: string | undefined;
  timeZone: string;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  /** Guesses per account and place (IPv4 address or IPv6 /64), and per account from places it has not signed in from lately (auth/throttle.ts). */
  lockout: { attempts: number; windowMs: number; accountAttempts: number };
  presenceGraceMs: number;
  /** SIGTERM drains for at most this long (requests, jobs, sockets), then the rest is cut off (issue 14). */
  shutdownTimeoutMs: number;
  publicRateLimitPerMinute: number;
  /** Reverse proxies whose X-Forwarded-For is believed (IPs/CIDRs); empty trusts nobody. */
  trustProxy: string[];
  webDir: string | undefined;
  /** Desktop update feed served read-only at /updates/ (R-DT-06); absent → /updates/ answers 404. */
  updatesDir: string | undefined;
  /** Chromium spelling dictionaries (.bdic) served at /dictionaries/ to the desktop app (issue 17); absent → 404. */
  dictionariesDir: string | undefined;
  logLevel: 'silent' | 'error' | 'warn' | 'info' | 'debug';
  /** Bearer token for GET /metrics; unset, only callers on this machine (not through a proxy) may read it. */
  metricsToken: string | undefined;
  /** Origins besides its own and the desktop app's that the agents' API answers (CORS); the widget's routes answer any. */
  corsOrigins: string[];
  /** Where upstream services (Meta, Telegram) reach this server; webhook URLs are built from it. */
  publicUrl: string | undefined;
  /** Redis for several nodes: bus, shared rate limits, presence and BullMQ jobs. */
  redisUrl: string | undefined;
  /** This node's name in logs, job leases and presence keys. */
  nodeId: string;
  /** Finished conversations (and their messages) stay in replicas this many days (ARCHITECTURE §4). */
  replicaDays: number;
  /**
   * Files that must outlive the store (issue 19: the erasure ledger's copy, applied when a backup
   * is restored): ATENDE_PRIVACY_DIR, else `privacy` inside the embedded data folder, else `.atende-privacy`.
   */
  privacyDir: string;
  /** A Reclame Aqui account's first poll imports complaints changed in this many past days, not the whole history. */
  reclameAquiFirstPollDays: number;
  /** The outgoing ticket integration (issue 13, R-WS-14). */
  tickets: TicketConfig;
  /** Click-to-call (issue 13, R-WS-16). */
  telephony: TelephonyConfig;
  /** Outgoing e-mail (invitations, password links, R-AUTH-02): unset SMTP_URL prints messages on the server's output. */
  mail: { smtpUrl: string | undefined; from: string };
  /** Minutes a password link (invitation, "Esqueceu a senha?") stays valid. */
  passwordLinkMinutes: number;
  /** Outgoing webhooks (issue 15, R-RT-05): private targets allowed (tests, demo), retry waits and attempts. */
  webhooks: { allowPrivate: boolean; retryBaseMs: number; retryMaxMs: number; maxAttempts: number };
}

export const RECLAME_AQUI_FIRST_POLL_DAYS_DEFAULT = 30;

// Re-exported: the rest of the server knows ConfigError from here.
export { ConfigError };

function flag(env: Env, key: string): boolean | undefined {
  const raw = str(env, key);
  if (raw === undefined) return undefined;
  if (['1', 'true', 'yes'].includes(raw)) return true;
  if (['0', 'false', 'no'].includes(raw)) return false;
  throw new ConfigError(`${key} must be 1 or 0, got "${raw}"`);
}

/** Without a trailing slash: webhook URLs are built by appending paths to the public one. */
function trimmedUrl(env: Env, key: string, protocols: readonly string[]): string | undefined {
  return url(env, key, protocols)?.replace(/\/+$/, '');
}

function timeZone(value: string): string {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return value;
  } catch {
    throw new ConfigError(`ATENDE_TIMEZONE "${value}" is not a known time zone`);
  }
}

/** An existing folder, resolved; checked now so a typo fails at start-up, not at the first update check. */
function folder(env: Env, key: string): string | undefined {
  const raw = str(env, key);
  if (raw === undefined) return undefined;
  const resolved = path.resolve(raw);
  let isFolder = false;
  try {
    isFolder = statSync(resolved).isDirectory();
  } catch {
    /* missing or unreadable: reported below */
  }
  if (!isFolder) throw new ConfigError(`${key} "${raw}" is not an existing folder`);
  return resolved;
}

export function loadConfig(env: Env = process.env): Config {
  const couchUrl = str(env, 'COUCHDB_URL');
  let store: StoreConfig;
  if (couchUrl) {
    try {
      new URL(couchUrl);
    } catch {
      throw new ConfigError(`COUCHDB_URL "${couchUrl}" is not a URL`);
    }
    const couchDb = str(env, 'ATENDE_COUCHDB_DB') ?? 'atende-main';
    if (!/^[a-z][a-z0-9_$()+/-]*$/.test(couchDb)) {
      throw new ConfigError(`ATENDE_COUCHDB_DB "${couchDb}" is not a valid CouchDB database name`);
    }
    store = { driver: 'couchdb', couchUrl, couchDb };
  } else {
    store = { driver: 'embedded', dataDir: path.resolve(str(env, 'ATENDE_DATA_DIR') ?? '.atende-data') };
  }
  const logLevel = str(env, 'ATENDE_LOG_LEVEL') ?? 'info';
  if (!isLogLevel(logLevel)) {
    throw new ConfigError(`ATENDE_LOG_LEVEL must be silent, error, warn, info or debug, got "${logLevel}"`);
  }
  const metricsToken = str(env, 'ATENDE_METRICS_TOKEN');
  if (metricsToken !== undefined && metricsToken.length < 16) throw new ConfigError('ATENDE_METRICS_TOKEN must have at least 16 characters');
  const demoPassword = str(env, 'ATENDE_DEMO_PASSWORD') ?? 'atende123';
  if (demoPassword.length < 6) throw new ConfigError('ATENDE_DEMO_PASSWORD must have at least 6 characters');
  const secret = str(env, 'ATENDE_SECRET');
  if (secret !== undefined && secret.length < 32) {
    throw new ConfigError('ATENDE_SECRET must have at least 32 characters');
  }
  // Demo data only where it cannot pollute a real database by accident.
  const demo = flag(env, 'ATENDE_DEMO') ?? store.driver === 'embedded';
  // ATENDE_SIMULATORS switches every simulator; the older ATENDE_WHATSAPP_SIMULATOR still decides WhatsApp's.
  const simulators = flag(env, 'ATENDE_SIMULATORS') ?? demo;
  const whatsappSimulator = flag(env, 'ATENDE_WHATSAPP_SIMULATOR') ?? simulators;
  // The simulators play the demo organisation's accounts: without the demo they have none to serve.
  if (simulators && !demo) throw new ConfigError('ATENDE_SIMULATORS=1 needs the demo organisation (ATENDE_DEMO=1)');
  if (whatsappSimulator && !demo) throw new ConfigError('ATENDE_WHATSAPP_SIMULATOR=1 needs the demo organisation (ATENDE_DEMO=1)');
  // Off by default: tests count conversations on a fresh demo and expect empty lists. Without the
  // demo there is no organisation to give a history to (`npm start` asks for it with any store).
  const demoHistory = demo && (flag(env, 'ATENDE_DEMO_HISTORY') ?? false);
  const lockoutAttempts = int(env, 'ATENDE_LOCKOUT_ATTEMPTS', 5, 1);
  return {
    host: str(env, 'HOST') ?? '127.0.0.1',
    port: int(env, 'PORT', 8080, 0, 65_535),
    store,
    demo,
    demoPassword,
    demoHistory,
    whatsappSimulator,
    simulators,
    secret,
    timeZone: timeZone(str(env, 'ATENDE_TIMEZONE') ?? 'America/Sao_Paulo'),
    accessTtlSeconds: int(env, 'ATENDE_ACCESS_TTL_S', 900, 10),
    refreshTtlSeconds: int(env, 'ATENDE_REFRESH_TTL_S', 30 * 24 * 3600, 60),
    lockout: {
      attempts: lockoutAttempts,
      windowMs: int(env, 'ATENDE_LOCKOUT_MINUTES', 15, 1) * 60_000,
      accountAttempts: int(env, 'ATENDE_LOCKOUT_ACCOUNT_ATTEMPTS', lockoutAttempts * 10, 1),
    },
    presenceGraceMs: int(env, 'ATENDE_PRESENCE_GRACE_MS', 30_000),
    shutdownTimeoutMs: int(env, 'ATENDE_SHUTDOWN_TIMEOUT_MS', 10_000, 100, 600_000),
    publicRateLimitPerMinute: int(env, 'ATENDE_PUBLIC_RATE_LIMIT', 600, 1),
    trustProxy: loadTrustProxy(env),
    webDir: str(env, 'ATENDE_WEB_DIR'),
    updatesDir: folder(env, 'ATENDE_UPDATES_DIR'),
    dictionariesDir: folder(env, 'ATENDE_DICTIONARIES_DIR'),
    logLevel,
    metricsToken,
    corsOrigins: corsOrigins(list(env, 'ATENDE_CORS_ORIGINS')),
    publicUrl: trimmedUrl(env, 'ATENDE_PUBLIC_URL', HTTP),
    redisUrl: trimmedUrl(env, 'REDIS_URL', ['redis:', 'rediss:']),
    nodeId: nodeId(str(env, 'ATENDE_NODE_ID')),
    replicaDays: int(env, 'ATENDE_REPLICA_DAYS', REPLICA_DAYS_DEFAULT, 1, 3650),
    privacyDir: path.resolve(str(env, 'ATENDE_PRIVACY_DIR') ?? (store.driver === 'embedded' ? path.join(store.dataDir, 'privacy') : '.atende-privacy')),
    reclameAquiFirstPollDays: int(env, 'RECLAME_AQUI_FIRST_POLL_DAYS', RECLAME_AQUI_FIRST_POLL_DAYS_DEFAULT, 0, 3650),
    tickets: loadTicketConfig(env),
    telephony: loadTelephonyConfig(env),
    mail: { smtpUrl: url(env, 'SMTP_URL', ['smtp:', 'smtps:']), from: str(env, 'MAIL_FROM') ?? 'Atende <no-reply@localhost>' },
    passwordLinkMinutes: int(env, 'ATENDE_PASSWORD_LINK_MINUTES', 30, 1, 7 * 24 * 60),
    webhooks: {
      // The demo's receivers run on this machine, as its simulators do.
      allowPrivate: flag(env, 'ATENDE_WEBHOOKS_ALLOW_PRIVATE') ?? demo,
      retryBaseMs: int(env, 'ATENDE_WEBHOOKS_RETRY_BASE_MS', 30_000, 1),
      retryMaxMs: int(env, 'ATENDE_WEBHOOKS_RETRY_MAX_MS', 3_600_000, 1),
      maxAttempts: int(env, 'ATENDE_WEBHOOKS_MAX_ATTEMPTS', 12, 1, 100),
    },
  };
}

const LOG_LEVELS = ['silent', 'error', 'warn', 'info', 'debug'] as const;
function isLogLevel(value: string): value is Config['logLevel'] {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

/**
 * ATENDE_CORS_ORIGINS: a comma list of origins (`https://crm.example.com`, `app://other`), each
 * compared with a browser's Origin header as written: scheme, host and port, no path.
 */
function corsOrigins(entries: string[]): string[] {
  return entries.map((entry) => {
    let parsed: URL | undefined;
    try {
      parsed = new URL(entry);
    } catch {
      /* reported below */
    }
    const origin = parsed && parsed.host ? `${parsed.protocol}//${parsed.host}` : undefined;
    if (!origin || origin.toLowerCase() !== entry.replace(/\/+$/, '').toLowerCase()) {
      throw new ConfigError(`ATENDE_CORS_ORIGINS: "${entry}" is not an origin (scheme://host[:port], no path)`);
    }
    return origin;
  });
}

function nodeId(raw: string | undefined): string {
  if (raw === undefined) return `${hostname().replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 40)}-${process.pid}`;
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(raw)) throw new ConfigError(`ATENDE_NODE_ID must be 1–64 of A-Z a-z 0-9 _ -, got "${raw}"`);
  return raw;
}
