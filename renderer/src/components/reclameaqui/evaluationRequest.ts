import { conversationEventOf, RA_META, raCommandMessageId, type ConversationDoc, type MessageDoc } from '@atende/protocol';
import type { Outcome } from '../../db/outbox';

/**
 * "Solicitar avaliação" (R-CH-10): what the agent is told about the request once made. Whether the
 * button may be used is the protocol's raEvaluationRefusal, the rule the server enforces.
 */

/**
 * Where the last request stands: `waiting` in this window's outbox for the connection, `sending`
 * to the Reclame Aqui (the event message is queued, or not replicated yet), `requested` (the
 * Reclame Aqui accepted it; `at` epoch ms) or `failed` with the server's sentence.
 */
export type EvaluationRequestState =
  | { kind: 'waiting' }
  | { kind: 'sending' }
  | { kind: 'requested'; at: number | null }
  | { kind: 'failed'; error: string | null };

/** The request made from this dialog: its command id (naming the event message: raCommandMessageId) and how the outbox answered. */
export interface LocalRequest {
  commandId: string;
  outcome: Outcome;
}

function stateOf(message: MessageDoc): EvaluationRequestState {
  if (message.status === 'queued') return { kind: 'sending' };
  if (message.status === 'failed') return { kind: 'failed', error: message.error };
  return { kind: 'requested', at: message.createdAt };
}

/**
 * The request's state from the conversation's messages, its channelMeta and the request just
 * made here (which wins: an older request's line says nothing about it); null: never requested.
 */
export function evaluationRequestState(
  conversation: Pick<ConversationDoc, 'channelMeta'>,
  messages: readonly MessageDoc[],
  local?: LocalRequest,
): EvaluationRequestState | null {
  const events = messages.filter((m) => conversationEventOf(m)?.event === 'raEvaluationRequested');
  if (local) {
    const own = events.find((m) => m.id === raCommandMessageId(local.commandId));
    if (own) return stateOf(own);
    return local.outcome === 'queued' ? { kind: 'waiting' } : { kind: 'sending' };
  }
  const last = events.at(-1);
  if (last) return stateOf(last);
  const at = conversation.channelMeta[RA_META.evaluationRequestedAt];
  if (!at) return null;
  const parsed = Date.parse(at);
  return { kind: 'requested', at: Number.isNaN(parsed) ? null : parsed };
}

/**
 * "Solicitar avaliação" waits (disabled, the state line saying why) while a request is on its way
 * — queued here or at the server — and once this dialog's own request was accepted: the server
 * refuses a repeat in flight (ra_evaluation_in_flight) and a repeat of the same command changes
 * nothing, so a live button would only invite clicks that do nothing. A failed request may be
 * made again; an accepted one from an earlier visit too (the Reclame Aqui decides).
 */
export function evaluationRequestHeld(state: EvaluationRequestState | null, local: LocalRequest | undefined): boolean {
  if (state?.kind === 'waiting' || state?.kind === 'sending') return true;
  return local !== undefined && state?.kind === 'requested';
}
