import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { withTimeout } from './client.js';
import { httpIngestTable, HTTP_INGEST_DEFAULTS, measureHttpIngest, type HttpIngestResult } from './httpIngest.js';
import { INGEST_DEFAULTS, ingestTable, measureIngest, type IngestResult } from './ingest.js';
import { measureLatency, measureSustained, ROUNDS, SUSTAINED, type LatencyResult } from './latency.js';
import { closeRenderer, IDB_POLL_MS, measureRenderer, PAGE_LIMIT_MS, WARM_RUNS, rendererBuild, type RendererResult } from './renderer.js';
import { closeAll } from './server.js';
import { table } from './stats.js';
import { runScope, SCOPE_WORKLOAD, type ScopeResult } from './scope.js';
import { measureStream, STREAM, streamTable, type StreamResult } from './stream.js';
import { BACKFILL, measureThroughput, type ThroughputResult } from './throughput.js';
import { WORKLOAD } from './workload.js';
import { measureWhatsApp, WHATSAPP_DEFAULTS, whatsAppTable, type WhatsAppResult } from './whatsapp.js';
import { CHANNELS_DEFAULTS, channelsTable, measureChannels, type ChannelIngestResult } from './channels.js';
import { measureReclameAquiVariants, reclameAquiTable, RECLAMEAQUI_DEFAULTS, type ReclameAquiResult } from './reclameaqui.js';
import { measureTeamwork, TEAMWORK, teamworkTable, type TeamworkResult } from './teamwork.js';
import { reportsAsked, runReportsBench } from './reports.js';

/**
 * `npm run bench` (ARCHITECTURE §9): webhook-to-agent latency, pull throughput and inbound
 * ingest on the embedded store, and the renderer's initial sync and warm start in Chromium.
 * Prints tables and writes bench/results/latest.json plus a dated copy.
 *
 * `npm run bench -- renderer` (or BENCH_ONLY=renderer) runs only some sections: latency,
 * throughput, ingest, stream, teamwork, renderer, or server (= latency, throughput and ingest). A partial run writes
 * results/latest-<sections>.json and a dated copy instead, so latest.json stays a full run.
 *
 * `npm run bench -- reports` is opt-in and runs alone (bench/reports.ts): writing its million
 * messages takes many minutes, so the default run leaves it out. It writes results/reports-<date>.json.
 */

const SECTIONS = ['latency', 'throughput', 'ingest', 'whatsapp', 'channels', 'reclameaqui', 'stream', 'scope', 'teamwork', 'renderer'] as const;
type Section = (typeof SECTIONS)[number];
const ALIASES: Record<string, Section[]> = { server: ['latency', 'throughput', 'ingest'], all: [...SECTIONS] };

function selectedSections(): Section[] {
  const asked = [...process.argv.slice(2), ...(process.env.BENCH_ONLY ?? '').split(',')]
    .map((a) => a.trim().toLowerCase())
    .filter(Boolean);
  if (asked.length === 0) return [...SECTIONS];
  const chosen = new Set<Section>();
  for (const name of asked) {
    const sections = ALIASES[name] ?? (SECTIONS.includes(name as Section) ? [name as Section] : undefined);
    if (!sections) throw new Error(`unknown bench section "${name}"; use ${[...SECTIONS, ...Object.keys(ALIASES)].join(', ')}`);
    for (const section of sections) chosen.add(section);
  }
  return SECTIONS.filter((s) => chosen.has(s));
}

