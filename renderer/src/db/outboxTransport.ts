import {
  API, type CreateContactBody, type FinishBody, type InviteBody, type LeaveBody, type MarkBody, type ReturnToQueueBody, type RaEvaluationBody, type RaModerationBody, type SendMessageBody,
  type SendChatBody, type TagsBody, type TicketBody, type TransferBody, type UpdateContactBody,
} from '@atende/protocol';
import { ApiError } from '../net/api';
import { call } from '../net/client';
import { CommandDeferred, CommandRefused, type Transport } from './outbox';
import type { OutboxKind } from './outboxSchema';

/** The stored body is what the agent's action built from these schemas (`db/outbox.ts`). */
function send(kind: OutboxKind, id: string, body: Record<string, unknown>): Promise<unknown> {
  const params = { id };
  switch (kind) {
    case 'reply':
      return call(API.sendMessage, { params, body: body as SendMessageBody });
    case 'transfer':
      return call(API.transfer, { params, body: body as TransferBody });
    case 'finish':
      return call(API.finish, { params, body: body as FinishBody });
    case 'mark':
      return call(API.markConversation, { params, body: body as MarkBody });
    case 'tags':
      return call(API.tagConversation, { params, body: body as TagsBody });
    case 'createContact':
      return call(API.createContact, { body: body as CreateContactBody });
    case 'updateContact': {
      // An edit is idempotent by itself (the same fields again); its body takes no command id.
      const { id: _commandId, ...fields } = body;
      return call(API.updateContact, { params, body: fields as UpdateContactBody });
    }
    case 'raModeration':
      return call(API.raModeration, { params, body: body as RaModerationBody });
    case 'raEvaluation':
      return call(API.raEvaluation, { params, body: body as RaEvaluationBody });
    case 'ticket':
      return call(API.linkTicket, { params, body: body as TicketBody });
    case 'chat':
      return call(API.sendChat, { body: body as SendChatBody });
    case 'invite':
      return call(API.invite, { params, body: body as InviteBody });
    case 'leave':
      return call(API.leave, { params, body: body as LeaveBody });
    case 'returnToQueue':
      return call(API.returnToQueue, { params, body: body as ReturnToQueueBody });
  }
}

/**
 * The outbox over the REST commands (ARCHITECTURE §1). What the server refuses for good (a
 * rule, a state conflict, bad input) is a refusal; no answer, a cut connection, a server error,
 * an expired session or a rate limit are worth repeating with the same id.
 */
export const httpTransport: Transport = async (kind, conversationId, body) => {
  try {
    return await send(kind, conversationId, body);
  } catch (error) {
    if (error instanceof ApiError && isFinal(error.status)) {
      throw new CommandRefused({ status: error.status, code: error.code, message: error.message });
    }
    // Held back (too many at once, e.g. chat messages): repeated later, with the server's reason to show meanwhile.
    if (error instanceof ApiError && error.status === 429) throw new CommandDeferred({ status: 429, code: error.code, message: error.message });
    throw error;
  }
};

function isFinal(status: number): boolean {
  return status >= 400 && status < 500 && status !== 401 && status !== 408 && status !== 429;
}
