import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callRefusal, callUri, contactPhone, type UserDoc } from '@atende/protocol';
import { ConfigError, loadConfig } from '../src/config/config.js';
import { updateWire } from '../src/store/wire.js';
import { until } from './until.js';
import { call, login, startTestServer, type TestServer } from './helpers.js';

describe('click-to-call rules (R-WS-16)', () => {
  it('R-WS-16 builds tel: and sip: URIs from a contact’s E.164 number', () => {
    expect(callUri('5511987654321', { scheme: 'tel', sipDomain: null })).toBe('tel:+5511987654321');
    expect(callUri('5511987654321', { scheme: 'sip', sipDomain: 'pbx.example.com' })).toBe('sip:5511987654321@pbx.example.com');
    expect(callUri('5511987654321', { scheme: 'sip', sipDomain: null })).toBeUndefined();
    expect(callUri('123', { scheme: 'tel', sipDomain: null })).toBeUndefined();
  });

  it('R-WS-16 a contact’s phone is its WhatsApp number; a WhatsApp user id or no address is none', () => {
    expect(contactPhone({ addresses: { whatsapp: '5511987654321' } })).toBe('5511987654321');
    expect(contactPhone({ addresses: { whatsapp: 'BR.13491208655302741918' } })).toBeUndefined();
    expect(contactPhone({ addresses: { telegram: '42' } })).toBeUndefined();
  });

  it('R-WS-16 says why a call cannot be placed: no phone; in http mode no extension; telephony off', () => {
    const withPhone = { addresses: { whatsapp: '5511987654321' } };
    expect(callRefusal('uri', { extension: null }, withPhone)).toBeUndefined();
    expect(callRefusal('http', { extension: null }, withPhone)).toBe('agent_without_extension');
    expect(callRefusal('http', { extension: '2001' }, withPhone)).toBeUndefined();
    expect(callRefusal('uri', { extension: '2001' }, { addresses: {} })).toBe('contact_without_phone');
    expect(callRefusal('none', { extension: '2001' }, withPhone)).toBe('telephony_off');
  });

  it('R-WS-16 the configuration is checked at start-up', () => {
    const base = { ATENDE_DATA_DIR: '/tmp/atende-unused' };
    expect(loadConfig(base).telephony).toMatchObject({ mode: 'uri', scheme: 'tel' });
    expect(loadConfig({ ...base, ATENDE_TELEPHONY: 'sip', ATENDE_SIP_DOMAIN: 'pbx.example.com' }).telephony).toMatchObject({ mode: 'uri', scheme: 'sip' });
    expect(() => loadConfig({ ...base, ATENDE_TELEPHONY: 'sip' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, ATENDE_TELEPHONY: 'http' })).toThrow(/ATENDE_TELEPHONY_URL/);
    expect(() => loadConfig({ ...base, ATENDE_TELEPHONY: 'fax' })).toThrow(ConfigError);
  });
});

