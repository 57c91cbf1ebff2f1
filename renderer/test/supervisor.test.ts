import { describe, expect, it } from 'vitest';
import type { ConversationDoc, PresenceStatus, UserPause } from '@atende/protocol';
import {
  agentRows, conversationRows, queueRows, wasWaitingAt,
  TREND_WINDOW_MS, UNANSWERED_THRESHOLD_MS, WAIT_THRESHOLD_MS, type ConversationRow,
} from '../src/components/supervisor/boards';
import { ariaSort, viewRows, type BoardColumn } from '../src/components/supervisor/boardTable';

const NOW = 10_000_000;
const MIN = 60_000;
type Open = Pick<
  ConversationDoc,
  'id' | 'status' | 'teamId' | 'agentId' | 'contactId' | 'channel' | 'createdAt' | 'waitingSince' | 'takenAt'
  | 'lastInboundAt' | 'lastMessageAt' | 'finishedAt' | 'queuedAt' | 'firstTakenAt'
>;
const conversation = (id: string, patch: Partial<Open>): Open => ({
  id, status: 'waiting', teamId: 'team:suporte', agentId: null, contactId: `contact:${id}`, channel: 'webchat',
  createdAt: NOW - MIN, waitingSince: NOW - MIN, takenAt: null, lastInboundAt: null, lastMessageAt: null,
  finishedAt: null, queuedAt: NOW - MIN, firstTakenAt: null, ...patch,
});

const open: Open[] = [
  conversation('w1', { waitingSince: NOW - 30_000, queuedAt: NOW - 30_000 }),
  conversation('w2', { waitingSince: NOW - WAIT_THRESHOLD_MS - 1_000, createdAt: NOW - WAIT_THRESHOLD_MS - 1_000 }),
  conversation('a1', { status: 'active', agentId: 'user:ana', takenAt: NOW - 20_000, lastInboundAt: NOW - 5_000, lastMessageAt: NOW - 5_000 }),
  conversation('c1', { teamId: 'team:comercial', status: 'active', agentId: 'user:ana', channel: 'whatsapp' }),
  conversation('f1', { status: 'finished', agentId: 'user:bruno' }),
];
const names = {
  user: (id: string) => (id === 'user:ana' ? 'Ana Souza' : undefined),
  team: (id: string) => (id === 'team:suporte' ? 'Suporte' : 'Comercial'),
  contact: (c: Open) => c.contactId.replace('contact:', ''),
};

describe('supervisor boards: agents (R-SV-01)', () => {
  const pause: UserPause = { typeId: 'pause:cafe', name: 'Café', since: NOW - 16 * MIN, maxMinutes: 15, endedBy: null } as unknown as UserPause;
  const users = [
    { id: 'user:bruno', name: 'Bruno Lima', role: 'agent' as const, maxConcurrent: 5, teamIds: ['team:suporte'] },
    { id: 'user:ana', name: 'Ana Souza', role: 'agent' as const, maxConcurrent: 2, teamIds: ['team:suporte', 'team:comercial'], pause },
    { id: 'user:old', name: 'Antigo', role: 'agent' as const, maxConcurrent: 2, teamIds: [], disabled: true },
  ];

  it('R-SV-01: presence from the socket (offline when unknown), time in status, pause with its time and limit, load against the maximum', () => {
    const status = new Map<string, PresenceStatus>([['user:ana', 'paused']]);
    const since = new Map([['user:ana', NOW - 96_000]]);
    expect(agentRows(users, { status, since }, open, NOW)).toEqual([
      {
        id: 'user:ana', name: 'Ana Souza', role: 'agent', teamIds: ['team:suporte', 'team:comercial'], status: 'paused', inStatusMs: 96_000,
        pause: { name: 'Café', maxMinutes: 15, elapsedMs: 16 * MIN, over: true }, active: 2, max: 2,
      },
      { id: 'user:bruno', name: 'Bruno Lima', role: 'agent', teamIds: ['team:suporte'], status: 'offline', inStatusMs: undefined, pause: undefined, active: 0, max: 5 },
    ]);
  });

  it('R-SV-01: without the server\'s "since" the time in status is unknown, not zero; a pause within its limit is not over', () => {
    const rows = agentRows(users, { status: new Map() }, [], NOW - 10 * MIN);
    expect(rows.map((r) => r.inStatusMs)).toEqual([undefined, undefined]);
    expect(rows[0]?.pause).toMatchObject({ elapsedMs: 6 * MIN, over: false });
  });
});

