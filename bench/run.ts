import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { withTimeout } from './client.js';
import { measureLatency, ROUNDS, type LatencyResult } from './latency.js';
import { closeAll } from './server.js';
import { table } from './stats.js';
import { BACKFILL, measureThroughput, type ThroughputResult } from './throughput.js';

/**
 * `npm run bench` (ARCHITECTURE §9): webhook-to-agent latency and pull throughput on the
 * embedded store. Prints a table and writes bench/results/latest.json plus a dated copy.
 */

const LEVELS = [1, 50, 200];
const SCENARIO_LIMIT_MS = 10 * 60_000;
const RESULTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');

const METHOD = {
  server: 'In-process startServer() on 127.0.0.1:0 over a fresh embedded (PouchDB/LevelDB) store in a temp folder, ' +
    'demo data seeded, public rate limit lifted. Client and server share one Node process and event loop.',
  latency: 'One fresh server per concurrency level. Agent ana@demo.local (team:suporte) keeps one /ws socket and a ' +
    'running messages checkpoint; on every sync.changed naming messages it pulls (limit 100) until a short page. ' +
    `Warm-up: 5 visitors x 2 messages, one at a time, not recorded. Per round, N visitors of demo-site are created ` +
    'first (in parallel), then all N POST /api/webchat/messages at once (first message: opens a conversation), ' +
    'then all N POST a follow-up at once. Latency per message = max(first pull that returned it, first ' +
    'sync.changed[messages] received after its POST started) - POST start (performance.now()). ' +
    `Rounds per level: ${JSON.stringify(ROUNDS)}. Percentiles by nearest rank.`,
  throughput: `One fresh server; ${BACKFILL} valid message docs of one team:suporte conversation written with ` +
    'store.bulkWrite in batches of 1,000; then full pulls of messages from no checkpoint over HTTP until a short ' +
    'page, as ana (agent: team-filtered feed) and carla (supervisor: unfiltered feed). Each pull is checked to ' +
    'return exactly the backfill. docs/s = documents / wall time of the whole pull; median over the runs.',
};

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

function machine() {
  const cpus = os.cpus();
  return {
    cpus: cpus.length, cpuModel: cpus[0]?.model ?? 'unknown', node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`, totalMemMiB: Math.round(os.totalmem() / 2 ** 20),
  };
}

function latencyTable(results: LatencyResult[]): string {
  return table(
    ['concurrency', 'message', 'n', 'p50 ms', 'p99 ms', 'max ms', 'mean ms', 'POST p50', 'POST p99', 'pulls'],
    results.map((r) => [
      r.concurrency, r.message, r.latencyMs.count, r.latencyMs.p50, r.latencyMs.p99, r.latencyMs.max,
      r.latencyMs.mean, r.postMs.p50, r.postMs.p99, r.agentPulls,
    ]),
  );
}

function throughputTable(result: ThroughputResult): string {
  return table(
    ['user', 'limit', 'runs', 'pages', 'median ms', 'median docs/s', 'min docs/s', 'max docs/s'],
    result.summary.map((s) => [
      s.user, s.limit, s.runs, s.pages, s.medianMs, s.medianDocsPerSecond, s.minDocsPerSecond, s.maxDocsPerSecond,
    ]),
  );
}

async function main(): Promise<void> {
  const startedAt = new Date();
  console.log(`atende bench — ${startedAt.toISOString()} — node ${process.version}, ${os.cpus().length} CPUs\n`);
  const latency: LatencyResult[] = [];
  for (const level of LEVELS) {
    process.stdout.write(`latency: ${level} concurrent visitor(s)… `);
    latency.push(...(await withTimeout(measureLatency(level), SCENARIO_LIMIT_MS, `latency at ${level}`)));
    console.log('done');
  }
  process.stdout.write(`throughput: ${BACKFILL}-message backfill and full pulls… `);
  const throughput = await withTimeout(measureThroughput(), SCENARIO_LIMIT_MS, 'pull throughput');
  console.log('done\n');

  console.log('Webhook-to-agent latency (visitor POST → agent has sync.changed and pulled the message)');
  console.log(latencyTable(latency));
  console.log(`\nPull throughput: ${BACKFILL} messages (store bulkWrite ${throughput.writeMs} ms, ` +
    `${throughput.writeDocsPerSecond} docs/s)`);
  console.log(throughputTable(throughput));

  const report = {
    name: 'foundation', startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(),
    commit: gitCommit(), store: 'embedded', machine: machine(), method: METHOD, latency, throughput,
  };
  mkdirSync(RESULTS, { recursive: true });
  const json = JSON.stringify(report, null, 2) + '\n';
  const dated = path.join(RESULTS, `${startedAt.toISOString().slice(0, 10)}-foundation.json`);
  writeFileSync(path.join(RESULTS, 'latest.json'), json);
  writeFileSync(dated, json);
  console.log(`\nwrote ${path.relative(process.cwd(), path.join(RESULTS, 'latest.json'))} and ${path.relative(process.cwd(), dated)}`);
}

process.once('SIGINT', () => {
  void closeAll().finally(() => process.exit(130));
});

main().then(
  async () => {
    await closeAll();
    process.exit(0);
  },
  async (error: unknown) => {
    console.error('\nbench failed:', error instanceof Error ? (error.stack ?? error.message) : error);
    await closeAll();
    process.exit(1);
  },
);
