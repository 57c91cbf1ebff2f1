import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { RA_META, type ConversationDoc } from '@atende/protocol';
import { cursorIdOf, pagesPerRound, ReclameAquiPoller, type PollCursorDoc } from '../sync-server/src/channels/reclameaqui/poller.js';
import { FakeHugMe } from '../sync-server/src/channels/reclameaqui/simulator/fakeHugMe.js';
import { ContactDirectory } from '../sync-server/src/contacts/directory.js';
import { InboundService } from '../sync-server/src/conversations/inbound.js';
import { ProtocolNumbers } from '../sync-server/src/conversations/protocolNumbers.js';
import { toWire } from '../sync-server/src/store/wire.js';
import { call, login } from './client.js';
import { startBenchServer, type BenchServer } from './server.js';
import { summarize, table, type Summary } from './stats.js';

/**
 * The Reclame Aqui poller (issue 12) against the fake HugMe on loopback. HugMe has no webhooks:
 * the server asks for changed complaints every `pollSeconds`, and HugMe tolerates ~10 calls a
 * minute, so how long a burst takes to arrive is set by the poller's pacing, by design.
 *
 * - paced: the server's own poll chain (outbox jobs), the fake's rate limit on, pollSeconds at its
 *   minimum (10). (a) `complaints` filed at once → until all are waiting conversations; (b)
 *   `replies` consumer replies (one per ticket, spread over the tickets) → until all are stored.
 * - drain: the fake's limit off and the account disabled after its first round (the chain idles); the phases
 *   read by one direct `poller.poll()` with no page cap: the poller's own throughput.
 *
 * Each phase checks exactly-once: one conversation and one first message per complaint, one
 * message per reply. Timings are figures, never asserted; the scenario stops itself at `capMs`.
 *
 *   npx tsx bench/reclameaqui.ts
 *   import { measureReclameAqui, reclameAquiTable } from './reclameaqui.js'   # from bench/run.ts
 */

export interface ReclameAquiOptions {
  complaints?: number;
  replies?: number;
  pollSeconds?: number;
  /** Hard cap of one variant, both phases. */
  capMs?: number;
}

export const RECLAMEAQUI_DEFAULTS: Required<ReclameAquiOptions> = { complaints: 500, replies: 300, pollSeconds: 10, capMs: 6 * 60_000 };
const CREDENTIALS = { clientId: 'bench-client', clientSecret: 'bench-secret-0123456789', companyId: '4242' };
const PROBE_MS = 500;
const MINUTE_MS = 60_000;

export interface PhaseResult {
  expected: number;
  /** Distinct upstream items stored (conversations for the burst, reply messages for the replies). */
  stored: number;
  /** Stored more than once (conversations of one complaint, messages of one upstream id). */
  duplicates: number;
  /** From filing until everything was stored; null: not all by the cap. */
  ms: number | null;
  /** Ticket listings (pages) HugMe answered 200, and all its API calls / token calls / 429s in the phase. */
  pages: number;
  apiCalls: number;
  tokenCalls: number;
  tooMany: number;
}

export interface ReclameAquiResult {
  variant: 'paced' | 'drain';
  rateLimitPerMinute: number;
  pollSeconds: number;
  /** Pages one round reads (the poller's own pacing); null: one direct poll, uncapped. */
  pagesPerRound: number | null;
  burst: PhaseResult & { conversations: number; waiting: number; firstMessages: number };
  replies: PhaseResult;
  /** Conversations of the account at the end (a reply joins its complaint's conversation). */
  conversationsAtEnd: number;
  /** API calls (token endpoint excluded) over the run: per minute on average and in the busiest sliding minute. */
  callsPerMinute: { mean: number; maxInAnyMinute: number; listingsMaxInAnyMinute: number; withinLimit: boolean | null };
  /** Time between successive ticket listings: pollSeconds plus the round's own work and the job runner's pickup. */
  listingGapMs: Summary;
  totalMs: number;
}