describe('click-to-call over http (R-WS-16)', () => {
  let clickToCall: Server;
  const received: Array<{ body: unknown; authorization: string | undefined }> = [];
  let server: TestServer;
  let ana: string;

  beforeAll(async () => {
    // The click-to-call service on loopback: records what it was asked.
    clickToCall = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString()));
      req.on('end', () => {
        received.push({ body: JSON.parse(text) as unknown, authorization: req.headers.authorization });
        res.writeHead(200).end('{}');
      });
    });
    await new Promise<void>((resolve) => clickToCall.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(clickToCall.address() as AddressInfo).port}/call`;
    server = await startTestServer({ ATENDE_TELEPHONY: 'http', ATENDE_TELEPHONY_URL: url, ATENDE_TELEPHONY_TOKEN: 'pbx-token' });
    ana = (await login(server, 'ana@demo.local')).accessToken;
  });
  afterAll(async () => {
    await server.close();
    clickToCall.closeAllConnections();
    await new Promise<void>((resolve) => clickToCall.close(() => resolve()));
  });

  it('R-WS-16 GET /api/telephony tells the workstation the mode', async () => {
    const reply = await call(server, 'GET', '/api/telephony', { token: ana });
    expect(reply).toMatchObject({ status: 200, body: { mode: 'http', scheme: 'tel', sipDomain: null } });
  });

  it('R-WS-16 an agent without an extension is refused with 422 and a clear reason', async () => {
    // The demo gives its agents extensions: this one has none.
    await updateWire<UserDoc>(server.store, 'user:ana', (u) => u && { ...u, extension: null });
    const reply = await call(server, 'POST', '/api/calls', { token: ana, body: { contactId: 'contact:maria' } });
    expect(reply).toMatchObject({ status: 422, body: { error: 'agent_without_extension', message: 'Cadastre seu ramal no perfil para fazer ligações.' } });
  });

  it('R-WS-16 with an extension, the job asks the click-to-call service to ring it and dial the contact (202)', async () => {
    await updateWire<UserDoc>(server.store, 'user:ana', (u) => u && { ...u, extension: '2001' });
    const reply = await call(server, 'POST', '/api/calls', { token: ana, body: { contactId: 'contact:maria' } });
    expect(reply).toMatchObject({ status: 202, body: { queued: true } });
    await until(() => received.length, (n) => n === 1);
    expect(received[0]).toEqual({ body: { extension: '2001', number: '5511987654321', agentId: 'user:ana' }, authorization: 'Bearer pbx-token' });
  });

  it('R-WS-16 a contact without a phone, or one that does not exist, is refused', async () => {
    const noPhone = await call(server, 'POST', '/api/calls', { token: ana, body: { contactId: 'contact:nobody' } });
    expect(noPhone.status).toBe(404);
    await updateWire(server.store, 'contact:lucia', (c) => c && { ...c, addresses: {} });
    const refused = await call(server, 'POST', '/api/calls', { token: ana, body: { contactId: 'contact:lucia' } });
    expect(refused).toMatchObject({ status: 422, body: { error: 'contact_without_phone' } });
  });

  it('R-WS-16 a contact of another team answers 404 exactly like an unknown one: no call, no existence oracle', async () => {
    await updateWire<UserDoc>(server.store, 'user:ana', (u) => u && { ...u, extension: '2001' });
    const before = received.length;
    // João is Comercial's; Ana is in Suporte only.
    const hidden = await call(server, 'POST', '/api/calls', { token: ana, body: { contactId: 'contact:joao' } });
    const unknown = await call(server, 'POST', '/api/calls', { token: ana, body: { contactId: 'contact:nobody' } });
    expect(hidden.status).toBe(404);
    expect(hidden.body).toEqual(unknown.body);
    expect(await server.store.find({ selector: { type: 'job', kind: 'telephony-call', 'payload.number': '5521998765432' }, limit: 10 })).toEqual([]);
    expect(received.length).toBe(before);
  });

  it('R-WS-16 a contact merged into a visible one is called at the surviving contact', async () => {
    await updateWire<UserDoc>(server.store, 'user:ana', (u) => u && { ...u, extension: '2001' });
    await server.store.bulkWrite([{ _id: 'contact:maria-old', type: 'contact', name: '', addresses: {}, customFields: {}, teamIds: ['team:suporte'], removed: true, mergedInto: 'contact:maria', createdAt: 1, updatedAt: 1 }]);
    const before = received.length;
    const reply = await call(server, 'POST', '/api/calls', { token: ana, body: { contactId: 'contact:maria-old' } });
    expect(reply.status).toBe(202);
    await until(() => received.length, (n) => n === before + 1);
    expect(received.at(-1)?.body).toMatchObject({ number: '5511987654321' });
  });
});

describe('click-to-call by URI (R-WS-16)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ ATENDE_TELEPHONY: 'sip', ATENDE_SIP_DOMAIN: 'pbx.example.com' });
  });
  afterAll(() => server.close());

  it('R-WS-16 in uri mode the workstation dials: settings name the scheme and the server places no call', async () => {
    const token = (await login(server, 'ana@demo.local')).accessToken;
    expect(await call(server, 'GET', '/api/telephony', { token })).toMatchObject({ status: 200, body: { mode: 'uri', scheme: 'sip', sipDomain: 'pbx.example.com' } });
    expect(await call(server, 'POST', '/api/calls', { token, body: { contactId: 'contact:maria' } })).toMatchObject({ status: 422, body: { error: 'telephony_not_http' } });
    expect((await call(server, 'GET', '/api/telephony')).status).toBe(401);
  });
});
