import { describe, expect, it } from 'vitest';
import type { Actor, ConversationAction, ConversationDoc, ConversationEvent, ConversationStatus } from '../src/index.js';
import { allowed, assertMay, CONVERSATION_ACTIONS, DomainError, may, transition } from '../src/index.js';

const T0 = 1_700_000_000_000;

function conversation(overrides: Partial<ConversationDoc> = {}): ConversationDoc {
  return {
    id: 'conversation:c1', type: 'conversation', createdAt: T0, updatedAt: T0,
    contactId: 'contact:k1', channel: 'whatsapp', channelAccountId: 'channel:wa1', teamId: 'team:suporte',
    formerTeamIds: [], status: 'waiting', agentId: null, invitedAgentIds: [], protocol: '20231114-000001',
    startedBy: 'customer', waitingSince: T0, takenAt: null, finishedAt: null, finishedBy: null,
    lastInboundAt: T0, lastMessageAt: T0, lastPreview: 'oi', disposition: null, finishNote: '', tags: [],
    transfers: [], ticketLinks: [], channelMeta: {},
    ...overrides,
  };
}

const byStatus: Record<ConversationStatus, ConversationDoc> = {
  bot: conversation({ status: 'bot', waitingSince: null }),
  waiting: conversation(),
  active: conversation({ status: 'active', agentId: 'user:ana', takenAt: T0, invitedAgentIds: ['user:ivo'] }),
  finished: conversation({ status: 'finished', agentId: 'user:ana', finishedAt: T0, finishedBy: 'user:ana' }),
};

type Who = 'owner' | 'teammate' | 'invitee' | 'outsider' | 'supervisor' | 'memberSupervisor' | 'admin';
const actors: Record<Who, Actor> = {
  owner: { id: 'user:ana', role: 'agent', teamIds: ['team:suporte'] },
  teammate: { id: 'user:bia', role: 'agent', teamIds: ['team:suporte', 'team:comercial'] },
  invitee: { id: 'user:ivo', role: 'agent', teamIds: ['team:suporte'] },
  outsider: { id: 'user:ozy', role: 'agent', teamIds: ['team:comercial'] },
  /** A supervisor of another team: sees every conversation, acts on none of team Suporte's (R-SV-04). */
  supervisor: { id: 'user:sue', role: 'supervisor', teamIds: ['team:comercial'] },
  memberSupervisor: { id: 'user:carla', role: 'supervisor', teamIds: ['team:suporte'] },
  admin: { id: 'user:adm', role: 'admin', teamIds: [] },
};
const WHO = Object.keys(actors) as Who[];

/** 'ok' or the error code; rows list who is allowed and the code everyone else gets. */
type Rule = Record<ConversationStatus, Partial<Record<Who, string>> & { others: string }>;
const ALL_OK = { others: 'ok' };
const F = 'forbidden';

const expectations: Record<ConversationAction, Rule> = {
  // R-WS-18, R-SV-03: reading never needs more than seeing.
  peek: { bot: ALL_OK, waiting: ALL_OK, active: ALL_OK, finished: ALL_OK },
  // R-WS-02: team members take waiting ones; a taken one is already_taken for everyone but the holder.
  claim: {
    bot: { supervisor: F, admin: F, others: 'not_waiting' },
    waiting: { supervisor: F, admin: F, others: 'ok' },
    active: { owner: 'ok', supervisor: F, admin: F, others: 'already_taken' },
    finished: { others: 'finished' },
  },
  reply: {
    bot: { others: 'not_active' }, waiting: { others: 'not_active' },
    active: { owner: 'ok', invitee: 'ok', others: F }, finished: { others: 'finished' },
  },
  typing: {
    bot: { others: 'not_active' }, waiting: { others: 'not_active' },
    active: { owner: 'ok', invitee: 'ok', others: F }, finished: { others: 'finished' },
  },
  resend: {
    bot: { others: 'not_active' }, waiting: { others: 'not_active' },
    active: { owner: 'ok', invitee: 'ok', others: F }, finished: { others: 'finished' },
  },
  // R-WS-05, R-SV-04: the holder; any team member while it waits; admins always; supervisors on their own teams
  // (issue 16: the supervisor of no team here watches it but may not act on it).
  transfer: {
    bot: { memberSupervisor: 'ok', admin: 'ok', others: F },
    waiting: { supervisor: F, others: 'ok' },
    active: { owner: 'ok', memberSupervisor: 'ok', admin: 'ok', others: F },
    finished: { others: 'finished' },
  },
  // R-WS-19
  returnToQueue: {
    bot: { others: 'not_active' }, waiting: { others: 'not_active' },
    active: { owner: 'ok', memberSupervisor: 'ok', admin: 'ok', others: F },
    finished: { others: 'finished' },
  },
  invite: {
    bot: { others: 'not_active' }, waiting: { others: 'not_active' },
    active: { owner: 'ok', memberSupervisor: 'ok', admin: 'ok', others: F },
    finished: { others: 'finished' },
  },
  leave: {
    bot: { others: F }, waiting: { others: F }, active: { invitee: 'ok', others: F }, finished: { others: 'finished' },
  },
  // R-WS-06: an agent may not finish another agent's conversation.
  finish: {
    bot: { memberSupervisor: 'ok', admin: 'ok', others: F },
    waiting: { memberSupervisor: 'ok', admin: 'ok', others: F },
    active: { owner: 'ok', memberSupervisor: 'ok', admin: 'ok', others: F },
    finished: { others: 'finished' },
  },
};

