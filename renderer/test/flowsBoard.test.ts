import { describe, expect, it } from 'vitest';
import { mayReleaseFromBot, type ConversationDoc } from '@atende/protocol';
import { conversationRows, queueRows } from '../src/components/supervisor/boards';

/** R-RT-04: the supervisors' conversations board lists conversations still with the chatbot, as "No bot", releasable by supervisors. */
const NOW = 10_000_000;
type Open = Pick<ConversationDoc, 'id' | 'status' | 'teamId' | 'agentId' | 'contactId' | 'channel' | 'createdAt' | 'waitingSince' | 'takenAt' | 'lastInboundAt'>;
const conversation = (id: string, status: Open['status']): Open => ({
  id, status, teamId: 'team:suporte', agentId: null, contactId: `contact:${id}`, channel: 'webchat',
  createdAt: NOW - 60_000, waitingSince: status === 'bot' ? null : NOW - 60_000, takenAt: null, lastInboundAt: NOW - 1_000,
});

describe('R-RT-04 conversations with the bot on the supervisor board', () => {
  it('R-RT-04 a conversation with the bot is listed with status "bot"; it counts in no queue', () => {
    const open = [conversation('b1', 'bot'), conversation('w1', 'waiting')];
    const rows = conversationRows(open, { user: () => undefined, team: () => 'Suporte', contact: (c) => c.id }, NOW);
    expect(rows.map((r) => [r.id, r.status])).toEqual([['b1', 'bot'], ['w1', 'waiting']]);
    expect(queueRows([{ id: 'team:suporte', name: 'Suporte' }], open, NOW)[0]).toMatchObject({ waiting: 1, active: 0 });
  });

  it('R-RT-04 only supervisors and admins may release, and only a conversation with the bot', () => {
    expect(mayReleaseFromBot({ role: 'supervisor' }, { status: 'bot' })).toBe(true);
    expect(mayReleaseFromBot({ role: 'admin' }, { status: 'bot' })).toBe(true);
    expect(mayReleaseFromBot({ role: 'agent' }, { status: 'bot' })).toBe(false);
    expect(mayReleaseFromBot({ role: 'supervisor' }, { status: 'waiting' })).toBe(false);
  });
});
