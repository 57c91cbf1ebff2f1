import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * The server's operational log (R-OPS-05): one pino logger per server, JSON lines on stdout (or
 * the destination a test passes), so a log shipper reads fields instead of parsing sentences.
 * What must never reach a log: credentials (tokens, passwords, secrets, Authorization headers)
 * and, at info level and above, what customers and agents wrote (message `text`/`body`).
 */
export type LogLevel = 'silent' | 'error' | 'warn' | 'info' | 'debug';

export const REDACTED = '[Redacted]';

/** Field names whose values are credentials, wherever they appear in a logged object. */
const SECRET_KEYS = ['password', 'token', 'accessToken', 'refreshToken', 'secret', 'botToken', 'authorization', 'cookie', 'apiKey'];
/** What people wrote: kept out unless an operator asks for debug logs while chasing a problem. */
const CONTENT_KEYS = ['text', 'body'];

/** pino's redaction takes paths, not names: the names at the top and two levels down (headers, payloads). */
function pathsFor(keys: readonly string[]): string[] {
  return keys.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);
}

/**
 * A signed media link's token (`/channels/media/<token>`, channels/publicMedia.ts): it opens a
 * customer's file to whoever holds the URL, and upstream errors quote the URL they failed to fetch.
 * The token is URI-encoded, so it stops at the first character encoding would have escaped.
 */
export const SIGNED_MEDIA_LINK: [RegExp, string] = [/(\/channels\/media\/)[A-Za-z0-9%._~!*-]+/g, `$1${REDACTED}`];

/**
 * The `log(message)` callbacks all over the server hand over sentences, which path redaction
 * cannot see into: the shapes a credential or a text takes inside a sentence are masked here.
 */
const IN_SENTENCES: Array<[RegExp, string]> = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
  [/\b((?:access_?|refresh_?|bot_?)?token|password|secret|api_?key|signature|sig)=[^&\s"']+/gi, `$1=${REDACTED}`],
  [/"((?:access|refresh|bot)?[Tt]oken|password|secret|authorization)"\s*:\s*"[^"]*"/g, `"$1":"${REDACTED}"`],
  // Credentials inside URLs (redis://user:pw@host, http://admin:pw@couch).
  [/(\/\/[^/\s:@]+:)[^@\s/]+@/g, `$1${REDACTED}@`],
  SIGNED_MEDIA_LINK,
];
const CONTENT_IN_SENTENCES: Array<[RegExp, string]> = [[/"(text|body)"\s*:\s*"(?:[^"\\]|\\.)*"/g, `"$1":"${REDACTED}"`]];

export function scrub(sentence: string, level: LogLevel): string {
  const rules = level === 'debug' ? IN_SENTENCES : [...IN_SENTENCES, ...CONTENT_IN_SENTENCES];
  return rules.reduce((text, [pattern, replacement]) => text.replace(pattern, replacement), sentence);
}

export interface LoggerOptions {
  level: LogLevel;
  /** This node's name on every line (several nodes write to one log store). */
  nodeId: string;
  /** Where the lines go; stdout when absent. Tests pass a stream to read what was logged. */
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  const paths = options.level === 'debug' ? pathsFor(SECRET_KEYS) : pathsFor([...SECRET_KEYS, ...CONTENT_KEYS]);
  const level = options.level;
  return pino(
    {
      level,
      base: { node: options.nodeId },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Level names, not numbers: read by people as often as by machines.
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths, censor: REDACTED },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((arg) => (typeof arg === 'string' ? scrub(arg, level) : arg)) as Parameters<typeof method>);
        },
      },
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

/** Words that make a sentence from a `log` callback a warning rather than news (a forced shutdown too). */
const TROUBLE = /\b(fail(?:ed|s|ure)?|error|lost|dropped|refused|unreachable|timed out|abandoned|closed slow|forcing|still closing|stopping at once)\b/i;
/** A route's unexpected exception (http/errors.ts): a bug, not weather. */
const BUG = /^internal error:/;

/**
 * The `(message: string) => void` every module takes (kept as it is, no mass rewrite): the level
 * is read from the wording, so failures can be filtered as warnings and bugs as errors.
 */
export function lineLogger(logger: Logger): (message: string) => void {
  return (message) => {
    if (BUG.test(message)) logger.error(message);
    else if (TROUBLE.test(message)) logger.warn(message);
    else logger.info(message);
  };
}
