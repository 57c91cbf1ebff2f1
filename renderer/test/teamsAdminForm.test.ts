import { describe, expect, it } from 'vitest';
import type { TeamView } from '@atende/protocol';
import { emptyTeamForm, teamBodyOf, teamFormOf } from '../src/components/admin/teamForm';

/** R-RT-01/02 (issue 15): the team form refuses what the server would, and says which field. */
const team: TeamView = {
  id: 'team:suporte', name: 'Suporte', dispositionRequired: false, internalChat: true, sessionTimeout: null, tagsAllowed: true,
  queueAgentIds: null, autoDistribute: false, ratings: { enabled: false, windowHours: 24 }, retention: null, members: [{ id: 'user:ana', name: 'Ana Souza', role: 'agent' }],
  channels: [{ id: 'channel:demo-site', name: 'Site', kind: 'webchat' }], createdAt: 1, updatedAt: 1,
};

describe('R-RT-01 team form', () => {
  it('R-RT-01 a new team needs a name; minutes are whole numbers, and a message needs minutes', () => {
    expect(teamBodyOf(emptyTeamForm(), undefined, true)).toEqual({ problems: ['name'] });
    const form = { ...emptyTeamForm(), name: 'Financeiro', timeoutMinutes: '1,5' };
    expect(teamBodyOf(form, undefined, true)).toEqual({ problems: ['timeoutMinutes'] });
    expect(teamBodyOf({ ...form, timeoutMinutes: '', timeoutMessage: 'Tchau' }, undefined, true)).toEqual({ problems: ['timeoutMinutes'] });
    const ok = teamBodyOf({ ...form, timeoutMinutes: '30', timeoutMessage: 'Tchau' }, undefined, true);
    expect(ok).toMatchObject({ create: { name: 'Financeiro', sessionTimeout: { minutes: 30, message: 'Tchau' }, autoDistribute: false, queueAgentIds: null } });
  });

  it('R-RT-02 a queue for selected agents needs at least one member selected', () => {
    const form = { ...teamFormOf(team), queue: 'agents' as const, queueAgentIds: ['user:bruno'] };
    expect(teamBodyOf(form, team, true)).toEqual({ problems: ['queueAgents'] });
    expect(teamBodyOf({ ...form, queueAgentIds: ['user:ana'] }, team, true)).toMatchObject({ update: { queueAgentIds: ['user:ana'] } });
  });

  it('R-RT-01 a channel of the team is not dropped; a supervisor sends neither name nor channels', () => {
    expect(teamBodyOf({ ...teamFormOf(team), channelAccountIds: [] }, team, true)).toEqual({ problems: ['channels'] });
    const bySupervisor = teamBodyOf({ ...teamFormOf(team), tagsAllowed: false }, team, false);
    expect(bySupervisor).toMatchObject({ update: { tagsAllowed: false } });
    expect('update' in bySupervisor && ('name' in bySupervisor.update || 'channelAccountIds' in bySupervisor.update)).toBe(false);
  });

  it('issue 18 "Pedir avaliação ao finalizar": the toggle and the time to answer travel in the body; a team reads its setting back', () => {
    const asked = { ...team, ratings: { enabled: true, windowHours: 48 } };
    expect(teamFormOf(asked)).toMatchObject({ ratingsEnabled: true, ratingsWindowHours: '48' });
    expect(teamBodyOf({ ...teamFormOf(team), ratingsEnabled: true, ratingsWindowHours: ' 72 ' }, team, false))
      .toMatchObject({ update: { ratings: { enabled: true, windowHours: 72 } } });
    const created = teamBodyOf({ ...emptyTeamForm(), name: 'Financeiro' }, undefined, true);
    expect(created).toMatchObject({ create: { ratings: { enabled: false, windowHours: 24 } } });
  });

  it('issue 18: the time to answer is whole hours from 1 to 720, refused in its field otherwise', () => {
    for (const hours of ['0', '721', '1,5', '2h', '', '-3']) {
      expect(teamBodyOf({ ...teamFormOf(team), ratingsWindowHours: hours }, team, true)).toEqual({ problems: ['ratingsWindowHours'] });
    }
    expect(teamBodyOf({ ...teamFormOf(team), ratingsWindowHours: '720' }, team, true)).toMatchObject({ update: { ratings: { windowHours: 720 } } });
    expect(teamBodyOf({ ...teamFormOf(team), ratingsWindowHours: '1' }, team, true)).toMatchObject({ update: { ratings: { windowHours: 1 } } });
  });

  it('R-PRIV-01 "Retenção de dados": off by default (null), on with whole months 1–120 sent by an admin, read back from the team', () => {
    const created = teamBodyOf({ ...emptyTeamForm(), name: 'Financeiro' }, undefined, true);
    expect(created).toMatchObject({ create: { retention: null } });
    expect(teamFormOf({ ...team, retention: { months: 18 } })).toMatchObject({ retentionOn: true, retentionMonths: '18' });
    expect(teamFormOf(team)).toMatchObject({ retentionOn: false });
    const on = { ...teamFormOf(team), retentionOn: true };
    expect(teamBodyOf({ ...on, retentionMonths: ' 6 ' }, team, true)).toMatchObject({ update: { retention: { months: 6 } } });
    expect(teamBodyOf({ ...on, retentionMonths: '120' }, team, true)).toMatchObject({ update: { retention: { months: 120 } } });
    expect(teamBodyOf({ ...on, retentionOn: false, retentionMonths: 'x' }, team, true)).toMatchObject({ update: { retention: null } });
  });

  it('R-PRIV-01 retention below 1 month (or over 120, or not whole months) is refused in its field, as the server refuses it', () => {
    const on = { ...teamFormOf(team), retentionOn: true };
    for (const months of ['0', '-1', '1,5', '121', '', 'doze']) {
      expect(teamBodyOf({ ...on, retentionMonths: months }, team, true), months).toEqual({ problems: ['retentionMonths'] });
    }
    expect(teamBodyOf({ ...on, retentionMonths: '1' }, team, true)).toMatchObject({ update: { retention: { months: 1 } } });
  });

  it('R-PRIV-01 a supervisor\'s body never carries the retention (an admin\'s setting: the server answers 403)', () => {
    const bySupervisor = teamBodyOf({ ...teamFormOf({ ...team, retention: { months: 6 } }), retentionMonths: '0' }, team, false);
    expect(bySupervisor).toMatchObject({ update: { tagsAllowed: true } });
    expect('update' in bySupervisor && 'retention' in bySupervisor.update).toBe(false);
  });
});
