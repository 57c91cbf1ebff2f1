import { performance } from 'node:perf_hooks';
import type { ConversationDoc, MessageDoc, SyncCheckpoint } from '@atende/protocol';
import { toStored } from '../sync-server/src/store/wire.js';
import { login, pullPage } from './client.js';
import { startBenchServer, type BenchServer } from './server.js';
import { percentile } from './stats.js';

export const BACKFILL = 20_000;
const BATCH = 1_000;
const CONVERSATION = 'conversation:bench-backfill';

export interface PullRun {
  user: string;
  limit: number;
  run: number;
  documents: number;
  pages: number;
  ms: number;
  docsPerSecond: number;
}

export interface ThroughputResult {
  backfill: number;
  batch: number;
  /** bulkWrite of the backfill straight into the store (not over HTTP). */
  writeMs: number;
  writeDocsPerSecond: number;
  pulls: PullRun[];
  /** Per user and limit: median / min / max over the runs. */
  summary: PullSummary[];
}

export interface PullSummary {
  user: string;
  limit: number;
  runs: number;
  pages: number;
  medianMs: number;
  medianDocsPerSecond: number;
  minDocsPerSecond: number;
  maxDocsPerSecond: number;
}

const median = (values: number[]) => percentile([...values].sort((a, b) => a - b), 0.5);

/** Valid documents of one conversation in team:suporte, in the stored (`_id`) form. */
async function backfill(server: BenchServer): Promise<number> {
  const t = Date.now() - BACKFILL * 1000;
  const conversation: ConversationDoc = {
    id: CONVERSATION, type: 'conversation', createdAt: t, updatedAt: t, contactId: 'contact:maria',
    channel: 'webchat', channelAccountId: 'channel:demo-site', teamId: 'team:suporte', formerTeamIds: [],
    status: 'active', agentId: 'user:ana', invitedAgentIds: [], protocol: '20250101-000001', startedBy: 'customer',
    waitingSince: null, takenAt: t, finishedAt: null, finishedBy: null, lastInboundAt: t, lastMessageAt: t,
    lastPreview: '', disposition: null, finishNote: '', tags: [], transfers: [], ticketLinks: [], channelMeta: {},
  };
  const [written] = await server.store.bulkWrite([toStored(conversation)]);
  if (!written?.ok) throw new Error('backfill conversation not written');
  const started = performance.now();
  for (let from = 0; from < BACKFILL; from += BATCH) {
    const docs = Array.from({ length: Math.min(BATCH, BACKFILL - from) }, (_, k) => {
      const n = from + k;
      const inbound = n % 2 === 0;
      const message: MessageDoc = {
        id: `message:bf-${String(n).padStart(6, '0')}`, type: 'message', createdAt: t + n * 1000, updatedAt: t + n * 1000,
        conversationId: CONVERSATION, teamId: 'team:suporte', formerTeamIds: [],
        direction: inbound ? 'in' : 'out', authorId: inbound ? 'contact:maria' : 'user:ana',
        authorName: inbound ? 'Maria Oliveira' : 'Ana Souza', kind: 'text',
        text: `Mensagem ${n} do histórico importado: o pedido foi enviado e deve chegar em breve.`,
        attachments: [], visibility: 'public', status: inbound ? 'delivered' : 'read', error: null,
        externalId: inbound ? `bf${n}` : null, payload: {},
      };
      return toStored(message);
    });
    const results = await server.store.bulkWrite(docs);
    const failed = results.filter((r) => !r.ok);
    if (failed.length > 0) throw new Error(`backfill: ${failed.length} writes failed, e.g. ${JSON.stringify(failed[0])}`);
  }
  return performance.now() - started;
}

/** A full pull of `messages` from no checkpoint; checks it returns exactly the backfill. */
async function fullPull(base: string, token: string, limit: number): Promise<{ documents: number; pages: number; ms: number }> {
  const ids = new Set<string>();
  let checkpoint: SyncCheckpoint | null = null;
  let pages = 0;
  const started = performance.now();
  for (;;) {
    const page = await pullPage(base, token, 'messages', limit, checkpoint);
    pages += 1;
    for (const doc of page.documents) ids.add(String(doc.id));
    checkpoint = page.checkpoint;
    if (page.documents.length < limit) break;
    if (pages > BACKFILL) throw new Error('pull does not terminate');
  }
  const ms = performance.now() - started;
  const backfilled = [...ids].filter((id) => id.startsWith('message:bf-')).length;
  if (backfilled !== BACKFILL || ids.size !== BACKFILL) {
    throw new Error(`pull (limit ${limit}) returned ${ids.size} distinct messages, ${backfilled} of the backfill; expected ${BACKFILL}`);
  }
  return { documents: ids.size, pages, ms };
}

export const PULL_PLAN: Array<{ email: string; limit: number; runs: number }> = [
  { email: 'ana@demo.local', limit: 500, runs: 5 },
  { email: 'ana@demo.local', limit: 100, runs: 5 },
  // A supervisor's feed has no team filter: isolates the cost of the agent's selector.
  { email: 'carla@demo.local', limit: 500, runs: 3 },
];

export async function measureThroughput(): Promise<ThroughputResult> {
  const server = await startBenchServer();
  try {
    const writeMs = await backfill(server);
    const pulls: PullRun[] = [];
    const summary: PullSummary[] = [];
    for (const plan of PULL_PLAN) {
      const { accessToken } = await login(server.url, plan.email);
      const runs: PullRun[] = [];
      for (let run = 1; run <= plan.runs; run++) {
        const r = await fullPull(server.url, accessToken, plan.limit);
        runs.push({
          user: plan.email, limit: plan.limit, run, documents: r.documents, pages: r.pages,
          ms: Math.round(r.ms), docsPerSecond: Math.round((r.documents / r.ms) * 1000),
        });
      }
      const rates = runs.map((r) => r.docsPerSecond);
      summary.push({
        user: plan.email, limit: plan.limit, runs: runs.length, pages: runs[0]?.pages ?? 0,
        medianMs: median(runs.map((r) => r.ms)), medianDocsPerSecond: median(rates),
        minDocsPerSecond: Math.min(...rates), maxDocsPerSecond: Math.max(...rates),
      });
      pulls.push(...runs);
    }
    return {
      backfill: BACKFILL, batch: BATCH, writeMs: Math.round(writeMs),
      writeDocsPerSecond: Math.round((BACKFILL / writeMs) * 1000), pulls, summary,
    };
  } finally {
    await server.close();
  }
}
