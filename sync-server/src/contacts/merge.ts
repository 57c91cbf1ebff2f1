import { DomainError, forbidden, mayMergeContacts, notFound, type ContactDoc, type UserDoc } from '@atende/protocol';
import type { DocStore, StoredDoc } from '../store/index.js';
import { updateDoc } from '../store/index.js';
import { toWire } from '../store/wire.js';
import { moveAddress } from './addresses.js';
import { entries } from './commands.js';
import { isGone, mergedAwayForm } from './live.js';

const PAGE = 200;

const bump = (doc: StoredDoc) => Math.max(Date.now(), Number(doc.updatedAt) + 1 || 0);
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

/**
 * Merges `sourceId` into `targetId` (R-CT, issue 9 point 2): the target keeps its own fields and
 * gains what it lacked; the source's addresses, conversations, notes and website visitors now
 * point at the target; the source is removed (`removed: true`, `mergedInto`), so replicas purge
 * it. Each step is idempotent, so a repeat after a failure finishes the job, and a repeat after
 * success answers the target again.
 */
export async function mergeContacts(store: DocStore, user: UserDoc, targetId: string, sourceId: string): Promise<ContactDoc> {
  if (targetId === sourceId) throw new DomainError('invalid', 'invalid_input', 'A contact cannot be merged into itself');
  const target = targetId.startsWith('contact:') ? await store.get(targetId) : undefined;
  if (!target || isGone(target)) throw notFound('contact');
  const source = sourceId.startsWith('contact:') ? await store.get(sourceId) : undefined;
  if (source && isGone(source) && source.mergedInto === targetId) return toWire<ContactDoc>(target);
  if (!source || isGone(source)) throw notFound('source contact');
  // Merging rewrites what every team sees of the customer (protocol/permissions.ts).
  if (!mayMergeContacts(user)) throw forbidden('Only a supervisor or admin may merge contacts');
  const open = await store.find({ selector: { type: 'conversation', contactId: sourceId, status: { $ne: 'finished' } }, limit: 1 });
  if (open.length > 0) {
    // Its open conversation is the one the channel's next message continues (threads); moving it
    // mid-service would split the customer's conversation in two.
    throw new DomainError('conflict', 'contact_in_service', 'The contact being merged has an open conversation; finish it first');
  }

  const from = toWire<ContactDoc>(source);
  const { doc: merged } = await updateDoc(store, targetId, (current) => {
    if (!current || isGone(current)) return undefined;
    const into = toWire<ContactDoc>(current);
    return {
      ...current,
      email: into.email || from.email,
      addresses: { ...from.addresses, ...into.addresses },
      customFields: { ...from.customFields, ...into.customFields },
      // The customer's profile picture (server-owned) follows when the target has none; its file
      // stays readable through the source's `mergedInto` (media/service.ts).
      ...(into.pictureMediaId ?? from.pictureMediaId ? { pictureMediaId: into.pictureMediaId ?? from.pictureMediaId } : {}),
      teamIds: [...new Set([...strings(current.teamIds), ...strings(source.teamIds)])],
      updatedAt: bump(current),
    };
  });
  if (!merged || isGone(merged)) throw notFound('contact');
  // Every address of the source reaches the target, also one the target already has of its kind.
  for (const [kind, value] of entries(from.addresses)) await moveAddress(store, kind, value, sourceId, targetId);
  const teamIds = strings(merged.teamIds);
  await repoint(store, 'conversation', sourceId, targetId, () => ({}));
  // Notes follow the contact and are read by its teams (their `teamIds` are the contact's).
  await repoint(store, 'note', sourceId, targetId, () => ({ teamIds }));
  await repoint(store, 'visitor', sourceId, targetId, () => ({}), false);
  await updateDoc(store, sourceId, (current) => {
    if (!current || isGone(current)) return undefined;
    return mergedAwayForm(current, bump(current), targetId);
  });
  return toWire<ContactDoc>(merged);
}

/** Moves every document of `type` from one contact to the other, a page at a time. */
async function repoint(
  store: DocStore,
  type: string,
  from: string,
  to: string,
  extra: () => Record<string, unknown>,
  replicated = true,
): Promise<void> {
  for (;;) {
    const page = await store.find({ selector: { type, contactId: from }, limit: PAGE });
    if (page.length === 0) return;
    for (const doc of page) {
      await updateDoc(store, doc._id, (current) => {
        if (!current || current.contactId !== from) return undefined;
        // Replicated documents carry the server's updatedAt so every replica takes the change.
        return { ...current, ...extra(), contactId: to, ...(replicated ? { updatedAt: bump(current) } : {}) };
      });
    }
  }
}
