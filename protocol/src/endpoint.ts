import type { ZodType } from 'zod';

/** One REST endpoint of the contract (contract.ts); in a file of its own so feature files can declare theirs. */
export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface Endpoint {
  method: Method;
  /** Express-style: `:name` segments are path parameters. */
  path: string;
  /** `user`: a signed-in agent's bearer token; `visitor`: a website visitor's token; `none`: public. */
  auth: 'user' | 'visitor' | 'none';
  body?: ZodType;
  query?: ZodType;
  /** `null`: answered with 204 and no body. */
  response: ZodType | null;
}

export const endpoint = <const E extends Endpoint>(e: E): E => e;
