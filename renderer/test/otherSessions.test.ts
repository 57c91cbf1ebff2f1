import { describe, expect, it } from 'vitest';
import type { ConversationDoc } from '@atende/protocol';
import { initialsOf } from '../src/components/contact/avatar';
import { otherSessions } from '../src/components/contact/otherSessions';
import { contactLabel } from '../src/stores/contactLabel';

/** Issue 11, the contact across channels: other open sessions (R-WS-05) and how a contact is named (R-CH-01). */
type Fields = Pick<
  ConversationDoc,
  'id' | 'contactId' | 'protocol' | 'channel' | 'channelAccountId' | 'teamId' | 'status' | 'agentId' | 'lastMessageAt' | 'createdAt'
>;
const conversation = (id: string, patch: Partial<Fields>): Fields => ({
  id, contactId: 'contact:maria', protocol: `P-${id}`, channel: 'webchat', channelAccountId: 'channel:site', teamId: 'team:suporte',
  status: 'waiting', agentId: null, lastMessageAt: 1_000, createdAt: 500, ...patch,
});
const current = { id: 'conversation:web', contactId: 'contact:maria' };

describe('other open sessions of the contact (R-WS-05)', () => {
  it('R-WS-05 lists the contact’s other open conversations, never the one on screen, finished ones or other contacts’', () => {
    const rows = otherSessions([
      conversation('conversation:web', { status: 'active', agentId: 'user:ana' }),
      conversation('conversation:messenger', { channel: 'messenger', channelAccountId: 'channel:page', status: 'waiting' }),
      conversation('conversation:old-whatsapp', { channel: 'whatsapp', status: 'finished', agentId: 'user:ana' }),
      conversation('conversation:joao', { contactId: 'contact:joao', channel: 'telegram' }),
    ], current, 'user:ana');
    expect(rows.map((row) => row.id)).toEqual(['conversation:messenger']);
    expect(rows[0]).toMatchObject({
      channel: 'messenger', channelAccountId: 'channel:page', status: 'waiting', protocol: 'P-conversation:messenger',
      holder: { kind: 'queue', teamId: 'team:suporte' },
    });
  });

  it('R-WS-05 says whose each one is; the agent’s own opens as the conversation, anyone else’s or a waiting one only read-only', () => {
    const rows = otherSessions([
      conversation('conversation:bruno', { channel: 'instagram', status: 'active', agentId: 'user:bruno', lastMessageAt: 9_000 }),
      conversation('conversation:queue', { channel: 'telegram', status: 'waiting', teamId: 'team:comercial', lastMessageAt: 8_000 }),
      conversation('conversation:mine', { channel: 'whatsapp', status: 'active', agentId: 'user:ana', lastMessageAt: 1_000 }),
    ], current, 'user:ana');
    // Mine first, then the most recently busy.
    expect(rows.map((row) => [row.id, row.holder, row.opens])).toEqual([
      ['conversation:mine', { kind: 'mine' }, 'select'],
      ['conversation:bruno', { kind: 'agent', agentId: 'user:bruno' }, 'peek'],
      ['conversation:queue', { kind: 'queue', teamId: 'team:comercial' }, 'peek'],
    ]);
  });

  it('R-WS-05 a second conversation on the same channel but another account (another number) is listed too', () => {
    const rows = otherSessions([
      conversation('conversation:other-site', { channelAccountId: 'channel:site-2', lastMessageAt: null, createdAt: 700 }),
    ], current, 'user:ana');
    expect(rows).toMatchObject([{ id: 'conversation:other-site', channel: 'webchat', channelAccountId: 'channel:site-2', lastAt: 700 }]);
  });

  it('R-WS-05 with no other open conversation there is nothing to show', () => {
    expect(otherSessions([conversation('conversation:web', {})], current, 'user:ana')).toEqual([]);
  });
});

describe('how a contact without a name is called (R-CH-01)', () => {
  it('R-CH-01 a Messenger or Instagram customer before the profile arrives is “Cliente do Messenger/Instagram”, not blank', () => {
    expect(contactLabel({ name: '', addresses: { messenger: '24001122334455' } })).toBe('Cliente do Messenger');
    expect(contactLabel({ name: '', addresses: { instagram: '17841400000000' } })).toBe('Cliente do Instagram');
    expect(contactLabel({ name: '', addresses: { telegram: '123456789' } })).toBe('Cliente do Telegram');
  });

  it('R-CH-01 a name, once known, wins; WhatsApp keeps showing the number; the web chat keeps its visitor id', () => {
    expect(contactLabel({ name: 'Joana Lima', addresses: { messenger: '24001122334455' } })).toBe('Joana Lima');
    expect(contactLabel({ name: '', addresses: { whatsapp: '5511912345678', messenger: '24001122334455' } })).toBe('+55 11 91234-5678');
    expect(contactLabel({ name: '', addresses: { webchat: 'visitor:abc', instagram: '17841400000000' } })).toBe('Cliente do Instagram');
    expect(contactLabel({ name: '', addresses: { webchat: 'visitor:abc' } })).toBe('visitor:abc');
    expect(contactLabel({ name: '', addresses: {} })).toBeUndefined();
    expect(contactLabel(undefined)).toBeUndefined();
  });

  it('R-CH-01 the wording follows the given translation', () => {
    expect(contactLabel({ name: '', addresses: { instagram: '1784' } }, (channel) => `${channel} customer`)).toBe('instagram customer');
  });
});

describe('the contact picture’s fallback (R-CH-01)', () => {
  it('R-CH-01 initials: first letters of the first and last words, digits of a number, never a sign', () => {
    expect(initialsOf('Maria da Silva')).toBe('MS');
    expect(initialsOf('joana')).toBe('J');
    expect(initialsOf('Cliente do Messenger')).toBe('CM');
    expect(initialsOf('+55 11 98765-4321')).toBe('59');
    expect(initialsOf('  ')).toBe('');
  });
});
