import { describe, expect, it } from 'vitest';
import type { ContactDoc, ConversationDoc } from '@atende/protocol';
import {
  conversationMatches, isProtocolQuery, labelMatches, matchingContacts, PALETTE_LIMIT, rankConversations,
} from '../src/components/palette/paletteSearch';

const contact = (id: string, name: string, addresses: Record<string, string> = {}): ContactDoc =>
  ({ id, type: 'contact', name, email: '', addresses, createdAt: 1, updatedAt: 1 }) as unknown as ContactDoc;
const conversation = (id: string, contactId: string, protocol: string, status: ConversationDoc['status'], updatedAt: number): ConversationDoc =>
  ({ id, contactId, protocol, status, updatedAt }) as ConversationDoc;

describe('issue 18 point 4: the command palette finds conversations, contacts and actions', () => {
  it('issue 18: contacts by name words (accents ignored) or by digits of an address', () => {
    const all = [contact('c1', 'Márcia Lopes', { whatsapp: '5511988887777' }), contact('c2', 'Marcos Dias'), contact('c3', 'Ana Souza')];
    expect(matchingContacts(all, 'marc', 'pt-BR').map((c) => c.id)).toEqual(['c1', 'c2']);
    expect(matchingContacts(all, 'marcia lo', 'pt-BR').map((c) => c.id)).toEqual(['c1']);
    expect(matchingContacts(all, '98888', 'pt-BR').map((c) => c.id)).toEqual(['c1']);
    expect(matchingContacts(all, '  ', 'pt-BR')).toEqual([]);
  });

  it('issue 18: conversations by protocol number or by a matching contact; open ones first, then newest, bounded', () => {
    expect(isProtocolQuery('20261129-0001')).toBe(true);
    expect(isProtocolQuery('ana')).toBe(false);
    const a = conversation('a', 'c1', '20261129-000001', 'finished', 5);
    const b = conversation('b', 'c1', '20261129-000002', 'active', 1);
    const c = conversation('c', 'c2', '20261130-000003', 'waiting', 9);
    expect(conversationMatches(a, '1129-000001', new Set())).toBe(true);
    expect(conversationMatches(c, '1129-000001', new Set(['c2']))).toBe(false);
    expect(conversationMatches(b, 'marcia', new Set(['c1']))).toBe(true);
    expect(conversationMatches(c, 'marcia', new Set(['c1']))).toBe(false);
    expect(rankConversations([a, b, c, b]).map((x) => x.id)).toEqual(['c', 'b', 'a']);
    const many = Array.from({ length: 20 }, (_, i) => conversation(`x${i}`, 'c1', `p${i}`, 'finished', i));
    expect(rankConversations(many)).toHaveLength(PALETTE_LIMIT);
  });

  it('issue 18: actions by the starts of their words, in any language of the label', () => {
    expect(labelMatches('Puxar o próximo da fila', 'prox')).toBe(true);
    expect(labelMatches('Puxar o próximo da fila', 'fila pux')).toBe(true);
    expect(labelMatches('Contatos: WhatsApp', 'whats')).toBe(true);
    expect(labelMatches('Transferir', 'ferir')).toBe(false);
    expect(labelMatches('Finalizar', '')).toBe(true);
  });
});
