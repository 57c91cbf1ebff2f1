import { createHash } from 'node:crypto';
import {
  ATTACHMENTS_MAX, checkMedia, docId, DomainError, MEDIA_LIMITS, MEDIA_MAX_BYTES, mediaKindOf, notFound, sanitizeMediaName,
  type Attachment, type ChannelKind, type MediaKind, type UserDoc,
} from '@atende/protocol';
import { type DocStore, type StoredDoc, updateDoc } from '../store/index.js';
import { mayReadConversation } from '../access/conversations.js';
import { viewerOf, visibilityOf } from '../access/scope.js';
import { visitorMessagesSelector } from '../access/visitors.js';
import { sniffMediaType } from './sniff.js';
import { makeThumbnail, THUMBNAIL_TYPE, type Thumbnailer } from './thumbnail.js';

/**
 * A stored file (ARCHITECTURE §5): metadata here, the bytes as the store attachment `file` and,
 * for pictures, a `thumbnail` attachment, so every node serves them. Never replicated: only the
 * `Attachment` metadata travels, inside the messages that carry the file.
 */
export interface MediaDoc extends StoredDoc {
  type: 'media';
  name: string;
  mimeType: string;
  size: number;
  kind: MediaKind;
  sha256: string;
  thumbnail: boolean;
  /** The user id of the agent, or the contact id of the customer, who sent it. */
  uploadedBy: string;
  channel: ChannelKind;
  /** Conversations whose messages carry this file: whoever may see one of them may read it. */
  conversationIds: string[];
  /**
   * A file of the organisation's library (a predefined message's attachment, R-WS-04): every
   * signed-in user may read and attach it, as every agent may pick a predefined message.
   */
  shared?: boolean;
  /** A contact's profile picture (issue 11): whoever may see that contact may read it. */
  pictureOf?: string;
  /** A user's profile photo (R-WS-11): every signed-in user may read it, visitors never. */
  photoOf?: string;
  createdAt: number;
}

/** Who asks for a file: a signed-in user, or a website-chat visitor (a contact of one account). */
export type MediaReader =
  | { kind: 'user'; user: UserDoc }
  | { kind: 'visitor'; contactId: string; channelAccountId: string };

export interface NewMedia {
  bytes: Buffer;
  /** The name the sender gave; sanitised before it is kept. */
  filename: string;
  /** Only consulted for text, which has no signature to sniff. */
  declaredMime?: string | undefined;
  channel: ChannelKind;
  uploadedBy: string;
  /** Overrides the kind read from the type, e.g. a WhatsApp sticker. */
  kind?: MediaKind | undefined;
  /** The conversation the file arrives in, when already known (inbound media). */
  conversationId?: string | undefined;
  /** A library file (see MediaDoc.shared). */
  shared?: boolean | undefined;
  /** A contact's profile picture (see MediaDoc.pictureOf). */
  pictureOf?: string | undefined;
  /** A user's profile photo (see MediaDoc.photoOf). */
  photoOf?: string | undefined;
}

/**
 * 'channel': what the channel accepts (uploads meant to be sent). 'any': whatever a customer sent
 * us, within the server cap: refusing an inbound file would lose it.
 */
export type MediaPolicy = 'channel' | 'any';
export type MediaVariant = 'file' | 'thumbnail';

export interface MediaContent {
  media: MediaDoc;
  data: Buffer;
  contentType: string;
}

export const MEDIA_ID = /^media:[0-9A-Za-z]{10,40}$/;
/** Past this many recorded conversations (a broadcast), access is found through the messages. */
const RECORDED_CONVERSATIONS_MAX = 100;
const SCAN_LIMIT = 20;

export function attachmentOf(media: MediaDoc): Attachment {
  const { _id, name, mimeType, size, kind, thumbnail } = media;
  return { mediaId: _id, name, mimeType, size, kind, thumbnail };
}

const isMedia = (doc: StoredDoc | undefined): doc is MediaDoc => doc?.type === 'media' && doc._deleted !== true;

export class MediaService {
  constructor(
    private readonly store: DocStore,
    private readonly thumbnailer: Thumbnailer = makeThumbnail,
  ) {}

