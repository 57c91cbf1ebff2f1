import type { ZodType } from 'zod';
import type { ApiScope } from './apiTokens.js';

/** One REST endpoint of the contract (contract.ts); in a file of its own so feature files can declare theirs. */
export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface Endpoint {
  method: Method;
  /** Express-style: `:name` segments are path parameters. */
  path: string;
  /**
   * `user`: a signed-in agent's bearer token; `visitor`: a website visitor's token; `token`: an
   * integration's API token (`atk_…`, R-RT-05) holding `scopes`; `none`: public.
   */
  auth: 'user' | 'visitor' | 'token' | 'none';
  /** API tokens: the scopes the route needs (each one). */
  scopes?: readonly ApiScope[];
  /** One line for the OpenAPI document (openapi.ts). */
  summary?: string;
  body?: ZodType;
  query?: ZodType;
  /** `null`: answered with 204 and no body. */
  response: ZodType | null;
}

export const endpoint = <const E extends Endpoint>(e: E): E => e;