const LEVELS = [1, 50, 200];
const SCENARIO_LIMIT_MS = 10 * 60_000;
// The renderer bounds its own waits (10 min for the cold sync, 2 min per warm start); this is the backstop.
const RENDERER_LIMIT_MS = PAGE_LIMIT_MS + 10 * 60_000;
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
    `Rounds per level: ${JSON.stringify(ROUNDS)}. Percentiles by nearest rank. Sustained (own fresh server, same ` +
    `agent and warm-up): per round ${SUSTAINED.visitors} visitors created first, each sends its first message at a ` +
    `uniformly random moment within ${SUSTAINED.windowMs} ms, then ${SUSTAINED.followUps} follow-ups each ` +
    `${SUSTAINED.gapMs} ms +-${SUSTAINED.jitter * 100} % after the previous was due (not before the previous POST ` +
    `was answered); ${SUSTAINED.rounds} rounds; same latency definition; pulls = the whole rounds (both rows).`,
  throughput: `One fresh server; ${BACKFILL} valid message docs of one team:suporte conversation written with ` +
    'store.bulkWrite in batches of 1,000; then full pulls of messages from no checkpoint over HTTP until a short ' +
    'page, as ana (agent: team-filtered feed) and carla (supervisor: unfiltered feed). Each pull is checked to ' +
    'return exactly the backfill. docs/s = documents / wall time of the whole pull; median over the runs.',
  ingest: `Store: ${INGEST_DEFAULTS.writers} concurrent writers each store ${INGEST_DEFAULTS.messagesPerWriter} inbound ` +
    'message documents one at a time (bulkWrite([message]) and wait) on a fresh embedded store, once straight and once ' +
    'through withGroupCommit; no HTTP. HTTP: one fresh server per run; warm-up 5 visitors x 2 messages (not timed); ' +
    `${HTTP_INGEST_DEFAULTS.writers} demo-site visitors created first, then all at once each POST ` +
    `${HTTP_INGEST_DEFAULTS.messagesPerWriter} messages to /api/webchat/messages one after another (first opens a ` +
    'conversation). msg/s = acknowledged (201) messages / wall time of the whole run; every message is then read back ' +
    `from the store. ${HTTP_INGEST_DEFAULTS.runs} runs. Client and server share one Node process.`,
  whatsapp: `One fresh server (simulator off) and a fake Graph server on loopback; a WhatsApp channel account created through ` +
    `the admin API. ${WHATSAPP_DEFAULTS.customers} customers at once, each writing ${WHATSAPP_DEFAULTS.messagesPerCustomer} text ` +
    `messages one after another; every signed webhook is POSTed ${WHATSAPP_DEFAULTS.copies} times at once (Meta's at-least-once ` +
    'delivery); ack = POST until its answer. Afterwards every upstream id must be stored exactly once. Client and server share one Node process.',
  channels: `Telegram, then Messenger, then Instagram, each on one fresh server (simulators off) with its fake upstream on loopback ` +
    '(FakeBotApi: creating the account registers the webhook and its secret; FakeMetaGraph: one profile with a picture per customer); ' +
    `the account created through the admin API. ${CHANNELS_DEFAULTS.customers} customers (private chats / PSIDs / IGSIDs) at once, each ` +
    `writing ${CHANNELS_DEFAULTS.messagesPerCustomer} texts one after another; every update is POSTed ${CHANNELS_DEFAULTS.copies} times at once ` +
    '(Telegram: X-Telegram-Bot-Api-Secret-Token; Meta: X-Hub-Signature-256 with the app secret); ack = POST until its answer. Afterwards ' +
    'every upstream id must be stored exactly once. Meta: then waits (up to 3 min) until every contact-profile job is done or dead.',
  reclameaqui: `Two variants, each on one fresh server (simulators off) with a FakeHugMe on loopback and one Reclame Aqui account ` +
    `(pollSeconds ${RECLAMEAQUI_DEFAULTS.pollSeconds}) created through the admin API. paced: the fake's rate limit on (10 calls/min per token), ` +
    "the server's own poll chain (outbox jobs); the burst is filed after the chain's first round. drain: the limit off, the account " +
    "disabled after its chain's first round (the chain then idles) and one direct ReclameAquiPoller.poll() without a page cap per phase. (a) " +
    `${RECLAMEAQUI_DEFAULTS.complaints} complaints filed at once; ms until all are waiting conversations (store probed every 500 ms). ` +
    `(b) ${RECLAMEAQUI_DEFAULTS.replies} consumer replies at once, one per ticket, spread evenly over the tickets; ms until all are stored. ` +
    'Exactly once: one conversation and one first message per complaint, one message per reply. Every request to the fake recorded; ' +
    `calls/min = API calls (token endpoint excluded), busiest sliding minute. Hard cap ${RECLAMEAQUI_DEFAULTS.capMs / 60_000} min per variant.`,
  scope: `One fresh server over its own embedded store; ${SCOPE_WORKLOAD.teams} teams x ${SCOPE_WORKLOAD.conversationsPerTeam} ` +
    `waiting conversations x ${SCOPE_WORKLOAD.messagesPerConversation} messages written with store.bulkWrite (batches of ~1,000), ` +
    'then warmIndexes() (timed), then full pulls from no checkpoint over HTTP (limit 500) of conversations and messages as ' +
    'ana (agent of 1 of the 20 teams) and carla (supervisor). The store counts the sync-index rows each pull reads ' +
    '(syncRange); touched per returned = rows read / documents returned. BENCH_SCOPE_CONVERSATIONS sets the per-team size.',
  teamwork: `One fresh server (ATENDE_SECRET set); ${TEAMWORK.agents} agents in ${TEAMWORK.teams} teams that allow the internal chat, written ` +
    'to the store with sessions and signed access tokens; one child process (node --import tsx bench/teamworkClients.ts) opens one /ws ' +
    'socket per agent and sends every request and frame itself, so sends and receipts share one clock. (1) ' +
    `${TEAMWORK.messages} POST /api/chat/messages to the team rooms (teams in turn, up to ${TEAMWORK.senders} senders per team in turn) at ` +
    `${TEAMWORK.rate}/s: latency = the last socket of the team (author included) to get the message in a sync.docs frame - POST start; ` +
    `leak = another team's socket got it. (2) ${TEAMWORK.dms} one-to-one messages between random colleagues (seeded draw) at ` +
    `${TEAMWORK.rate}/s: latency to the recipient's socket; leak = any socket but author and recipient got it. No user sends over 19 ` +
    `messages in the run (chat limit 20 per 20 s). (3) ${TEAMWORK.viewers} viewers each send viewing for ${TEAMWORK.views} of their team's ` +
    `${TEAMWORK.conversations} waiting conversations, ${TEAMWORK.viewRate} frames/s: latency = the last other team member's socket to get ` +
    'collision (viewing) naming viewer and conversation; leak = any collision frame on another team\'s socket; self = one naming the ' +
    `socket's own user. Each phase waits up to ${TEAMWORK.drainMs / 1000} s for deliveries; a send missing a socket counts as infinite. ` +
    `(4) ${TEAMWORK.rounds} rounds: one agent (max ${TEAMWORK.maxConcurrent}) POSTs ${TEAMWORK.claims} claims of distinct waiting ` +
    'conversations at once; exactly max must win; the winners are finished before the next round. BENCH_TEAMWORK_* sets every figure.',
  stream: `One fresh server (ATENDE_SECRET set) in the bench process; ${STREAM.teams} teams x ${STREAM.agentsPerTeam} agents + ` +
    `${STREAM.supervisors} supervisors written to the store with sessions and signed access tokens; ${STREAM.clientProcesses} child ` +
    'processes (node --import tsx bench/streamClients.ts) open one /ws socket per user (hello/welcome) and parse only the ' +
    'sync.docs frames of messages. Store runs: message docs (one conversation per team, teams in turn) written with ' +
    'store.bulkWrite([doc]) without waiting, at the target rate, text "bench <wall ms>" taken just before the write. HTTP runs: ' +
    `a third child creates ${STREAM.visitorsPerAccount} visitors on each of ${STREAM.teams} webchat accounts (entry team = one bench team) ` +
    'and each sends a first message (opens its conversation; not timed, not recorded); then the visitors in turn POST ' +
    '/api/webchat/messages at the target rate (follow-ups), one POST in flight per visitor, text stamped just before the fetch. ' +
    `Each run ${STREAM.seconds} s, then up to ${STREAM.drainMs / 1000} s for deliveries. all-eligible = per message, the last of its ` +
    `${STREAM.agentsPerTeam + STREAM.supervisors} eligible sockets to receive it - stamp (wall clock, performance.timeOrigin + now, ` +
    'same machine); a message missing a socket counts as infinite. delivery = per (message, socket). Server CPU = the bench ' +
    'process (server + store writer) during the run and drain, per message. Warm-up: 50 msg/s for 2 s, not recorded.',
  renderer: `One fresh server serving renderer/dist (ATENDE_WEB_DIR); ${WORKLOAD.conversations} waiting team:suporte ` +
    `conversations (${WORKLOAD.contacts} shared contacts) and ${WORKLOAD.messagesPerConversation} customer messages ` +
    'each written with store.bulkWrite in batches of 1,000, then one HTTP login so the store builds its lazy indexes ' +
    '(firstLoginMs), after waiting for the server to warm its indexes over the new documents (indexWarmMs; issue 8). Chromium (launchPersistentContext on an empty temp profile: on-disk IndexedDB, headless). ' +
    'Cold: ana@demo.local signs in; times from the click on "Entrar" (capture listener, page clock). A script in the ' +
    'page polls the DOM every 50 ms: .home, first [data-conversation-id] card visible, the "Em espera" count equal to ' +
    'the seeded number (= waiting list complete), data-sync-state="synced"; "painted" = end of the next frame. A second ' +
    `same-origin page (/api/health, no app) counts the seeded ids in the RxDB Dexie tables every ${IDB_POLL_MS} ms over ` +
    'its own IndexedDB connections. Main-thread busy % from CDP Performance.getMetrics TaskDuration. Warm: the same ' +
    `profile reloads (page.reload), times from the navigation start, ${WARM_RUNS} runs online and ${WARM_RUNS} offline ` +
    '(context.setOffline(true), app shell answered from renderer/dist by context.route, /api and /ws fail), alternating.',
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
      r.scenario === 'sustained' ? `${r.concurrency} sustained` : r.concurrency, r.message, r.latencyMs.count, r.latencyMs.p50, r.latencyMs.p99, r.latencyMs.max,
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

