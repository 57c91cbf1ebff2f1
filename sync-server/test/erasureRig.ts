import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { ulid, type MessageDoc, type ReportResponse } from '@atende/protocol';
import { FakeGraph, waInbound } from '../src/channels/whatsapp/simulator/graph.js';
import { call, clientId, login, newVisitor, startTestServer, visitorSays, type TestServer } from './helpers.js';
import { until } from './until.js';

/**
 * The rig of the erasure and ledger tests (issue 19, R-PRIV-03): a real server on a data folder the
 * test owns (so its bytes can be searched after it stops), a WhatsApp account on the fake Graph API,
 * and people seeded through the channels as customers reach us — each with distinctive texts.
 */
const PHONE_NUMBER_ID = '106540352242999';
const ACCESS_TOKEN = 'EAAG-erasure-access-token';
const APP_SECRET = 'wa-app-secret-erasure-0123';
// The smallest valid PNG (1×1); a marker after its end makes the file's bytes findable.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

export interface Rig {
  server: TestServer;
  graph: FakeGraph;
  dataDir: string;
  webhook: string;
  admin: string;
  ana: string;
  carla: string;
}

export { PHONE_NUMBER_ID };

export async function startRig(env: Record<string, string> = {}): Promise<Rig> {
  const graph = await new FakeGraph({ phoneNumberId: PHONE_NUMBER_ID, accessToken: ACCESS_TOKEN, appSecret: APP_SECRET }).start();
  const dataDir = env.ATENDE_DATA_DIR ?? mkdtempSync(path.join(tmpdir(), 'atende-erasure-'));
  const server = await startTestServer({ ...env, ATENDE_DATA_DIR: dataDir });
  const [admin, ana, carla] = await Promise.all(['admin', 'ana', 'carla'].map(async (n) => (await login(server, `${n}@demo.local`)).accessToken)) as [string, string, string];
  const created = await call<{ id: string }>(server, 'POST', '/api/admin/channels', {
    token: admin,
    body: {
      kind: 'whatsapp', name: 'WhatsApp Privacidade', teamId: 'team:suporte',
      config: { phoneNumberId: PHONE_NUMBER_ID, displayPhoneNumber: '5511912340000', wabaId: '102290129340999', accessToken: ACCESS_TOKEN, appSecret: APP_SECRET, verifyToken: 'verify-erasure', baseUrl: graph.baseUrl },
    },
  });
  expect(created.status).toBe(201);
  const webhook = `${server.url}/channels/whatsapp/${created.body.id.slice('channel:'.length)}/webhook`;
  return { server, graph, dataDir, webhook, admin, ana, carla };
}

/** One person as the tests know them: their two contacts (WhatsApp, website chat) and what only they said. */
export interface Person {
  whatsappContactId: string;
  webchatContactId: string;
  conversationIds: string[];
  phone: string;
  /** Their name, number, texts, note and the bytes of their picture: none may be left after erasure. */
  needles: string[];
}

let sequence = 0;

async function stored(server: TestServer, externalId: string): Promise<MessageDoc> {
  const found = await until(() => server.store.find({ selector: { type: 'message', externalId }, limit: 1 }), (d) => d.length === 1);
  const [doc] = found;
  if (!doc) throw new Error(`message ${externalId} not stored`);
  return { ...doc, id: doc._id } as unknown as MessageDoc;
}

async function claimAndFinish(rig: Rig, conversationId: string): Promise<void> {
  expect((await call(rig.server, 'POST', `/api/conversations/${conversationId}/claim`, { token: rig.ana })).status).toBe(200);
  expect((await call(rig.server, 'POST', `/api/conversations/${conversationId}/finish`, { token: rig.ana, body: {} })).status).toBe(200);
}

/**
 * A customer who wrote on WhatsApp (a text, then a picture with a caption), was answered, had a note
 * written about them and whose conversation was finished; and who also chatted on the website.
 * `finish: false` leaves the WhatsApp conversation open (held by Ana).
 */
