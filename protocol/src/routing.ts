/** Routing (R-RT-01…03): business hours with holidays and the off-hours message, session timeouts, automatic distribution. */
// import { endpoint } from './endpoint.js';

export const ROUTING_API = {} as const;
