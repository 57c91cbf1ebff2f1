/** API tokens and the public REST API for bots and integrations (R-RT-05). */
// import { endpoint } from './endpoint.js';

export const TOKENS_API = {} as const;
