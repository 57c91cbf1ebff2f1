import {
  ConversationDoc, conversationEventOf, MessageDoc, RA_RATING_MAX, raEvaluationOf,
  type WebhookEvent, type WebhookEventData,
} from '@atende/protocol';
import type { StoredDoc } from '../store/index.js';
import { toWire } from '../store/wire.js';

/**
 * Which webhook events a stored document stands for (R-RT-05). Every event gets an id derived from
 * the document, never from the moment it was seen, so reading the same change again (a restart
 * before the checkpoint moved, a second node, a later revision of the document) names the same
 * event, and its delivery job (`job:<kind>.<webhook>.<event>`) is written only once.
 *
 * The lifecycle events come from the transcript lines the conversation service already writes
 * once per take, transfer and finish (conversations/events.ts); messages from the message
 * documents themselves. A new kind of event (issue 18's ratings) is one more entry in DERIVERS.
 */
export interface DerivedEvent {
  id: string;
  event: WebhookEvent;
  /** When it happened: webhooks created (or enabled) after this moment do not receive it. */
  at: number;
  data: WebhookEventData;
}

export interface DeriveContext {
  /** The conversation as stored now, for events derived from one of its messages. */
  conversation(id: string): Promise<ConversationDoc | undefined>;
}

type Deriver = (doc: StoredDoc, context: DeriveContext) => Promise<DerivedEvent[]>;

/** The documents as the protocol documents them: parsing drops whatever the server keeps for itself. */
export function publicConversation(doc: StoredDoc | ConversationDoc): ConversationDoc | undefined {
  const parsed = ConversationDoc.safeParse('_id' in doc ? toWire(doc as StoredDoc) : doc);
  return parsed.success ? parsed.data : undefined;
}

function publicMessage(doc: StoredDoc): MessageDoc | undefined {
  const parsed = MessageDoc.safeParse(toWire(doc));
  return parsed.success ? parsed.data : undefined;
}

const conversationCreated: Deriver = async (doc) => {
  if (doc.type !== 'conversation') return [];
  const conversation = publicConversation(doc);
  if (!conversation) return [];
  return [{ id: `conversation.created:${conversation.id}`, event: 'conversation.created', at: conversation.createdAt, data: { conversation } }];
};

const LIFECYCLE: Partial<Record<string, WebhookEvent>> = {
  joined: 'conversation.taken',
  transferred: 'conversation.transferred',
  finished: 'conversation.finished',
};

const lifecycle: Deriver = async (doc, context) => {
  if (doc.type !== 'message') return [];
  const message = publicMessage(doc);
  const payload = message && conversationEventOf(message);
  const event = payload && LIFECYCLE[payload.event];
  if (!message || !event) return [];
  const conversation = await context.conversation(message.conversationId);
  if (!conversation) return [];
  return [{ id: `${event}:${conversation.id}:${message.createdAt}`, event, at: message.createdAt, data: { conversation } }];
};

/** What the customer and the agents wrote; internal chat and transcript lines are no message of the conversation. */
const messageCreated: Deriver = async (doc) => {
  if (doc.type !== 'message') return [];
  const message = publicMessage(doc);
  if (!message || (message.direction !== 'in' && message.direction !== 'out')) return [];
  return [{ id: `message.created:${message.id}`, event: 'message.created', at: message.createdAt, data: { message } }];
};

/** The Reclame Aqui consumer's evaluation arrives as one inbound message (R-CH-10). */
const raEvaluation: Deriver = async (doc) => {
  if (doc.type !== 'message') return [];
  const message = publicMessage(doc);
  const found = message?.direction === 'in' ? raEvaluationOf(message) : null;
  if (!message || !found) return [];
  const evaluation = { source: 'reclameaqui' as const, ratingMax: RA_RATING_MAX, ...found };
  return [{ id: `evaluation.received:${message.id}`, event: 'evaluation.received', at: message.createdAt, data: { message, evaluation } }];
};

const DERIVERS: readonly Deriver[] = [conversationCreated, lifecycle, messageCreated, raEvaluation];

/** The document types whose changes may stand for an event (the change feed's selector). */
export const EVENT_SOURCE_TYPES = ['conversation', 'message'] as const;

export async function deriveEvents(doc: StoredDoc, context: DeriveContext): Promise<DerivedEvent[]> {
  if (doc._deleted) return [];
  const found = await Promise.all(DERIVERS.map((derive) => derive(doc, context)));
  return found.flat();
}
