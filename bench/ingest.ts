import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { DelegatingStore } from '../sync-server/src/store/delegate.js';
import { EmbeddedStore } from '../sync-server/src/store/embedded.js';
import { withGroupCommit } from '../sync-server/src/store/groupCommit.js';
import type { DocStore, StoredDoc, WriteOptions, WriteResult } from '../sync-server/src/store/types.js';
import { summarize, table } from './stats.js';

/**
 * Inbound ingest at the store (issue 7 point 5: ≥ 3,000 msg/s at 200 concurrent writers on the
 * embedded store). `writers` tasks each store `messagesPerWriter` inbound message documents one
 * at a time — `bulkWrite([message])` and wait, as a webhook request does — on a fresh embedded
 * store in a temp folder, once straight and once through group commit. Store level only: no
 * HTTP, no conversation update, so it isolates what batching gains.
 *
 *   npx tsx bench/ingest.ts                         # prints the table
 *   import { measureIngest, ingestTable } from './ingest.js'   # from bench/run.ts
 */

export interface IngestOptions {
  writers?: number;
  messagesPerWriter?: number;
}

export interface IngestRun {
  mode: 'one write per message' | 'group commit';
  messages: number;
  ms: number;
  messagesPerSecond: number;
  /** Bulk writes that reached the store, and documents per write on average. */
  storeWrites: number;
  docsPerStoreWrite: number;
  /** Each writer's wait for its own write, in ms. */
  writeP50Ms: number;
  writeP99Ms: number;
}

export interface IngestResult {
  writers: number;
  messagesPerWriter: number;
  runs: IngestRun[];
}

export const INGEST_DEFAULTS: Required<IngestOptions> = { writers: 200, messagesPerWriter: 25 };

class CountingStore extends DelegatingStore {
  writes = 0;

  override bulkWrite(docs: StoredDoc[], options?: WriteOptions): Promise<WriteResult[]> {
    this.writes += 1;
    return this.inner.bulkWrite(docs, options);
  }
}

/** An inbound customer message as the inbound service stores it (wire fields, `_id` form). */
function inboundMessage(writer: number, n: number, at: number): StoredDoc {
  const key = `${String(writer).padStart(3, '0')}-${String(n).padStart(4, '0')}`;
  return {
    _id: `message:ingest-${key}`, type: 'message', createdAt: at, updatedAt: at,
    conversationId: `conversation:ingest-${writer}`, teamId: 'team:suporte', formerTeamIds: [],
    direction: 'in', authorId: `contact:ingest-${writer}`, authorName: 'Cliente do benchmark', kind: 'text',
    text: `Mensagem ${n} do cliente ${writer}: gostaria de saber quando meu pedido chega.`,
    attachments: [], visibility: 'public', status: 'delivered', error: null, externalId: `wamid.${key}`,
  };
}

async function run(mode: IngestRun['mode'], writers: number, perWriter: number): Promise<IngestRun> {
  const dir = mkdtempSync(path.join(tmpdir(), 'atende-bench-ingest-'));
  const counted = new CountingStore(new EmbeddedStore(dir));
  const store: DocStore = mode === 'group commit' ? withGroupCommit(counted) : counted;
  try {
    // Opens the database (PouchDB does it lazily), so the timing is of writes only.
    await store.bulkWrite([{ _id: 'warm-up' }]);
    counted.writes = 0;
    const waits: number[] = [];
    const started = performance.now();
    await Promise.all(
      Array.from({ length: writers }, async (_, writer) => {
        for (let n = 0; n < perWriter; n++) {
          const t = performance.now();
          const [result] = await store.bulkWrite([inboundMessage(writer, n, Date.now())]);
          waits.push(performance.now() - t);
          if (!result?.ok) throw new Error(`ingest write failed: ${JSON.stringify(result)}`);
        }
      }),
    );
    const ms = performance.now() - started;
    const messages = writers * perWriter;
    const waitSummary = summarize(waits);
    return {
      mode, messages, ms: Math.round(ms), messagesPerSecond: Math.round((messages / ms) * 1000),
      storeWrites: counted.writes, docsPerStoreWrite: Math.round((messages / counted.writes) * 10) / 10,
      writeP50Ms: waitSummary.p50, writeP99Ms: waitSummary.p99,
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function measureIngest(options: IngestOptions = {}): Promise<IngestResult> {
  const { writers, messagesPerWriter } = { ...INGEST_DEFAULTS, ...options };
  const runs = [
    await run('one write per message', writers, messagesPerWriter),
    await run('group commit', writers, messagesPerWriter),
  ];
  return { writers, messagesPerWriter, runs };
}

export function ingestTable(result: IngestResult): string {
  return table(
    ['store ingest', 'messages', 'ms', 'msg/s', 'store writes', 'docs/write', 'wait p50 ms', 'wait p99 ms'],
    result.runs.map((r) => [r.mode, r.messages, r.ms, r.messagesPerSecond, r.storeWrites, r.docsPerStoreWrite, r.writeP50Ms, r.writeP99Ms]),
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await measureIngest();
  console.log(`Ingest: ${result.writers} concurrent writers × ${result.messagesPerWriter} messages, embedded store`);
  console.log(ingestTable(result));
}
