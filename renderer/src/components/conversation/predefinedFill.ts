import { customerFacingName, fillPredefined, type ConversationDoc } from '@atende/protocol';
import { useWorkspaceStore } from '../../stores/workspace';

/** The variables filled for this agent and conversation (protocol `fillPredefined`: what has no value stays as typed). */
export function usePredefinedFill(conversation: () => ConversationDoc | undefined): (text: string) => string {
  const workspace = useWorkspaceStore();
  return (text) => {
    const c = conversation();
    return fillPredefined(text, {
      // The text goes to the customer: the agent's alias when they chose one (R-WS-11, issue 18).
      agente: workspace.me ? customerFacingName(workspace.me) : undefined,
      cliente: c ? workspace.contacts.get(c.contactId)?.name : undefined,
      protocolo: c?.protocol,
    });
  };
}
