import type { ErrorRequestHandler, RequestHandler } from 'express';
import { DomainError, type ErrorKind } from '@atende/protocol';

export { DomainError, forbidden, notFound, parse } from '@atende/protocol';

/** The one place where domain error kinds become HTTP statuses (ARCHITECTURE §1). */
export const HTTP_STATUS: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  too_large: 413,
  unsupported_type: 415,
  unprocessable: 422,
  locked: 423,
  rate_limited: 429,
  unavailable: 503,
};

export const unknownRoute: RequestHandler = (req, _res, next) => {
  next(new DomainError('not_found', 'not_found', `No route for ${req.method} ${req.path}`));
};

interface HttpishError {
  type?: string;
  status?: number;
  statusCode?: number;
}

export function errorHandler(log: (message: string) => void): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (error instanceof DomainError) {
      res.status(HTTP_STATUS[error.kind]).json({ error: error.code, message: error.message, ...error.extra });
      return;
    }
    const e = (error ?? {}) as HttpishError;
    // body-parser failures carry a type and a 4xx status.
    if (e.type === 'entity.parse.failed') {
      res.status(400).json({ error: 'malformed_json', message: 'The request body is not valid JSON' });
      return;
    }
    if (e.type === 'entity.too.large') {
      res.status(413).json({ error: 'payload_too_large', message: 'The request body is too large' });
      return;
    }
    const status = e.status ?? e.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      res.status(status).json({ error: 'bad_request', message: 'The request could not be processed' });
      return;
    }
    log(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    res.status(500).json({ error: 'internal', message: 'Internal server error' });
  };
}
