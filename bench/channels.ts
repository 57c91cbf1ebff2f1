import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { webhookPathOf } from '@atende/protocol';
import { instagramText, messengerText } from '../sync-server/src/channels/meta/simulator/events.js';
import { FakeMetaGraph } from '../sync-server/src/channels/meta/simulator/fakeMetaGraph.js';
import { FakeBotApi } from '../sync-server/src/channels/telegram/simulator/fakeBotApi.js';
import { tgTextUpdate } from '../sync-server/src/channels/telegram/simulator/updates.js';
import { call, login, withTimeout } from './client.js';
import { startBenchServer, type BenchServer } from './server.js';
import { summarize, table, type Summary } from './stats.js';

/**
 * Telegram, Messenger and Instagram webhook ingest (issue 11, R-CH-11), as whatsapp.ts does for
 * WhatsApp: `customers` private chats (Telegram) or PSIDs/IGSIDs (Meta) each write
 * `messagesPerCustomer` texts one after another, all customers at once, and every update is
 * POSTed `copies` times at once (both upstreams redeliver until they see a 200). Afterwards the
 * store must hold exactly one message per upstream id. Meta webhooks carry no name: the
 * contact-profile job of each new contact asks the fake Graph for the profile and downloads the
 * picture; the run waits (bounded) until every one of those jobs has finished.
 *
 *   npx tsx bench/channels.ts
 *   import { measureChannels, channelsTable } from './channels.js'   # from bench/run.ts
 */

export interface ChannelsOptions {
  customers?: number;
  messagesPerCustomer?: number;
  copies?: number;
}

export type BenchChannel = 'telegram' | 'messenger' | 'instagram';

export interface ChannelIngestResult {
  channel: BenchChannel;
  customers: number;
  messagesPerCustomer: number;
  copies: number;
  deliveries: number;
  ms: number;
  /** Distinct upstream messages acknowledged per second. */
  messagesPerSecond: number;
  /** Delivery POST until its 200: a customer's first message (opens a conversation) and the rest. */
  firstAckMs: Summary;
  nextAckMs: Summary;
  /** Non-200 answers (each would be redelivered upstream; none is expected). */
  refused: number;
  stored: number;
  conversations: number;
  /** Meta only: contact-profile jobs done / dead, contacts with a name and picture, ms after the last ack until all finished. */
  profiles?: { jobs: number; done: number; dead: number; contactsWithNameAndPicture: number; msAfterIngest: number };
}

export const CHANNELS_DEFAULTS: Required<ChannelsOptions> = { customers: 300, messagesPerCustomer: 5, copies: 2 };
const WAIT_MS = 5 * 60_000;
const PROFILE_WAIT_MS = 3 * 60_000;
const BOT_TOKEN = '7000000999:AAE-bench-telegram-token_0123456789';
const PAGE_ID = '104523998800001';
const IG_USER_ID = '17841400999000001';
const PAGE_TOKEN = 'EAAB-bench-page-access-token';
const APP_SECRET = 'bench-meta-app-secret-0123456789';
// The smallest valid PNG (1×1): each customer's profile picture.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

/** One upstream message: its id (the stored externalId) and one delivery POST of it. */
interface Upstream { externalId: string; deliver(): Promise<Response> }

async function createAccount(server: BenchServer, kind: BenchChannel, config: Record<string, string>): Promise<string> {
  const admin = (await login(server.url, 'admin@demo.local')).accessToken;
  const created = await call<{ id: string }>(server.url, 'POST', '/api/admin/channels', {
    token: admin, body: { kind, name: `${kind} bench`, teamId: 'team:suporte', config },
  });
  if (created.status !== 201) throw new Error(`${kind} channel not created: ${created.status} ${JSON.stringify(created.body)}`);
  return created.body.id;
}

