import { z } from 'zod';
import { COLLECTION_NAMES, type CollectionName } from './collections.js';
import { ClientId, Id, MESSAGE_TEXT_MAX, UserDoc } from './documents.js';
import { ATTACHMENTS_MAX } from './media.js';
import { ReplicaInfo, SyncCheckpoint } from './sync.js';

/** REST request and response bodies. Command bodies are strict: unknown keys are a 400. */
export const LoginBody = z.strictObject({
  email: z.email().max(254),
  password: z.string().min(1).max(1024),
});
export type LoginBody = z.infer<typeof LoginBody>;

export const LoginResponse = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  /** Seconds until the access token expires. */
  expiresIn: z.number().int(),
  user: UserDoc,
});
export type LoginResponse = z.infer<typeof LoginResponse>;

export const RefreshBody = z.strictObject({ refreshToken: z.string().min(1).max(512) });
export const LogoutBody = z.strictObject({ refreshToken: z.string().min(1).max(512).optional() });

export const MessageText = z
  .string()
  .max(MESSAGE_TEXT_MAX)
  .refine((s) => s.trim().length > 0, 'text must not be empty');

/** Text, files (ids from `POST /api/media`), or both. The text is trimmed before it is counted (channelTextLength). */
const messageBodyShape = {
  id: ClientId,
  text: z.string().trim().max(MESSAGE_TEXT_MAX).default(''),
  mediaIds: z.array(Id).max(ATTACHMENTS_MAX).optional(),
};
const hasContent = (b: { text: string; mediaIds?: string[] | undefined }) => b.text.trim().length > 0 || (b.mediaIds?.length ?? 0) > 0;
const emptyMessage = { message: 'text must not be empty', path: ['text'] };

export const SendMessageBody = z
  .strictObject({
    ...messageBodyShape,
    /** R-CH-07: Reclame Aqui answers are private unless "public"; other channels take only "public". */
    visibility: z.enum(['public', 'private']).optional(),
  })
  .refine(hasContent, emptyMessage);
export type SendMessageBody = z.infer<typeof SendMessageBody>;

export const TransferBody = z
  .strictObject({
    /** Optional client command id; a retry with the same id is answered with the first result. */
    id: ClientId.optional(),
    toAgentId: Id.optional(),
    toTeamId: Id.optional(),
    /** For the receiver (R-WS-19); kept in the forwarding history. */
    note: z.string().max(1000).optional(),
  })
  .refine((b) => (b.toAgentId === undefined) !== (b.toTeamId === undefined), {
    message: 'give exactly one of toAgentId or toTeamId',
  });
export type TransferBody = z.infer<typeof TransferBody>;

/** The finish note's length: the dialog stops typing there, the server refuses more. */
export const FINISH_NOTE_MAX = 4000;
export const FinishBody = z.strictObject({
  id: ClientId.optional(),
  disposition: Id.nullable().optional(),
  note: z.string().max(FINISH_NOTE_MAX).optional(),
  /** false: do not ask the customer to rate this one conversation (issue 18); absent: the team's setting. */
  requestRating: z.boolean().optional(),
});
export type FinishBody = z.infer<typeof FinishBody>;

export const ClaimBody = z.strictObject({ id: ClientId.optional() });
export const ReturnToQueueBody = z.strictObject({ id: ClientId.optional(), note: z.string().max(1000).optional() });
export type ReturnToQueueBody = z.infer<typeof ReturnToQueueBody>;
export const ResendBody = z.strictObject({});

/** Pending/resolved (R-WS-13); null clears it. `id`: the command id, a repeat answers the first outcome. */
export const ConversationMark = z.enum(['pending', 'resolved']).nullable();
export type ConversationMark = z.infer<typeof ConversationMark>;
export const MarkBody = z.strictObject({ id: ClientId, mark: ConversationMark });
export type MarkBody = z.infer<typeof MarkBody>;

/** The conversation's whole set of internal tags (R-WS-05), ids of existing tag documents. */
export const TagsBody = z.strictObject({
  id: ClientId,
  tags: z.array(Id.refine((t) => t.startsWith('tag:'), 'not a tag id')).max(20)
    .refine((tags) => new Set(tags).size === tags.length, 'tags must not repeat'),
});
export type TagsBody = z.infer<typeof TagsBody>;

export const VisitorBody = z.strictObject({
  name: z.string().trim().max(200).optional(),
  email: z.union([z.email().max(254), z.literal('')]).optional(),
});
export const VisitorResponse = z.object({ visitorId: z.string(), token: z.string() });
export type VisitorResponse = z.infer<typeof VisitorResponse>;

/** A visitor's message: no visibility, a visitor's words always reach the conversation. */
export const WebchatMessageBody = z.strictObject(messageBodyShape).refine(hasContent, emptyMessage);
export type WebchatMessageBody = z.infer<typeof WebchatMessageBody>;

/** Replication (ARCHITECTURE §4). The checkpoint is opaque to clients. */

export const PullQuery = z.object({
  /** A SyncCheckpoint from a previous pull or `sync.docs` frame, JSON-encoded; absent = from scratch. */
  checkpoint: z.string().max(4096).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export type PullQuery = z.infer<typeof PullQuery>;

/** Wire documents (tombstones are `{id, …, _deleted: true}` without content) and where to go on. */
export const PullResponse = z.object({
  documents: z.array(z.record(z.string(), z.unknown())),
  checkpoint: SyncCheckpoint,
});
export type PullResponse = z.infer<typeof PullResponse>;

/** The replica's checkpoint per collection (absent or null = not started), for the progress bar. */
export const SyncStatusCheckpoints = z.partialRecord(z.enum(COLLECTION_NAMES as [CollectionName, ...CollectionName[]]), SyncCheckpoint.nullable());
export type SyncStatusCheckpoints = z.infer<typeof SyncStatusCheckpoints>;

/** `GET /api/sync/status?checkpoints=<JSON SyncStatusCheckpoints>`. */
export const SyncStatusQuery = z.object({ checkpoints: z.string().max(16_384).optional() });

/**
 * `remaining`: documents still to pull per collection from the given checkpoints (an estimate:
 * rows of the viewer's index ranges, before visibility and de-duplication). A checkpoint of
 * another store or scope counts from scratch.
 */
export const SyncStatus = ReplicaInfo.extend({
  remaining: z.partialRecord(z.enum(COLLECTION_NAMES as [CollectionName, ...CollectionName[]]), z.number().int().nonnegative()),
});
export type SyncStatus = z.infer<typeof SyncStatus>;

export const PushRow = z.object({
  newDocumentState: z.record(z.string(), z.unknown()),
  assumedMasterState: z.record(z.string(), z.unknown()).nullable().optional(),
});
export const PushBody = z.array(PushRow).max(500);
export type PushRow = z.infer<typeof PushRow>;
/** The master state of every row that conflicted (removed documents as content-free tombstones). */
export const PushResponse = z.array(z.record(z.string(), z.unknown()));
export type PushResponse = z.infer<typeof PushResponse>;

export const ErrorBody = z.object({ error: z.string(), message: z.string() });
export type ErrorBody = z.infer<typeof ErrorBody>;
