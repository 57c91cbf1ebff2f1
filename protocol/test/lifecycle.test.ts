import { describe, expect, it } from 'vitest';
import type { ConversationDoc, ConversationEvent, ConversationStatus, Transition } from '../src/index.js';
import {
  ALREADY_TAKEN_MESSAGE, ConversationDoc as ConversationSchema, lifecycleRank, onInbound, preferConversation,
  transition,
} from '../src/index.js';

const T0 = 1_700_000_000_000;
const AT = T0 + 60_000;

function conversation(overrides: Partial<ConversationDoc> = {}): ConversationDoc {
  return {
    id: 'conversation:c1', type: 'conversation', createdAt: T0, updatedAt: T0,
    contactId: 'contact:k1', channel: 'webchat', channelAccountId: 'channel:site', teamId: 'team:suporte',
    formerTeamIds: [], status: 'waiting', agentId: null, invitedAgentIds: [], protocol: '20231114-000001',
    startedBy: 'customer', waitingSince: T0, takenAt: null, finishedAt: null, finishedBy: null,
    lastInboundAt: T0, lastMessageAt: T0, lastPreview: 'oi', disposition: null, finishNote: '', tags: [],
    transfers: [], ticketLinks: [], channelMeta: {},
    ...overrides,
  };
}
const waiting = conversation();
const active = conversation({ status: 'active', agentId: 'user:ana', takenAt: T0 + 1, invitedAgentIds: ['user:ivo'] });
const bot = conversation({ status: 'bot', waitingSince: null });
const finished = conversation({
  status: 'finished', agentId: 'user:ana', takenAt: T0 + 1, finishedAt: T0 + 2, finishedBy: 'user:ana',
  disposition: 'disposition:ok', finishNote: 'resolvido',
});

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** Runs the transition on a frozen copy, so any mutation of the input throws. */
function run(c: ConversationDoc, event: ConversationEvent): Transition {
  const frozen = deepFreeze(structuredClone(c));
  const result = transition(frozen, event);
  expect(frozen).toEqual(c);
  if (result.ok && result.changed) {
    expect(result.next.updatedAt).toBe(event.at);
    expect(ConversationSchema.safeParse(result.next).success).toBe(true);
  }
  if (result.ok && !result.changed) expect(result.next).toBe(frozen);
  return result;
}