interface HugMeHit { at: number; path: string; status: number }

/** The fake, recording every request's arrival and answer (its own `calls` keeps only the last 500). */
class RecordedHugMe extends FakeHugMe {
  readonly hits: HugMeHit[] = [];

  protected override async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const hit = { at: Date.now(), path: new URL(req.url ?? '/', 'http://fake').pathname, status: 0 };
    res.once('finish', () => this.hits.push({ ...hit, status: res.statusCode }));
    await super.handle(req, res);
  }
}

const isApi = (h: HugMeHit) => /^\/(ticket|companies)\//.test(h.path);
const isListing = (h: HugMeHit) => h.path.replace(/\/+$/, '') === '/ticket/v1/tickets';

/** The most hits in any sliding minute (the fake's window: (t − 60 s, t]). */
function busiestMinute(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while ((sorted[j] ?? 0) <= (sorted[i] ?? 0) - MINUTE_MS) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

/** What the store holds for the account: its conversations and the upstream ids of their inbound messages. */
async function snapshot(server: BenchServer, accountId: string) {
  const conversations = (await server.store.find({ selector: { type: 'conversation', channelAccountId: accountId }, limit: 1_000_000 }))
    .map((d) => toWire<ConversationDoc>(d));
  const ids = new Set(conversations.map((c) => c.id));
  const inbound = (await server.store.find({ selector: { type: 'message', direction: 'in' }, limit: 1_000_000 }))
    .filter((m) => ids.has(String(m.conversationId))).map((m) => String(m.externalId));
  return { conversations, inbound };
}

const countOf = (values: string[], keep: (v: string) => boolean) => {
  const counts = new Map<string, number>();
  for (const v of values.filter(keep)) counts.set(v, (counts.get(v) ?? 0) + 1);
  return { distinct: counts.size, duplicates: [...counts.values()].reduce((sum, n) => sum + n - 1, 0) };
};

/** Probes until `done` or the deadline; the ms from `from` when done, else null. */
async function until(deadline: number, from: number, done: () => Promise<boolean>): Promise<number | null> {
  for (;;) {
    if (await done()) return Math.round(performance.now() - from);
    if (performance.now() > deadline) return null;
    await new Promise((resolve) => setTimeout(resolve, PROBE_MS));
  }
}

function callsIn(hugme: RecordedHugMe, from: number, to: number): Pick<PhaseResult, 'pages' | 'apiCalls' | 'tokenCalls' | 'tooMany'> {
  const hits = hugme.hits.filter((h) => h.at >= from && h.at <= to);
  return {
    pages: hits.filter((h) => isListing(h) && h.status === 200).length, apiCalls: hits.filter(isApi).length,
    tokenCalls: hits.filter((h) => h.path.startsWith('/auth/')).length, tooMany: hits.filter((h) => h.status === 429).length,
  };
}

export async function measureReclameAqui(variant: 'paced' | 'drain', options: ReclameAquiOptions = {}): Promise<ReclameAquiResult> {
  const settings = { ...RECLAMEAQUI_DEFAULTS, ...options };
  const rateLimitPerMinute = variant === 'paced' ? 10 : 0;
  const hugme = await new RecordedHugMe({ ...CREDENTIALS, rateLimitPerMinute }).start();
  const server = await startBenchServer({ ATENDE_SIMULATORS: '0', ATENDE_WHATSAPP_SIMULATOR: '0' });
  const started = performance.now();
  const deadline = started + settings.capMs;
  try {
    const admin = (await login(server.url, 'admin@demo.local')).accessToken;
    const created = await call<{ id: string }>(server.url, 'POST', '/api/admin/channels', {
      token: admin,
      body: {
        kind: 'reclameaqui', name: 'Reclame Aqui bench', teamId: 'team:suporte',
        config: { ...CREDENTIALS, apiBaseUrl: hugme.baseUrl, pollSeconds: settings.pollSeconds },
      },
    });
    if (created.status !== 201) throw new Error(`reclameaqui account not created: ${created.status} ${JSON.stringify(created.body)}`);
    const accountId = created.body.id;
    // The burst lands on a running account: the chain's first round (nothing to read) has run.
    await until(deadline, started, async () => ((await server.store.get(cursorIdOf(accountId))) as PollCursorDoc | undefined)?.round !== undefined);
    const drain = variant === 'drain' ? await directPoller(server, admin, accountId) : undefined;

    // (a) the burst
    const burstFrom = Date.now();
    const t0 = performance.now();
    const tickets = Array.from({ length: settings.complaints }, (_, n) => hugme.fileComplaint({
      customer: { name: `Consumidora ${n}`, email: `consumidora${n}@example.com` }, title: `Pedido ${n} não entregue`,
      content: `Comprei há um mês e o pedido ${n} não chegou.`, city: 'Campinas', state: 'SP',
    }));
    if (drain) await drain.poll(accountId, deadline);
    let seen = await snapshot(server, accountId);
    const waiting = () => seen.conversations.filter((c) => c.status === 'waiting').length;
    const burstMs = await until(deadline, t0, async () => {
      seen = await snapshot(server, accountId);
      return waiting() >= settings.complaints;
    });
    const burstTo = Date.now();
    const complaintIds = countOf(seen.conversations.map((c) => c.channelMeta[RA_META.complaintId] ?? ''), Boolean);
    const firsts = countOf(seen.inbound, (id) => id.startsWith('ra-ticket-'));
    const burst = {
      expected: settings.complaints, stored: complaintIds.distinct, duplicates: complaintIds.duplicates + firsts.duplicates, ms: burstMs,
      ...callsIn(hugme, burstFrom, burstTo), conversations: seen.conversations.length, waiting: waiting(), firstMessages: firsts.distinct,
    };

    // (b) consumer replies, one per ticket, spread evenly over the burst's tickets
    const repliesFrom = Date.now();
    const t1 = performance.now();
    const expected = new Set<string>();
    for (let r = 0; r < settings.replies; r++) {
      const ticket = tickets[Math.floor((r * tickets.length) / settings.replies)];
      if (!ticket) continue;
      const replied = hugme.consumerReplies(ticket.id, `Ainda espero uma resposta sobre o pedido (réplica ${r}).`);
      expected.add(`ra-interaction-${String(replied.interactions.at(-1)?.ticket_interaction_id)}`);
    }
    if (drain) await drain.poll(accountId, deadline);
    let replies = countOf([], Boolean);
    const repliesMs = await until(deadline, t1, async () => {
      seen = await snapshot(server, accountId);
      replies = countOf(seen.inbound, (id) => expected.has(id));
      return replies.distinct >= expected.size;
    });
    const repliesPhase = { expected: expected.size, stored: replies.distinct, duplicates: replies.duplicates, ms: repliesMs, ...callsIn(hugme, repliesFrom, Date.now()) };
    const totalMs = performance.now() - started;

    const api = hugme.hits.filter(isApi);
    const listings = hugme.hits.filter(isListing).map((h) => h.at).sort((a, b) => a - b);
    const maxInAnyMinute = busiestMinute(api.map((h) => h.at));
    const duplicates = burst.duplicates + repliesPhase.duplicates;
    if (duplicates > 0) throw new Error(`reclameaqui ${variant}: ${duplicates} complaint(s) or message(s) stored more than once`);
    return {
      variant, rateLimitPerMinute, pollSeconds: settings.pollSeconds, pagesPerRound: drain ? null : pagesPerRound(settings.pollSeconds),
      burst, replies: repliesPhase, conversationsAtEnd: seen.conversations.length,
      callsPerMinute: {
        mean: Math.round((api.length / (totalMs / MINUTE_MS)) * 10) / 10, maxInAnyMinute, listingsMaxInAnyMinute: busiestMinute(listings),
        withinLimit: rateLimitPerMinute > 0 ? maxInAnyMinute <= rateLimitPerMinute : null,
      },
      listingGapMs: summarize(listings.slice(1).map((at, i) => at - (listings[i] ?? at))), totalMs: Math.round(totalMs),
    };
  } finally {
    await server.close();
    await hugme.stop();
  }
}

/**
 * Disables the account, so the server's chain stops (its next round finds nothing to poll), and
 * returns a poller over the server's store that sees the account as enabled: only it reads, as
 * fast as it can.
 */
async function directPoller(server: BenchServer, admin: string, accountId: string) {
  const disabled = await call(server.url, 'PATCH', `/api/admin/channels/${encodeURIComponent(accountId)}`, { token: admin, body: { enabled: false } });
  if (disabled.status !== 200) throw new Error(`reclameaqui account not disabled: ${disabled.status}`);
  const poller = new ReclameAquiPoller({
    store: server.store, registry: server.registry, contacts: new ContactDirectory(server.store),
    inbound: new InboundService(server.store, new ProtocolNumbers(server.store, 'America/Sao_Paulo')),
    accounts: { find: async (id) => { const account = await server.accounts.find(id); return account && { ...account, enabled: true }; } },
  });
  return {
    async poll(accountId: string, deadline: number): Promise<void> {
      while ((await poller.poll(accountId, { maxPages: 1000 })).more && performance.now() < deadline) { /* the next batch of pages */ }
    },
  };
}

/** Both variants, each on its own fresh server and fake. */
export async function measureReclameAquiVariants(options: ReclameAquiOptions = {}, step: (what: string) => void = () => {}): Promise<ReclameAquiResult[]> {
  step('paced (limit 10/min)');
  const paced = await measureReclameAqui('paced', options);
  step('drain (limit off)');
  return [paced, await measureReclameAqui('drain', options)];
}

const fig = (v: number | null) => (v === null ? 'cap' : v);

export function reclameAquiTable(results: ReclameAquiResult[]): string {
  const rows = results.flatMap((r) => [
    [`${r.variant} burst`, `${r.burst.stored}/${r.burst.expected}`, r.burst.duplicates, fig(r.burst.ms), r.burst.pages, r.burst.apiCalls, r.burst.tokenCalls, r.burst.tooMany],
    [`${r.variant} replies`, `${r.replies.stored}/${r.replies.expected}`, r.replies.duplicates, fig(r.replies.ms), r.replies.pages, r.replies.apiCalls, r.replies.tokenCalls, r.replies.tooMany],
  ]);
  const pace = results.map((r) => [
    r.variant, r.rateLimitPerMinute || 'off', r.pagesPerRound ?? 'all', r.callsPerMinute.mean, r.callsPerMinute.maxInAnyMinute,
    r.callsPerMinute.listingsMaxInAnyMinute, r.callsPerMinute.withinLimit === null ? '—' : r.callsPerMinute.withinLimit ? 'yes' : 'NO',
    r.listingGapMs.p50, r.listingGapMs.max, `${r.burst.conversations} (${r.burst.waiting} waiting)`, r.burst.firstMessages, r.conversationsAtEnd,
  ]);
  return [
    table(['phase', 'stored', 'duplicates', 'ms', 'pages', 'API calls', 'token calls', '429s'], rows),
    '',
    table(['variant', 'limit/min', 'pages/round', 'calls/min mean', 'calls busiest min', 'listings busiest min', 'within limit',
      'listing gap p50', 'gap max', 'conversations after burst', 'first messages', 'conversations at end'], pace),
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const results = await measureReclameAquiVariants({}, (what) => process.stdout.write(`${what}… `));
  console.log(`\nReclame Aqui poller: ${RECLAMEAQUI_DEFAULTS.complaints} complaints at once, then ${RECLAMEAQUI_DEFAULTS.replies} consumer replies, embedded store`);
  console.log(reclameAquiTable(results));
}
