import { describe, expect, it } from 'vitest';
import type { ConversationDoc, ConversationEvent } from '../src/index.js';
import { transition } from '../src/index.js';

/**
 * R-RT-06 / R-SV-06 (issue 16): the pure lifecycle sets the service figures' first times with the
 * change that causes them — `queuedAt` the first time the conversation waits in a queue,
 * `firstTakenAt` the first time an agent holds it — and never moves them afterwards.
 */
const T0 = 1_700_000_000_000;
const bot: ConversationDoc = {
  id: 'conversation:c1', type: 'conversation', createdAt: T0, updatedAt: T0,
  contactId: 'contact:k1', channel: 'webchat', channelAccountId: 'channel:site', teamId: 'team:suporte',
  formerTeamIds: [], status: 'bot', agentId: null, invitedAgentIds: [], protocol: '20231114-000001',
  startedBy: 'customer', waitingSince: null, takenAt: null, finishedAt: null, finishedBy: null,
  lastInboundAt: T0, lastMessageAt: T0, lastPreview: 'oi', disposition: null, finishNote: '', tags: [],
  transfers: [], ticketLinks: [], channelMeta: {},
};

function run(c: ConversationDoc, ...events: ConversationEvent[]): ConversationDoc {
  return events.reduce((doc, event) => {
    const result = transition(doc, event);
    if (!result.ok) throw result.error;
    return result.next;
  }, c);
}

describe('R-RT-06 the lifecycle sets queuedAt and firstTakenAt once', () => {
  it('R-RT-06 the hand-off from the bot queues it; the claim takes it; return and claim again move neither', () => {
    const queued = run(bot, { type: 'handoff', toTeamId: 'team:suporte', at: T0 + 10 });
    expect([queued.queuedAt, queued.firstTakenAt]).toEqual([T0 + 10, undefined]);
    const taken = run(queued, { type: 'claim', agentId: 'user:ana', at: T0 + 20 });
    expect([taken.queuedAt, taken.firstTakenAt]).toEqual([T0 + 10, T0 + 20]);
    const again = run(taken,
      { type: 'returnToQueue', id: 'r1', byUserId: 'user:ana', at: T0 + 30 },
      { type: 'claim', agentId: 'user:bruno', at: T0 + 40 });
    expect([again.waitingSince, again.takenAt]).toEqual([T0 + 30, T0 + 40]);
    expect([again.queuedAt, again.firstTakenAt]).toEqual([T0 + 10, T0 + 20]);
  });

  it('R-SV-06 a transfer straight from the bot to an agent takes it without queueing; a later transfer to a queue queues it', () => {
    const toAgent = run(bot, { type: 'transfer', id: 't1', byUserId: 'user:carla', toTeamId: 'team:suporte', toAgentId: 'user:ana', at: T0 + 5 });
    expect([toAgent.queuedAt, toAgent.firstTakenAt]).toEqual([undefined, T0 + 5]);
    const toQueue = run(toAgent, { type: 'transfer', id: 't2', byUserId: 'user:ana', toTeamId: 'team:comercial', toAgentId: null, at: T0 + 9 });
    expect([toQueue.queuedAt, toQueue.firstTakenAt]).toEqual([T0 + 9, T0 + 5]);
  });

  it('R-RT-06 a value already stored (null is "not yet") is never overwritten', () => {
    const stored = { ...bot, status: 'waiting' as const, waitingSince: T0, queuedAt: T0, firstTakenAt: null };
    const taken = run(stored, { type: 'claim', agentId: 'user:ana', at: T0 + 7 });
    expect([taken.queuedAt, taken.firstTakenAt]).toEqual([T0, T0 + 7]);
  });
});
