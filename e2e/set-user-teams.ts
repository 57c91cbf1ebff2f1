/**
 * Changes a user's teams straight in an embedded store folder while the server is down, as an
 * administrator's edit would: `node --import tsx e2e/set-user-teams.ts <dataDir> <userId> [teamId…]`.
 */
import { EmbeddedStore } from '../sync-server/src/store/embedded.js';

const [dataDir, userId, ...teamIds] = process.argv.slice(2);
if (!dataDir || !userId) {
  console.error('usage: set-user-teams.ts <dataDir> <userId> [teamId…]');
  process.exit(2);
}

const store = new EmbeddedStore(dataDir);
const user = await store.get(userId);
if (!user) throw new Error(`no ${userId}`);
// The server stamps changedAt on its own writes; this one bypasses it, so it stamps it itself.
const now = Date.now();
const [result] = await store.bulkWrite([{ ...user, teamIds, updatedAt: now, changedAt: now }]);
if (!result?.ok) throw new Error(`could not update ${userId}`);
await store.close();
