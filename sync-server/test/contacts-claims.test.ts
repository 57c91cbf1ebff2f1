import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserDoc } from '@atende/protocol';
import { ContactCommands } from '../src/contacts/commands.js';
import { addressId } from '../src/contacts/directory.js';
import type { DocStore } from '../src/store/types.js';
import { addUser, clientId, startTestServer, type TestServer } from './helpers.js';

/**
 * Issue 14 review of the address claims (R-CT-02): a command that loses the race for its contact id
 * frees only claims no live contact holds.
 */
let server: TestServer;
let ana: UserDoc;
let bia: UserDoc;

beforeAll(async () => {
  server = await startTestServer();
  ana = await addUser(server, { key: 'ana-claims', name: 'Ana C', email: 'ana-claims@test.local', role: 'agent', teamIds: ['team:comercial'] });
  bia = await addUser(server, { key: 'bia-claims', name: 'Bia C', email: 'bia-claims@test.local', role: 'agent', teamIds: ['team:comercial'] });
});
afterAll(() => server.close());

/** The store, with the first write of the contact `id` held until `release()`: that command's write then lands second. */
function holdingContactWrite(store: DocStore, id: string) {
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  let held: () => void = () => {};
  const reached = new Promise<void>((resolve) => (held = resolve));
  let holding = true;
  const bulkWrite: DocStore['bulkWrite'] = async (docs) => {
    if (holding && docs.some((doc) => doc._id === id && doc.type === 'contact')) {
      holding = false;
      held();
      await released;
    }
    return store.bulkWrite(docs);
  };
  const wrapped = new Proxy(store, {
    get(target, prop) {
      if (prop === 'bulkWrite') return bulkWrite;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store: wrapped, reached, release };
}

describe('R-CT-02 address claims under racing commands', () => {
  it('R-CT-02 two users create one contact id with one number at once: the loser\'s 409 does not free the number the stored contact holds', async () => {
    const id = `contact:${clientId('k')}`;
    const whatsapp = '21 987600123';
    const race = holdingContactWrite(server.store, id);
    const first = new ContactCommands(race.store);
    const second = new ContactCommands(server.store);
    // Ana claims the number, then her contact write waits; Bia meets the claim made for the same id and stores the contact.
    const anas = first.create(ana, { id, name: 'Cliente Ana', email: 'ana@example.com', whatsapp });
    const settledAna = anas.then(() => undefined, (error: unknown) => error);
    await race.reached;
    const bias = await second.create(bia, { id, name: 'Cliente Bia', email: 'bia@example.com', whatsapp });
    expect(bias.created).toBe(true);
    race.release();
    expect(await settledAna).toMatchObject({ code: 'contact_exists' });
    // Before the fix Ana's failure deleted the claim while Bia's contact held the number.
    const number = bias.contact.addresses.whatsapp ?? '';
    expect(await server.store.get(addressId('whatsapp', number))).toMatchObject({ contactId: id });
    const third = new ContactCommands(server.store).create(ana, {
      id: `contact:${clientId('k')}`, name: 'Terceiro', email: 't@example.com', whatsapp,
    });
    await expect(third).rejects.toMatchObject({ code: 'address_taken' });
  });
});
