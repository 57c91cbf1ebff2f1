import type { RouteRow } from '../cells.js';

/**
 * Authorisation rows of the issue 19 privacy routes (LGPD; spread into ROUTES in matrix.ts): export
 * and legal holds for supervisors and admins, erasure, retention runs and the audit for admins only.
 * Each slice appends its routes' rows here.
 */
export const ROWS: readonly RouteRow[] = [];
