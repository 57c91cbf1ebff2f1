import { describe, expect, it, vi } from 'vitest';

// The network and the session need a browser: these tests read pure rules only.
vi.mock('../src/net/api', () => ({ accessToken: vi.fn(), ApiError: Error, serverUrl: () => '' }));
vi.mock('../src/net/client', () => ({ call: vi.fn() }));
vi.mock('../src/net/tokens', () => ({ forgetAccessToken: vi.fn() }));
vi.mock('../src/stores/session', () => ({ useSessionStore: vi.fn() }));
const { auditQuery } = await import('../src/components/admin/auditLog');
const { isOtherTeamOpening } = await import('../src/components/audit/openedBeacon');

/** The access audit in the renderer (issue 19 point 8, R-PRIV-05): the beacon's rule and the filters' query. */
describe('R-PRIV-05 access audit (renderer)', () => {
  const supervisor = { role: 'supervisor' as const, teamIds: ['team:comercial'] };

  it('R-PRIV-05: the desk tells the audit only of a supervisor or admin opening a conversation of a team they are not in', () => {
    expect(isOtherTeamOpening(supervisor, { teamId: 'team:suporte' })).toBe(true);
    expect(isOtherTeamOpening({ role: 'admin', teamIds: [] }, { teamId: 'team:suporte' })).toBe(true);
    expect(isOtherTeamOpening(supervisor, { teamId: 'team:comercial' })).toBe(false);
    expect(isOtherTeamOpening({ role: 'agent', teamIds: ['team:comercial'] }, { teamId: 'team:suporte' })).toBe(false);
    expect(isOtherTeamOpening(supervisor, null)).toBe(false);
    expect(isOtherTeamOpening(undefined, { teamId: 'team:suporte' })).toBe(false);
  });

  it('R-PRIV-05: the period is whole local days (from midnight to the last millisecond), empty filters are left out', () => {
    const query = new URLSearchParams(auditQuery({ action: 'erase', from: '2026-03-01', to: '2026-03-02' }));
    expect(query.get('action')).toBe('erase');
    expect(Number(query.get('from'))).toBe(new Date(2026, 2, 1).getTime());
    expect(Number(query.get('to'))).toBe(new Date(2026, 2, 3).getTime() - 1);
    expect(auditQuery({ action: '', from: '', to: '' })).toBe('');
    expect(auditQuery({ action: '', from: '2026-3-1', to: 'x' })).toBe('');
  });
});
