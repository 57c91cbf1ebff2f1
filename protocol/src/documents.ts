import { z } from 'zod';
import { keyOf } from './ids.js';
import { BusinessHours, WeeklyHours } from './hours.js';

/**
 * Replicated documents (ARCHITECTURE §3) as they travel to clients. The store keeps them with
 * `_id`/`_rev`; on the wire the primary key is `id` because RxDB forbids leading underscores.
 */
export const Id = z.string().min(3).max(100).regex(/^[a-z]+:[A-Za-z0-9_.@-]+$/, 'malformed id');
/**
 * Server-made message keys: `in-` upstream imports (channels/inbound.ts), `wc-` website visitors'
 * messages. A client id never takes them, or an agent could squat a message the server will import
 * later (a Reclame Aqui complaint polled next) and the import would take it as already stored.
 * `chat-`: internal chat messages (internalChat.ts `chatMessageId`, issue 13).
 */
export const RESERVED_CLIENT_ID_PREFIXES: readonly string[] = ['in-', 'wc-', 'chat-'];
/** Client-generated ids for commands and messages (ULIDs in practice). */
export const ClientId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{8,64}$/, 'malformed client id')
  .refine((id) => !RESERVED_CLIENT_ID_PREFIXES.some((p) => id.startsWith(p)), 'client ids may not start with a server prefix (in-, wc-, chat-)');
const Millis = z.number().int().nonnegative();

const base = {
  id: Id,
  createdAt: Millis,
  updatedAt: Millis,
};

export const ChannelKind = z.enum([
  'webchat',
  'whatsapp',
  'telegram',
  'messenger',
  'instagram',
  'reclameaqui',
]);
export type ChannelKind = z.infer<typeof ChannelKind>;

export const ConversationStatus = z.enum(['bot', 'waiting', 'active', 'finished']);
export type ConversationStatus = z.infer<typeof ConversationStatus>;

export const Transfer = z.object({
  id: z.string(),
  at: Millis,
  byUserId: Id,
  fromTeamId: Id,
  toTeamId: Id,
  fromAgentId: Id.nullable(),
  toAgentId: Id.nullable(),
  /** For the receiver (R-WS-19). */
  note: z.string().max(1000).optional(),
});
export type Transfer = z.infer<typeof Transfer>;

/**
 * A ticket of an external help-desk linked to messages of the conversation (R-WS-14): an agent typed
 * the number of an existing ticket ('linked'), or asked the outgoing integration to create one — a
 * job calls it ('creating'), then records the number it answered ('linked') or why it failed.
 */
export const TicketLink = z.object({
  /** The client-chosen command id: a retried request finds its link instead of adding a second. */
  id: z.string().max(64),
  number: z.string().max(100).nullable(),
  messageIds: z.array(Id).max(200),
  status: z.enum(['linked', 'creating', 'failed']),
  error: z.string().max(500).nullable(),
  /** Where the ticket can be opened, when the integration gave an address. */
  url: z.string().max(2000).nullable(),
  at: Millis,
  byUserId: Id.nullable(),
});
export type TicketLink = z.infer<typeof TicketLink>;

/** A customer's rating of a finished conversation (R-WS-20): 1–5 and an optional comment. */
export const ConversationRating = z.object({
  score: z.number().int().min(1).max(5),
  comment: z.string().max(1000),
  at: Millis,
  channel: ChannelKind,
});
export type ConversationRating = z.infer<typeof ConversationRating>;

