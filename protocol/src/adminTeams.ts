/** Teams (R-RT-01/02): channels, members, session timeout, dispositions rule, tags permission, queue visibility, distribution. */
// import { endpoint } from './endpoint.js';

export const TEAMS_API = {} as const;
