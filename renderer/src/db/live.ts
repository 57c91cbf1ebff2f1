import type { Observable, Subscription } from 'rxjs';
import { onScopeDispose, shallowRef, watch, type Ref, type ShallowRef } from 'vue';
import type { RxDocument } from 'rxdb';

/**
 * A Vue ref fed by an RxDB query observable; the subscription follows `source` (re-created
 * when it changes) and ends with the owning scope so nothing leaks (STYLE: rxdb examples/vue).
 */
export function liveQuery<T>(
  source: () => Observable<Array<RxDocument<T>>> | undefined,
  deps: Ref<unknown> | (() => unknown),
): ShallowRef<T[]> {
  const result = shallowRef<T[]>([]);
  let subscription: Subscription | undefined;
  const stop = watch(
    deps,
    () => {
      subscription?.unsubscribe();
      const observable = source();
      if (!observable) {
        result.value = [];
        return;
      }
      subscription = observable.subscribe((docs) => {
        result.value = docs.map((d) => d.toMutableJSON() as T);
      });
    },
    { immediate: true },
  );
  onScopeDispose(() => {
    stop();
    subscription?.unsubscribe();
  });
  return result;
}
