import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CHANNEL_SETTINGS, type ContactDoc, type MessageDoc } from '@atende/protocol';
import type { ChannelAccountDoc } from '../src/channelAccounts/service.js';
import { MediaTooLarge } from '../src/channels/adapter.js';
import { MetaMessagingAdapter } from '../src/channels/meta/messaging.js';
import { messengerText } from '../src/channels/meta/simulator/events.js';
import { safeDownload } from '../src/channels/safeDownload.js';
import { isPrivateAddress } from '../src/egress/publicAddress.js';
import { TelegramAdapter } from '../src/channels/telegram/adapter.js';
import { PermanentFailure } from '../src/jobs/types.js';
import { updateWire } from '../src/store/wire.js';
import { call, messagesWith } from './helpers.js';
import { newCustomerId, PAGE_ID, receive, startMetaFixture, type MetaFixture } from './meta-messaging-fixture.js';
import { startTelegramRig, type TelegramRig } from './telegramSetup.js';
import { until } from './until.js';

/**
 * The security review of issue 11's channels: webhook-chosen URLs never reach this machine's
 * network (SSRF), downloads are capped while read, odd but signed bodies never answer 500, and
 * the admin's Telegram settings are checked for what they are.
 */

/** A server on loopback standing for the machine's internal services: every request it gets is noted. */
const internal = { hits: [] as string[], streamed: 0, url: '', server: undefined as http.Server | undefined };
const HUGE_MB = 60;
beforeAll(async () => {
  internal.server = http.createServer((req, res) => {
    internal.hits.push(req.url ?? '');
    if (req.url?.startsWith('/redirect')) return void res.writeHead(302, { location: `${internal.url}/secret` }).end();
    if (req.url?.startsWith('/loop')) return void res.writeHead(302, { location: `/loop${internal.hits.length}` }).end();
    if (req.url === '/huge') {
      // Chunked, no content-length: only counting while reading can stop it.
      res.writeHead(200, { 'content-type': 'image/png' });
      const chunk = Buffer.alloc(1024 * 1024, 1);
      let sent = 0;
      const pump = () => {
        while (sent < HUGE_MB && !res.destroyed) {
          sent++;
          internal.streamed += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      return void pump();
    }
    res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>internal: root-password=hunter2</h1>');
  });
  await new Promise<void>((resolve) => internal.server?.listen(0, '127.0.0.1', resolve));
  internal.url = `http://127.0.0.1:${(internal.server.address() as AddressInfo).port}`;
});
afterAll(() => internal.server?.close());
beforeEach(() => {
  internal.hits = [];
  internal.streamed = 0;
});

const refusal = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error);

describe('R-CH-05 safe downloads of webhook-chosen URLs (SSRF)', () => {
  it('R-CH-05 loopback, private, link-local and unique-local addresses are not public, IPv4-mapped ones included', () => {
    for (const address of ['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0',
      '::1', '::', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '::ffff:a9fe:a9fe', 'not-an-ip']) {
      expect(isPrivateAddress(address), address).toBe(true);
    }
    for (const address of ['8.8.8.8', '157.240.1.35', '2a03:2880:f12f:83:face:b00c:0:25de', '::ffff:8.8.8.8']) {
      expect(isPrivateAddress(address), address).toBe(false);
    }
  });

  it('R-CH-05 http links, loopback addresses and names resolving to loopback are refused before any request', async () => {
    const options = { label: 'Messenger', maxBytes: 1024 };
    for (const url of [`${internal.url}/x`, `https://127.0.0.1:${new URL(internal.url).port}/x`, `https://[::ffff:127.0.0.1]:${new URL(internal.url).port}/x`,
      `https://localhost:${new URL(internal.url).port}/x`, 'file:///etc/passwd', 'nada']) {
      expect(await refusal(safeDownload(url, options)), url).toBeInstanceOf(PermanentFailure);
    }
    expect(internal.hits).toEqual([]);
  });

  it('R-CH-05 the account\'s own API origin may be loopback, but its redirects are checked again and limited to 3', async () => {
    const trusted = { label: 'Messenger', maxBytes: 1024, trustedBase: `${internal.url}/v21.0` };
    expect((await safeDownload(`${internal.url}/file`, trusted)).mimeType).toBe('text/html');
    // The same host on another port is another origin: refused.
    expect(await refusal(safeDownload(internal.url.replace(/:\d+$/, ':1'), trusted))).toBeInstanceOf(PermanentFailure);
    internal.hits = [];
    const other = { ...trusted, trustedBase: 'http://127.0.0.1:1/v21.0' };
    expect(await refusal(safeDownload(`${internal.url}/redirect`, other))).toBeInstanceOf(PermanentFailure);
    expect(internal.hits).toEqual([]);
    expect(await refusal(safeDownload(`${internal.url}/loop`, trusted))).toBeInstanceOf(PermanentFailure);
    expect(internal.hits).toHaveLength(4);
  });

  it('R-CH-05 a body without a length is counted while read and cut past the cap (MediaTooLarge)', async () => {
    const cap = 2 * 1024 * 1024;
    const error = await refusal(safeDownload(`${internal.url}/huge`, { label: 'Messenger', maxBytes: cap, trustedBase: internal.url }));
    expect(error).toBeInstanceOf(MediaTooLarge);
    expect(internal.streamed).toBeLessThan(HUGE_MB * 1024 * 1024);
  });
});

describe('R-CH-05 Messenger webhooks that name internal URLs or carry odd shapes', () => {
  let f: MetaFixture;
  beforeAll(async () => {
    f = await startMetaFixture('messenger');
  });
  afterAll(async () => f.close());

  // As a string: the fake does not read the body, which may be any shape here.
  const signedPost = async (body: unknown) => (await f.graph.deliver(f.webhook, JSON.stringify(body))).status;

  it('R-CH-05 a signed attachment pointing (through a redirect) at loopback is never fetched: the message says unavailable', async () => {
    const mid = `m_ssrf_${Date.now()}`;
    const body = { object: 'page', entry: [{ id: PAGE_ID, messaging: [{ sender: { id: newCustomerId() }, timestamp: Date.now(), message: { mid, attachments: [{ type: 'file', payload: { url: `${internal.url}/redirect` } }] } }] }] };
    expect(await signedPost(body)).toBe(200);
    const [stored] = await until(() => messagesWith(f.server, mid), (found) => found.length > 0);
    const settled = await until(async () => (await f.server.store.get(String(stored?.id))) as unknown as MessageDoc, (m) => m.payload.mediaError !== undefined, 20_000);
    expect(settled.payload).toMatchObject({ mediaError: 'unavailable' });
    expect(internal.hits).toEqual([]);
  });

  it('R-CH-05 a profile picture at an internal URL is not fetched, and one that is not an image is not kept; the name still is', async () => {
    for (const [name, pic] of [['Rosa Interna', `${internal.url}/secret`], ['Html Falso', f.graph.addAttachment(Buffer.from('<script>alert(1)</script>'), 'text/html')]] as const) {
      const psid = newCustomerId();
      const [first, ...rest] = name.split(' ');
      f.graph.addProfile(psid, { first_name: first, last_name: rest.join(' '), profile_pic: pic });
      const message = await receive(f, messengerText(PAGE_ID, psid, 'oi'));
      const contact = await until(async () => (await f.server.store.get(String(message.authorId))) as unknown as ContactDoc, (c) => c.name === name);
      expect(contact.name).toBe(name);
      expect(contact.pictureMediaId).toBeUndefined();
    }
    expect(internal.hits).toEqual([]);
  });

  it('R-CH-11 signed bodies of unexpected shapes answer 200 and store nothing odd; a bad event does not sink the good one', async () => {
    const event = (message: unknown, sender: unknown = { id: newCustomerId() }) => ({ sender, timestamp: Date.now(), message });
    const bodies: unknown[] = [
      { object: 'page', entry: [null] },
      { object: 'page', entry: [{ id: PAGE_ID, messaging: { a: 1 } }] },
      { object: 'page', entry: [{ id: PAGE_ID, messaging: [null] }] },
      { object: 'page', entry: [{ id: PAGE_ID, messaging: [event({ mid: 'sec_att', attachments: 'zz' })] }] },
      { object: 'page', entry: [{ id: PAGE_ID, messaging: [event({ mid: 'sec_sender', text: 'oi' }, { id: { a: 1 } })] }] },
      { object: 'page', entry: [{ id: PAGE_ID, messaging: [event({ mid: 12345, text: 'oi' })] }] },
      { object: 'page', entry: [{ id: PAGE_ID, messaging: [event({ mid: 'sec_text', text: { a: 1 } })] }] },
    ];
    for (const body of bodies) expect(await signedPost(body), JSON.stringify(body)).toBe(200);
    const good = `sec_good_${Date.now()}`;
    expect(await signedPost({ object: 'page', entry: [null, { id: PAGE_ID, messaging: [null, event({ mid: 'sec_bad', text: 5 }), event({ mid: good, text: 'válida' })] }] })).toBe(200);
    const [stored] = await until(() => messagesWith(f.server, good), (found) => found.length > 0);
    expect(stored?.text).toBe('válida');
    const odd = await f.server.store.find({ selector: { type: 'message', text: '[object Object]' }, limit: 5 });
    expect(odd).toEqual([]);
    for (const mid of ['sec_att', 'sec_sender', 'sec_text', 'sec_bad', '12345']) expect(await messagesWith(f.server, mid), mid).toEqual([]);
  });

  it('R-CH-05 an account without a verify token never passes Meta\'s handshake with an empty token', async () => {
    const account = { _id: 'channel:x', kind: 'messenger', settings: { pageId: PAGE_ID, appSecret: 'a' } } as unknown as ChannelAccountDoc;
    const query = { 'hub.mode': 'subscribe', 'hub.challenge': 'pwned123', 'hub.verify_token': '' };
    expect(new MetaMessagingAdapter(account).handshake({ query, headers: {}, rawBody: Buffer.alloc(0) }).status).toBe(403);
    // The same through the server, with the stored account's verify token removed.
    await updateWire<{ id: string; settings?: Record<string, string>; updatedAt: number }>(f.server.store, f.accountId, (a) => {
      if (!a) return undefined;
      const { verifyToken: _dropped, ...settings } = a.settings ?? {};
      return { ...a, settings, updatedAt: a.updatedAt + 1 };
    });
    const answer = await until(() => fetch(`${f.webhook}?hub.mode=subscribe&hub.challenge=pwned123&hub.verify_token=`), (r) => r.status !== 200);
    expect(answer.status).toBe(403);
    expect(await answer.text()).not.toContain('pwned123');
  });
});

describe('R-CH-04 Telegram: odd updates, capped files, the token\'s format, an unreachable API', () => {
  let rig: TelegramRig;
  beforeAll(async () => {
    rig = await startTelegramRig();
  });
  afterAll(async () => rig.close());

  it('R-CH-11 a signed update with fields of other types is acknowledged (200) and skipped', async () => {
    const url = rig.bot.webhook?.url ?? '';
    const post = (body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': rig.bot.webhook?.secretToken ?? '' }, body: JSON.stringify(body) });
    const chat = { id: 5100000042, type: 'private' };
    const bad = { update_id: 900, message: { message_id: 9001, date: 1, chat, from: { id: 5100000042 }, caption: 5, photo: [{ file_id: 'x' }] } };
    expect((await post(bad)).status).toBe(200);
    expect((await post({ update_id: 901, message: { message_id: 9002, date: 1, chat, from: { id: 5100000042, first_name: { a: 1 } }, text: 'x' } })).status).toBe(200);
    expect(await messagesWith(rig.server, '5100000042:9001')).toEqual([]);
    expect((await post({ update_id: 902, message: { message_id: 9003, date: 1, chat, from: { id: 5100000042, first_name: 'Ana' }, text: 'boa' } })).status).toBe(200);
    expect((await until(() => messagesWith(rig.server, '5100000042:9003'), (found) => found.length > 0))[0]?.text).toBe('boa');
  });

  it('R-CH-04 a file download is counted while read: past 20 MB it stops with MediaTooLarge', async () => {
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1024 * 1024;
        if (pulled > 60 * 1024 * 1024) controller.close();
        else controller.enqueue(new Uint8Array(1024 * 1024));
      },
    });
    const answers = [Response.json({ ok: true, result: { file_path: 'documents/a.bin' } }), new Response(body, { status: 200 })];
    const fetcher = (async () => answers.shift()) as unknown as typeof fetch;
    const account = { _id: 'channel:tg', kind: 'telegram', settings: { apiBaseUrl: 'https://api.example', botToken: '7000000555:AAE-secret-bot-token-do-not-leak' } } as unknown as ChannelAccountDoc;
    const adapter = new TelegramAdapter(account, { webhookUrl: () => null, fetcher });
    expect(await refusal(adapter.downloadMedia('file-1'))).toBeInstanceOf(MediaTooLarge);
    expect(pulled).toBeLessThan(30 * 1024 * 1024);
  });

  it('R-CH-04 a bot token not shaped 123456789:ABC… is refused with a sentence saying the format', async () => {
    expect(CHANNEL_SETTINGS.telegram.safeParse({ botToken: '7000000123:AAE-telegram-test-token_0123456789' }).success).toBe(true);
    for (const token of ['isto não é um token', '123:abc', ':AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', '123:AAAA AAAAAAAAAAAAAAAAAAAAAAAAAAAAA']) {
      expect(CHANNEL_SETTINGS.telegram.safeParse({ botToken: token }).success, token).toBe(false);
    }
    const answer = await call(rig.server, 'POST', '/api/admin/channels', {
      token: rig.admin, body: { kind: 'telegram', name: 'Bot errado', teamId: 'team:suporte', config: { botToken: 'isto não é um token' } },
    });
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).toContain('formato 123456789:ABC');
  });

  it('R-CH-04 "Testar conexão" against a closed Bot API port says the API could not be reached', async () => {
    const account = { _id: 'channel:tg', kind: 'telegram', settings: { apiBaseUrl: 'http://127.0.0.1:9', botToken: '7000000555:AAE-secret-bot-token-do-not-leak' } } as unknown as ChannelAccountDoc;
    const answer = await new TelegramAdapter(account, { webhookUrl: () => null }).testConnection();
    expect(answer).toEqual({ ok: false, message: expect.stringContaining('Não foi possível falar com o Telegram') });
  });
});
