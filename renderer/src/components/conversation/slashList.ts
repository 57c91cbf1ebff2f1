import { computed, ref, watch, type Ref } from 'vue';
import type { PredefinedDoc } from '@atende/protocol';
import { matchPredefined, slashQuery } from './predefined';

/**
 * The composer's inline list of predefined messages (issue 18 point 4, R-WS-04): open while the
 * text is a "/" command, filtered by what follows; arrows move, Enter (or Tab) picks, Esc closes
 * it until the text stops being a command. The field keeps the focus throughout (the list is its
 * `aria-activedescendant`), so typing goes on narrowing it.
 */
export function useSlashList(text: Ref<string>, list: () => readonly PredefinedDoc[], pick: (p: PredefinedDoc) => void) {
  const query = computed(() => slashQuery(text.value));
  const dismissed = ref(false);
  const active = ref(0);
  const matches = computed(() => (query.value === undefined ? [] : matchPredefined(list(), query.value)));
  const open = computed(() => query.value !== undefined && !dismissed.value);

  watch(query, (q) => {
    active.value = 0;
    if (q === undefined) dismissed.value = false;
  });

  function move(step: number): void {
    const count = matches.value.length;
    if (count) active.value = (active.value + step + count) % count;
  }

  /** The composer's keydown while the list is open; true when the list used the key. */
  function onKeydown(event: KeyboardEvent): boolean {
    if (!open.value || event.isComposing) return false;
    const chosen = matches.value[active.value];
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      move(event.key === 'ArrowDown' ? 1 : -1);
    } else if ((event.key === 'Enter' || event.key === 'Tab') && !event.shiftKey && chosen) {
      pick(chosen);
    } else if (event.key === 'Escape') {
      dismissed.value = true;
    } else {
      return false;
    }
    event.preventDefault();
    return true;
  }

  /** The field's side of the pattern: it controls the list and points at the highlighted option. */
  const fieldAria = (listId: string) => (open.value && matches.value.length
    ? { 'aria-controls': listId, 'aria-activedescendant': `${listId}-${active.value}` }
    : {});

  return { open, matches, active, onKeydown, pick, fieldAria };
}
