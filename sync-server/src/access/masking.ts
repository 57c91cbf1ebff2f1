import {
  maskPersonalData, mayViewPersonalData, viewerOf,
  type ConversationDoc, type MessageDoc, type UserDoc, type Viewer,
} from '@atende/protocol';
import { withRatingFor } from './ratings.js';

/**
 * Masking of personal data (issue 19, R-PRIV-04): the one place that decides what a user without
 * "ver dados pessoais" receives of a message or a conversation, wherever it leaves the server
 * (replication pull, the live stream, REST answers). The store keeps the original; only copies
 * going out are masked.
 */

type Doc = { readonly [field: string]: unknown };

/** Whether this viewer reads message text as written (`Viewer.personalData`, absent: by role). */
export const seesPersonalData = (viewer: Viewer): boolean =>
  viewer.personalData ?? mayViewPersonalData({ role: viewer.role });

function maskedPayload(payload: unknown): unknown {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return payload;
  const masked: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(payload)) masked[key] = typeof value === 'string' ? maskPersonalData(value) : value;
  return masked;
}

/**
 * The document with its personal data masked: a message's `text` and the string values of its
 * `payload` (a shared contact, an edit's former text), a conversation's `lastPreview`. Anything
 * else, and a document with nothing to mask, is returned as is (the same object).
 */
export function maskedDoc<T extends Doc>(doc: T): T {
  if (doc.type === 'message') {
    const text = typeof doc.text === 'string' ? maskPersonalData(doc.text) : doc.text;
    const payload = maskedPayload(doc.payload);
    const same = text === doc.text && JSON.stringify(payload) === JSON.stringify(doc.payload);
    return same ? doc : { ...doc, text, payload };
  }
  if (doc.type === 'conversation' && typeof doc.lastPreview === 'string') {
    const lastPreview = maskPersonalData(doc.lastPreview);
    return lastPreview === doc.lastPreview ? doc : { ...doc, lastPreview };
  }
  return doc;
}

/** The document as this viewer may read it: masked unless they see personal data. */
export function maskedFor<T extends Doc>(viewer: Viewer, doc: T): T {
  return seesPersonalData(viewer) ? doc : maskedDoc(doc);
}

/** A message in a REST answer (the transcript, search hits, a command's result) for this user. */
export const messageFor = (user: UserDoc, message: MessageDoc): MessageDoc => maskedFor(viewerOf(user), message);

/**
 * A conversation in a REST answer for this user: a colleague's rating withheld (issue 18,
 * access/ratings.ts) and its preview masked when they may not see personal data.
 */
export function conversationShownTo(user: UserDoc, conversation: ConversationDoc): ConversationDoc {
  const viewer = viewerOf(user);
  return maskedFor(viewer, withRatingFor(viewer, conversation));
}
