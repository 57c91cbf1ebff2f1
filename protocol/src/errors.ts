import type { ZodType } from 'zod';

/**
 * Domain failures with a stable machine-readable code (ARCHITECTURE §1). The domain throws these;
 * each edge (HTTP, WebSocket, webhooks, jobs) translates the kind into its own terms, e.g. the
 * HTTP layer maps `conflict` to 409. Clients switch on `code`, never on the message.
 */
export const ERROR_KINDS = [
  'invalid', // 400
  'unauthenticated', // 401
  'forbidden', // 403
  'not_found', // 404
  'conflict', // 409
  'gone', // 410
  'too_large', // 413
  'unsupported_type', // 415
  'unprocessable', // 422
  'locked', // 423
  'rate_limited', // 429
  'unavailable', // 503
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (what: string) => new DomainError('not_found', 'not_found', `${what} not found`);
export const forbidden = (message = 'You may not do this') => new DomainError('forbidden', 'forbidden', message);

/** Parses input with a protocol schema or throws an `invalid` error naming the offending fields. */
export function parse<T>(schema: ZodType<T>, value: unknown, what = 'body'): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const detail = result.error.issues
    .slice(0, 5)
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
  throw new DomainError('invalid', 'invalid_input', `Invalid ${what}: ${detail}`);
}
