import {
  allowed, canResend, type Actor, type ConversationAction, type ConversationDoc, type MessageDoc,
} from '@atende/protocol';

/**
 * Which conversation controls the signed-in user gets: the protocol's `may` rule, the one the
 * server enforces, so a button is offered exactly when the server will accept its command.
 */
export type PanelActions = Record<Extract<ConversationAction, 'reply' | 'transfer' | 'finish' | 'resend'>, boolean>;

export function panelActions(user: Actor | undefined, conversation: ConversationDoc): PanelActions {
  const may = (action: ConversationAction) => user !== undefined && allowed(user, action, conversation);
  return { reply: may('reply'), transfer: may('transfer'), finish: may('finish'), resend: may('resend') };
}

/**
 * Opening a card takes the conversation when the user may take it. The holder's own claim is
 * allowed too (an idempotent retry), but opening their own conversation just shows it.
 */
export const takesOnOpen = (user: Actor | undefined, conversation: ConversationDoc): boolean =>
  user !== undefined && conversation.agentId !== user.id && allowed(user, 'claim', conversation);

/** "Reenviar" belongs to an outgoing send that ended dead-lettered, when the user may resend. */
export const offersResend = (message: Pick<MessageDoc, 'direction' | 'status'>, mayResend: boolean): boolean =>
  mayResend && message.direction === 'out' && canResend(message.status);
