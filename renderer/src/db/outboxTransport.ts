import { api, ApiError } from '../net/api';
import { CommandRefused, type Transport } from './outbox';
import type { OutboxKind } from './outboxSchema';

const PATHS: Record<OutboxKind, string> = { reply: 'messages', transfer: 'transfer', finish: 'finish' };

/**
 * The outbox over the REST commands (ARCHITECTURE §1). What the server refuses for good (a
 * rule, a state conflict, bad input) is a refusal; no answer, a cut connection, a server error,
 * an expired session or a rate limit are worth repeating with the same id.
 */
export const httpTransport: Transport = async (kind, conversationId, body) => {
  try {
    return await api('POST', `/api/conversations/${encodeURIComponent(conversationId)}/${PATHS[kind]}`, body);
  } catch (error) {
    if (error instanceof ApiError && isFinal(error.status)) {
      throw new CommandRefused({ status: error.status, code: error.code, message: error.message });
    }
    throw error;
  }
};

function isFinal(status: number): boolean {
  return status >= 400 && status < 500 && status !== 401 && status !== 408 && status !== 429;
}
