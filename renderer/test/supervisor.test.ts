import { describe, expect, it } from 'vitest';
import type { ConversationDoc, PresenceStatus } from '@atende/protocol';
import { agentRows, conversationRows, queueRows, WAIT_THRESHOLD_MS } from '../src/components/supervisor/boards';

const NOW = 10_000_000;
type Open = Pick<
  ConversationDoc,
  'id' | 'status' | 'teamId' | 'agentId' | 'contactId' | 'channel' | 'createdAt' | 'waitingSince' | 'takenAt' | 'lastInboundAt'
>;
const conversation = (id: string, patch: Partial<Open>): Open => ({
  id, status: 'waiting', teamId: 'team:suporte', agentId: null, contactId: `contact:${id}`, channel: 'webchat',
  createdAt: NOW - 60_000, waitingSince: NOW - 60_000, takenAt: null, lastInboundAt: null, ...patch,
});

const open: Open[] = [
  conversation('w1', { waitingSince: NOW - 30_000 }),
  conversation('w2', { waitingSince: NOW - WAIT_THRESHOLD_MS - 1_000, createdAt: NOW - WAIT_THRESHOLD_MS - 1_000 }),
  conversation('a1', { status: 'active', agentId: 'user:ana', takenAt: NOW - 20_000, lastInboundAt: NOW - 5_000 }),
  conversation('c1', { teamId: 'team:comercial', status: 'active', agentId: 'user:ana', channel: 'whatsapp' }),
  conversation('f1', { status: 'finished', agentId: 'user:bruno' }),
];

describe('supervisor boards (R-SV-01..03)', () => {
  it('agents: presence from the socket, offline when unknown, active load against the maximum', () => {
    const users = [
      { id: 'user:bruno', name: 'Bruno Lima', role: 'agent' as const, maxConcurrent: 5 },
      { id: 'user:ana', name: 'Ana Souza', role: 'agent' as const, maxConcurrent: 2 },
    ];
    const presence = new Map<string, PresenceStatus>([['user:ana', 'paused']]);
    expect(agentRows(users, presence, open)).toEqual([
      { id: 'user:ana', name: 'Ana Souza', role: 'agent', status: 'paused', active: 2, max: 2 },
      { id: 'user:bruno', name: 'Bruno Lima', role: 'agent', status: 'offline', active: 0, max: 5 },
    ]);
  });

  it('queues: waiting count, longest wait and long waits per team, every team listed', () => {
    const teams = [{ id: 'team:suporte', name: 'Suporte' }, { id: 'team:comercial', name: 'Comercial' }];
    expect(queueRows(teams, open, NOW)).toEqual([
      { teamId: 'team:comercial', name: 'Comercial', waiting: 0, active: 1, longestWaitMs: 0, overThreshold: 0 },
      { teamId: 'team:suporte', name: 'Suporte', waiting: 2, active: 1, longestWaitMs: WAIT_THRESHOLD_MS + 1_000, overThreshold: 1 },
    ]);
  });

  it('conversations: open ones, oldest first, with agent, team, channel and times', () => {
    const rows = conversationRows(open, {
      user: (id) => (id === 'user:ana' ? 'Ana Souza' : undefined),
      team: (id) => (id === 'team:suporte' ? 'Suporte' : 'Comercial'),
      contact: (c) => c.contactId.replace('contact:', ''),
    }, NOW);
    expect(rows.map((r) => r.id)).toEqual(['w2', 'w1', 'a1', 'c1']);
    expect(rows[2]).toEqual({
      id: 'a1', contact: 'a1', agent: 'Ana Souza', team: 'Suporte', channel: 'webchat', status: 'active',
      durationMs: 60_000, sinceCustomerMs: 5_000,
    });
    expect(rows[1]).toMatchObject({ agent: undefined, status: 'waiting', sinceCustomerMs: undefined });
    expect(rows[3]).toMatchObject({ team: 'Comercial', channel: 'whatsapp' });
  });
});
