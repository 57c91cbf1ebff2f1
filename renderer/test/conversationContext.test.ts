import { describe, expect, it } from 'vitest';
import type { MessageDoc } from '@atende/protocol';
import { needsAttention, silenced, titleWith } from '../src/components/conversation/attention';
import { markRead, readMarkOf, unreadCount } from '../src/components/conversation/readMarks';
import { dayLabel, namesFrom, traceLine, transcriptRows, type TraceNames } from '../src/components/conversation/transcript';
import { highlight, messageMatches } from '../src/components/search/highlight';

/** The conversation screens' context rules (issue 9 point 3): unread, transcript rows, trace lines, search, silencing. */
const DAY = 86_400_000;
const noon = new Date(2026, 10, 28, 12, 0, 0).getTime();

function message(id: string, createdAt: number, over: Partial<MessageDoc> = {}): MessageDoc {
  return {
    id, type: 'message', createdAt, updatedAt: createdAt, conversationId: 'conversation:a', teamId: 'team:suporte', formerTeamIds: [],
    direction: 'in', authorId: 'contact:maria', authorName: 'Maria', kind: 'text', text: `texto ${id}`, attachments: [],
    visibility: 'public', status: 'sent', error: null, externalId: null, payload: {}, ...over,
  } as MessageDoc;
}
const transfer = (id: string, at: number) => message(id, at, {
  direction: 'system', kind: 'event', authorId: null, text: 'A conversa foi transferida.',
  payload: { event: 'transferred', fromTeamId: 'team:suporte', toTeamId: 'team:comercial', fromAgentId: 'user:ana', toAgentId: null, byUserId: 'user:carla' },
});
const t = (key: string, params?: Record<string, unknown>) => `${key}${params ? JSON.stringify(params) : ''}`;

describe('issue 9: unread markers on active cards', () => {
  it('counts the customer messages newer than the read mark, all of them before the first read', () => {
    const messages = [message('1', 10), message('2', 20, { direction: 'out' }), message('3', 30), transfer('4', 40)];
    expect(unreadCount(messages, undefined)).toBe(2);
    expect(unreadCount(messages, 10)).toBe(1);
    expect(unreadCount(messages, 30)).toBe(0);
  });

  it('keeps a read mark per user and never moves it back', () => {
    markRead('user:ana', 'conversation:a', 50);
    markRead('user:ana', 'conversation:a', 40);
    expect(readMarkOf('user:ana', 'conversation:a')).toBe(50);
    expect(readMarkOf('user:bruno', 'conversation:a')).toBeUndefined();
  });
});

describe('R-WS-15 issue 9: the transcript', () => {
  it('puts a day separator before the first message of each day, and hides lifecycle events on request', () => {
    const messages = [message('1', noon - DAY), transfer('2', noon - DAY + 1000), message('3', noon), message('4', noon + 1000)];
    expect(transcriptRows(messages, false).map((r) => (r.kind === 'day' ? 'day' : r.message.id))).toEqual(['day', '1', '2', 'day', '3', '4']);
    expect(transcriptRows(messages, true).map((r) => (r.kind === 'day' ? 'day' : r.message.id))).toEqual(['day', '1', 'day', '3', '4']);
  });

  it('names days "Hoje", "Ontem", then by date', () => {
    expect(dayLabel(noon, noon, 'pt-BR', t)).toBe('context.today');
    expect(dayLabel(noon - DAY, noon, 'pt-BR', t)).toBe('context.yesterday');
    expect(dayLabel(noon - 3 * DAY, noon, 'pt-BR', t)).toBe('25 de novembro de 2026');
  });

  it('says from where, to where and by whom a transfer went, with names', () => {
    // As the contact history's transcript builds them, from the replica's users and teams.
    const names: TraceNames = namesFrom({
      users: new Map([['user:ana', { name: 'Ana Souza' }], ['user:carla', { name: 'Carla Mendes' }]]),
      teams: new Map([['team:suporte', { name: 'Suporte' }], ['team:comercial', { name: 'Comercial' }]]),
    });
    const [, row] = transcriptRows([transfer('1', noon)], false);
    if (row?.kind !== 'message' || !row.event) throw new Error('no event row');
    expect(traceLine(row.event, names, t)).toBe(
      'context.event.transferredBy{"from":"context.event.agentInTeam{\\"agent\\":\\"Ana Souza\\",\\"team\\":\\"Suporte\\"}","to":"Comercial","by":"Carla Mendes"}',
    );
  });
});

describe('R-WS-13 issue 9: message search and resolved conversations', () => {
  it('matches every query word at a word start, accents ignored, never lifecycle events', () => {
    expect(messageMatches(message('1', 1, { text: 'O boleto está vencido' }), ['bol', 'venc'])).toBe(true);
    expect(messageMatches(message('1', 1, { text: 'O boleto está vencido' }), ['bol', 'pago'])).toBe(false);
    expect(messageMatches(transfer('2', 1), ['transferida'])).toBe(false);
  });

  it('highlights the matching words around the first match', () => {
    const parts = highlight('Olá! Meu Pedido atrasou de novo', 'pedido')
      .filter((p) => p.match).map((p) => p.text);
    expect(parts).toEqual(['Pedido']);
    const long = `${'a '.repeat(100)}chave ${'b '.repeat(100)}`;
    const cut = highlight(long, 'chave');
    expect(cut[0]?.text).toBe('…');
    expect(cut.map((p) => p.text).join('')).toContain('chave');
  });

  it('a resolved conversation is silent: no alert or title count until the customer writes again (the server clears the mark)', () => {
    expect(silenced({ mark: 'resolved' })).toBe(true);
    expect(needsAttention({ mark: 'resolved', lastInboundAt: 100 }, 50)).toBe(false);
    expect(needsAttention({ mark: null, lastInboundAt: 100 }, 50)).toBe(true);
    expect(needsAttention({ mark: 'pending', lastInboundAt: 100 }, 100)).toBe(false);
    expect(titleWith(2)).toBe('(2) Atende');
    expect(titleWith(0)).toBe('Atende');
  });
});
