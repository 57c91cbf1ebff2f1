import { describe, expect, it } from 'vitest';
import type { Actor, ConversationDoc } from '../src/index.js';
import { canSee, may, mayLinkTicket, maySuperviseUser, mayTagConversation, OTHER_TEAM_MESSAGE, oversees } from '../src/index.js';

/**
 * R-SV-04 (issue 16): supervisors watch every team but act only on the teams they belong to;
 * admins act everywhere. The same rule decides who may end an agent's pause or sign them out.
 */
const T0 = 1_700_000_000_000;
const SUPORTE = 'team:suporte';
const COMERCIAL = 'team:comercial';

const active: ConversationDoc = {
  id: 'conversation:c1', type: 'conversation', createdAt: T0, updatedAt: T0,
  contactId: 'contact:k1', channel: 'whatsapp', channelAccountId: 'channel:wa1', teamId: SUPORTE,
  formerTeamIds: [], status: 'active', agentId: 'user:ana', invitedAgentIds: [], protocol: '20231114-000001',
  startedBy: 'customer', waitingSince: T0, takenAt: T0, finishedAt: null, finishedBy: null,
  lastInboundAt: T0, lastMessageAt: T0, lastPreview: 'oi', disposition: null, finishNote: '', tags: [],
  transfers: [], ticketLinks: [], channelMeta: {},
};

const supervisorOfComercial: Actor = { id: 'user:sue', role: 'supervisor', teamIds: [COMERCIAL] };
const supervisorOfSuporte: Actor = { id: 'user:carla', role: 'supervisor', teamIds: [SUPORTE] };
const adminOfNoTeam: Actor = { id: 'user:adm', role: 'admin', teamIds: [] };
const agentOfSuporte: Actor = { id: 'user:ana', role: 'agent', teamIds: [SUPORTE] };

describe('R-SV-04 oversees(actor, teamId)', () => {
  it('R-SV-04 an admin oversees every team, a supervisor their own teams only, an agent none', () => {
    expect([SUPORTE, COMERCIAL].map((t) => oversees(adminOfNoTeam, t))).toEqual([true, true]);
    expect([SUPORTE, COMERCIAL].map((t) => oversees(supervisorOfSuporte, t))).toEqual([true, false]);
    expect([SUPORTE, COMERCIAL].map((t) => oversees(agentOfSuporte, t))).toEqual([false, false]);
  });
});

describe('R-SV-04 may(): a supervisor acts only on their teams, while still seeing every team', () => {
  it.each(['transfer', 'returnToQueue', 'invite', 'finish'] as const)(
    'R-SV-04 %s on another team’s conversation is refused with the pt-BR sentence; the team’s supervisor and any admin may',
    (action) => {
      const refused = may(supervisorOfComercial, action, active);
      expect(refused.ok).toBe(false);
      expect(!refused.ok && [refused.error.kind, refused.error.message]).toEqual(['forbidden', OTHER_TEAM_MESSAGE]);
      expect(may(supervisorOfSuporte, action, active).ok).toBe(true);
      expect(may(adminOfNoTeam, action, active).ok).toBe(true);
    },
  );

  it('R-SV-04 reading stays wide: the other team’s supervisor still sees and peeks at the conversation', () => {
    expect(canSee(supervisorOfComercial, active)).toBe(true);
    expect(may(supervisorOfComercial, 'peek', active).ok).toBe(true);
  });

  it('R-SV-04 an agent who does not hold it hears the agent’s sentence, not the supervisor’s', () => {
    const teammate: Actor = { id: 'user:bia', role: 'agent', teamIds: [SUPORTE] };
    const refused = may(teammate, 'finish', active);
    expect(!refused.ok && refused.error.message).not.toBe(OTHER_TEAM_MESSAGE);
    expect(!refused.ok && refused.error.kind).toBe('forbidden');
  });
});

describe('R-SV-04 maySuperviseUser(actor, target)', () => {
  const ana = { id: 'user:ana', role: 'agent', teamIds: [SUPORTE] } as const;
  const dora = { id: 'user:dora', role: 'agent', teamIds: [COMERCIAL] } as const;
  const carla = { id: 'user:carla', role: 'supervisor', teamIds: [SUPORTE, COMERCIAL] } as const;

  it('R-SV-04 a supervisor supervises the agents of their teams, not other teams’ agents nor other supervisors', () => {
    expect(maySuperviseUser(supervisorOfSuporte, ana)).toBe(true);
    expect(maySuperviseUser(supervisorOfSuporte, dora)).toBe(false);
    expect(maySuperviseUser(supervisorOfSuporte, carla)).toBe(false);
  });

  it('R-SV-04 an admin supervises anyone but themself; nobody supervises themself; agents nobody', () => {
    expect([ana, dora, carla].map((u) => maySuperviseUser(adminOfNoTeam, u))).toEqual([true, true, true]);
    expect(maySuperviseUser(adminOfNoTeam, adminOfNoTeam)).toBe(false);
    expect(maySuperviseUser(supervisorOfSuporte, supervisorOfSuporte)).toBe(false);
    expect(maySuperviseUser(agentOfSuporte, { ...ana, id: 'user:bia' })).toBe(false);
  });
});

describe('R-SV-04 tagging and linking tickets follow the same scope (review of issue 16)', () => {
  it('R-SV-04 a supervisor tags and links tickets on their own teams only; another team’s is refused with the sentence; admins everywhere', () => {
    const finished = { ...active, status: 'finished' as const };
    for (const c of [active, finished]) {
      expect(mayTagConversation(supervisorOfSuporte, c).ok).toBe(true);
      expect(mayTagConversation(adminOfNoTeam, c).ok).toBe(true);
      const refused = mayTagConversation(supervisorOfComercial, c);
      expect(refused.ok ? undefined : refused.error.message).toBe(OTHER_TEAM_MESSAGE);
    }
    expect(mayLinkTicket(supervisorOfSuporte, active).ok).toBe(true);
    expect(mayLinkTicket(adminOfNoTeam, active).ok).toBe(true);
    const refused = mayLinkTicket(supervisorOfComercial, active);
    expect(refused.ok ? undefined : refused.error.message).toBe(OTHER_TEAM_MESSAGE);
  });
});