const ms = (v: number | null | undefined) => (v === null || v === undefined ? '—' : String(v));

function coldTable(r: RendererResult): string {
  const c = r.cold;
  const rows: Array<[string, number | null]> = [
    ['home shown (.home)', c.homeMs],
    ['first waiting card visible', c.firstCardMs],
    [`waiting list complete ("Em espera" ${r.seed.expectedWaiting})`, c.waitingCompleteMs],
    ['  … painted (end of the next frame)', c.waitingPaintedMs],
    [`app says synced (data-sync-state)${c.syncedBeforeData ? ' *' : ''}`, c.syncedMs],
    ['synced and waiting list complete', c.syncedAndWaitingCompleteMs],
    [`all ${r.seed.conversations} conversations in IndexedDB`, c.idbConversationsMs],
    [`all ${r.seed.messages} messages in IndexedDB`, c.idbMessagesMs],
    ['everything: list, synced, all documents', c.listsCompleteMs],
  ];
  const lines = [table(['cold: fresh profile, "Entrar" → …', 'ms'], rows.map(([what, v]) => [what, ms(v)]))];
  if (c.syncedBeforeData) lines.push('* said before the data was in IndexedDB (see bench/README.md)');
  return lines.join('\n');
}

function warmTable(r: RendererResult): string {
  const runs = r.warm?.runs ?? [];
  return table(
    ['warm: reload → …', 'runs', 'first card p50', 'list complete p50', 'min', 'max', 'painted p50', 'synced p50', 'longest task p50'],
    (r.warm?.summary ?? []).map((s) => {
      const longest = runs.filter((x) => x.network === s.network).map((x) => x.longestTaskMs).sort((a, b) => a - b);
      return [
        s.network, s.runs, s.medianFirstCardMs, s.medianWaitingCompleteMs, s.minWaitingCompleteMs,
        s.maxWaitingCompleteMs, ms(s.medianWaitingPaintedMs), ms(s.medianSyncedMs), ms(longest[Math.ceil(longest.length / 2) - 1]),
      ];
    }),
  );
}