function next(result: Transition): ConversationDoc {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}`);
  return result.next;
}
function errorOf(result: Transition) {
  if (result.ok) throw new Error('expected an error');
  return { kind: result.error.kind, code: result.error.code };
}
const outcome = (result: Transition) => (result.ok ? (result.changed ? 'changed' : 'unchanged') : result.error.code);

const claim = (agentId: string): ConversationEvent => ({ type: 'claim', agentId, at: AT });
const toTeam = (id: string, toTeamId: string): ConversationEvent =>
  ({ type: 'transfer', id, byUserId: 'user:ana', toTeamId, toAgentId: null, note: 'cliente quer 2ª via', at: AT });
const toAgent = (id: string, toAgentId: string, toTeamId = 'team:suporte'): ConversationEvent =>
  ({ type: 'transfer', id, byUserId: 'user:ana', toTeamId, toAgentId, at: AT });
const finish = (byUserId = 'user:ana', disposition: string | null = 'disposition:ok'): ConversationEvent =>
  ({ type: 'finish', byUserId, disposition, note: 'resolvido', at: AT });

describe('conversation lifecycle: claim', () => {
  it.each<[string, ConversationDoc, string, string]>([
    ['waiting → taken', waiting, 'user:ana', 'changed'],
    ['active, same agent → idempotent', active, 'user:ana', 'unchanged'],
    ['active, another agent → lost the race', active, 'user:bia', 'already_taken'],
    ['active, an invited agent → lost the race', active, 'user:ivo', 'already_taken'],
    ['bot → not waiting', bot, 'user:ana', 'not_waiting'],
    ['finished → finished', finished, 'user:ana', 'finished'],
  ])('R-WS-02 %s', (_name, c, agentId, expected) => {
    expect(outcome(run(c, claim(agentId)))).toBe(expected);
  });

  it('R-WS-02 a claim makes the agent the holder and keeps the waiting time', () => {
    expect(next(run(waiting, claim('user:ana')))).toMatchObject({
      status: 'active', agentId: 'user:ana', takenAt: AT, waitingSince: T0, updatedAt: AT,
    });
  });

  it('R-WS-02 the loser is told in Portuguese with a conflict', () => {
    const result = run(active, claim('user:bia'));
    expect(errorOf(result)).toEqual({ kind: 'conflict', code: 'already_taken' });
    expect(!result.ok && result.error.message).toBe(ALREADY_TAKEN_MESSAGE);
  });

  it('R-WS-02 claims applied one after another in the retry loop: exactly one agent wins', () => {
    let current = waiting;
    const outcomes = ['user:a1', 'user:a2', 'user:a3', 'user:a4', 'user:a1'].map((agent) => {
      const result = run(current, claim(agent));
      if (result.ok) current = result.next;
      return outcome(result);
    });
    expect(outcomes).toEqual(['changed', 'already_taken', 'already_taken', 'already_taken', 'unchanged']);
    expect(current.agentId).toBe('user:a1');
  });
});

describe('conversation lifecycle: transfer and return to queue', () => {
  it('R-WS-05 R-WS-15 a transfer to a team queues it there and records who moved it from where', () => {
    const moved = next(run(active, toTeam('t1', 'team:comercial')));
    expect(moved).toMatchObject({
      teamId: 'team:comercial', formerTeamIds: ['team:suporte'], status: 'waiting', agentId: null,
      takenAt: null, waitingSince: AT, invitedAgentIds: [],
    });
    expect(moved.transfers).toEqual([{
      id: 't1', at: AT, byUserId: 'user:ana', fromTeamId: 'team:suporte', toTeamId: 'team:comercial',
      fromAgentId: 'user:ana', toAgentId: null, note: 'cliente quer 2ª via',
    }]);
  });

  it('R-WS-05 R-WS-15 a transfer to an agent of the same team makes it active for them', () => {
    const moved = next(run(active, toAgent('t1', 'user:bia')));
    expect(moved).toMatchObject({
      teamId: 'team:suporte', formerTeamIds: [], status: 'active', agentId: 'user:bia', takenAt: AT,
      waitingSince: T0, invitedAgentIds: [],
    });
    expect(moved.transfers.at(-1)).toMatchObject({ fromAgentId: 'user:ana', toAgentId: 'user:bia' });
  });

  it('R-WS-05 a waiting conversation can be handed straight to an agent', () => {
    expect(next(run(waiting, toAgent('t1', 'user:bia')))).toMatchObject({ status: 'active', agentId: 'user:bia' });
  });

  it('R-WS-15 history accumulates and a team that gets the conversation back leaves formerTeamIds', () => {
    const there = next(run(active, toTeam('t1', 'team:comercial')));
    const back = next(run(there, toTeam('t2', 'team:suporte')));
    expect(back.formerTeamIds).toEqual(['team:comercial']);
    expect(back.transfers.map((t) => [t.id, t.fromTeamId, t.toTeamId])).toEqual([
      ['t1', 'team:suporte', 'team:comercial'], ['t2', 'team:comercial', 'team:suporte'],
    ]);
    const third = next(run(back, toTeam('t3', 'team:comercial')));
    expect(third.formerTeamIds).toEqual(['team:suporte']);
  });

  it.each<[string, ConversationDoc, ConversationEvent, string]>([
    ['a repeated transfer id is idempotent', { ...active, transfers: [{ id: 't1', at: T0, byUserId: 'user:ana', fromTeamId: 'team:suporte', toTeamId: 'team:suporte', fromAgentId: 'user:ana', toAgentId: 'user:bia' }] }, toAgent('t1', 'user:bia'), 'unchanged'],
    ['a repeated id stays idempotent after finish', { ...finished, transfers: [{ id: 't1', at: T0, byUserId: 'user:ana', fromTeamId: 'team:suporte', toTeamId: 'team:comercial', fromAgentId: 'user:ana', toAgentId: null }] }, toTeam('t1', 'team:comercial'), 'unchanged'],
    ['a finished conversation cannot move', finished, toTeam('t9', 'team:comercial'), 'finished'],
    ['to the agent who already holds it', active, toAgent('t9', 'user:ana'), 'same_target'],
    ['to the queue it already waits in', waiting, toTeam('t9', 'team:suporte'), 'same_target'],
    ['a bot conversation can be sent to a team', bot, toTeam('t9', 'team:comercial'), 'changed'],
  ])('R-WS-05 R-WS-15 %s', (_name, c, event, expected) => {
    expect(outcome(run(c, event))).toBe(expected);
  });

  it('R-WS-19 returning to the queue puts it back in its team’s queue, recorded as a transfer', () => {
    const event: ConversationEvent = { type: 'returnToQueue', id: 'r1', byUserId: 'user:ana', note: 'fim do turno', at: AT };
    const returned = next(run(active, event));
    expect(returned).toMatchObject({
      status: 'waiting', teamId: 'team:suporte', formerTeamIds: [], agentId: null, takenAt: null,
      waitingSince: AT, invitedAgentIds: [],
    });
    expect(returned.transfers).toEqual([{
      id: 'r1', at: AT, byUserId: 'user:ana', fromTeamId: 'team:suporte', toTeamId: 'team:suporte',
      fromAgentId: 'user:ana', toAgentId: null, note: 'fim do turno',
    }]);
    expect(outcome(run(returned, event))).toBe('unchanged');
  });

  it.each<[ConversationDoc, string]>([
    [waiting, 'not_active'], [bot, 'not_active'], [finished, 'finished'],
  ])('R-WS-19 return to queue from %#: %s', (c, expected) => {
    expect(outcome(run(c, { type: 'returnToQueue', id: 'r1', byUserId: 'user:ana', at: AT }))).toBe(expected);
  });
});

describe('conversation lifecycle: collaborators', () => {
  const invite = (agentId: string): ConversationEvent => ({ type: 'invite', agentId, at: AT });
  const leave = (agentId: string): ConversationEvent => ({ type: 'leave', agentId, at: AT });

  it.each<[string, ConversationDoc, ConversationEvent, string]>([
    ['invite a colleague while active', active, invite('user:bia'), 'changed'],
    ['invite someone already invited (retry)', active, invite('user:ivo'), 'unchanged'],
    ['invite the holder', active, invite('user:ana'), 'is_owner'],
    ['invite while waiting', waiting, invite('user:bia'), 'not_active'],
    ['invite while with the bot', bot, invite('user:bia'), 'not_active'],
    ['invite after finish', finished, invite('user:bia'), 'finished'],
    ['an invited agent leaves', active, leave('user:ivo'), 'changed'],
    ['someone not invited leaves', active, leave('user:bia'), 'not_invited'],
    ['the holder tries to leave', active, leave('user:ana'), 'is_owner'],
    ['leave after finish', finished, leave('user:ivo'), 'finished'],
  ])('R-WS-05 %s', (_name, c, event, expected) => {
    expect(outcome(run(c, event))).toBe(expected);
  });

  it('R-WS-05 invite appends and leave removes exactly that agent', () => {
    const withBia = next(run(active, invite('user:bia')));
    expect(withBia.invitedAgentIds).toEqual(['user:ivo', 'user:bia']);
    expect(next(run(withBia, leave('user:ivo'))).invitedAgentIds).toEqual(['user:bia']);
  });
});

describe('conversation lifecycle: finish and hand-off', () => {
  it('R-WS-06 finish keeps the disposition, note and who finished, and dissolves the group', () => {
    expect(next(run(active, finish()))).toMatchObject({
      status: 'finished', finishedAt: AT, finishedBy: 'user:ana', disposition: 'disposition:ok',
      finishNote: 'resolvido', invitedAgentIds: [], agentId: 'user:ana',
    });
  });

  it.each<[string, ConversationDoc, ConversationEvent, string]>([
    ['a supervisor finishes a waiting one', waiting, finish('user:sup', null), 'changed'],
    ['a bot session is finished', bot, finish('user:sup', null), 'changed'],
    ['the same finish repeated', finished, finish('user:ana', 'disposition:ok'), 'unchanged'],
    ['a second finish with another disposition', finished, finish('user:ana', 'disposition:other'), 'finished'],
    ['a second finish by someone else', finished, finish('user:sup', 'disposition:ok'), 'finished'],
  ])('R-WS-06 %s', (_name, c, event, expected) => {
    expect(outcome(run(c, event))).toBe(expected);
  });

  it.each<[string, ConversationDoc, string]>([
    ['bot → waiting in the team', bot, 'changed'],
    ['a retried hand-off finds it already queued there', conversation({ teamId: 'team:comercial', formerTeamIds: ['team:suporte'] }), 'unchanged'],
    ['waiting in another team', waiting, 'not_bot'],
    ['active', active, 'not_bot'],
    ['finished', finished, 'finished'],
  ])('R-RT-04 hand-off: %s', (_name, c, expected) => {
    expect(outcome(run(c, { type: 'handoff', toTeamId: 'team:comercial', at: AT }))).toBe(expected);
  });

  it('R-RT-04 a hand-off queues the conversation with the team and starts its waiting time', () => {
    expect(next(run(bot, { type: 'handoff', toTeamId: 'team:comercial', at: AT }))).toMatchObject({
      status: 'waiting', teamId: 'team:comercial', formerTeamIds: ['team:suporte'], agentId: null, waitingSince: AT,
    });
  });

  it('R-WS-06 a finished conversation accepts no event except an idempotent repeat', () => {
    const events: ConversationEvent[] = [
      claim('user:ana'), toTeam('x', 'team:comercial'), { type: 'returnToQueue', id: 'y', byUserId: 'user:ana', at: AT },
      { type: 'invite', agentId: 'user:bia', at: AT }, { type: 'leave', agentId: 'user:ivo', at: AT },
      finish('user:bia'), { type: 'handoff', toTeamId: 'team:comercial', at: AT },
    ];
    for (const event of events) expect(errorOf(run(finished, event))).toEqual({ kind: 'conflict', code: 'finished' });
  });
});

describe('reopening by a new inbound message', () => {
  it.each<[string, Pick<ConversationDoc, 'status'> | undefined, 'append' | 'open']>([
    ['no conversation yet', undefined, 'open'],
    ['with the bot', { status: 'bot' }, 'append'],
    ['waiting', { status: 'waiting' }, 'append'],
    ['active', { status: 'active' }, 'append'],
    ['finished: a new conversation with a new protocol number', { status: 'finished' }, 'open'],
  ])('R-WS-03 %s', (_name, latest, expected) => {
    expect(onInbound(latest)).toBe(expected);
  });
});

describe('conflict precedence between revisions', () => {
  const statuses: ConversationStatus[] = ['bot', 'waiting', 'active', 'finished'];
  const revisions: Record<ConversationStatus, ConversationDoc> = { bot, waiting, active, finished };

  it('R-OPS-01 finished > active > waiting > bot', () => {
    expect(statuses.map(lifecycleRank)).toEqual([...statuses.map(lifecycleRank)].sort((a, b) => a - b));
    expect(new Set(statuses.map(lifecycleRank)).size).toBe(statuses.length);
  });

  it.each(statuses.flatMap((a) => statuses.map((b) => [a, b] as const)))(
    'R-OPS-01 %s vs %s: the later lifecycle state wins in either order', (a, b) => {
      const winner = lifecycleRank(a) >= lifecycleRank(b) ? revisions[a] : revisions[b];
      expect(preferConversation(revisions[a], revisions[b])).toBe(winner);
      expect(preferConversation(revisions[b], revisions[a])).toBe(winner);
    },
  );

  it('R-OPS-01 the lifecycle outranks a later timestamp', () => {
    const laterWaiting = { ...waiting, updatedAt: AT + 10_000 };
    expect(preferConversation(laterWaiting, active)).toBe(active);
  });

  it('R-OPS-01 same state: the later revision wins', () => {
    const earlier = { ...active, updatedAt: AT, agentId: 'user:zed' };
    const later = { ...active, updatedAt: AT + 1 };
    expect(preferConversation(earlier, later)).toBe(later);
    expect(preferConversation(later, earlier)).toBe(later);
  });

  it('R-OPS-01 full ties resolve to the same content whatever the argument or key order', () => {
    const a = { ...active, updatedAt: AT, agentId: 'user:a', channelMeta: { x: '1', y: '2' } };
    const b = { ...active, updatedAt: AT, agentId: 'user:b', channelMeta: { y: '2', x: '1' } };
    // The same content as `a` with every key inserted in reverse, as another node might build it.
    const reversed = Object.fromEntries(Object.entries(a).reverse()) as unknown as ConversationDoc;
    const aReordered: ConversationDoc = { ...reversed, channelMeta: { y: '2', x: '1' } };
    expect(Object.keys(aReordered)[0]).not.toBe(Object.keys(a)[0]);
    const winner = preferConversation(a, b);
    expect(preferConversation(b, a)).toBe(winner);
    expect(preferConversation(b, aReordered)).toEqual(winner);
    expect(preferConversation(aReordered, b)).toEqual(winner);
    expect(preferConversation(a, aReordered)).toEqual(a);
  });

  it('R-OPS-01 folding many revisions picks one winner in every order', () => {
    const pool = [
      waiting, { ...waiting, updatedAt: AT }, active, { ...active, agentId: 'user:bia' },
      { ...active, agentId: 'user:bia', updatedAt: AT }, { ...active, agentId: 'user:cid', updatedAt: AT }, bot,
    ];
    const fold = (docs: ConversationDoc[]) => docs.reduce((best, doc) => preferConversation(best, doc));
    const expected = fold(pool);
    expect(expected.agentId).toBe('user:cid'); // same rank and time: the canonical order decides
    for (let shift = 1; shift < pool.length; shift += 1) {
      const rotated = [...pool.slice(shift), ...pool.slice(0, shift)];
      expect(fold(rotated)).toBe(expected);
      expect(fold([...rotated].reverse())).toBe(expected);
    }
  });
});
