/** Content (R-RT-05): tags, predefined messages, articles, dispositions. */
// import { endpoint } from './endpoint.js';

export const CONTENT_API = {} as const;
