import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContactDirectory } from '../src/contacts/directory.js';
import { linkContactToTeam } from '../src/contacts/teams.js';
import { EmbeddedStore } from '../src/store/embedded.js';
import { removedForm } from '../src/sync/push.js';

let dir: string;
let store: EmbeddedStore;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'atende-contacts-'));
  store = new EmbeddedStore(dir);
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('contacts as the domain sees them (ARCHITECTURE §4 bounded replicas)', () => {
  it('ARCHITECTURE §4 a contact removed by a user is gone for the domain and comes back under its id when the customer writes again', async () => {
    const directory = new ContactDirectory(store);
    const first = await directory.contactFor('telegram', '4242', { name: 'Rita' });
    const stored = await store.get(first.id);
    await store.bulkWrite([removedForm(stored!, Date.now())]);
    expect(await store.get(first.id)).toMatchObject({ removed: true, name: '' });

    const again = await directory.contactFor('telegram', '4242', { name: 'Rita Nova' });
    expect(again.id).toBe(first.id);
    expect(again.name).toBe('Rita Nova');
    const back = await store.get(first.id);
    expect(back?.removed).toBeUndefined();
    expect(back).toMatchObject({ addresses: { telegram: '4242' } });
  });

  it('ARCHITECTURE §4 linking a contact to a team adds the team once and never to a removed contact', async () => {
    const directory = new ContactDirectory(store);
    const contact = await directory.contactFor('telegram', '777', { name: 'Caio' });
    await linkContactToTeam(store, contact, 'team:a');
    await linkContactToTeam(store, { id: contact.id }, 'team:a');
    await linkContactToTeam(store, { id: contact.id }, 'team:b');
    expect((await store.get(contact.id))?.teamIds).toEqual(['team:a', 'team:b']);
    const stored = await store.get(contact.id);
    await store.bulkWrite([removedForm(stored!, Date.now())]);
    await linkContactToTeam(store, { id: contact.id }, 'team:c');
    expect(await store.get(contact.id)).toMatchObject({ removed: true, teamIds: ['team:a', 'team:b'] });
  });
});