/** All customers at once, each message after the previous one's deliveries were all answered. */
async function ingest(
  server: BenchServer, channel: BenchChannel, options: Required<ChannelsOptions>, upstream: (customer: number, n: number) => Upstream,
): Promise<ChannelIngestResult> {
  const { customers, messagesPerCustomer, copies } = options;
  const first: number[] = [];
  const next: number[] = [];
  const ids = new Set<string>();
  let refused = 0;
  const started = performance.now();
  await withTimeout(
    Promise.all(Array.from({ length: customers }, async (_, c) => {
      for (let n = 0; n < messagesPerCustomer; n++) {
        const message = upstream(c, n);
        ids.add(message.externalId);
        const t = performance.now();
        const answers = await Promise.all(Array.from({ length: copies }, async () => {
          const res = await message.deliver();
          await res.arrayBuffer();
          return res.status;
        }));
        (n === 0 ? first : next).push(performance.now() - t);
        refused += answers.filter((status) => status !== 200).length;
      }
    })),
    WAIT_MS, `${channel}: ${customers} customers × ${messagesPerCustomer} messages × ${copies}`,
  );
  const ms = performance.now() - started;
  const messages = (await server.store.find({ selector: { type: 'message', direction: 'in' }, limit: 1_000_000 }))
    .filter((m) => ids.has(String(m.externalId)));
  const stored = messages.length;
  if (stored !== ids.size || new Set(messages.map((m) => String(m.externalId))).size !== ids.size) {
    throw new Error(`${channel} ingest: ${ids.size} upstream messages but ${stored} stored`);
  }
  return {
    channel, customers, messagesPerCustomer, copies, deliveries: ids.size * copies, ms: Math.round(ms),
    messagesPerSecond: Math.round((ids.size / ms) * 1000), firstAckMs: summarize(first), nextAckMs: summarize(next),
    refused, stored, conversations: new Set(messages.map((m) => String(m.conversationId))).size,
  };
}

export async function measureTelegram(options: ChannelsOptions = {}): Promise<ChannelIngestResult> {
  const settings = { ...CHANNELS_DEFAULTS, ...options };
  const bot = await new FakeBotApi({ token: BOT_TOKEN, username: 'atende_bench_bot', firstName: 'Bench' }).start();
  const server = await startBenchServer({ ATENDE_SIMULATORS: '0', ATENDE_WHATSAPP_SIMULATOR: '0' });
  try {
    // Creating a Telegram account registers the webhook with the fake (getMe + setWebhook), secret included.
    await createAccount(server, 'telegram', { botToken: BOT_TOKEN, apiBaseUrl: bot.baseUrl });
    if (!bot.webhook?.secretToken) throw new Error('telegram: the account did not register its webhook with the fake Bot API');
    return await ingest(server, 'telegram', settings, (c, n) => {
      const update = tgTextUpdate({ id: 6_100_000_000 + c, first_name: 'Cliente', last_name: String(c) }, `Olá, mensagem ${n + 1}`);
      return {
        externalId: `${update.message.chat.id}:${update.message.message_id}`,
        deliver: () => bot.deliverOnce(update),
      };
    });
  } finally {
    await server.close();
    await bot.stop();
  }
}