export const ConversationDoc = z.object({
  ...base,
  type: z.literal('conversation'),
  contactId: Id,
  channel: ChannelKind,
  channelAccountId: Id,
  teamId: Id,
  /** Teams that held the conversation before; their members receive it as a deletion. */
  formerTeamIds: z.array(Id),
  status: ConversationStatus,
  agentId: Id.nullable(),
  invitedAgentIds: z.array(Id),
  protocol: z.string(),
  startedBy: z.enum(['customer', 'agent']),
  waitingSince: Millis.nullable(),
  takenAt: Millis.nullable(),
  finishedAt: Millis.nullable(),
  finishedBy: Id.nullable(),
  lastInboundAt: Millis.nullable(),
  lastMessageAt: Millis.nullable(),
  lastPreview: z.string(),
  disposition: Id.nullable(),
  finishNote: z.string(),
  /** The client command id of the finish that closed it: its repeats answer, any other finish is refused. */
  finishCommandId: z.string().max(64).nullable().optional(),
  /** Tag ids (`tag:<key>`), internal only (R-WS-05). */
  tags: z.array(z.string()),
  /** The agent's own follow-up mark (R-WS-13); 'resolved' is cleared when the customer writes again. */
  mark: z.enum(['pending', 'resolved']).nullable().optional(),
  transfers: z.array(Transfer),
  /** Tickets of an external system linked to selected messages (R-WS-14). */
  ticketLinks: z.array(TicketLink),
  channelMeta: z.record(z.string(), z.string()),
  // Service figures (issue 16, metrics.ts; server-owned): absent on conversations stored before.
  /** When an agent first wrote to the customer (not the bot, not an automatic message). */
  firstResponseAt: Millis.nullable().optional(),
  /** When it first entered a team's queue (waiting). */
  queuedAt: Millis.nullable().optional(),
  /** When an agent first held it (claim, transfer to an agent, distribution). */
  firstTakenAt: Millis.nullable().optional(),
  /** The customer's rating after finish (R-WS-20, issue 18 collects it on every channel). */
  rating: ConversationRating.nullable().optional(),
  /** When the customer was asked to rate it (issue 18; server-owned): the response rate's denominator. */
  ratingRequestedAt: Millis.nullable().optional(),
  /** Legal hold (issue 19, LGPD; server-owned): retention and erasure leave this conversation alone. */
  legalHold: z.boolean().optional(),
});
export type ConversationDoc = z.infer<typeof ConversationDoc>;

export const MessageDirection = z.enum(['in', 'out', 'internal', 'system']);
export const MessageStatus = z.enum(['queued', 'sent', 'delivered', 'read', 'failed']);
export type MessageStatus = z.infer<typeof MessageStatus>;

/** What replicates of a file: metadata only; the bytes are fetched from `GET /api/media/:mediaId`. */
export const MediaKind = z.enum(['image', 'audio', 'video', 'document', 'sticker']);
export type MediaKind = z.infer<typeof MediaKind>;
export const Attachment = z.object({
  mediaId: Id,
  name: z.string().max(255),
  mimeType: z.string().max(255),
  size: z.number().int().nonnegative(),
  kind: MediaKind,
  /** An image thumbnail exists at `GET /api/media/:mediaId?thumbnail=1`. */
  thumbnail: z.boolean(),
});
export type Attachment = z.infer<typeof Attachment>;

export const MESSAGE_TEXT_MAX = 4096;

export const MessageKind = z.enum([
  'text', 'image', 'audio', 'video', 'document', 'sticker', 'location', 'contacts', 'reaction', 'template', 'event',
]);
export type MessageKind = z.infer<typeof MessageKind>;

export const MessageDoc = z.object({
  ...base,
  type: z.literal('message'),
  conversationId: Id,
  /** Denormalised from the conversation so replication can filter by team. */
  teamId: Id,
  formerTeamIds: z.array(Id),
  direction: MessageDirection,
  /** A user id for agents, a contact id for customers, null for the system. */
  authorId: Id.nullable(),
  authorName: z.string(),
  kind: MessageKind,
  text: z.string().max(MESSAGE_TEXT_MAX),
  attachments: z.array(Attachment),
  visibility: z.enum(['public', 'private']),
  status: MessageStatus,
  error: z.string().nullable(),
  externalId: z.string().nullable(),
  /** Structured content of non-text kinds (a location's coordinates, a reaction's target…). */
  payload: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).default({}),
  /**
   * Internal chat (R-WS-12): a direction 'internal' message's `conversationId` is its room
   * (`internalChat.ts`); in a one-to-one room this is the other agent, who with the author is the
   * only one to receive it; null or absent in a team room.
   */
  recipientId: Id.nullable().optional(),
});
export type MessageDoc = z.infer<typeof MessageDoc>;

