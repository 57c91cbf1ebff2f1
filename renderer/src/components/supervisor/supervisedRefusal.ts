import { onScopeDispose, ref, watch, type Ref } from 'vue';
import type { RxCollection } from 'rxdb';
import type { OutboxDoc, OutboxKind } from '../../db/outboxSchema';

/** The commands the supervised conversation's dialogs send through the agents' outbox. */
const SUPERVISOR_KINDS: ReadonlySet<OutboxKind> = new Set(['transfer', 'returnToQueue', 'finish']);

/** The server's sentence when it refused one of those commands on this conversation, else undefined. */
export function refusalOf(doc: Pick<OutboxDoc, 'kind' | 'conversationId' | 'state' | 'error'>, conversationId: string): string | undefined {
  if (doc.conversationId !== conversationId || !SUPERVISOR_KINDS.has(doc.kind)) return undefined;
  return doc.state === 'rejected' && doc.error ? doc.error.message : undefined;
}

/**
 * R-SV-04: the server's own refusal of a supervisor's transfer, return or finish (e.g. a team the
 * supervisor is not in), kept on the panel after the dialog that sent it is closed. The dialogs send
 * through the outbox like an agent's (same path, same offline behaviour); the refused command is
 * written `rejected` with the server's answer before it is removed, and that write is read here.
 */
export function useSupervisedRefusal(db: Ref<{ outbox: RxCollection<OutboxDoc> } | undefined>, conversationId: () => string): Ref<string> {
  const refusal = ref('');
  let subscription: { unsubscribe(): void } | undefined;
  watch(db, (database) => {
    subscription?.unsubscribe();
    subscription = database?.outbox.$.subscribe((change) => {
      const message = refusalOf(change.documentData, conversationId());
      if (message) refusal.value = message;
    });
  }, { immediate: true });
  onScopeDispose(() => subscription?.unsubscribe());
  return refusal;
}
