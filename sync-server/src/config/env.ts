/**
 * Reading environment variables for the configuration (README lists every key): one set of rules
 * for every part of it (an empty variable counts as unset; whole numbers in a range; http(s)
 * URLs), so config.ts and its sections (tickets, telephony) read and refuse alike.
 */
export type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** A set variable; an empty one counts as unset, as it does for every key here. */
export function str(env: Env, key: string): string | undefined {
  const raw = env[key];
  return raw === undefined || raw === '' ? undefined : raw;
}

/** A comma-separated setting as its non-empty, trimmed entries ([] when unset). */
export function list(env: Env, key: string): string[] {
  return (str(env, key) ?? '').split(',').map((entry) => entry.trim()).filter(Boolean);
}

export function int(env: Env, key: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const raw = str(env, key);
  if (raw === undefined) return fallback;
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
    throw new ConfigError(`${key} must be an integer ${range}, got "${raw}"`);
  }
  return value;
}

/** An absolute URL of one of `protocols` (e.g. `['http:', 'https:']`), as set; undefined when unset. */
export function url(env: Env, key: string, protocols: readonly string[]): string | undefined {
  const raw = str(env, key);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    // Not echoed: a URL may carry a password (SMTP_URL's user:password@), and this message reaches the log.
    throw new ConfigError(`${key} is not a URL (its value is not shown: it may hold a password)`);
  }
  if (!protocols.includes(parsed.protocol)) throw new ConfigError(`${key} must start with ${protocols.map((p) => `${p}//`).join(' or ')}`);
  return raw;
}

export const HTTP: readonly string[] = ['http:', 'https:'];
