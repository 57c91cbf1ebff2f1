import { afterEach, describe, expect, it, vi } from 'vitest';
import { API, isNumberQuery, type ContactDoc } from '@atende/protocol';
import type { Transport } from '../src/db/outbox';
import { matchContact } from '../src/components/contact/search';
import { closeOutboxes, outboxCollection, startedOutbox } from './outboxFixture';

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

afterEach(async () => {
  await closeOutboxes();
  call.mockClear();
});

describe('R-CT-01 contact commands in the durable outbox', () => {
  it('a contact saved offline waits as "queued" and is sent once online, under the contact id; saving again is the same command', async () => {
    const outbox = await outboxCollection('contacts-outbox-1');
    const sent: Array<{ kind: string; id: string; body: Record<string, unknown> }> = [];
    const transport: Transport = (kind, id, body) => {
      sent.push({ kind, id, body });
      return Promise.resolve({});
    };
    let online = false;
    const box = startedOutbox(outbox, transport, { isOnline: () => online, retryMinMs: 1, retryMaxMs: 5 });
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
