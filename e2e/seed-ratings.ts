/**
 * Seeds rated conversations (issue 18) straight into an embedded store folder, before the server
 * starts on it: `node --import tsx e2e/seed-ratings.ts <dataDir>`. Finished today (minutes ago):
 * Ana's rated 5 and 4 and one asked and not answered; Bruno's rated 1 — so Ana's own average
 * (4,5) differs from the team's (3,3) and the response rate is 3 of 4.
 */
import { EmbeddedStore } from '../sync-server/src/store/embedded.js';

const [dataDir] = process.argv.slice(2);
if (!dataDir) {
  console.error('usage: seed-ratings.ts <dataDir>');
  process.exit(2);
}

const now = Date.now();
const MIN = 60_000;
const rated = (n: number, agentId: string, score: number | null, comment = '') => {
  const createdAt = now - (30 - n) * MIN;
  return {
    _id: `conversation:rated-${n}`, type: 'conversation', createdAt, updatedAt: now, contactId: 'contact:maria',
    channel: 'webchat', channelAccountId: 'channel:demo-site', teamId: 'team:suporte', formerTeamIds: [], status: 'finished',
    agentId, invitedAgentIds: [], protocol: `20261129-97000${n}`, startedBy: 'customer', waitingSince: null, takenAt: createdAt + MIN,
    finishedAt: createdAt + 5 * MIN, finishedBy: agentId, lastInboundAt: createdAt, lastMessageAt: createdAt + 4 * MIN, lastPreview: 'Obrigada!',
    disposition: null, finishNote: '', tags: [], transfers: [], ticketLinks: [], channelMeta: {},
    queuedAt: createdAt, firstTakenAt: createdAt + MIN, firstResponseAt: createdAt + 2 * MIN, ratingRequestedAt: createdAt + 5 * MIN,
    rating: score === null ? null : { score, comment, at: createdAt + 6 * MIN, channel: 'webchat' },
  };
};

/** The question the server sent on finish (issue 18: `payload.ratingRequest` holds the rating key). */
const request = (n: number) => {
  const at = now - (30 - n) * MIN + 5 * MIN;
  return {
    _id: `message:rated-${n}-request`, type: 'message', createdAt: at, updatedAt: at, conversationId: `conversation:rated-${n}`,
    teamId: 'team:suporte', formerTeamIds: [], direction: 'out', authorId: null, authorName: 'Atende Demo', kind: 'text',
    text: 'Como você avalia este atendimento?', attachments: [], visibility: 'public', status: 'delivered', error: null, externalId: null,
    payload: { ratingRequest: `e2eratingkey000${n}` },
  };
};

const store = new EmbeddedStore(dataDir);
const results = await store.bulkWrite([
  rated(1, 'user:ana', 5, 'Atendimento excelente'), rated(2, 'user:ana', 4), rated(3, 'user:ana', null), rated(4, 'user:bruno', 1),
  request(3),
]);
if (results.some((r) => !r.ok)) throw new Error('seed failed');
await store.close();
