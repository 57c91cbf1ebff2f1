import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { docId } from '@atende/protocol';
import { visitorMessageKey } from '../sync-server/src/channels/webchat/routes.js';
import { clientId, newVisitor, visitorSays, withTimeout, type Visitor } from './client.js';
import { startBenchServer, type BenchServer } from './server.js';
import { summarize, table, type Summary } from './stats.js';

/**
 * Inbound ingest end to end (issue 7 point 5): `writers` website visitors each POST
 * `messagesPerWriter` messages to /api/webchat/messages one after another (the next once the
 * previous was acknowledged), all writers at once, against a real server on a fresh embedded
 * store. A visitor's first message opens its conversation; the rest append to it. msg/s counts
 * acknowledged (201) messages over the wall time of the whole run; afterwards every message is
 * read back from the store, so an acknowledgement that stored nothing fails the run.
 *
 *   npx tsx bench/httpIngest.ts                             # prints the table
 *   import { measureHttpIngest, httpIngestTable } from './httpIngest.js'   # from bench/run.ts
 */

export interface HttpIngestOptions {
  writers?: number;
  messagesPerWriter?: number;
  /** Each run on its own fresh server; more than one shows the spread on a busy machine. */
  runs?: number;
}

export interface HttpIngestRun {
  messages: number;
  ms: number;
  messagesPerSecond: number;
  /** POST until its 201, ms: the writer's first message (opens a conversation) and the rest. */
  firstPostMs: Summary;
  followUpPostMs: Summary;
  /** Messages found in the store afterwards (must equal `messages`). */
  stored: number;
  /**
   * CPU time of the whole process (client and server: user + system) during the timed run,
   * per message. At N simultaneous arrivals the last waits for about N × this on one core.
   */
  cpuMsPerMessage: number;
}

export interface HttpIngestResult {
  writers: number;
  messagesPerWriter: number;
  runs: HttpIngestRun[];
}

export const HTTP_INGEST_DEFAULTS: Required<HttpIngestOptions> = { writers: 200, messagesPerWriter: 20, runs: 2 };
const WAIT_MS = 5 * 60_000;
const WARMUP_VISITORS = 5;
const TEXT = 'Boa tarde! Meu pedido ainda não chegou, podem verificar o status da entrega?';

/** Reads back each acknowledged message by the key the webchat route stores it under. */
async function countStored(server: BenchServer, posted: Array<[Visitor, string]>): Promise<number> {
  let stored = 0;
  for (const [visitor, id] of posted) {
    if (await server.store.get(docId('message', visitorMessageKey(visitor.visitorId, id)))) stored += 1;
  }
  return stored;
}

async function run(writers: number, perWriter: number): Promise<HttpIngestRun> {
  const server = await startBenchServer();
  try {
    // Warm-up: opens the store, builds the lazy indexes and the HTTP connection pool; not timed.
    for (let i = 0; i < WARMUP_VISITORS; i++) {
      const visitor = await newVisitor(server.url);
      await visitorSays(server.url, visitor, clientId('w'), TEXT);
      await visitorSays(server.url, visitor, clientId('w'), TEXT);
    }
    const visitors = await withTimeout(
      Promise.all(Array.from({ length: writers }, () => newVisitor(server.url))),
      WAIT_MS, `creating ${writers} visitors`,
    );
    const first: number[] = [];
    const followUp: number[] = [];
    const posted: Array<[Visitor, string]> = [];
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    await withTimeout(
      Promise.all(visitors.map(async (visitor) => {
        for (let n = 0; n < perWriter; n++) {
          const id = clientId(`i${n}`);
          const t = performance.now();
          await visitorSays(server.url, visitor, id, `${TEXT} (${n + 1})`);
          (n === 0 ? first : followUp).push(performance.now() - t);
          posted.push([visitor, id]);
        }
      })),
      WAIT_MS, `${writers} writers × ${perWriter} messages`,
    );
    const ms = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    const stored = await countStored(server, posted);
    if (stored !== posted.length) throw new Error(`ingest: ${posted.length} acknowledged but ${stored} stored`);
    return {
      messages: posted.length, ms: Math.round(ms), messagesPerSecond: Math.round((posted.length / ms) * 1000),
      firstPostMs: summarize(first), followUpPostMs: summarize(followUp), stored,
      cpuMsPerMessage: Math.round(((cpu.user + cpu.system) / 1000 / posted.length) * 1000) / 1000,
    };
  } finally {
    await server.close();
  }
}

export async function measureHttpIngest(options: HttpIngestOptions = {}): Promise<HttpIngestResult> {
  const { writers, messagesPerWriter, runs } = { ...HTTP_INGEST_DEFAULTS, ...options };
  const results: HttpIngestRun[] = [];
  for (let i = 0; i < runs; i++) results.push(await run(writers, messagesPerWriter));
  return { writers, messagesPerWriter, runs: results };
}

export function httpIngestTable(result: HttpIngestResult): string {
  return table(
    ['HTTP ingest', 'messages', 'ms', 'msg/s', 'first POST p50', 'first POST p99', 'next POST p50', 'next POST p99', 'stored', 'CPU ms/msg'],
    result.runs.map((r, i) => [
      `run ${i + 1}`, r.messages, r.ms, r.messagesPerSecond, r.firstPostMs.p50, r.firstPostMs.p99,
      r.followUpPostMs.p50, r.followUpPostMs.p99, r.stored, r.cpuMsPerMessage,
    ]),
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await measureHttpIngest();
  console.log(`HTTP ingest: ${result.writers} concurrent visitors × ${result.messagesPerWriter} messages, embedded store`);
  console.log(httpIngestTable(result));
}
