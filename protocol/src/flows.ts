/** Chatbot flows (R-RT-04, seed 004): ordered triggers with conditions and actions, per team. */
// import { endpoint } from './endpoint.js';

export const FLOWS_API = {} as const;
