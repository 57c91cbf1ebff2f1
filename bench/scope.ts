import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { CollectionName } from '@atende/protocol';
import { loadConfig } from '../sync-server/src/config/config.js';
import { startServer, type RunningServer } from '../sync-server/src/server.js';
import { EmbeddedStore } from '../sync-server/src/store/embedded.js';
import type { StoredDoc } from '../sync-server/src/store/index.js';
import { CountingStore } from '../sync-server/test/countingStore.js';
import { DEMO_PASSWORD, login } from './client.js';

/**
 * Scoped reads (issue 8 point 2): an organisation of TEAMS teams, each holding the same number of
 * conversations and messages, written straight into the store. An agent of one team then pulls
 * `conversations` and `messages` from scratch over HTTP, and a supervisor pulls everything. The
 * store counts the index rows every pull reads (`syncRange`); "touched per returned" is rows read
 * divided by documents returned (target ≤ 2 for the agent, whatever the organisation's size).
 */
export interface ScopeWorkload {
  teams: number;
  conversationsPerTeam: number;
  messagesPerConversation: number;
}

const sizeFromEnv = Number.parseInt(process.env.BENCH_SCOPE_CONVERSATIONS ?? '', 10);
export const SCOPE_WORKLOAD: ScopeWorkload = {
  teams: 20,
  conversationsPerTeam: Number.isFinite(sizeFromEnv) && sizeFromEnv > 0 ? sizeFromEnv : 500,
  messagesPerConversation: 9,
};


export interface PullFigure {
  user: string;
  collection: CollectionName;
  returned: number;
  rowsRead: number;
  touchedPerReturned: number;
  requests: number;
  ms: number;
}

export interface ScopeResult {
  workload: ScopeWorkload;
  documents: number;
  writeMs: number;
  /** The index warm-up the server ran after the load (start-up warm), before any pull. */
  warmMs: number;
  pulls: PullFigure[];
}

const pad = (n: number) => String(n).padStart(5, '0');

function* documents(w: ScopeWorkload, now: number): Generator<StoredDoc[]> {
  for (let team = 0; team < w.teams; team++) {
    const teamId = team === 0 ? 'team:suporte' : `team:bench${pad(team)}`;
    let batch: StoredDoc[] = [];
    for (let c = 0; c < w.conversationsPerTeam; c++) {
      const conversationId = `conversation:scope-${pad(team)}-${pad(c)}`;
      const t = now - (c + 1) * 1000;
      batch.push({
        _id: conversationId, type: 'conversation', createdAt: t, updatedAt: t, contactId: 'contact:scope', channel: 'webchat',
        channelAccountId: 'channel:demo-site', teamId, formerTeamIds: [], status: 'waiting', agentId: null, invitedAgentIds: [],
        protocol: `S${pad(team)}${pad(c)}`, startedBy: 'customer', waitingSince: t, takenAt: null, finishedAt: null, finishedBy: null,
        lastInboundAt: t, lastMessageAt: t, lastPreview: 'Olá', disposition: null, finishNote: '', tags: [], transfers: [],
        ticketLinks: [], channelMeta: {},
      });
      for (let m = 0; m < w.messagesPerConversation; m++) {
        batch.push({
          _id: `message:scope-${pad(team)}-${pad(c)}-${m}`, type: 'message', createdAt: t + m, updatedAt: t + m, conversationId,
          teamId, formerTeamIds: [], direction: 'in', authorId: 'contact:scope', authorName: 'Cliente', kind: 'text',
          text: 'Mensagem de teste do benchmark de escopo', attachments: [], visibility: 'public', status: 'delivered',
          error: null, externalId: null, payload: {},
        });
      }
      if (batch.length >= 1000) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }
}

async function pullAll(server: RunningServer, counting: CountingStore, token: string, user: string, collection: CollectionName): Promise<PullFigure> {
  const before = counting.rowsRead;
  let checkpoint: unknown;
  let returned = 0;
  let requests = 0;
  const started = performance.now();
  for (;;) {
    const query = new URLSearchParams({ limit: '500' });
    if (checkpoint) query.set('checkpoint', JSON.stringify(checkpoint));
    const res = await fetch(`${server.url}/api/sync/${collection}/pull?${query}`, { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`pull ${collection}: ${res.status} ${await res.text()}`);
    const page = (await res.json()) as { documents: unknown[]; checkpoint: unknown };
    requests++;
    returned += page.documents.length;
    checkpoint = page.checkpoint;
    if (page.documents.length < 500) break;
  }
  const rowsRead = counting.rowsRead - before;
  return {
    user, collection, returned, rowsRead, requests,
    touchedPerReturned: returned === 0 ? 0 : Math.round((rowsRead / returned) * 100) / 100,
    ms: Math.round(performance.now() - started),
  };
}

export async function runScope(w: ScopeWorkload = SCOPE_WORKLOAD): Promise<ScopeResult> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'atende-bench-scope-'));
  const counting = new CountingStore(new EmbeddedStore(dataDir));
  const config = loadConfig({ PORT: '0', ATENDE_LOG_LEVEL: 'silent', ATENDE_DATA_DIR: dataDir, ATENDE_PUBLIC_RATE_LIMIT: '1000000' });
  const server = await startServer(config, { log: () => {}, store: counting });
  try {
    const now = Date.now();
    let written = 0;
    const writeStarted = performance.now();
    for (const batch of documents(w, now)) {
      const results = await server.store.bulkWrite(batch);
      if (results.some((r) => !r.ok)) throw new Error('scope bench: a write failed');
      written += batch.length;
    }
    const writeMs = Math.round(performance.now() - writeStarted);
    const warmStarted = performance.now();
    await server.store.warmIndexes();
    const warmMs = Math.round(performance.now() - warmStarted);
    const ana = (await login(server.url, 'ana@demo.local', DEMO_PASSWORD)).accessToken;
    const carla = (await login(server.url, 'carla@demo.local', DEMO_PASSWORD)).accessToken;
    const pulls: PullFigure[] = [];
    for (const collection of ['conversations', 'messages'] as const) pulls.push(await pullAll(server, counting, ana, 'ana (agent, 1 of 20 teams)', collection));
    for (const collection of ['conversations', 'messages'] as const) pulls.push(await pullAll(server, counting, carla, 'carla (supervisor, all teams)', collection));
    return { workload: w, documents: written, writeMs, warmMs, pulls };
  } finally {
    await server.stop();
    await counting.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
