import { computed, type Ref } from 'vue';
import { useVirtualizer } from '@tanstack/vue-virtual';

/**
 * A list of rows of one fixed height, virtualised (@tanstack/vue-virtual): only the rows near
 * the viewport exist in the DOM, so thousands of conversations or contacts stay responsive.
 * `shown` pairs each rendered row with its item; a row can outlive a shrinking list for one
 * render, and is then left out. `viewport` is the scrolling element (a template ref).
 */
export function useFixedRows<T>(
  items: Readonly<Ref<readonly T[]>>,
  keyOf: (item: T) => string,
  rowHeight: number,
  viewport: Readonly<Ref<HTMLElement | null>>,
) {
  const virtualizer = useVirtualizer(computed(() => ({
    count: items.value.length,
    getScrollElement: () => viewport.value,
    estimateSize: () => rowHeight,
    overscan: 6,
    getItemKey: (index: number) => {
      const item = items.value[index];
      return item === undefined ? index : keyOf(item);
    },
  })));
  const shown = computed(() => virtualizer.value.getVirtualItems().flatMap((row) => {
    const item = items.value[row.index];
    return item === undefined ? [] : [{ row, item }];
  }));
  return { virtualizer, shown };
}
