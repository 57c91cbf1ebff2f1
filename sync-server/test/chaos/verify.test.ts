import { describe, expect, it } from 'vitest';
import type { ChaosClient } from './client.js';
import { Ledger } from './ledger.js';
import { Replica } from './replica.js';
import { checkCommands, checkMessages, queuedMessages, type FinalState } from './verify.js';

/** The chaos run's checks must be able to fail: each defect they look for, planted in a made-up final state. */

const message = (id: string, conversationId: string, text: string, status = 'sent') => ({ id, conversationId, text, status, direction: 'in', createdAt: 0 });
const conversation = (id: string, over: Record<string, unknown> = {}) => ({ id, status: 'active', agentId: 'user:ana', finishCommandId: null, transfers: [], ...over });

function stateOf(messages: Array<ReturnType<typeof message>>, conversations: Array<ReturnType<typeof conversation>>): FinalState {
  const transcripts = new Map<string, Array<ReturnType<typeof message>>>();
  for (const m of messages) transcripts.set(m.conversationId, [...(transcripts.get(m.conversationId) ?? []), m]);
  return { transcripts, conversations: new Map(conversations.map((c) => [c.id, c])) };
}

describe('R-OPS-02 the chaos checks find what they look for', () => {
  it('R-OPS-02 a lost, a doubled, an out-of-order and a queued message are each reported', () => {
    const ledger = new Ledger();
    for (const [id, text] of [['m1', 'a'], ['m2', 'b'], ['m3', 'c'], ['m4', 'd']] as const) ledger.message({ messageId: id, text, author: 'v1' });
    const state = stateOf([
      message('m2', 'conversation:1', 'b'), message('m1', 'conversation:1', 'a'),
      message('m3', 'conversation:1', 'c'), message('copy', 'conversation:1', 'c', 'queued'),
    ], [conversation('conversation:1')]);
    const found = checkMessages(ledger, state);
    expect(found.lost).toEqual(['m4']);
    expect(found.doubled).toHaveLength(1);
    expect(found.outOfOrder).toEqual(['conversation:1 v1: m2 before m1']);
    expect(queuedMessages(state)).toHaveLength(1);
  });

  it('R-OPS-02 a claim, transfer or finish that did not hold is reported; one that holds is not', () => {
    const ledger = new Ledger();
    ledger.command({ kind: 'claim', conversationId: 'conversation:1', agentId: 'user:ana', commandId: 'c1', sentSeq: ledger.now() });
    ledger.command({ kind: 'claim', conversationId: 'conversation:2', agentId: 'user:ana', commandId: 'c2', sentSeq: ledger.now() });
    ledger.command({ kind: 'transfer', conversationId: 'conversation:2', agentId: 'user:ana', commandId: 't2', toAgentId: 'user:bruno', sentSeq: ledger.now() });
    ledger.command({ kind: 'finish', conversationId: 'conversation:3', agentId: 'user:ana', commandId: 'f3', sentSeq: ledger.now() });
    const holds = stateOf([], [
      conversation('conversation:1'),
      conversation('conversation:2', { agentId: 'user:bruno', transfers: [{ id: 't2', toAgentId: 'user:bruno' }] }),
      conversation('conversation:3', { status: 'finished', finishCommandId: 'f3' }),
    ]);
    expect(checkCommands(ledger, holds)).toEqual([]);
    const broken = stateOf([], [
      conversation('conversation:1', { status: 'waiting', agentId: null }),
      conversation('conversation:2'),
    ]);
    // The claim undone; the transfer neither in the history nor holding; the finished one gone.
    expect(checkCommands(ledger, broken)).toHaveLength(4);
  });

  it('R-OPS-06 a message missing from the replica, or replicated in a stale state, is reported', () => {
    const replica = new Replica({} as ChaosClient, 'token', 'messages');
    replica.docs.set('m1', { id: 'm1', status: 'queued' });
    replica.docs.set('m2', { id: 'm2', status: 'sent' });
    const stored = new Map([['m1', { status: 'sent' }], ['m2', { status: 'sent' }], ['m3', { status: 'sent' }]]);
    expect(replica.differences(stored, ['status'])).toEqual(['m1: replica has status queued, server sent', 'm3 never reached the replica']);
  });
});
