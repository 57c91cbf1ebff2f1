import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectRefusedUnchanged } from './fuzz/refusals.js';
import { checkpoint, send, startWorld, type World } from './fuzz/world.js';

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
});