function printRenderer(r: RendererResult): void {
  console.log(`\nRenderer: ${r.seed.conversations} waiting conversations / ${r.seed.messages} messages / ` +
    `${r.seed.contacts} contacts for ${r.user} (${r.browser}; store bulkWrite ${r.seed.writeMs} ms; ` +
    `server's index warm-up after the writes ${r.seed.indexWarmMs} ms and first login ${r.seed.firstLoginMs} ms, not counted below)`);
  console.log(coldTable(r));
  const c = r.cold;
  if (!c.completed) {
    console.log(`cold sync NOT complete after ${PAGE_LIMIT_MS / 60_000} min: "Em espera" ${ms(c.last.waitingCount)}, ` +
      `IndexedDB ${c.last.idbConversations} conversations / ${c.last.idbMessages} messages, sync ${c.last.syncState}`);
  }
  console.log(`main thread busy: ${ms(c.mainThreadBusyPercent.untilWaitingComplete)} % until the list was complete, ` +
    `${ms(c.mainThreadBusyPercent.afterWaitingComplete)} % after; long tasks (>50 ms): ${c.longTasks.count}, ` +
    `${c.longTasks.totalMs} ms in all, longest ${c.longTasks.top[0]?.[1] ?? 0} ms`);
  if (r.warm) {
    console.log('');
    console.log(warmTable(r));
    if (r.warm.failure) console.log(`warm runs stopped: ${r.warm.failure}`);
  }
  const t = r.tokenRefreshes;
  console.log(`token refreshes seen: ${t.ok} ok, ${t.rejected} rejected, ${t.failedOrCut} failed (offline) or cut by a reload`);
  if (r.consoleErrors.length > 0) console.log(`console errors in the page: ${r.consoleErrors.length}, e.g. ${r.consoleErrors[0]}`);
}

