import type { Request, RequestHandler, Router } from 'express';
import { DomainError, parse, type Endpoint, type PathParams, type ResponseOf } from '@atende/protocol';
import type { z, ZodType } from 'zod';

/**
 * Routes implement the protocol's REST contract (`protocol/src/contract.ts`): the path and method
 * come from the endpoint, the body and query are parsed with its schemas before the handler
 * runs (a 400 with the field's message otherwise, nothing done), and the handler's return type
 * is the endpoint's response type, so the server cannot drift from what the renderer expects.
 */
type Parsed<E, K extends 'body' | 'query'> = E extends { [P in K]: infer S extends ZodType } ? z.infer<S> : undefined;

export interface RequestInput<E extends Endpoint> {
  params: PathParams<E['path']>;
  body: Parsed<E, 'body'>;
  query: Parsed<E, 'query'>;
  req: Request;
}

const CREATED = Symbol('created');
interface Created<T> {
  [CREATED]: true;
  body: T;
}

/** Answer 201 instead of 200. */
export function created<T>(body: T): Created<T> {
  return { [CREATED]: true, body };
}

export type Reply<E extends Endpoint> = ResponseOf<E> | Created<ResponseOf<E>>;

/**
 * A body came with the request but no parser read it (a content type other than JSON): it must
 * not be taken for an absent body, or a bodyless-capable command would run without what was sent.
 */
function unreadBody(req: Request): boolean {
  if (req.body !== undefined) return false;
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** The JSON body, `{}` when none came; a 415 for a body sent as something else (see unreadBody). */
export function jsonBody(req: Request): unknown {
  if (unreadBody(req)) {
    throw new DomainError('unsupported_type', 'unsupported_media_type', 'Send the body as JSON (Content-Type: application/json)');
  }
  return req.body ?? {};
}

function isCreated<T>(reply: T | Created<T>): reply is Created<T> {
  return typeof reply === 'object' && reply !== null && CREATED in reply;
}

/** The endpoint's path relative to where its router is mounted. */
export function relativePath(path: string, mount: string): string {
  if (!path.startsWith(mount)) throw new Error(`${path} is not under ${mount}`);
  return path.slice(mount.length) || '/';
}

export function implement<E extends Endpoint>(
  router: Router,
  mount: string,
  endpoint: E,
  handler: (input: RequestInput<E>) => Promise<Reply<E>> | Reply<E>,
  before: RequestHandler[] = [],
): void {
  const method = endpoint.method.toLowerCase() as 'get' | 'post' | 'patch' | 'put' | 'delete';
  router[method](relativePath(endpoint.path, mount), ...before, async (req, res) => {
    const input = {
      params: req.params as PathParams<E['path']>,
      // Bodyless commands may arrive without a JSON body at all.
      body: (endpoint.body ? parse(endpoint.body, jsonBody(req)) : undefined) as Parsed<E, 'body'>,
      query: (endpoint.query ? parse(endpoint.query, req.query, 'query') : undefined) as Parsed<E, 'query'>,
      req,
    };
    const reply = await handler(input);
    if (endpoint.response === null) {
      res.status(204).end();
      return;
    }
    if (isCreated(reply)) res.status(201).json(reply.body);
    else res.json(reply);
  });
}