  /** Sniffs, checks and stores a file; answers the metadata a message then carries. */
  async upload(input: NewMedia, policy: MediaPolicy = 'channel'): Promise<Attachment> {
    const size = input.bytes.length;
    if (size === 0) throw new DomainError('invalid', 'empty_file', 'The file is empty');
    const cap = policy === 'channel' ? MEDIA_LIMITS[input.channel].maxBytes : MEDIA_MAX_BYTES;
    if (size > cap) throw new DomainError('too_large', 'too_large', 'The file is too large', { maxBytes: cap });
    const sniffed = await sniffMediaType(input.bytes, input.filename, input.declaredMime);
    if (!sniffed && policy === 'channel') {
      throw new DomainError('unsupported_type', 'unsupported_type', 'The file type is not recognised or not accepted');
    }
    const mimeType = sniffed ?? 'application/octet-stream';
    if (policy === 'channel') {
      const refusal = checkMedia(input.channel, mimeType, size);
      if (refusal) throw refusal;
    }
    const kind = input.kind ?? mediaKindOf(mimeType);
    const thumbnail = kind === 'image' || kind === 'sticker' ? await this.thumbnailer(input.bytes) : undefined;
    const media: MediaDoc = {
      _id: docId('media'), type: 'media', name: sanitizeMediaName(input.filename, mimeType), mimeType, size, kind,
      sha256: createHash('sha256').update(input.bytes).digest('hex'), thumbnail: thumbnail !== undefined,
      uploadedBy: input.uploadedBy, channel: input.channel,
      conversationIds: input.conversationId ? [input.conversationId] : [], createdAt: Date.now(),
      ...(input.shared ? { shared: true } : {}),
      ...(input.pictureOf ? { pictureOf: input.pictureOf } : {}),
      ...(input.photoOf ? { photoOf: input.photoOf } : {}),
    };
    const [written] = await this.store.bulkWrite([media]);
    if (!written?.ok) throw new Error(`media ${media._id} could not be stored: ${written?.reason ?? 'no result'}`);
    // A crash between these writes leaves metadata without bytes, which reads as not found.
    const rev = await this.store.putAttachment(media._id, written.rev, 'file', { data: input.bytes, contentType: mimeType });
    if (thumbnail) await this.store.putAttachment(media._id, rev, 'thumbnail', { data: thumbnail, contentType: THUMBNAIL_TYPE });
    return attachmentOf(media);
  }

  async get(mediaId: string): Promise<MediaDoc | undefined> {
    if (!MEDIA_ID.test(mediaId)) return undefined;
    const doc = await this.store.get(mediaId);
    return isMedia(doc) ? doc : undefined;
  }

  async read(mediaId: string, variant: MediaVariant): Promise<MediaContent | undefined> {
    const media = await this.get(mediaId);
    if (!media || (variant === 'thumbnail' && !media.thumbnail)) return undefined;
    const stored = await this.store.getAttachment(mediaId, variant);
    if (!stored) return undefined;
    return { media, data: stored.data, contentType: variant === 'file' ? media.mimeType : THUMBNAIL_TYPE };
  }

  /**
   * Whether `reader` may fetch and attach the file: its sender, or someone who may see a
   * conversation using it. Never a profile photo (see `mayView`).
   */
  async mayRead(mediaId: string, reader: MediaReader): Promise<boolean> {
    const media = await this.get(mediaId);
    return media ? this.mayReadMedia(media, reader) : false;
  }

  /**
   * Whether `reader` may download the file (`GET /api/media/:id`): what `mayRead` allows, and
   * users' profile photos to every signed-in user — never to a website visitor (R-WS-11).
   */
  async mayView(mediaId: string, reader: MediaReader): Promise<boolean> {
    const media = await this.get(mediaId);
    if (!media) return false;
    if (media.photoOf) return reader.kind === 'user';
    return this.mayReadMedia(media, reader);
  }

  /**
   * The attachments a new message in `conversationId` may carry: each file must exist and be
   * readable by its author (else one could attach another team's file to gain access to it). Records
   * the conversation on each file, which is what later grants its viewers access.
   */
  async attachmentsFor(mediaIds: readonly string[], author: MediaReader, conversationId: string): Promise<Attachment[]> {
    const unique = [...new Set(mediaIds)];
    if (unique.length > ATTACHMENTS_MAX) {
      throw new DomainError('invalid', 'too_many_attachments', `A message carries at most ${ATTACHMENTS_MAX} files`);
    }
    const attachments: Attachment[] = [];
    for (const mediaId of unique) {
      const media = await this.get(mediaId);
      if (!media || !(await this.mayReadMedia(media, author))) throw notFound('Media');
      await this.recordUse(mediaId, conversationId);
      attachments.push(attachmentOf(media));
    }
    return attachments;
  }

