import type { RxJsonSchema } from 'rxdb';

/**
 * Local only (issue 8 point 8): the agent's commands waiting for the server. The document id IS
 * the command id sent to the server, created once when the agent acts, so every retry (after a
 * timeout, a dropped connection or a reload) carries the same id and the server applies it once.
 */
export type OutboxKind =
  | 'reply' | 'transfer' | 'finish' | 'mark' | 'tags' | 'createContact' | 'updateContact'
  // Reclame Aqui requests (R-CH-09, R-CH-10): `kind` is a plain string in the schema, so no migration.
  | 'raModeration' | 'raEvaluation'
  // Invited collaborators and return to the queue (issue 13, R-WS-05, R-WS-19).
  | 'invite' | 'leave' | 'returnToQueue'
  // The internal chat (issue 13, R-WS-12): `conversationId` holds the room.
  | 'chat'
  // Tickets (issue 13, R-WS-14).
  | 'ticket';

/**
 * `pending`: not yet answered by the server; `done`: applied (kept briefly so a reply stays on
 * screen until its message replicates); `rejected`: the server refused it for good (a domain
 * error), never retried.
 */
export type OutboxState = 'pending' | 'done' | 'rejected';

export interface OutboxError {
  status: number;
  code: string;
  message: string;
}

export interface OutboxDoc {
  id: string;
  kind: OutboxKind;
  /** What the command acts on: the conversation, or for the contact commands the contact's id. */
  conversationId: string;
  /** The request body as sent, `id` included. */
  body: Record<string, unknown>;
  state: OutboxState;
  /** Drain order: commands are sent in the order the agent gave them. */
  createdAt: number;
  updatedAt: number;
  attempts: number;
  error: OutboxError | null;
}

export const outboxSchema: RxJsonSchema<OutboxDoc> = {
  title: 'outbox',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 100 },
    kind: { type: 'string', maxLength: 20 },
    conversationId: { type: 'string', maxLength: 100 },
    body: { type: 'object' },
    state: { type: 'string', maxLength: 20 },
    createdAt: { type: 'number', minimum: 0, maximum: 1e15, multipleOf: 1 },
    updatedAt: { type: 'number', minimum: 0, maximum: 1e15, multipleOf: 1 },
    attempts: { type: 'number', minimum: 0, maximum: 1e9, multipleOf: 1 },
    error: { type: ['object', 'null'] },
  },
  required: ['id', 'kind', 'conversationId', 'body', 'state', 'createdAt', 'updatedAt', 'attempts', 'error'],
};
