import type { RouteRow } from '../cells.js';

/** Authorisation rows of the issue 15 routes of this feature (spread into ROUTES in matrix.ts). */
export const ROWS: readonly RouteRow[] = [];
