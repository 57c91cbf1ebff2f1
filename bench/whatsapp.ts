import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { FakeGraph, waInbound } from '../sync-server/src/channels/whatsapp/simulator/graph.js';
import { call, login, withTimeout } from './client.js';
import { startBenchServer } from './server.js';
import { summarize, table, type Summary } from './stats.js';

/**
 * WhatsApp webhook ingest (issue 10, R-CH-11): `customers` WhatsApp users each write
 * `messagesPerCustomer` messages one after another, all customers at once, and Meta's
 * at-least-once delivery is played by posting every signed webhook `copies` times at once. A
 * webhook is acknowledged (200) only once its message is stored; afterwards the store must hold
 * exactly one message per upstream id — a lost or doubled message fails the run.
 *
 *   npx tsx bench/whatsapp.ts
 *   import { measureWhatsApp, whatsAppTable } from './whatsapp.js'   # from bench/run.ts
 */

export interface WhatsAppOptions {
  customers?: number;
  messagesPerCustomer?: number;
  /** Deliveries of each webhook, at once (Meta redelivers until it sees a 200). */
  copies?: number;
}

export interface WhatsAppResult {
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
  /** Non-200 answers (each is redelivered by Meta; none is expected here). */
  refused: number;
  stored: number;
  conversations: number;
}

export const WHATSAPP_DEFAULTS: Required<WhatsAppOptions> = { customers: 300, messagesPerCustomer: 5, copies: 2 };
const WAIT_MS = 5 * 60_000;
const PHONE_NUMBER_ID = '106540352242922';
const ACCESS_TOKEN = 'EAAG-bench-access-token';
const APP_SECRET = 'bench-app-secret-0123456789';

export async function measureWhatsApp(options: WhatsAppOptions = {}): Promise<WhatsAppResult> {
  const { customers, messagesPerCustomer, copies } = { ...WHATSAPP_DEFAULTS, ...options };
  const graph = await new FakeGraph({ phoneNumberId: PHONE_NUMBER_ID, accessToken: ACCESS_TOKEN, appSecret: APP_SECRET }).start();
  const server = await startBenchServer({ ATENDE_WHATSAPP_SIMULATOR: '0' });
  try {
    const admin = (await login(server.url, 'admin@demo.local')).accessToken;
    const created = await call<{ id: string }>(server.url, 'POST', '/api/admin/channels', {
      token: admin,
      body: {
        kind: 'whatsapp', name: 'WhatsApp bench', teamId: 'team:suporte',
        config: { phoneNumberId: PHONE_NUMBER_ID, accessToken: ACCESS_TOKEN, appSecret: APP_SECRET, verifyToken: 'bench-verify', baseUrl: graph.baseUrl },
      },
    });
    if (created.status !== 201) throw new Error(`channel not created: ${created.status}`);
    const webhook = `${server.url}/channels/whatsapp/${created.body.id.slice('channel:'.length)}/webhook`;
    const first: number[] = [];
    const next: number[] = [];
    const ids = new Set<string>();
    let refused = 0;
    const started = performance.now();
    await withTimeout(
      Promise.all(Array.from({ length: customers }, async (_, c) => {
        const from = `55119${String(70_000_000 + c)}`;
        for (let n = 0; n < messagesPerCustomer; n++) {
          const inbound = waInbound(PHONE_NUMBER_ID, from, 'text', { text: { body: `Olá, mensagem ${n + 1}` } }, { name: `Cliente ${c}` });
          ids.add(inbound.id);
          const t = performance.now();
          const answers = await Promise.all(Array.from({ length: copies }, () => graph.deliver(webhook, inbound.body)));
          (n === 0 ? first : next).push(performance.now() - t);
          refused += answers.filter((a) => a.status !== 200).length;
        }
      })),
      WAIT_MS, `${customers} customers × ${messagesPerCustomer} messages × ${copies}`,
    );
    const ms = performance.now() - started;
    const messages = await server.store.find({ selector: { type: 'message', direction: 'in' }, limit: 1_000_000 });
    const stored = messages.filter((m) => ids.has(String(m.externalId))).length;
    if (stored !== ids.size) throw new Error(`whatsapp ingest: ${ids.size} upstream messages but ${stored} stored`);
    const conversations = new Set(messages.filter((m) => ids.has(String(m.externalId))).map((m) => String(m.conversationId))).size;
    return {
      customers, messagesPerCustomer, copies, deliveries: ids.size * copies, ms: Math.round(ms),
      messagesPerSecond: Math.round((ids.size / ms) * 1000), firstAckMs: summarize(first), nextAckMs: summarize(next),
      refused, stored, conversations,
    };
  } finally {
    await server.close();
    await graph.stop();
  }
}

export function whatsAppTable(r: WhatsAppResult): string {
  return table(
    ['WhatsApp webhooks', 'messages', 'deliveries', 'ms', 'msg/s', 'first ack p50', 'first ack p99', 'next ack p50', 'next ack p99', 'refused', 'stored', 'conversations'],
    [[`${r.customers} × ${r.messagesPerCustomer} × ${r.copies}`, r.stored, r.deliveries, r.ms, r.messagesPerSecond, r.firstAckMs.p50, r.firstAckMs.p99,
      r.nextAckMs.p50, r.nextAckMs.p99, r.refused, r.stored, r.conversations]],
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await measureWhatsApp();
  console.log(`WhatsApp webhooks: ${result.customers} customers × ${result.messagesPerCustomer} messages, each delivered ${result.copies}× at once, embedded store`);
  console.log(whatsAppTable(result));
}
