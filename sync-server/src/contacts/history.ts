import {
  DomainError, notFound, type ContactMediaItem, type ConversationDoc, type HistoryEntry, type MessageDoc, type UserDoc,
} from '@atende/protocol';
import { mayReadConversation } from '../access/conversations.js';
import { seesRatingOf } from '../access/ratings.js';
import { viewerOf } from '../access/scope.js';
import type { DocStore, StoredDoc } from '../store/index.js';
import { toWire } from '../store/wire.js';
import { isGone } from './live.js';

/** More conversations than one contact has in practice; beyond this the oldest are left out. */
const CONVERSATIONS_MAX = 500;
/** Messages read per conversation for the gallery (as the transcript, conversations/transcript.ts). */
const MESSAGES_MAX = 2_000;

/**
 * The contact's conversations the user may read (access/conversations.ts): their teams', and
 * with the history permission other teams' finished ones. Contacts are one directory for the
 * organisation, so the contact itself needs no team of the user's.
 */
async function readableConversations(store: DocStore, user: UserDoc, contactId: string): Promise<StoredDoc[]> {
  const contact = contactId.startsWith('contact:') ? await store.get(contactId) : undefined;
  if (!contact || isGone(contact)) throw notFound('contact');
  const found = await store.find({ selector: { type: 'conversation', contactId }, limit: CONVERSATIONS_MAX });
  return found.filter((c) => mayReadConversation(user, c));
}

async function nameOf(store: DocStore, id: string | null): Promise<string | null> {
  if (!id) return null;
  const doc = await store.get(id);
  return doc && !doc._deleted && typeof doc.name === 'string' ? doc.name : null;
}

/** R-CT-04 / R-WS-05: the contact's finished conversations, newest first. */
export async function contactHistory(store: DocStore, user: UserDoc, contactId: string): Promise<HistoryEntry[]> {
  const readable = await readableConversations(store, user, contactId);
  const finished = readable.map((c) => toWire<ConversationDoc>(c)).filter((c) => c.status === 'finished');
  finished.sort((a, b) => (b.finishedAt ?? 0) - (a.finishedAt ?? 0) || (a.id < b.id ? 1 : -1));
  const viewer = viewerOf(user);
  return Promise.all(finished.map(async (c) => ({
    id: c.id,
    protocol: c.protocol,
    channel: c.channel,
    teamId: c.teamId,
    teamName: (await nameOf(store, c.teamId)) ?? '',
    agentId: c.agentId,
    agentName: await nameOf(store, c.agentId),
    disposition: await nameOf(store, c.disposition),
    finishNote: c.finishNote,
    createdAt: c.createdAt,
    finishedAt: c.finishedAt,
    ticketLinks: c.ticketLinks,
    // A colleague's rating is theirs and the supervisors' (issue 18).
    ...(c.rating && seesRatingOf(viewer, c) ? { rating: c.rating } : {}),
  })));
}

/** Newest first by time, then id; the cursor is the last item's position, "<createdAt>.<messageId>". */
function parseCursor(cursor: string | undefined): { t: number; id: string } | undefined {
  if (cursor === undefined) return undefined;
  const match = /^(\d{1,15})\.(message:[A-Za-z0-9_.@-]+)$/.exec(cursor);
  if (!match) throw new DomainError('invalid', 'invalid_input', 'Invalid cursor');
  return { t: Number(match[1]), id: String(match[2]) };
}

const before = (m: MessageDoc, at: { t: number; id: string }) => m.createdAt < at.t || (m.createdAt === at.t && m.id < at.id);

/**
 * R-WS-03 gallery: the attachments of every conversation of the contact the user may read,
 * current and earlier, newest first, a page of messages at a time (all attachments of a message
 * stay on one page).
 */
export async function contactMedia(
  store: DocStore,
  user: UserDoc,
  contactId: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<{ items: ContactMediaItem[]; next: string | null }> {
  const after = parseCursor(page.cursor);
  const conversations = await readableConversations(store, user, contactId);
  const messages: MessageDoc[] = [];
  for (const conversation of conversations) {
    const found = await store.find({
      selector: { type: 'message', conversationId: conversation._id, 'attachments.0': { $exists: true } },
      limit: MESSAGES_MAX,
    });
    for (const doc of found) if (!doc._deleted && doc.removed !== true) messages.push(toWire<MessageDoc>(doc));
  }
  messages.sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1));
  const remaining = after ? messages.filter((m) => before(m, after)) : messages;
  const shown = remaining.slice(0, page.limit);
  const items = shown.flatMap((m) => m.attachments.map((attachment) => ({
    attachment, messageId: m.id, conversationId: m.conversationId, createdAt: m.createdAt, direction: m.direction,
  })));
  const last = shown.at(-1);
  return { items, next: last && remaining.length > shown.length ? `${last.createdAt}.${last.id}` : null };
}
