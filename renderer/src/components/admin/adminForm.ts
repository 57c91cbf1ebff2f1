import { computed, ref, watch } from 'vue';
import { useI18n } from 'vue-i18n';
import { adminErrorMessage } from './errors';

/** A form's state checked against its rule: the body to send, or the fields to fix. */
export type Checked<B, P extends string> = { body: B } | { problems: readonly P[] };

/** A zod safeParse result as a Checked: each issue names the field it is about (its first path segment). */
export function checkedByZod<B, P extends string = string>(
  result: { success: true; data: B } | { success: false; error: { issues: readonly { path: readonly PropertyKey[] }[] } },
): Checked<B, P> {
  return result.success ? { body: result.data } : { problems: result.error.issues.map((issue) => String(issue.path[0]) as P) };
}

/**
 * The plumbing every admin form shares (issue 15): reset when the dialog opens, problems shown
 * only once Salvar was tried, the save refused while a field needs fixing, and the server's
 * refusal shown as it said it.
 */
export function useAdminForm<B, P extends string = string>(options: {
  open: () => boolean;
  /** Fills the fields from the item edited (or empty ones) each time the dialog opens. */
  reset: () => void;
  check: () => Checked<B, P>;
  /** Sends the checked body; emits and closes as the form needs. */
  submit: (body: B) => Promise<void>;
}) {
  const { t } = useI18n();
  const tried = ref(false);
  const saving = ref(false);
  const failure = ref('');
  const checked = computed(options.check);

  watch(options.open, (open) => {
    if (!open) return;
    options.reset();
    tried.value = false;
    failure.value = '';
  }, { immediate: true });

  /** Whether a field is to be pointed out now. */
  const has = (field: P): boolean => tried.value && 'problems' in checked.value && checked.value.problems.includes(field);

  async function save(): Promise<void> {
    tried.value = true;
    failure.value = '';
    const result = checked.value;
    if (!('body' in result)) return;
    saving.value = true;
    try {
      await options.submit(result.body);
    } catch (error) {
      failure.value = adminErrorMessage(t, error);
    } finally {
      saving.value = false;
    }
  }

  return { tried, saving, failure, checked, has, save };
}