describe('supervisor boards: queues (R-SV-02)', () => {
  const teams = [{ id: 'team:suporte', name: 'Suporte' }, { id: 'team:comercial', name: 'Comercial' }];

  it('R-SV-02: waiting count, longest wait and long waits per team, every team listed', () => {
    expect(queueRows(teams, open, NOW)).toMatchObject([
      { teamId: 'team:comercial', name: 'Comercial', waiting: 0, active: 1, longestWaitMs: 0, overThreshold: 0 },
      { teamId: 'team:suporte', name: 'Suporte', waiting: 2, active: 1, longestWaitMs: WAIT_THRESHOLD_MS + 1_000, overThreshold: 1 },
    ]);
  });

  it('R-SV-02: whether a conversation waited at a moment is reconstructed from queuedAt, firstTakenAt and finishedAt', () => {
    const at = NOW - TREND_WINDOW_MS;
    expect(wasWaitingAt(conversation('still', { waitingSince: at - MIN, queuedAt: at - MIN }), at)).toBe(true);
    expect(wasWaitingAt(conversation('later', { waitingSince: at + MIN, queuedAt: at + MIN }), at)).toBe(false);
    expect(wasWaitingAt(conversation('taken', { status: 'active', queuedAt: at - MIN, firstTakenAt: at + MIN, waitingSince: null }), at)).toBe(true);
    expect(wasWaitingAt(conversation('takenBefore', { status: 'active', queuedAt: at - 2 * MIN, firstTakenAt: at - MIN }), at)).toBe(false);
    expect(wasWaitingAt(conversation('abandoned', { status: 'finished', queuedAt: at - MIN, finishedAt: at + MIN }), at)).toBe(true);
    expect(wasWaitingAt(conversation('botOnly', { status: 'finished', queuedAt: null, finishedAt: at + MIN }), at)).toBe(false);
  });

  it('R-SV-02: the trend compares the waiting count now with 15 minutes ago, counting those taken or finished since', () => {
    const at = NOW - TREND_WINDOW_MS;
    const history: Open[] = [
      conversation('long', { waitingSince: at - MIN, queuedAt: at - MIN }),
      conversation('taken', { status: 'active', agentId: 'user:ana', queuedAt: at - MIN, firstTakenAt: at + MIN, waitingSince: null }),
      conversation('gave-up', { status: 'finished', queuedAt: at - 2 * MIN, finishedAt: NOW - MIN, waitingSince: null }),
      conversation('c-new', { teamId: 'team:comercial', waitingSince: NOW - MIN, queuedAt: NOW - MIN }),
      conversation('c-new2', { teamId: 'team:comercial', waitingSince: NOW - 2 * MIN, queuedAt: NOW - 2 * MIN }),
    ];
    const rows = queueRows([...teams, { id: 'team:vendas', name: 'Vendas' }], history, NOW);
    expect(rows.map((r) => [r.name, r.waiting, r.waitingBefore, r.trend])).toEqual([
      ['Comercial', 2, 0, 'up'],
      ['Suporte', 1, 3, 'down'],
      ['Vendas', 0, 0, 'flat'],
    ]);
  });
});

