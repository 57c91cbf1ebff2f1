import {
  createTable, getCoreRowModel, getFilteredRowModel, getSortedRowModel,
  type ColumnDef, type ColumnFiltersState, type FilterFn, type SortingFn, type SortingState, type TableOptionsResolved,
} from '@tanstack/vue-table';

/**
 * What the three live boards share (R-SV-01..03): sortable columns, a text filter and select
 * filters (team, status), run by TanStack Table. The boards declare their columns here; the
 * same options drive the component (`useVueTable`) and the unit tests (`viewRows`).
 */
export interface BoardColumn<T> {
  id: string;
  /** What the column sorts by; absent: not sortable. */
  sort?: (row: T) => string | number | undefined;
  /** What the text filter finds in this column; absent: not searched. */
  text?: (row: T) => string | undefined;
  /** Whether a row passes the column's select filter (e.g. a team id). */
  filter?: (row: T, value: string) => boolean;
}

export interface BoardTableColumn<R> extends BoardColumn<R> {
  header: string;
  /** The column that names the row (a `<th scope="row">`). */
  rowHeader?: boolean;
}
export interface BoardSelectFilter {
  id: string;
  label: string;
  options: ReadonlyArray<{ value: string; label: string }>;
}

export interface BoardView {
  sorting: SortingState;
  text: string;
  /** Select filters by column id; '' means every row. */
  filters: Record<string, string>;
}

export const emptyView = (sorting: SortingState = []): BoardView => ({ sorting, text: '', filters: {} });

/** Case- and accent-insensitive, so "joao" finds "João". */
export const searchable = (text: string): string => text.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase();

const SEARCH = '__search';

/** Numbers by value, text by the reader's alphabet (numbers inside text in order), missing last. */
const compareValues: SortingFn<unknown> = (a, b, id) => {
  const x = a.getValue<string | number | undefined>(id);
  const y = b.getValue<string | number | undefined>(id);
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  return String(x ?? '').localeCompare(String(y ?? ''), undefined, { numeric: true, sensitivity: 'base' });
};

const textFilter: FilterFn<unknown> = (row, id, value: string) => row.getValue<string>(id).includes(searchable(value.trim()));

export function columnDefs<T>(columns: readonly BoardColumn<T>[]): ColumnDef<T, unknown>[] {
  const search: ColumnDef<T, unknown> = {
    id: SEARCH,
    accessorFn: (row) => searchable(columns.map((c) => c.text?.(row) ?? '').join('\n')),
    enableSorting: false,
    enableGlobalFilter: true,
  };
  return [
    search,
    ...columns.map((column): ColumnDef<T, unknown> => ({
      id: column.id,
      accessorFn: (row) => column.sort?.(row),
      enableSorting: column.sort !== undefined,
      sortingFn: compareValues as SortingFn<T>,
      sortUndefined: 'last',
      enableGlobalFilter: false,
      enableColumnFilter: column.filter !== undefined,
      filterFn: (row, _id, value: string) => column.filter?.(row.original, value) ?? true,
    })),
  ];
}

export const columnFilters = (filters: BoardView['filters']): ColumnFiltersState =>
  Object.entries(filters).filter(([, value]) => value !== '').map(([id, value]) => ({ id, value }));

/** The options both the component and the tests give TanStack (columns, rows and state aside). */
export function boardOptions<T>() {
  return {
    // No pagination: nothing to reset, and a reset would re-render the board in a loop.
    autoResetAll: false,
    globalFilterFn: textFilter as FilterFn<T>,
    getColumnCanGlobalFilter: () => true,
    getCoreRowModel: getCoreRowModel<T>(),
    getFilteredRowModel: getFilteredRowModel<T>(),
    getSortedRowModel: getSortedRowModel<T>(),
  };
}

/** The rows a board shows for `view`: filtered, then sorted (pure, for tests and tools). */
export function viewRows<T>(rows: T[], columns: readonly BoardColumn<T>[], rowId: (row: T) => string, view: BoardView): T[] {
  const state = { sorting: view.sorting, globalFilter: view.text, columnFilters: columnFilters(view.filters) };
  const options: TableOptionsResolved<T> = {
    ...boardOptions<T>(),
    columns: columnDefs(columns),
    getRowId: rowId,
    data: rows,
    state,
    onStateChange: () => undefined,
    renderFallbackValue: null,
  };
  const table = createTable(options);
  table.setOptions((prev) => ({ ...prev, state: { ...table.initialState, ...state } }));
  return table.getRowModel().rows.map((row) => row.original);
}

/** `aria-sort` of a column header: only sortable columns carry it. */
export function ariaSort(sortable: boolean, direction: false | 'asc' | 'desc'): 'ascending' | 'descending' | 'none' | undefined {
  if (!sortable) return undefined;
  return direction === 'asc' ? 'ascending' : direction === 'desc' ? 'descending' : 'none';
}