async function main(): Promise<void> {
  if (reportsAsked(process.argv.slice(2), process.env.BENCH_ONLY)) return runReportsBench();
  const sections = selectedSections();
  const full = sections.length === SECTIONS.length;
  const startedAt = new Date();
  // Other work on the machine shows up in the figures; the 1/5/15-minute load averages say how much.
  const loadBefore = os.loadavg();
  console.log(`atende bench — ${startedAt.toISOString()} — node ${process.version}, ${os.cpus().length} CPUs` +
    (full ? '' : ` — sections: ${sections.join(', ')}`) + '\n');
  let latency: LatencyResult[] | undefined;
  if (sections.includes('latency')) {
    latency = [];
    for (const level of LEVELS) {
      process.stdout.write(`latency: ${level} concurrent visitor(s)… `);
      latency.push(...(await withTimeout(measureLatency(level), SCENARIO_LIMIT_MS, `latency at ${level}`)));
      console.log('done');
    }
    process.stdout.write(`latency: ${SUSTAINED.visitors} visitors sustained (≈ ${SUSTAINED.visitors * 1000 / SUSTAINED.gapMs} msg/s)… `);
    const sustainedFrom = Date.now();
    latency.push(...(await withTimeout(measureSustained(), SCENARIO_LIMIT_MS, 'sustained latency')));
    console.log(`done (${((Date.now() - sustainedFrom) / 1000).toFixed(1)} s)`);
  }
  let throughput: ThroughputResult | undefined;
  if (sections.includes('throughput')) {
    process.stdout.write(`throughput: ${BACKFILL}-message backfill and full pulls… `);
    throughput = await withTimeout(measureThroughput(), SCENARIO_LIMIT_MS, 'pull throughput');
    console.log('done');
  }
  let ingest: { store: IngestResult; http: HttpIngestResult } | undefined;
  if (sections.includes('ingest')) {
    process.stdout.write(`ingest: ${INGEST_DEFAULTS.writers} concurrent writers, store… `);
    const store = await withTimeout(measureIngest(), SCENARIO_LIMIT_MS, 'store ingest');
    process.stdout.write('HTTP… ');
    const http = await withTimeout(measureHttpIngest(), SCENARIO_LIMIT_MS, 'HTTP ingest');
    ingest = { store, http };
    console.log('done');
  }
  let whatsapp: WhatsAppResult | undefined;
  if (sections.includes('whatsapp')) {
    process.stdout.write(`whatsapp: ${WHATSAPP_DEFAULTS.customers} customers' webhooks, each delivered ${WHATSAPP_DEFAULTS.copies}×… `);
    whatsapp = await withTimeout(measureWhatsApp(), SCENARIO_LIMIT_MS, 'WhatsApp webhooks');
    console.log('done');
  }
  let channels: ChannelIngestResult[] | undefined;
  if (sections.includes('channels')) {
    process.stdout.write(`channels: ${CHANNELS_DEFAULTS.customers} customers' webhooks each, every one delivered ${CHANNELS_DEFAULTS.copies}×: `);
    channels = await withTimeout(measureChannels({}, (step) => process.stdout.write(`${step}… `)), 3 * SCENARIO_LIMIT_MS, 'channel webhooks');
    console.log('done');
  }
  let reclameaqui: ReclameAquiResult[] | undefined;
  if (sections.includes('reclameaqui')) {
    process.stdout.write(`reclameaqui: ${RECLAMEAQUI_DEFAULTS.complaints} complaints then ${RECLAMEAQUI_DEFAULTS.replies} replies: `);
    reclameaqui = await withTimeout(measureReclameAquiVariants({}, (step) => process.stdout.write(`${step}… `)), 2 * SCENARIO_LIMIT_MS, 'reclameaqui poller');
    console.log('done');
  }
  let stream: StreamResult | undefined;
  if (sections.includes('stream')) {
    process.stdout.write('stream: ');
    stream = await withTimeout(measureStream((step) => process.stdout.write(`${step}… `)), 3 * SCENARIO_LIMIT_MS, 'stream');
    console.log('done');
  }
  let scope: ScopeResult | undefined;
  if (sections.includes('scope')) {
    process.stdout.write('scope: ');
    scope = await withTimeout(runScope(), 3 * SCENARIO_LIMIT_MS, 'scope');
    console.log('done');
  }
  let teamwork: TeamworkResult | undefined;
  if (sections.includes('teamwork')) {
    process.stdout.write('teamwork: ');
    teamwork = await withTimeout(measureTeamwork((step) => process.stdout.write(`${step}… `)), TEAMWORK.limitMs + 60_000, 'teamwork');
    console.log('done');
  }
  let renderer: RendererResult | undefined;
  if (sections.includes('renderer')) {
    process.stdout.write('renderer: ');
    renderer = await withTimeout(
      measureRenderer((step) => process.stdout.write(`${step}… `)),
      RENDERER_LIMIT_MS,
      'renderer benchmark',
    );
    console.log('done');
  }

  if (latency) {
    console.log('\nWebhook-to-agent latency (visitor POST → agent has sync.changed and pulled the message)');
    console.log(latencyTable(latency));
    const pace = latency.find((r) => r.pace)?.pace;
    if (pace) {
      console.log(`sustained: ${pace.msgPerSecond} msg/s sent; POST start after its scheduled moment ` +
        `p50 ${pace.startLagMs.p50} / p99 ${pace.startLagMs.p99} / max ${pace.startLagMs.max} ms`);
    }
  }
  if (throughput) {
    console.log(`\nPull throughput: ${BACKFILL} messages (store bulkWrite ${throughput.writeMs} ms, ` +
      `${throughput.writeDocsPerSecond} docs/s)`);
    console.log(throughputTable(throughput));
  }
  if (ingest) {
    console.log(`\nInbound ingest: ${ingest.store.writers} concurrent writers × ${ingest.store.messagesPerWriter} messages, store level`);
    console.log(ingestTable(ingest.store));
    console.log(`\nInbound ingest over HTTP: ${ingest.http.writers} concurrent visitors × ${ingest.http.messagesPerWriter} ` +
      'messages, POST /api/webchat/messages until 201');
    console.log(httpIngestTable(ingest.http));
  }
  if (whatsapp) {
    console.log(`\nWhatsApp webhooks: ${whatsapp.customers} customers × ${whatsapp.messagesPerCustomer} messages, each signed ` +
      `delivery POSTed ${whatsapp.copies}× at once; exactly one message per upstream id stored`);
    console.log(whatsAppTable(whatsapp));
  }
  if (channels) {
    console.log('\nTelegram, Messenger and Instagram webhooks: each update POSTed at once as often as "× copies" says; ' +
      'exactly one message per upstream id stored; profile jobs = Meta contact-profile jobs done / queued');
    console.log(channelsTable(channels));
  }
  if (reclameaqui) {
    console.log('\nReclame Aqui poller: a burst of complaints, then consumer replies; stored = distinct, ms = filing → all stored ' +
      '("cap": not all by the cap); pages = ticket listings answered 200');
    console.log(reclameAquiTable(reclameaqui));
  }
  if (stream) {
    console.log(`\nStreamed changes: ${stream.sockets} sockets (${STREAM.teams} teams × ${STREAM.agentsPerTeam} agents + ` +
      `${stream.supervisors} supervisors), latency from write to every eligible socket in ms`);
    console.log(streamTable(stream));
    if (stream.indexWarmer === 'stubbed') console.log('(index warmer stubbed: BENCH_STREAM_NO_WARM=1, diagnosis)');
  }
  if (scope) {
    console.log(`\nScoped pulls: ${scope.documents} documents in ${scope.workload.teams} teams (write ${scope.writeMs} ms, ` +
      `index warm-up ${scope.warmMs} ms)`);
    console.log(table(['user', 'collection', 'returned', 'rows read', 'touched/returned', 'requests', 'ms'],
      scope.pulls.map((p) => [p.user, p.collection, p.returned, p.rowsRead, p.touchedPerReturned, p.requests, p.ms])));
  }
  if (teamwork) {
    console.log(`\nTeamwork: ${teamwork.agents} agent sockets in ${teamwork.teams} teams; latency from the send to the last socket ` +
      'that should get it, in ms; leaks = sockets that got what they must not');
    console.log(teamworkTable(teamwork));
  }
  if (renderer) printRenderer(renderer);
  if (renderer?.heap) {
    console.log(`renderer JS heap after GC: ${renderer.heap.afterFirstSyncMB} MB after the first sync, ` +
      `${renderer.heap.after20ConversationsMB} MB after opening ${renderer.heap.opened} conversations`);
  }

  const method = Object.fromEntries(
    Object.entries(METHOD).filter(([key]) => key === 'server' || sections.includes(key as Section)),
  );
  const report = {
    name: 'foundation', sections, startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(),
    commit: gitCommit(), store: 'embedded', machine: machine(), loadAverage: { before: loadBefore, after: os.loadavg() },
    method, latency, throughput, ingest, whatsapp, channels, reclameaqui, stream, scope, teamwork,
    ...(renderer ? { renderer: { build: rendererBuild(), ...renderer } } : {}),
  };
  mkdirSync(RESULTS, { recursive: true });
  const json = JSON.stringify(report, null, 2) + '\n';
  const suffix = full ? '' : `-${sections.join('-')}`;
  const latest = path.join(RESULTS, `latest${suffix}.json`);
  const dated = path.join(RESULTS, `${startedAt.toISOString().slice(0, 10)}-${full ? 'foundation' : sections.join('-')}.json`);
  writeFileSync(latest, json);
  writeFileSync(dated, json);
  console.log(`\nwrote ${path.relative(process.cwd(), latest)} and ${path.relative(process.cwd(), dated)}`);
}

const cleanUp = async () => {
  await closeRenderer();
  await closeAll();
};

process.once('SIGINT', () => {
  void cleanUp().finally(() => process.exit(130));
});

main().then(
  async () => {
    await cleanUp();
    process.exit(0);
  },
  async (error: unknown) => {
    console.error('\nbench failed:', error instanceof Error ? (error.stack ?? error.message) : error);
    await cleanUp();
    process.exit(1);
  },
);
