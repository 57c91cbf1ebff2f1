import type { RxJsonSchema } from 'rxdb';
import {
  ContactDoc, ConversationDoc, DispositionDoc, FavouriteDoc, MessageDoc, NoteDoc, PredefinedDoc, TagDoc, TeamDoc, UserDoc,
} from '@atende/protocol';
import { rxSchemaOf } from './schemaOf';

/**
 * RxDB schemas of the local replica, generated from the protocol's zod documents (issue 8 point
 * 7): a field added there reaches the replica without being written twice. Only what RxDB needs
 * on top is written here: the indexes the views query, and the versions with their migrations.
 * Replicas keep only identity, type, times and indexed fields as required: a tombstone from the
 * server carries nothing else.
 */
const ID = { type: 'string', maxLength: 100 } as const;
const TEXT = { type: 'string' } as const;
const TIME = { type: 'number', minimum: 0, maximum: 1e15, multipleOf: 1 } as const;

/** Version 1 of every schema is the first generated one: same documents, described from zod. */
const keep = <T>(doc: T): T => doc;

/**
 * Version 2 added the optional `mark` (issue 9, R-WS-13): earlier documents have none. Version 3
 * made `ticketLinks` objects (issue 13, R-WS-14): a bare number becomes a link to no message.
 * Version 4 added the optional service figures `firstResponseAt`, `queuedAt`, `firstTakenAt` and
 * the customer's `rating` (issue 16, R-SV-06/R-RT-06): earlier documents have none. Version 5 added
 * the optional `ratingRequestedAt` (issue 18); version 6 the optional `legalHold` (issue 19).
 */
export const conversationSchema = rxSchemaOf<ConversationDoc>(ConversationDoc, {
  title: 'conversation', version: 6, indexes: [['status', 'updatedAt']],
});
type OldLinks = Omit<ConversationDoc, 'ticketLinks'> & { ticketLinks?: unknown[] };
export const conversationMigrations = {
  1: keep,
  2: keep,
  3: (doc: OldLinks): ConversationDoc => ({
    ...doc,
    ticketLinks: (doc.ticketLinks ?? []).map((link) => (typeof link === 'string'
      ? { id: link.slice(0, 64), number: link.slice(0, 100), messageIds: [], status: 'linked' as const, error: null, url: null, at: doc.updatedAt, byUserId: null }
      : (link as ConversationDoc['ticketLinks'][number]))),
  }),
  4: keep,
  5: keep,
  6: keep,
};

/**
 * Version 1 added `payload` (issue 7); version 2 is generated from zod; version 3 added the
 * optional `recipientId` and the direction index the internal chat reads its rooms by (issue 13, R-WS-12).
 */
export const messageSchema = rxSchemaOf<MessageDoc>(MessageDoc, {
  title: 'message', version: 3, indexes: [['conversationId', 'createdAt'], ['direction', 'createdAt']],
});
export const messageMigrations = {
  1: (doc: Omit<MessageDoc, 'payload'> & { payload?: MessageDoc['payload'] }): MessageDoc => ({ ...doc, payload: doc.payload ?? {} }),
  2: keep,
  3: keep,
};

/**
 * Version 1 added `teamIds` and `createdBy` (issue 8: contacts replicate by team or creator); 2 is
 * generated; 3 added the optional `pictureMediaId` (issue 11: Messenger/Instagram profile pictures);
 * 4 the optional `legalHold` (issue 19).
 */
export const contactSchema = rxSchemaOf<ContactDoc>(ContactDoc, { title: 'contact', version: 4, indexes: [['name']] });
export const contactMigrations = { 1: keep, 2: keep, 3: keep, 4: keep };

/**
 * Version 2 added the optional `internalChat` (issue 13, R-WS-12); version 3 the optional session
 * timeout, tags permission, queue agents, distribution, business hours and archive mark (issue 15);
 * version 4 the optional ratings setting (issue 18); version 5 the optional retention (issue 19).
 */
export const teamSchema = rxSchemaOf<TeamDoc>(TeamDoc, { title: 'team', version: 5 });
export const teamMigrations = { 1: keep, 2: keep, 3: keep, 4: keep, 5: keep };
/**
 * Version 2 added the optional `permissions` (issue 9: history of other teams, tags); version 3 the
 * optional pause, photo, extension and language (issue 13: R-WS-09, R-WS-11); version 4 the optional
 * disabled mark, working hours and the start-conversations permission (issue 15, R-AUTH-01); version 5
 * the optional alias (issue 18, R-WS-11); version 6 the optional personal-data permission (issue 19).
 */
export const userSchema = rxSchemaOf<UserDoc>(UserDoc, { title: 'user', version: 6 });
export const userMigrations = { 1: keep, 2: keep, 3: keep, 4: keep, 5: keep, 6: keep };
/** Version 2 added the optional `attachments` (issue 9, R-WS-04: predefined messages with files). */
export const predefinedSchema = rxSchemaOf<PredefinedDoc>(PredefinedDoc, { title: 'predefined', version: 2 });
export const predefinedMigrations = { 1: keep, 2: keep };
export const dispositionSchema = rxSchemaOf<DispositionDoc>(DispositionDoc, { title: 'disposition', version: 1 });
export const generatedMigrations = { 1: keep };

/** Issue 9: a contact's shared notes (R-WS-03), the admins' tags (R-WS-05), the user's favourites (R-WS-13). */
export const noteSchema = rxSchemaOf<NoteDoc>(NoteDoc, { title: 'note', version: 0, indexes: [['contactId', 'createdAt']] });
export const tagSchema = rxSchemaOf<TagDoc>(TagDoc, { title: 'tag', version: 0 });
export const favouriteSchema = rxSchemaOf<FavouriteDoc>(FavouriteDoc, { title: 'favourite', version: 0 });

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