  /** Files this author uploaded, as attachments (the website chat attaches only its own uploads). */
  async uploadsOf(mediaIds: readonly string[], uploadedBy: string): Promise<Attachment[]> {
    const attachments: Attachment[] = [];
    for (const mediaId of new Set(mediaIds)) {
      const media = await this.get(mediaId);
      if (!media || media.uploadedBy !== uploadedBy) throw notFound('Media');
      attachments.push(attachmentOf(media));
    }
    return attachments;
  }

  /** Deletes a profile photo its user replaced or removed (only ever that: a photo is in no message). */
  async discardPhoto(mediaId: string, userId: string): Promise<void> {
    const media = await this.get(mediaId);
    // A conflict means someone else just wrote it: left as it is, as a deletion is only housekeeping.
    if (media?._rev && media.photoOf === userId) await this.store.bulkWrite([{ _id: media._id, _rev: media._rev, _deleted: true }]);
  }

  /** Records that a conversation carries the file: its viewers may then read it (direct lookups, no scan). */
  async recordUse(mediaId: string, conversationId: string): Promise<void> {
    await updateDoc<MediaDoc>(this.store, mediaId, (current) =>
      current && !current.conversationIds.includes(conversationId) && current.conversationIds.length < RECORDED_CONVERSATIONS_MAX
        ? { ...current, conversationIds: [...current.conversationIds, conversationId] }
        : undefined,
    );
  }

  private async mayReadMedia(media: MediaDoc, reader: MediaReader): Promise<boolean> {
    // A profile photo is shown through `mayView` only: never attached to a message (R-WS-11 "internal").
    if (media.photoOf) return false;
    if (reader.kind === 'visitor') return media.uploadedBy === reader.contactId || this.visitorSees(media._id, reader);
    const { user } = reader;
    if (media.uploadedBy === user.id || media.shared === true) return true;
    // A profile picture shows wherever its contact does (cards, header, contact panel), also
    // once that contact was merged into another one (contacts/merge.ts carries the picture over).
    if (media.pictureOf) {
      let contact = await this.store.get(media.pictureOf);
      for (let hops = 0; hops < 5 && contact?.removed === true && typeof contact.mergedInto === 'string'; hops++) {
        contact = await this.store.get(contact.mergedInto);
      }
      return contact !== undefined && !contact._deleted && visibilityOf(viewerOf(user), contact) === 'visible';
    }
    // Whoever may read a conversation carrying the file reads the file, as its transcript and
    // gallery list it: another team's finished ones too, with the history permission (R-WS-03/05).
    for (const conversationId of media.conversationIds) {
      const conversation = await this.store.get(conversationId);
      if (conversation && mayReadConversation(user, conversation)) return true;
    }
    // Every writer records the conversation (agent sends, the widget, inbound downloads); only a
    // file carried by more conversations than are recorded needs the scan. Mango cannot index
    // array members, so it reads every message: never for an ordinary file.
    if (media.conversationIds.length < RECORDED_CONVERSATIONS_MAX) return false;
    const messages = await this.store.find({
      selector: { type: 'message', attachments: { $elemMatch: { mediaId: media._id } } },
      limit: SCAN_LIMIT,
    });
    const viewer = viewerOf(user);
    return messages.some((message) => visibilityOf(viewer, message) === 'visible');
  }

  /** A visitor sees files of the public customer/agent messages of its own conversations. */
  private async visitorSees(mediaId: string, visitor: Extract<MediaReader, { kind: 'visitor' }>): Promise<boolean> {
    const selector = await visitorMessagesSelector(this.store, visitor.contactId, visitor.channelAccountId);
    if (!selector) return false;
    const messages = await this.store.find({ selector: { ...selector, attachments: { $elemMatch: { mediaId } } }, limit: 1 });
    return messages.length > 0;
  }
}

/**
 * The store path for a file a channel job downloaded from upstream (inbound media): sniffed and
 * kept like an upload, but any type is taken — the customer already sent it.
 */
export function storeRemoteMedia(media: MediaService, input: NewMedia): Promise<Attachment> {
  return media.upload(input, 'any');
}