describe('supervisor boards: conversations (R-SV-03)', () => {
  it('R-SV-03: open ones, oldest first, with agent, team, channel and times', () => {
    const rows = conversationRows(open, names, NOW);
    expect(rows.map((r) => r.id)).toEqual(['w2', 'w1', 'a1', 'c1']);
    expect(rows[2]).toEqual({
      id: 'a1', contact: 'a1', agentId: 'user:ana', agent: 'Ana Souza', teamId: 'team:suporte', team: 'Suporte', channel: 'webchat',
      status: 'active', durationMs: MIN, sinceCustomerMs: 5_000, unanswered: false,
    });
    expect(rows[1]).toMatchObject({ agent: undefined, status: 'waiting', sinceCustomerMs: undefined, unanswered: false });
    expect(rows[3]).toMatchObject({ team: 'Comercial', channel: 'whatsapp' });
  });

  it('R-SV-03: unanswered = the customer wrote last and has waited longer than the threshold', () => {
    const late = NOW - UNANSWERED_THRESHOLD_MS - 1_000;
    const rows = conversationRows([
      conversation('waits', { status: 'active', agentId: 'user:ana', lastInboundAt: late, lastMessageAt: late }),
      conversation('answered', { status: 'active', agentId: 'user:ana', lastInboundAt: late, lastMessageAt: NOW - 10_000 }),
      conversation('recent', { status: 'active', agentId: 'user:ana', lastInboundAt: NOW - 10_000, lastMessageAt: NOW - 10_000 }),
      conversation('silent', { status: 'waiting' }),
    ], names, NOW);
    expect(Object.fromEntries(rows.map((r) => [r.id, r.unanswered]))).toEqual({ waits: true, answered: false, recent: false, silent: false });
  });
});

describe('supervisor boards: sorting and filtering (R-SV-01, R-SV-03)', () => {
  const rows: ConversationRow[] = conversationRows([
    conversation('x1', { contactId: 'contact:João Prado', createdAt: NOW - 3 * MIN, lastInboundAt: NOW - MIN, lastMessageAt: NOW - MIN }),
    conversation('x2', { contactId: 'contact:ana', createdAt: NOW - 10 * MIN, teamId: 'team:comercial', status: 'active', agentId: 'user:ana' }),
    conversation('x3', { contactId: 'contact:Bia 10', createdAt: NOW - 2 * MIN, status: 'bot', lastInboundAt: NOW - 2 * MIN, lastMessageAt: NOW - 2 * MIN }),
    conversation('x4', { contactId: 'contact:Bia 9', createdAt: NOW - MIN }),
  ], names, NOW);
  const columns: BoardColumn<ConversationRow>[] = [
    { id: 'contact', sort: (r) => r.contact, text: (r) => r.contact },
    { id: 'team', sort: (r) => r.team, text: (r) => r.team, filter: (r, v) => r.teamId === v },
    { id: 'duration', sort: (r) => r.durationMs },
    { id: 'sinceCustomer', sort: (r) => r.sinceCustomerMs },
    { id: 'status', filter: (r, v) => r.status === v },
  ];
  const ids = (view: Partial<Parameters<typeof viewRows>[3]>) =>
    viewRows(rows, columns, (r) => r.id, { sorting: [], text: '', filters: {}, ...view }).map((r) => r.contact);

  it('R-SV-03: sorts by text in the reader\'s alphabet (numbers in order), by durations as numbers, unknown times last', () => {
    expect(ids({ sorting: [{ id: 'contact', desc: false }] })).toEqual(['ana', 'Bia 9', 'Bia 10', 'João Prado']);
    expect(ids({ sorting: [{ id: 'duration', desc: true }] })).toEqual(['ana', 'João Prado', 'Bia 10', 'Bia 9']);
    expect(ids({ sorting: [{ id: 'sinceCustomer', desc: false }] })).toEqual(['João Prado', 'Bia 10', 'ana', 'Bia 9']);
    expect(ids({ sorting: [{ id: 'sinceCustomer', desc: true }] })).toEqual(['Bia 10', 'João Prado', 'ana', 'Bia 9']);
  });

  it('R-SV-03: the text filter ignores case and accents; team and status filters narrow further; empty filters keep all', () => {
    expect(ids({ text: 'joao' })).toEqual(['João Prado']);
    expect(ids({ text: '  COMERCIAL ' })).toEqual(['ana']);
    expect(ids({ text: 'bia', filters: { status: 'bot' } })).toEqual(['Bia 10']);
    expect(ids({ filters: { team: 'team:suporte', status: '' }, sorting: [{ id: 'contact', desc: true }] })).toEqual(['João Prado', 'Bia 10', 'Bia 9']);
    expect(ids({ text: 'ninguém' })).toEqual([]);
  });

  it('R-SV-01: aria-sort tells the sorted direction on sortable columns only', () => {
    expect([ariaSort(true, 'asc'), ariaSort(true, 'desc'), ariaSort(true, false), ariaSort(false, false)]).toEqual(['ascending', 'descending', 'none', undefined]);
  });
});
