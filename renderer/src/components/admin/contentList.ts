import { onMounted, ref, type Ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { adminErrorMessage } from './errors';

/**
 * The list half of a content screen (tags, predefined messages, articles, dispositions, R-RT-05):
 * loaded once, kept sorted as the forms save, an item removed after its confirmation; a failed
 * call shows the server's sentence.
 */
export function useContentList<T extends { id: string }>(options: {
  load: () => Promise<T[]>;
  remove: (item: T) => Promise<void>;
  order: (a: T, b: T) => number;
}) {
  const { t } = useI18n();
  const items = ref([]) as Ref<T[]>;
  const loading = ref(true);
  const failure = ref('');
  const editing = ref<T>();
  const formOpen = ref(false);
  const removing = ref<T>();

  async function load(): Promise<void> {
    loading.value = true;
    failure.value = '';
    try {
      items.value = (await options.load()).sort(options.order);
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
    items.value = [...items.value.filter((x) => x.id !== item.id), item].sort(options.order);
  }

  async function remove(item: T): Promise<void> {
    failure.value = '';
    try {
      await options.remove(item);
      items.value = items.value.filter((x) => x.id !== item.id);
    } catch (error) {
      failure.value = adminErrorMessage(t, error);
    } finally {
      removing.value = undefined;
    }
  }

  onMounted(load);
  return { items, loading, failure, editing, formOpen, removing, edit, put, remove };
}