export const ContactAddresses = z.object({
  /** E.164 digits, or the business-scoped user id of a customer who shows no phone (phone.ts). */
  whatsapp: z.string().regex(/^([1-9]\d{7,14}|[A-Z]{2}\.[A-Za-z0-9]{1,128})$/, 'E.164 digits or a WhatsApp user id').optional(),
  telegram: z.string().max(64).optional(),
  messenger: z.string().max(64).optional(),
  instagram: z.string().max(64).optional(),
  webchat: z.string().max(64).optional(),
  reclameaqui: z.string().max(64).optional(),
});

export const ContactDoc = z.object({
  ...base,
  type: z.literal('contact'),
  name: z.string().max(200),
  email: z.union([z.email().max(254), z.literal('')]),
  addresses: ContactAddresses,
  customFields: z.record(z.string().max(64), z.string().max(1000)),
  /** Teams whose conversations reference this contact; their agents replicate it (server-owned). */
  teamIds: z.array(Id).optional(),
  /** The user who created it by push; they replicate it whatever their teams (server-owned). */
  createdBy: Id.optional(),
  /** The profile picture an upstream gave (Messenger/Instagram profile), stored as media (server-owned). */
  pictureMediaId: z.string().max(100).optional(),
  /** Legal hold (issue 19, LGPD; server-owned): retention and erasure leave the contact and its conversations alone. */
  legalHold: z.boolean().optional(),
});
export type ContactDoc = z.infer<typeof ContactDoc>;

export const TeamDoc = z.object({
  ...base,
  type: z.literal('team'),
  name: z.string().min(1).max(100),
  dispositionRequired: z.boolean(),
  /** Whether the team's members may use the internal chat (R-WS-12); absent: they may. */
  internalChat: z.boolean().optional(),
  /**
   * Session timeout (R-RT-01): waiting or idle conversations are finished automatically after this
   * many minutes without a message, with `message` sent to the customer when not empty; null or absent: never.
   */
  sessionTimeout: z.object({ minutes: z.number().int().min(1).max(43_200), message: z.string().max(1000) }).nullable().optional(),
  /** Whether the team's agents may tag conversations (R-RT-01, on top of their own permission); absent: they may. */
  tagsAllowed: z.boolean().optional(),
  /** Queue visibility (R-RT-02): only these agents see and take the team's waiting queue; null or absent: all members. */
  queueAgentIds: z.array(Id).max(500).nullable().optional(),
  /** Automatic distribution (R-RT-02) to the least-loaded available agent under their maximum; absent: off. */
  autoDistribute: z.boolean().optional(),
  /** Business hours (R-RT-03); null or absent: always open. */
  businessHours: BusinessHours.nullable().optional(),
  /** Archived by an admin: no longer offered for transfers or new members; kept for history. */
  archived: z.boolean().optional(),
  /** Ratings after finish (issue 18): whether the team asks and for how long an answer counts; absent: it does not ask. */
  ratings: z.object({ enabled: z.boolean(), windowHours: z.number().int().min(1).max(720) }).nullable().optional(),
  /** Retention (issue 19, LGPD): finished conversations older than this many months are purged; null or absent: kept. */
  retention: z.object({ months: z.number().int().min(1).max(120) }).nullable().optional(),
});
export type TeamDoc = z.infer<typeof TeamDoc>;

export const Role = z.enum(['agent', 'supervisor', 'admin']);
export type Role = z.infer<typeof Role>;

/**
 * A pause as it stands on the user (R-WS-09): a copy of its type's name and limit taken when it
 * began, so colleagues and supervisors read it offline and a later edit of the type changes nothing.
 */
export const UserPause = z.object({
  typeId: Id,
  name: z.string().min(1).max(60),
  since: Millis,
  /** null: no maximum. */
  maxMinutes: z.number().int().positive().max(1440).nullable(),
});
export type UserPause = z.infer<typeof UserPause>;

