import { fillPredefined, type ConversationDoc } from '@atende/protocol';
import { useWorkspaceStore } from '../../stores/workspace';

/** The variables filled for this agent and conversation (protocol `fillPredefined`: what has no value stays as typed). */
export function usePredefinedFill(conversation: () => ConversationDoc | undefined): (text: string) => string {
  const workspace = useWorkspaceStore();
  return (text) => {
    const c = conversation();
    return fillPredefined(text, {
      agente: workspace.me?.name,
      cliente: c ? workspace.contacts.get(c.contactId)?.name : undefined,
      protocolo: c?.protocol,
    });
  };
}
