import type { Cell } from '../cells.js';
import type { MatrixContext } from '../context.js';

/** A fresh resource for a cell that may change it; one per row for the cells that must be refused (as in matrix.ts). */
export const fixture = <T>(ctx: MatrixContext, cell: Cell, make: () => Promise<T>): Promise<T> => (cell.refused ? ctx.once(cell.route, make) : make());