/** Waits (bounded) until every contact-profile job has finished; counts them and the contacts they filled. */
async function profilesAfter(server: BenchServer, expected: number): Promise<NonNullable<ChannelIngestResult['profiles']>> {
  const from = performance.now();
  for (;;) {
    const jobs = (await server.store.find({ selector: { type: 'job', kind: 'contact-profile' }, limit: 1_000_000 })) as Array<{ state?: string }>;
    const done = jobs.filter((j) => j.state === 'done').length;
    const dead = jobs.filter((j) => j.state === 'dead').length;
    const finished = jobs.length >= expected && done + dead === jobs.length;
    if (finished || performance.now() - from > PROFILE_WAIT_MS) {
      const contacts = (await server.store.find({ selector: { type: 'contact' }, limit: 1_000_000 })) as Array<{ name?: string; pictureMediaId?: string }>;
      return {
        jobs: jobs.length, done, dead,
        contactsWithNameAndPicture: contacts.filter((c) => c.name?.startsWith('Cliente ') && c.pictureMediaId).length,
        msAfterIngest: finished ? Math.round(performance.now() - from) : -1,
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export async function measureMeta(kind: 'messenger' | 'instagram', options: ChannelsOptions = {}): Promise<ChannelIngestResult> {
  const settings = { ...CHANNELS_DEFAULTS, ...options };
  const graph = await new FakeMetaGraph({ appSecret: APP_SECRET, pageAccessToken: PAGE_TOKEN, pageId: PAGE_ID, igUserId: IG_USER_ID, igUsername: 'atende.bench' }).start();
  const server = await startBenchServer({ ATENDE_SIMULATORS: '0', ATENDE_WHATSAPP_SIMULATOR: '0' });
  try {
    const accountId = await createAccount(server, kind, {
      pageId: PAGE_ID, pageAccessToken: PAGE_TOKEN, appSecret: APP_SECRET, verifyToken: 'bench-verify', apiBaseUrl: graph.baseUrl,
      humanAgentTag: 'off', ...(kind === 'instagram' ? { igUserId: IG_USER_ID } : {}),
    });
    const webhook = server.url + webhookPathOf(kind, accountId);
    const customerId = (c: number) => `${kind === 'messenger' ? 25 : 17}${String(1_000_000_000_000 + c)}`;
    for (let c = 0; c < settings.customers; c++) {
      const picture = graph.addAttachment(PNG, 'image/png');
      graph.addProfile(customerId(c), kind === 'messenger'
        ? { first_name: 'Cliente', last_name: String(c), profile_pic: picture }
        : { name: `Cliente ${c}`, username: `cliente.${c}`, profile_pic: picture });
    }
    const result = await ingest(server, kind, settings, (c, n) => {
      const text = `Olá, mensagem ${n + 1}`;
      const event = kind === 'messenger' ? messengerText(PAGE_ID, customerId(c), text) : instagramText(IG_USER_ID, customerId(c), text);
      // Signed with the app secret by the fake, as Meta signs (X-Hub-Signature-256).
      return { externalId: event.mid, deliver: () => graph.deliver(webhook, event.body) };
    });
    return { ...result, profiles: await profilesAfter(server, settings.customers) };
  } finally {
    await server.close();
    await graph.stop();
  }
}

/** The three channels one after another, each on its own fresh server. */
export async function measureChannels(options: ChannelsOptions = {}, step: (what: string) => void = () => {}): Promise<ChannelIngestResult[]> {
  const results: ChannelIngestResult[] = [];
  step('telegram');
  results.push(await measureTelegram(options));
  for (const kind of ['messenger', 'instagram'] as const) {
    step(kind);
    results.push(await measureMeta(kind, options));
  }
  return results;
}

export function channelsTable(results: ChannelIngestResult[]): string {
  return table(
    ['webhooks', 'deliveries', 'refused', 'stored', 'conversations', 'ms', 'msg/s', 'first ack p50', 'first ack p99',
      'next ack p50', 'next ack p99', 'profile jobs done', 'profiles ms after'],
    results.map((r) => [
      `${r.channel} ${r.customers} × ${r.messagesPerCustomer} × ${r.copies}`, r.deliveries, r.refused, r.stored, r.conversations,
      r.ms, r.messagesPerSecond, r.firstAckMs.p50, r.firstAckMs.p99, r.nextAckMs.p50, r.nextAckMs.p99,
      r.profiles ? `${r.profiles.done}/${r.profiles.jobs}` : '—', r.profiles ? r.profiles.msAfterIngest : '—',
    ]),
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const results = await measureChannels({}, (what) => process.stdout.write(`${what}… `));
  console.log('\nTelegram, Messenger and Instagram webhooks, each delivered twice at once, embedded store');
  console.log(channelsTable(results));
}
