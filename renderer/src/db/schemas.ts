import type { RxJsonSchema } from 'rxdb';
import type {
  ContactDoc, ConversationDoc, DispositionDoc, MessageDoc, PredefinedDoc, TeamDoc, UserDoc,
} from '@atende/protocol';

/**
 * RxDB schemas of the local replica, checked against the protocol's zod schemas by
 * `test/schemas.test.ts`. Indexed fields are required with bounded sizes (RxDB rule).
 */
const ID = { type: 'string', maxLength: 100 } as const;
const OPTIONAL_ID = { type: ['string', 'null'], maxLength: 100 } as const;
const TIME = { type: 'number', minimum: 0, maximum: 1e15, multipleOf: 1 } as const;
const OPTIONAL_TIME = { type: ['number', 'null'] } as const;
const TEXT = { type: 'string' } as const;
const STRINGS = { type: 'array', items: { type: 'string' } } as const;
const OBJECT = { type: 'object' } as const;
const OBJECTS = { type: 'array', items: { type: 'object' } } as const;

const base = { id: ID, type: TEXT, createdAt: TIME, updatedAt: TIME } as const;

function schema<T>(
  title: string,
  properties: Record<string, object>,
  indexes: string[][] = [],
  version = 0,
): RxJsonSchema<T> {
  return {
    title,
    version,
    primaryKey: 'id',
    type: 'object',
    properties: { ...base, ...properties },
    required: ['id', 'type', 'createdAt', 'updatedAt', ...new Set(indexes.flat())],
    indexes,
  } as unknown as RxJsonSchema<T>;
}

export const conversationSchema = schema<ConversationDoc>('conversation', {
  contactId: ID, channel: { type: 'string', maxLength: 20 }, channelAccountId: ID,
  teamId: ID, formerTeamIds: STRINGS, status: { type: 'string', maxLength: 10 }, agentId: OPTIONAL_ID,
  invitedAgentIds: STRINGS, protocol: TEXT, startedBy: TEXT, waitingSince: OPTIONAL_TIME,
  takenAt: OPTIONAL_TIME, finishedAt: OPTIONAL_TIME, finishedBy: OPTIONAL_ID, lastInboundAt: OPTIONAL_TIME,
  lastMessageAt: OPTIONAL_TIME, lastPreview: TEXT, disposition: OPTIONAL_ID, finishNote: TEXT,
  tags: STRINGS, transfers: OBJECTS, ticketLinks: STRINGS, channelMeta: OBJECT,
}, [['status', 'updatedAt']]);

/** Version 1 adds `payload` (issue 7); replicas stored at version 0 are migrated on open. */
export const messageSchema = schema<MessageDoc>('message', {
  conversationId: ID, teamId: ID, formerTeamIds: STRINGS, direction: TEXT, authorId: OPTIONAL_ID,
  authorName: TEXT, kind: TEXT, text: TEXT, attachments: OBJECTS, visibility: TEXT, status: TEXT,
  error: { type: ['string', 'null'] }, externalId: { type: ['string', 'null'] }, payload: OBJECT,
}, [['conversationId', 'createdAt']], 1);

export const messageMigrations = {
  1: (doc: Omit<MessageDoc, 'payload'> & { payload?: MessageDoc['payload'] }): MessageDoc => ({ ...doc, payload: doc.payload ?? {} }),
};

/** Version 1 adds `teamIds` and `createdBy` (issue 8: contacts replicate by team or creator, and are purged by them). */
export const contactSchema = schema<ContactDoc>('contact', {
  name: { type: 'string', maxLength: 200 }, email: TEXT, addresses: OBJECT, customFields: OBJECT,
  teamIds: STRINGS, createdBy: TEXT,
}, [['name']], 1);

export const contactMigrations = {
  1: (doc: ContactDoc): ContactDoc => doc,
};

export const teamSchema = schema<TeamDoc>('team', { name: TEXT, dispositionRequired: { type: 'boolean' } });

export const userSchema = schema<UserDoc>('user', {
  name: TEXT, email: TEXT, role: TEXT, teamIds: STRINGS, maxConcurrent: { type: 'number' },
});

export const predefinedSchema = schema<PredefinedDoc>('predefined', { teamId: OPTIONAL_ID, title: TEXT, text: TEXT });

export const dispositionSchema = schema<DispositionDoc>('disposition', { teamId: ID, name: TEXT });

/** Local only (R-NET-04): the unsent text of each conversation, kept across restarts. */
export interface DraftDoc {
  id: string;
  text: string;
  updatedAt: number;
}
export const draftSchema: RxJsonSchema<DraftDoc> = {
  title: 'draft',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: { id: ID, text: TEXT, updatedAt: TIME },
  required: ['id', 'text', 'updatedAt'],
};
