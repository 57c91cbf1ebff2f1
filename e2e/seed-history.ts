/**
 * Seeds one waiting conversation with a long history straight into an embedded store folder,
 * before the server starts on it: `node --import tsx e2e/seed-history.ts <dataDir> <count>`.
 */
import { EmbeddedStore } from '../sync-server/src/store/embedded.js';

const [dataDir, countArg] = process.argv.slice(2);
const count = Number(countArg);
if (!dataDir || !Number.isInteger(count) || count < 1) {
  console.error('usage: seed-history.ts <dataDir> <count>');
  process.exit(2);
}

const store = new EmbeddedStore(dataDir);
const start = Date.now() - count * 1000;
const conversationId = 'conversation:history';
await store.bulkWrite([{
  _id: conversationId, type: 'conversation', createdAt: start, updatedAt: Date.now(), contactId: 'contact:maria',
  channel: 'webchat', channelAccountId: 'channel:demo-site', teamId: 'team:suporte', formerTeamIds: [], status: 'waiting',
  agentId: null, invitedAgentIds: [], protocol: '20261121-900001', startedBy: 'customer', waitingSince: start, takenAt: null,
  finishedAt: null, finishedBy: null, lastInboundAt: Date.now(), lastMessageAt: Date.now(), lastPreview: `Mensagem ${count}`,
  disposition: null, finishNote: '', tags: [], transfers: [], ticketLinks: [], channelMeta: {},
}]);
for (let from = 1; from <= count; from += 1000) {
  const batch = [];
  for (let n = from; n < Math.min(from + 1000, count + 1); n++) {
    batch.push({
      _id: `message:history-${String(n).padStart(6, '0')}`, type: 'message', createdAt: start + n * 1000, updatedAt: start + n * 1000,
      conversationId, teamId: 'team:suporte', formerTeamIds: [], direction: n % 2 ? 'in' : 'out',
      authorId: n % 2 ? 'contact:maria' : 'user:bruno', authorName: n % 2 ? 'Maria Oliveira' : 'Bruno Lima', kind: 'text',
      // Every tenth message is long, so rows have different heights.
      text: n % 10 === 0 ? `Mensagem ${n} ${'com bastante texto '.repeat(12)}` : `Mensagem ${n}`,
      attachments: [], visibility: 'public', status: n % 2 ? 'delivered' : 'read', error: null, externalId: null,
    });
  }
  const results = await store.bulkWrite(batch);
  if (results.some((r) => !r.ok)) throw new Error('seed failed');
}
await store.close();
