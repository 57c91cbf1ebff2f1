import type { UserDoc } from '@atende/protocol';
import type { DocStore, StoredDoc } from '../store/index.js';
import { toWire } from '../store/wire.js';

/** Users read at most: an organisation's whole staff. */
const USERS_LIMIT = 5000;

/** A user document that is neither deleted nor removed: someone who can sign in, be a member, receive work. */
export const isLiveUser = (doc: StoredDoc | undefined): doc is StoredDoc =>
  !!doc && !doc._deleted && doc.type === 'user' && doc.removed !== true;

/** Every live user, in no particular order: the one read of the staff that users, teams and routing share. */
export async function liveUsers(store: DocStore): Promise<UserDoc[]> {
  const found = await store.find({ selector: { type: 'user' }, limit: USERS_LIMIT });
  return found.filter(isLiveUser).map((d) => toWire<UserDoc>(d));
}

/** A live user by id, fresh from the store (for checks before a write); undefined otherwise. */
export async function liveUser(store: DocStore, id: string): Promise<UserDoc | undefined> {
  if (!id.startsWith('user:')) return undefined;
  const doc = await store.get(id, { fresh: true });
  return isLiveUser(doc) ? toWire<UserDoc>(doc) : undefined;
}
