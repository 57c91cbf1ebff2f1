import { onMounted, ref, type Ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { adminErrorMessage } from './errors';

/**
 * The list half of an admin screen (issue 15): loaded once, kept in order as the forms save, a
 * row action (remove, archive, revoke, disable…) run after its confirmation; a failed call shows
 * the server's sentence, a finished one may leave a notice.
 */
/** What tells two rows apart: `id`, unless the rows have none (a team's hours go by `teamId`). */
type KeyOption<T> = T extends { id: string } ? { key?: (item: T) => string } : { key: (item: T) => string };

export function useAdminList<T extends object>(options: KeyOption<T> & {
  load: () => Promise<T[]>;
  /** The confirmed row action; the row leaves the list unless it says to keep it. */
  remove?: (item: T) => Promise<void | 'keep'>;
  /** Without an order, a saved item keeps its place (a new one goes last). */
  order?: (a: T, b: T) => number;
}) {
  const { t } = useI18n();
  const items = ref([]) as Ref<T[]>;
  const loading = ref(true);
  const failure = ref('');
  const notice = ref('');
  const editing = ref<T>();
  const formOpen = ref(false);
  /** The row whose action awaits its confirmation dialog. */
  const removing = ref<T>();
  // KeyOption makes `key` required for rows without an `id`, so the fallback only meets rows with one.
  const given = options.key as ((item: T) => string) | undefined;
  const keyOf = given ?? ((item: T) => (item as { id: string }).id);
  const sorted = (list: T[]) => (options.order ? list.sort(options.order) : list);

  async function load(): Promise<void> {
    loading.value = true;
    failure.value = '';
    try {
      items.value = sorted(await options.load());
    } catch (error) {
      failure.value = adminErrorMessage(t, error);
    } finally {
      loading.value = false;
    }
  }

  function edit(item?: T): void {
    editing.value = item;
    formOpen.value = true;
  }

  function put(item: T): void {
    const key = keyOf(item);
    const at = items.value.findIndex((x) => keyOf(x) === key);
    items.value = sorted(at < 0 || options.order ? [...items.value.filter((x) => keyOf(x) !== key), item] : items.value.map((x) => (keyOf(x) === key ? item : x)));
  }

  /** Runs one row action; its refusal (the last admin, a team in use…) is shown as the server said it. */
  async function act(action: () => Promise<void>, done?: string): Promise<void> {
    failure.value = '';
    notice.value = '';
    try {
      await action();
      if (done) notice.value = done;
    } catch (error) {
      failure.value = adminErrorMessage(t, error);
    } finally {
      removing.value = undefined;
    }
  }

  const remove = (item: T) =>
    act(async () => {
      if ((await options.remove?.(item)) !== 'keep') items.value = items.value.filter((x) => keyOf(x) !== keyOf(item));
    });

  onMounted(load);
  return { items, loading, failure, notice, editing, formOpen, removing, load, edit, put, act, remove };
}