function expected(action: ConversationAction, status: ConversationStatus, who: Who): string {
  if (who === 'outsider') return 'not_found'; // visibility comes before every rule
  const rule = expectations[action][status];
  return rule[who] ?? rule.others;
}

const KIND_OF: Record<string, string> = {
  not_found: 'not_found', forbidden: 'forbidden', already_taken: 'conflict', not_waiting: 'conflict',
  not_active: 'conflict', finished: 'conflict',
};

const cases = CONVERSATION_ACTIONS.flatMap((action) =>
  (Object.keys(byStatus) as ConversationStatus[]).flatMap((status) =>
    WHO.map((who) => [action, status, who, expected(action, status, who)] as const)));

describe('may(actor, action, conversation)', () => {
  it('R-WS-18 the table covers every action', () => {
    expect(Object.keys(expectations).sort()).toEqual([...CONVERSATION_ACTIONS].sort());
  });

  it.each(cases)('R-WS-05 %s on a %s conversation by the %s → %s', (action, status, who, want) => {
    const permission = may(actors[who], action, byStatus[status]);
    expect(permission.ok ? 'ok' : permission.error.code).toBe(want);
    if (!permission.ok) {
      expect(permission.error).toBeInstanceOf(DomainError);
      expect(permission.error.kind).toBe(KIND_OF[want]);
    }
    expect(allowed(actors[who], action, byStatus[status])).toBe(want === 'ok');
  });

  it('R-WS-18 another team’s conversation is indistinguishable from a missing one', () => {
    const other = conversation({ teamId: 'team:financeiro' });
    const permission = may(actors.teammate, 'peek', other);
    expect(permission.ok).toBe(false);
    expect(!permission.ok && permission.error.message).toBe('conversation not found');
  });

  it('R-WS-15 an agent no longer sees a conversation transferred to a team they are not in', () => {
    const moved = conversation({ teamId: 'team:financeiro', formerTeamIds: ['team:suporte'] });
    expect(allowed(actors.owner, 'peek', moved)).toBe(false);
    expect(allowed(actors.supervisor, 'peek', moved)).toBe(true);
  });

  it('R-WS-06 assertMay throws the same domain error the server translates', () => {
    expect(() => assertMay(actors.teammate, 'finish', byStatus.active)).toThrow(
      expect.objectContaining({ kind: 'forbidden', code: 'forbidden' }),
    );
    expect(() => assertMay(actors.owner, 'finish', byStatus.active)).not.toThrow();
  });
});

describe('may and transition agree', () => {
  const eventFor = (action: 'claim' | 'returnToQueue' | 'invite', actor: Actor): ConversationEvent => {
    if (action === 'claim') return { type: 'claim', agentId: actor.id, at: T0 + 1 };
    if (action === 'returnToQueue') return { type: 'returnToQueue', id: 'r1', byUserId: actor.id, at: T0 + 1 };
    return { type: 'invite', agentId: 'user:new', at: T0 + 1 };
  };

  it.each((['claim', 'returnToQueue', 'invite'] as const).flatMap((action) =>
    (Object.keys(byStatus) as ConversationStatus[]).flatMap((status) =>
      (['owner', 'teammate', 'memberSupervisor'] as const).map((who) => [action, status, who] as const))))(
    'R-WS-02 %s on a %s conversation by the %s: an allowed action is a valid transition, a wrong state the same conflict',
    (action, status, who) => {
      const permission = may(actors[who], action, byStatus[status]);
      const result = transition(byStatus[status], eventFor(action, actors[who]));
      if (permission.ok) expect(result.ok).toBe(true);
      else if (permission.error.kind === 'conflict') expect(!result.ok && result.error.code).toBe(permission.error.code);
    },
  );
});