export async function seedPerson(rig: Rig, tag: string, options: { finish?: boolean } = {}): Promise<Person> {
  const n = ++sequence;
  const phone = `551198${String(Date.now() % 100_000).padStart(5, '0')}${n}`.slice(0, 13);
  const name = `Zacarias${tag}Quixaba`;
  const webName = `Visitante${tag}Caxanga`;
  const texts = { wa: `zap-texto-${tag}-pedido`, caption: `legenda-${tag}-foto`, reply: `resposta-${tag}-agente`, note: `nota-${tag}-cliente`, web: `site-texto-${tag}-duvida` };
  const marker = `PIXELS-${tag}-BYTES`;
  const text = waInbound(PHONE_NUMBER_ID, phone, 'text', { text: { body: texts.wa } }, { name });
  expect((await rig.graph.deliver(rig.webhook, text.body)).status).toBe(200);
  const first = await stored(rig.server, text.id);
  const conversationId = first.conversationId;
  const mediaId = rig.graph.addMedia(Buffer.concat([PNG, Buffer.from(marker)]), 'image/png');
  const image = waInbound(PHONE_NUMBER_ID, phone, 'image', { image: { id: mediaId, mime_type: 'image/png', sha256: 'x', caption: texts.caption } }, { name });
  expect((await rig.graph.deliver(rig.webhook, image.body)).status).toBe(200);
  const picture = await stored(rig.server, image.id);
  const withFile = await until(() => rig.server.store.get(picture.id), (d) => Array.isArray(d?.attachments) && d.attachments.length === 1);
  expect(withFile?.attachments).toHaveLength(1);
  const contactId = String(first.authorId);
  expect((await call(rig.server, 'POST', `/api/conversations/${conversationId}/claim`, { token: rig.ana })).status).toBe(200);
  const reply = await call<{ message: { id: string } }>(rig.server, 'POST', `/api/conversations/${conversationId}/messages`, { token: rig.ana, body: { id: clientId('r'), text: texts.reply } });
  expect(reply.status).toBe(201);
  await until(() => rig.server.store.get(reply.body.message.id), (d) => d?.status === 'sent');
  const now = Date.now();
  const note = { id: `note:${ulid()}`, type: 'note', contactId, authorId: 'user:x', authorName: 'x', text: texts.note, teamIds: [], createdAt: now, updatedAt: now };
  expect((await call(rig.server, 'POST', '/api/sync/notes/push', { token: rig.ana, body: [{ newDocumentState: note, assumedMasterState: null }] })).body).toEqual([]);
  if (options.finish !== false) expect((await call(rig.server, 'POST', `/api/conversations/${conversationId}/finish`, { token: rig.ana, body: {} })).status).toBe(200);
  const visitor = await newVisitor(rig.server, 'demo-site', webName);
  const said = await visitorSays(rig.server, visitor, texts.web);
  await claimAndFinish(rig, said.conversationId);
  const webchatContactId = String((await rig.server.store.get(said.conversationId))?.contactId);
  await settled(rig.server);
  return {
    whatsappContactId: contactId,
    webchatContactId,
    conversationIds: [conversationId, said.conversationId],
    phone,
    needles: [name, webName, phone, marker, ...Object.values(texts)],
  };
}

/** Until no job is due or running (a queue notice, a send, a download): nothing writes behind the test's back. */
export async function settled(server: TestServer): Promise<void> {
  const busy = () => server.store.find({ selector: { type: 'job', state: { $in: ['pending', 'running'] }, runAt: { $lte: Date.now() + 1000 } }, limit: 1 });
  expect(await until(busy, (jobs) => jobs.length === 0, 15_000)).toEqual([]);
}

/** Today's report by team once the rollups have read every change (as a screen refreshing would see it). */
export async function reportToday(rig: Rig): Promise<ReportResponse['total']> {
  const { today } = (await call<{ today: string }>(rig.server, 'GET', '/api/reports/context', { token: rig.admin })).body;
  const read = () => call<ReportResponse>(rig.server, 'GET', `/api/reports/conversations?from=${today}&to=${today}&groupBy=team`, { token: rig.admin });
  const reply = await until(read, (r) => r.body.upToDate === true, 15_000);
  expect(reply.body.upToDate).toBe(true);
  return reply.body.total;
}

export async function erase(rig: Rig, contactId: string, token = rig.admin) {
  return call<{ removed: Record<string, number>; error?: string }>(rig.server, 'POST', `/api/privacy/contacts/${contactId}/erase`, { token });
}
