import { describe, expect, it, vi } from 'vitest';

// The network and the session need a browser: these tests read pure rules only.
vi.mock('../src/net/api', () => ({ accessToken: vi.fn(), ApiError: Error, serverUrl: () => '' }));
const call = vi.hoisted(() => vi.fn(async () => undefined));
vi.mock('../src/net/client', () => ({ call }));
vi.mock('../src/net/tokens', () => ({ forgetAccessToken: vi.fn() }));
/** Sofia supervises Comercial; her replica holds one conversation of Suporte and one of Comercial. */
const conversations: Record<string, { teamId: string }> = { 'conversation:s': { teamId: 'team:suporte' }, 'conversation:c': { teamId: 'team:comercial' } };
vi.mock('../src/stores/session', () => ({
  useSessionStore: () => ({
    user: { id: 'user:sofia', role: 'supervisor', teamIds: ['team:comercial'] },
    db: { conversations: { findOne: (id: string) => ({ exec: async () => (conversations[id] ? { toJSON: () => conversations[id] } : null) }) } },
  }),
}));
const { auditQuery } = await import('../src/components/admin/auditLog');
const { isOtherTeamOpening, reportOpened } = await import('../src/components/audit/openedBeacon');
const { API } = await import('@atende/protocol');

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

  it('R-PRIV-05: the beacon tells the server once per conversation and hour; its own team, unknown ones and failures tell nothing and break nothing', async () => {
    const t0 = Date.UTC(2026, 10, 29, 12);
    await reportOpened('conversation:c', t0);
    await reportOpened('conversation:unknown', t0);
    await reportOpened(undefined, t0);
    expect(call).not.toHaveBeenCalled();
    await reportOpened('conversation:s', t0);
    await reportOpened('conversation:s', t0 + 59 * 60_000);
    expect(call).toHaveBeenCalledTimes(1);
    expect(call).toHaveBeenCalledWith(API.privacyOpened, { body: { conversationId: 'conversation:s' } });
    await reportOpened('conversation:s', t0 + 60 * 60_000);
    expect(call).toHaveBeenCalledTimes(2);
    // Offline: dropped silently, and told again on the next opening.
    call.mockRejectedValueOnce(new Error('offline'));
    await expect(reportOpened('conversation:s', t0 + 2 * 60 * 60_000)).resolves.toBeUndefined();
    await reportOpened('conversation:s', t0 + 2 * 60 * 60_000 + 1000);
    expect(call).toHaveBeenCalledTimes(4);
  });
});
