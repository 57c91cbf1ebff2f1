import type { RxCollection } from 'rxdb';
import type { CollectionName, PullResponse, SyncCheckpoint } from '@atende/protocol';

type Doc = Record<string, unknown>;
export type FetchPage = (collection: CollectionName, checkpoint: SyncCheckpoint | undefined, limit: number) => Promise<PullResponse>;

export interface FillOptions {
  firstPage: number;
  largePage: number;
  /** After each page, with its number of documents. */
  onPage: (count: number) => void;
  /** Checked between pages: a replica being replaced stops filling. */
  cancelled: () => boolean;
}

/**
 * First sync of an empty collection (issue 8 point 6): pages go straight into storage as plain
 * inserts — nothing local to compare with, so none of the replication's per-document reads —
 * the next page downloading while the previous one is written. Replication then goes on live
 * from the returned checkpoint. Returns undefined when the collection was not empty (or the
 * fill was cancelled): the replication pulls from its own checkpoint as usual.
 */
export async function fillEmpty(
  collection: RxCollection<Doc>,
  name: CollectionName,
  fetchPage: FetchPage,
  options: FillOptions,
): Promise<SyncCheckpoint | undefined> {
  if ((await collection.count().exec()) > 0) return undefined;
  let checkpoint: SyncCheckpoint | undefined;
  let writing: Promise<unknown> = Promise.resolve();
  // Bounded: 10,000 pages of 1,000 documents is far beyond any replica.
  for (let round = 0; round < 10_000; round++) {
    if (options.cancelled()) return undefined;
    const limit = checkpoint ? options.largePage : options.firstPage;
    const page = await fetchPage(name, checkpoint, limit);
    // A tombstone has nothing to delete in an empty collection.
    const rows = page.documents
      .filter((doc) => doc._deleted !== true)
      .map((doc) => ({ document: { ...doc, _deleted: false, _attachments: {} } }));
    await writing;
    // RxDB's storage wrapper stamps revision and write time; a document written meanwhile (fetched
    // on demand) is refused as a conflict and stays as it is.
    writing = rows.length > 0 ? collection.storageInstance.bulkWrite(rows as never, 'atende-fill') : Promise.resolve();
    checkpoint = page.checkpoint;
    options.onPage(page.documents.length);
    // A short page is the end, like RxDB's own pull; a live-end one says so explicitly.
    if (page.checkpoint.tail || page.documents.length < limit) break;
  }
  await writing;
  return options.cancelled() ? undefined : checkpoint;
}
