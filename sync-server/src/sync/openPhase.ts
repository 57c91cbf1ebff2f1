import { seesAllTeams } from '@atende/protocol';
import type { DocStore, StoredDoc } from '../store/index.js';
import { STATUS_CHANGED_INDEX } from '../store/indexes.js';
import { type Viewer, visibilityOf } from '../access/scope.js';

const OPEN_STATUSES = ['bot', 'waiting', 'active'] as const;
/**
 * Open conversations are the work at hand, not history: a few thousand at most even in a large
 * organisation. Past this many per status the oldest-changed ones wait for their next change.
 */
const OPEN_CAP = 5_000;

export interface OpenPhasePage {
  documents: StoredDoc[];
  /** The phase cursor to go on from; undefined when the phase is done. */
  next: string | undefined;
  read: number;
}

/**
 * The open conversations a fresh replica must hold although they last changed before its window
 * (ARCHITECTURE §4: "open conversations plus the last N days"), in id order after `cursor`.
 * The window's own range serves everything that changed since `before`.
 */
export async function openConversationsBefore(
  store: Pick<DocStore, 'find'>,
  viewer: Viewer,
  before: number,
  cursor: string,
  limit: number,
): Promise<OpenPhasePage> {
  const teams = seesAllTeams(viewer) ? undefined : [...viewer.teamIds];
  if (teams?.length === 0 || before <= 0) return { documents: [], next: undefined, read: 0 };
  const found = await Promise.all(
    OPEN_STATUSES.map((status) =>
      store.find({
        selector: { status, changedAt: { $lt: before }, type: 'conversation', ...(teams ? { teamId: { $in: teams } } : {}) },
        limit: OPEN_CAP,
        // Led by `status`, not `type`: the range on `changedAt` reads only the open conversations
        // older than the window, not every open one (5,000 waiting cost a first page ~1.5 s).
        useIndex: STATUS_CHANGED_INDEX,
      }),
    ),
  );
  const all = found.flat();
  const old = all
    .filter((doc) => !doc._deleted && doc._id > cursor)
    .filter((doc) => visibilityOf(viewer, doc) === 'visible')
    .sort((a, b) => (a._id < b._id ? -1 : 1));
  const documents = old.slice(0, limit);
  const last = documents[documents.length - 1];
  return { documents, next: old.length > limit && last ? last._id : undefined, read: all.length };
}