/** The public profile; credentials live in server-only documents. */
export const UserDoc = z.object({
  ...base,
  type: z.literal('user'),
  name: z.string().min(1).max(200),
  email: z.email().max(254),
  role: Role,
  teamIds: z.array(Id),
  maxConcurrent: z.number().int().positive(),
  /** Rights an admin grants or withholds per agent; supervisors and admins hold them all. */
  permissions: z.object({
    /** Read finished conversations of other teams in a contact's history (R-WS-05, R-CT-04). */
    historyOtherTeams: z.boolean().optional(),
    tags: z.boolean().optional(),
    /** The internal chat (R-WS-12); absent: allowed where the team allows it. */
    internalChat: z.boolean().optional(),
    /** Start conversations with customers (R-AUTH-01, R-WA-01); absent: allowed. */
    startConversations: z.boolean().optional(),
    /** "Ver dados pessoais" (issue 19): CPF, card numbers, e-mails and phones in message text unmasked; absent: masked for agents. */
    personalData: z.boolean().optional(),
  }).optional(),
  /** Disabled by an admin (R-AUTH-01): cannot sign in, sessions revoked; kept for history. */
  disabled: z.boolean().optional(),
  /** Working hours (R-AUTH-01); null or absent: any time. */
  workingHours: WeeklyHours.nullable().optional(),
  /** The pause the agent is in (R-WS-09), written by the server only; null or absent: not paused. */
  pause: UserPause.nullable().optional(),
  /** Profile (R-WS-11): a photo colleagues see (never customers), stored as media. */
  photoMediaId: Id.nullable().optional(),
  /** The phone extension ("ramal") calls are placed from (R-WS-16). */
  extension: z.string().regex(/^[0-9*#]{1,15}$/, 'an extension is 1 to 15 digits').nullable().optional(),
  /** The interface language the user chose; absent: the app's default. */
  language: z.enum(['pt-BR', 'en', 'es']).optional(),
  /** "Codinome" (R-WS-11, issue 18): the name customers see instead of `name` on every channel; null or absent: the name. */
  alias: z.string().min(1).max(60).nullable().optional(),
});
export type UserDoc = z.infer<typeof UserDoc>;

export const PredefinedDoc = z.object({
  ...base,
  type: z.literal('predefined'),
  /** null: offered to every team. */
  teamId: Id.nullable(),
  title: z.string().min(1).max(200),
  text: z.string().min(1).max(MESSAGE_TEXT_MAX),
  /** Files sent with the text (R-WS-04, R-RT-05): already stored media, attached without re-upload. */
  attachments: z.array(Attachment).max(10).optional(),
});
export type PredefinedDoc = z.infer<typeof PredefinedDoc>;

export const DispositionDoc = z.object({
  ...base,
  type: z.literal('disposition'),
  teamId: Id,
  name: z.string().min(1).max(200),
});
export type DispositionDoc = z.infer<typeof DispositionDoc>;

export const NOTE_TEXT_MAX = 4000;

/** A shared note on a contact ("Anotações", R-WS-03): seen by every agent who serves the contact. */
export const NoteDoc = z.object({
  ...base,
  type: z.literal('note'),
  contactId: Id,
  /** Server-owned: the user who wrote it (only they may edit it) and their name then. */
  authorId: Id,
  authorName: z.string().max(200),
  text: z.string().min(1).max(NOTE_TEXT_MAX),
  /** Server-owned, copied from the contact: the teams whose agents replicate the note. */
  teamIds: z.array(Id),
});
export type NoteDoc = z.infer<typeof NoteDoc>;

/** An internal tag admins define (R-WS-05); conversations list tag ids in `tags`. */
export const TagDoc = z.object({
  ...base,
  type: z.literal('tag'),
  name: z.string().trim().min(1).max(60),
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'color must be #rrggbb'),
});
export type TagDoc = z.infer<typeof TagDoc>;

/** One user's favourite conversation (R-WS-13); id `favourite:<userKey>.<conversationKey>`. */
export const FavouriteDoc = z.object({
  ...base,
  type: z.literal('favourite'),
  /** Server-owned: the user who set it, the only one who receives it. */
  userId: Id,
  conversationId: Id,
});
export type FavouriteDoc = z.infer<typeof FavouriteDoc>;

/** A user's favourite of a conversation has one id, so setting it twice (two windows, offline) is one document. */
export function favouriteIdOf(userId: string, conversationId: string): string {
  return `favourite:${keyOf(userId)}.${keyOf(conversationId)}`;
}

export const ReplicatedDoc = z.discriminatedUnion('type', [
  ConversationDoc,
  MessageDoc,
  ContactDoc,
  TeamDoc,
  UserDoc,
  PredefinedDoc,
  DispositionDoc,
  NoteDoc,
  TagDoc,
  FavouriteDoc,
]);
export type ReplicatedDoc = z.infer<typeof ReplicatedDoc>;
