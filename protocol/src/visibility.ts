import type { Role } from './documents.js';
import { isDirectChat } from './internalChat.js';
import { mayViewPersonalData } from './masking.js';

/**
 * Who may hold which replicated document (ARCHITECTURE §4), shared by the server (pull, stream,
 * push) and the renderer (purging what the user lost the right to). Agents see conversations
 * and messages of their teams, contacts (and their notes) linked to their teams or created by
 * them, everyone's tags, and their own favourites; supervisors and admins see all but others'
 * favourites; a one-to-one internal chat message reaches its two users only. A document that moved out of a team reaches that team's
 * members as a content-free tombstone so their copy is purged; so does a removed document.
 */
export type Visibility = 'visible' | 'tombstone' | 'hidden';

export interface Viewer {
  userId: string;
  role: Role;
  teamIds: ReadonlySet<string>;
  /**
   * "Ver dados pessoais" (issue 19, R-PRIV-04): message text reaches this viewer unmasked. Absent:
   * as the role says (`mayViewPersonalData`: agents masked).
   */
  personalData?: boolean;
}

export function viewerOf(user: {
  id: string; role: Role; teamIds: readonly string[]; permissions?: { personalData?: boolean | undefined } | undefined;
}): Viewer {
  return { userId: user.id, role: user.role, teamIds: new Set(user.teamIds), personalData: mayViewPersonalData(user) };
}

export const seesAllTeams = (viewer: Viewer): boolean => viewer.role !== 'agent';
export const TEAM_SCOPED_TYPES: ReadonlySet<string> = new Set(['conversation', 'message']);

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Any document shape: store form (`_id`) or wire form (`id`). */
type Doc = { readonly [field: string]: unknown };

export function visibilityOf(viewer: Viewer, doc: Doc): Visibility {
  const seen = rightOf(viewer, doc);
  // A removed (soft-deleted) document stays in the store without content so replicas can purge it.
  return seen === 'visible' && doc.removed === true ? 'tombstone' : seen;
}

function rightOf(viewer: Viewer, doc: Doc): Visibility {
  const type = String(doc.type);
  // A one-to-one internal chat message (R-WS-12) is its two users' alone, whatever their role.
  if (isDirectChat(doc)) return doc.authorId === viewer.userId || doc.recipientId === viewer.userId ? 'visible' : 'hidden';
  if (TEAM_SCOPED_TYPES.has(type)) {
    if (seesAllTeams(viewer)) return 'visible';
    if (typeof doc.teamId === 'string' && viewer.teamIds.has(doc.teamId)) return 'visible';
    return strings(doc.formerTeamIds).some((t) => viewer.teamIds.has(t)) ? 'tombstone' : 'hidden';
  }
  if (type === 'predefined' || type === 'disposition') {
    if (seesAllTeams(viewer) || doc.teamId === null) return 'visible';
    return typeof doc.teamId === 'string' && viewer.teamIds.has(doc.teamId) ? 'visible' : 'hidden';
  }
  if (type === 'contact') {
    if (seesAllTeams(viewer) || doc.createdBy === viewer.userId) return 'visible';
    return strings(doc.teamIds).some((t) => viewer.teamIds.has(t)) ? 'visible' : 'hidden';
  }
  if (type === 'note') {
    // Like its contact (R-WS-03: every agent who serves the contact), and always to its author.
    if (seesAllTeams(viewer) || doc.authorId === viewer.userId) return 'visible';
    return strings(doc.teamIds).some((t) => viewer.teamIds.has(t)) ? 'visible' : 'hidden';
  }
  // A favourite is one user's own, whatever their role.
  if (type === 'favourite') return doc.userId === viewer.userId ? 'visible' : 'hidden';
  if (type === 'team' || type === 'user' || type === 'tag') return 'visible';
  return 'hidden';
}

/**
 * The one user who sees a document by a personal right rather than by role or team: a contact's
 * creator, a note's author, a favourite's owner. The live stream routes such documents to that
 * user's sockets, since scope groups share no user.
 */
export function personalViewerOf(doc: { readonly [field: string]: unknown }): string | undefined {
  const owner = doc.type === 'contact' ? doc.createdBy : doc.type === 'note' ? doc.authorId : doc.type === 'favourite' ? doc.userId : undefined;
  return typeof owner === 'string' ? owner : undefined;
}

/**
 * Every user who sees a document by a personal right: `personalViewerOf`'s one, or both users of a
 * one-to-one internal chat message (R-WS-12), its author and its recipient.
 */
export function personalViewersOf(doc: { readonly [field: string]: unknown }): string[] {
  if (isDirectChat(doc)) return [doc.authorId, doc.recipientId].filter((u, i, all): u is string => typeof u === 'string' && all.indexOf(u) === i);
  const one = personalViewerOf(doc);
  return one === undefined ? [] : [one];
}

/**
 * Fields a tombstone keeps: identity, the fields the replicas index on, never content (text,
 * previews, names, notes). Everything else is emptied before it leaves the server.
 */
const TOMBSTONE_FIELDS = ['id', 'type', 'createdAt', 'updatedAt', 'teamId', 'conversationId', 'status', 'direction'] as const;

export function tombstoneOf(doc: { readonly [field: string]: unknown }): Record<string, unknown> {
  const tombstone: Record<string, unknown> = { _deleted: true };
  for (const field of TOMBSTONE_FIELDS) if (doc[field] !== undefined) tombstone[field] = doc[field];
  if (doc.type === 'contact') tombstone.name = '';
  // The replica indexes notes by contact.
  if (doc.type === 'note' && doc.contactId !== undefined) tombstone.contactId = doc.contactId;
  return tombstone;
}
