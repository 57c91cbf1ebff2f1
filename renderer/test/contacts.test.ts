import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRxDatabase, type RxCollection, type RxDatabase } from 'rxdb';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { API, isNumberQuery, type ContactDoc } from '@atende/protocol';
import { CommandOutbox, type Transport } from '../src/db/outbox';
import { outboxSchema, type OutboxDoc } from '../src/db/outboxSchema';
import { matchContact } from '../src/components/contact/search';

const call = vi.fn<(endpoint: unknown, request: unknown) => Promise<unknown>>(() => Promise.resolve({}));
vi.mock('../src/net/client', () => ({ call: (endpoint: unknown, request: unknown) => call(endpoint, request) }));
// The real module reaches for the desktop bridge (window); the transport only needs the error type.
vi.mock('../src/net/api', () => ({ ApiError: class ApiError extends Error {} }));
const { httpTransport } = await import('../src/db/outboxTransport');

/**
 * The contacts screens' rules that are not the server's: the local search (R-WS-13, R-CT-03) and
 * "Adicionar contato"/edit queued in the durable outbox while offline (R-CT-01, issue 9).
 */
const contact = (over: Partial<ContactDoc>): ContactDoc => ({
  id: 'contact:x', type: 'contact', name: 'Maria Oliveira', email: 'maria@example.com', addresses: { whatsapp: '5511987654321' },
  customFields: {}, createdAt: 1, updatedAt: 1, ...over,
});

describe('R-WS-13 R-CT-03 local contact search', () => {
  it('a number matches as typed, with or without the 55 the store added, punctuation ignored', () => {
    expect(isNumberQuery('(11) 98765')).toBe(true);
    expect(matchContact(contact({}), '(11) 98765')).toBe(true);
    expect(matchContact(contact({}), '5511987654321')).toBe(true);
    expect(matchContact(contact({}), '21 99999')).toBe(false);
  });

  it('a name matches by word prefixes, accents and case ignored; the e-mail too', () => {
    const lucia = contact({ name: 'Lúcia Ferreira', email: 'lu@example.com' });
    expect(isNumberQuery('lucia')).toBe(false);
    expect(matchContact(lucia, 'LUCIA fer')).toBe(true);
    expect(matchContact(lucia, 'ferreira lu')).toBe(true);
    expect(matchContact(lucia, 'maria')).toBe(false);
    expect(matchContact(lucia, 'lu@example')).toBe(true);
  });
});

type OutboxDatabase = RxDatabase<{ outbox: RxCollection<OutboxDoc> }>;
const databases: OutboxDatabase[] = [];
const outboxes: CommandOutbox[] = [];
afterEach(async () => {
  for (const o of outboxes.splice(0)) o.stop();
  for (const db of databases.splice(0)) await db.close();
  call.mockClear();
});

async function collection(name: string): Promise<RxCollection<OutboxDoc>> {
  const db: OutboxDatabase = await createRxDatabase<{ outbox: RxCollection<OutboxDoc> }>({ name, storage: getRxStorageMemory(), multiInstance: false });
  databases.push(db);
  await db.addCollections({ outbox: { schema: outboxSchema } });
  return db.outbox;
}

describe('R-CT-01 contact commands in the durable outbox', () => {
  it('a contact saved offline waits as "queued" and is sent once online, under the contact id; saving again is the same command', async () => {
    const outbox = await collection('contacts-outbox-1');
    const sent: Array<{ kind: string; id: string; body: Record<string, unknown> }> = [];
    const transport: Transport = (kind, id, body) => {
      sent.push({ kind, id, body });
      return Promise.resolve({});
    };
    let online = false;
    const box = new CommandOutbox(outbox, transport, { isOnline: () => online, retryMinMs: 1, retryMaxMs: 5 });
    outboxes.push(box);
    box.start();
    const form = { name: 'Pedro Alves', email: 'pedro@example.com', whatsapp: '11 91111-2222' };
    await box.enqueue({ kind: 'createContact', conversationId: 'contact:p1', body: form }, 'contact:p1');
    expect(await box.outcome('contact:p1')).toBe('queued');
    await box.enqueue({ kind: 'createContact', conversationId: 'contact:p1', body: form }, 'contact:p1');
    expect(sent).toEqual([]);

    online = true;
    box.wake();
    expect(await box.outcome('contact:p1')).toBe('done');
    expect(sent).toEqual([{ kind: 'createContact', id: 'contact:p1', body: { id: 'contact:p1', ...form } }]);
  });

  it('the transport posts a create with its id and patches an edit without the command id', async () => {
    await httpTransport('createContact', 'contact:p1', { id: 'contact:p1', name: 'Pedro', email: '', whatsapp: '11911112222' });
    expect(call).toHaveBeenLastCalledWith(API.createContact, { body: { id: 'contact:p1', name: 'Pedro', email: '', whatsapp: '11911112222' } });
    await httpTransport('updateContact', 'contact:p1', { id: '01JCMDID', name: 'Pedro Alves' });
    expect(call).toHaveBeenLastCalledWith(API.updateContact, { params: { id: 'contact:p1' }, body: { name: 'Pedro Alves' } });
  });
});
