import type { RouteRow } from '../cells.js';

/** Authorisation rows of the issue 16 reports routes (spread into ROUTES in matrix.ts). */
export const ROWS: readonly RouteRow[] = [];
