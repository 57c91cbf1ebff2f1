import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { newVisitor, visitorSays } from './helpers.js';
import { expectRefusedUnchanged } from './fuzz/refusals.js';
import { checkpoint, send, startWorld, writtenSince, type World } from './fuzz/world.js';

/**
 * Issue 14 point 3: counterexamples the REST fuzzing (fuzz-rest.test.ts) found, kept as plain
 * regression cases so they run whatever seed the properties draw.
 */
let world: World;

beforeAll(async () => {
  world = await startWorld();
}, 60_000);

afterAll(async () => {
  await world?.server.close();
});

describe('issue 14 fuzz: counterexamples found, pinned', { timeout: 60_000 }, () => {
  it('R-CT-02 a contact refused for a taken WhatsApp number leaves none of its other addresses claimed', async () => {
    const body = (id: string, telegram: string) => ({
      id, name: 'Pessoa Fuzz', email: 'fuzz@example.com', whatsapp: '11955554444', addresses: { telegram }, customFields: {},
    });
    const first = await send(world, { name: 'createContact', token: 'agent', json: body('contact:fuzz-owner', 'fuzz-owner') });
    expect(first.status, first.label).toBe(201);
    const since = await checkpoint(world);
    // Found by the createContact property: the telegram claim was written, then the number's 409 answered.
    const taken = await send(world, { name: 'createContact', token: 'agent', json: body('contact:fuzz-late', 'user:admin\u0000') });
    await expectRefusedUnchanged(world, taken, since, { status: [409] });
    expect((taken.body as { error: string }).error).toBe('address_taken');
    const edit = await send(world, {
      name: 'updateContact', token: 'agent', params: { id: encodeURIComponent(world.fx.contactId) },
      json: { addresses: { telegram: 'maria-new' }, whatsapp: '11955554444' },
    });
    await expectRefusedUnchanged(world, edit, since, { status: [409] });
  });

  it('R-WS-11 a photo sent as JSON is answered 415 (the JSON parser had read it: the route waited for bytes forever)', async () => {
    const since = await checkpoint(world);
    for (const raw of ['{}', '']) {
      const sent = await send(world, { name: 'setProfilePhoto', token: 'agent', raw, headers: { 'content-type': 'application/json' } });
      await expectRefusedUnchanged(world, sent, since, { status: [415] });
    }
  });

  it('R-WS-02 a claim sent as a form (not JSON) is a 415, and the waiting conversation stays waiting', async () => {
    const visitor = await send(world, { name: 'createVisitor', token: 'none', params: { accountId: 'demo-site' }, json: {} });
    const token = (visitor.body as { token: string }).token;
    const said = await fetch(`${world.server.url}/api/webchat/messages`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'fuzzform01', text: 'olá' }),
    });
    const { message } = (await said.json()) as { message: { id: string } };
    const conversationId = String((await world.server.store.get(message.id))?.conversationId);
    const since = await checkpoint(world);
    // Found by the content-type cases: express.json skipped the body, `{}` parsed, and the claim ran.
    const sent = await send(world, {
      name: 'claim', token: 'agent', params: { id: encodeURIComponent(conversationId) },
      raw: 'id=fuzzform02', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    await expectRefusedUnchanged(world, sent, since, { status: [415] });
    expect(await world.server.store.get(conversationId)).toMatchObject({ status: 'waiting' });
  });

  it('R-RT-05 a webhook a case creates switched on (a body the schema accepts) leaves nothing writing in the background', async () => {
    const webhook = { url: 'https://hooks.example.com/fuzz', events: ['message.created'], secret: 'segredo-do-fuzz-0001' };
    // Found by the adminCreateWebhook property: a mutation set `enabled: true`, the event feed started
    // reading, and its checkpoint write landed after the next (refused) case's checkpoint.
    const created = await send(world, { name: 'adminCreateWebhook', token: 'admin', json: { ...webhook, enabled: true } });
    expect(created.status, created.label).toBe(201);
    const since = await checkpoint(world);
    const refused = await send(world, { name: 'adminCreateWebhook', token: 'admin', json: { ...webhook, enabled: 'sim' } });
    await expectRefusedUnchanged(world, refused, since, { status: [400] });
    // An event the webhook subscribes to is not turned into a delivery either. Watched for a while:
    // what is checked is that nothing comes, and the feed used to write within milliseconds.
    const beforeEvent = await checkpoint(world);
    await visitorSays(world.server, await newVisitor(world.server, 'demo-site', 'Fuzz'), 'olá');
    let background: string[] = [];
    for (let i = 0; i < 20 && background.length === 0; i += 1) {
      await sleep(100);
      background = (await writtenSince(world, beforeEvent)).map((row) => row.id).filter((id) => /webhook/i.test(id));
    }
    expect(background).toEqual([]);
  });
});
