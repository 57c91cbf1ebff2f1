import { mayViewPersonalData, type UserDoc } from '@atende/protocol';
import { replicatedCollection, type AtendeDatabase } from './database';
import { purgeDocuments } from './purge';

/**
 * Masking of personal data (issue 19, R-PRIV-04): the server sends message text masked to a user
 * without "ver dados pessoais", and a change of that right restarts the replica (its scope key
 * changes). A fresh pull only resends what is in the replica window, so text received unmasked
 * before the right was withdrawn (or before masking existed) could stay in older messages: when
 * the replica turns masked, its messages and conversations (previews) are purged first and come
 * back masked.
 */
const MASKING = 'atende-masking';
const HOLDING_TEXT = ['messages', 'conversations'] as const;
const PAGE = 1_000;

/**
 * Call when the replica restarts under a new scope, before it pulls. Answers how many documents
 * were purged (none unless the replica was filled unmasked and is masked now).
 */
export async function forgetUnmaskedText(db: AtendeDatabase, user: Pick<UserDoc, 'role' | 'permissions'>): Promise<number> {
  const masked = !mayViewPersonalData(user);
  const held = await db.getLocal<{ masked: boolean }>(MASKING);
  // A replica with no record was filled before masking: it may hold any text.
  const filledMasked = held?.get('masked') === true;
  let purged = 0;
  if (masked && !filledMasked) {
    for (const name of HOLDING_TEXT) {
      const collection = replicatedCollection(db, name);
      for (;;) {
        const page = await collection.find({ limit: PAGE }).exec();
        const done = await purgeDocuments(collection, page);
        purged += done;
        if (page.length < PAGE || done === 0) break;
      }
    }
  }
  if (!held || filledMasked !== masked) await db.upsertLocal(MASKING, { masked });
  return purged;
}
