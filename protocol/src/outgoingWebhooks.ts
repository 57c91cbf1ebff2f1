/** Outgoing webhooks (R-RT-05): subscriptions, signed deliveries, the delivery log. */
// import { endpoint } from './endpoint.js';

export const WEBHOOKS_API = {} as const;
