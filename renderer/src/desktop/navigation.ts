import type { ConversationDoc, DeepLinkTarget } from '@atende/protocol';
import type { Tab } from '../stores/workspace';

type Listed = Pick<ConversationDoc, 'id' | 'contactId'>;

/**
 * Which conversation a deep link or a notification click leads to, and which list shows it:
 * a conversation by id (in "Em atendimento" when it is the agent's, "Em espera" when waiting);
 * a contact by their open conversation, the agent's own first. Nothing when a contact has none.
 */
export function navigationSelection(
  target: DeepLinkTarget,
  lists: { waiting: readonly Listed[]; active: readonly Listed[] },
): { id: string; tab?: Tab } | undefined {
  const match = (c: Listed) => (target.kind === 'conversation' ? c.id === target.id : c.contactId === target.id);
  const active = lists.active.find(match);
  if (active) return { id: active.id, tab: 'active' };
  const waiting = lists.waiting.find(match);
  if (waiting) return { id: waiting.id, tab: 'waiting' };
  return target.kind === 'conversation' ? { id: target.id } : undefined;
}
