import type { DocStore, Selector, StoredDoc } from '../store/index.js';

/** Page size of every privacy query: nothing here reads an unbounded result. */
export const PAGE = 500;
/** Indexes led by (type, contactId) and (type, conversationId) (store/indexes.ts): they hold every type having that field. */
export const BY_CONTACT = 'idx-conversation-contact';
export const BY_CONVERSATION = 'idx-message-conversation';

export const live = (doc: StoredDoc | undefined): doc is StoredDoc => doc !== undefined && !doc._deleted;

/**
 * Every live document matching `selector`, read through `index` in pages continued after the last
 * id (rows of one index key come in id order).
 */
export async function findAll(store: DocStore, selector: Selector, index: string): Promise<StoredDoc[]> {
  const found: StoredDoc[] = [];
  let after = '';
  for (;;) {
    const page = await store.find({ selector: { ...selector, _id: { $gt: after } }, limit: PAGE, useIndex: index });
    found.push(...page.filter((d) => !d._deleted));
    const last = page.at(-1);
    if (page.length < PAGE || !last) return found;
    after = last._id;
  }
}

/** Each page of the documents whose id starts with `prefix`, in id order. */
export async function eachInRange(store: DocStore, prefix: string, visit: (page: StoredDoc[]) => void | Promise<void>): Promise<void> {
  let after: string | undefined;
  for (;;) {
    // The first page from the prefix itself: a document whose id is exactly the prefix belongs to the range.
    const from = after === undefined ? { $gte: prefix } : { $gt: after };
    const page = await store.find({ selector: { _id: { ...from, $lt: `${prefix}\uffff` } }, limit: PAGE });
    await visit(page);
    const last = page.at(-1);
    if (page.length < PAGE || !last) return;
    after = last._id;
  }
}

/** Documents whose id starts with `prefix` (a small family: a conversation's slots, an account's threads). */
export async function idRange(store: DocStore, prefix: string): Promise<StoredDoc[]> {
  const found: StoredDoc[] = [];
  await eachInRange(store, prefix, (page) => void found.push(...page));
  return found;
}

/** The live documents of these ids, read fresh, PAGE at a time. */
export async function getAll(store: DocStore, ids: Iterable<string>): Promise<StoredDoc[]> {
  const unique = [...new Set(ids)];
  const docs: StoredDoc[] = [];
  for (let i = 0; i < unique.length; i += PAGE) {
    const read = await Promise.all(unique.slice(i, i + PAGE).map((id) => store.get(id, { fresh: true })));
    docs.push(...read.filter(live));
  }
  return docs;
}
