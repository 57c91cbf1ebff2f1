/**
 * Moves a finished conversation's finish (and its rating question) back in time, in the store folder
 * of a stopped server (issue 18: a rating answered after the window):
 * `node --import tsx e2e/age-finished.ts <dataDir> <conversationId> <hours>`.
 */
import { EmbeddedStore } from '../sync-server/src/store/embedded.js';

const [dataDir, conversationId, hoursArg] = process.argv.slice(2);
const hours = Number(hoursArg);
if (!dataDir || !conversationId || !(hours > 0)) {
  console.error('usage: age-finished.ts <dataDir> <conversationId> <hours>');
  process.exit(2);
}

const store = new EmbeddedStore(dataDir);
const conversation = await store.get(conversationId);
const finishedAt = conversation?.finishedAt;
const ratingRequestedAt = conversation?.ratingRequestedAt;
if (!conversation || conversation.status !== 'finished' || typeof finishedAt !== 'number' || typeof ratingRequestedAt !== 'number') {
  throw new Error(`${conversationId} is not a finished conversation whose rating was asked for`);
}
const back = hours * 3_600_000;
const [written] = await store.bulkWrite([{ ...conversation, finishedAt: finishedAt - back, ratingRequestedAt: ratingRequestedAt - back }]);
if (!written?.ok) throw new Error(`not written: ${written?.reason ?? 'unknown'}`);
await store.close();
