import type { ConversationDoc } from '@atende/protocol';
import { updateWire } from '../../../src/store/wire.js';
import { adminsOnly, SIGNED_OUT, type RouteRow } from '../cells.js';
import { TEAM_OTHER, TEAM_OWN, type MatrixContext } from '../context.js';
import { fixture } from './fixture.js';

/** Flows (R-RT-04): admins any team, supervisors their own (another team's reads as missing), agents refused. */
const teamAdministration = (s: number) => ({ ...adminsOnly(s), supervisorOwn: s, supervisorOther: 404 });

/** An inactive flow: the matrix's other rows keep opening waiting conversations in the own team. */
const inactiveFlow = {
  active: false,
  triggers: [{ id: 'menu', name: 'Menu', active: true, conditions: { hours: { op: '>', hours: 1 }, keywords: '', firstOfTeam: false }, message: { text: 'Olá', options: [] }, moveToTeamId: TEAM_OTHER }],
};

/** A conversation of the own team with the bot (written as the bot leaves it: no flow needed). */
async function withBot(ctx: MatrixContext): Promise<{ conversationId: string }> {
  const { conversationId } = await ctx.waiting();
  await updateWire<ConversationDoc>(ctx.server.store, conversationId, (c) => c && { ...c, status: 'bot', waitingSince: null });
  return { conversationId };
}

/** Authorisation rows of the issue 15 routes of this feature (spread into ROUTES in matrix.ts). */
export const ROWS: readonly RouteRow[] = [
  { route: 'GET /api/admin/flows', ids: 'R-RT-04', expect: { ...adminsOnly(200), supervisorOwn: 200, supervisorOther: 200 } },
  { route: 'GET /api/admin/flows/:teamId', ids: 'R-RT-04', expect: teamAdministration(200), request: () => ({ path: `/api/admin/flows/${TEAM_OWN}` }) },
  { route: 'PUT /api/admin/flows/:teamId', ids: 'R-RT-04', expect: teamAdministration(200),
    request: () => ({ path: `/api/admin/flows/${TEAM_OWN}`, body: inactiveFlow }) },
  { route: 'POST /api/admin/flows/:teamId/test', ids: 'R-RT-04', expect: teamAdministration(200),
    request: () => ({ path: `/api/admin/flows/${TEAM_OWN}/test`, body: { text: 'oi', flow: { ...inactiveFlow, active: true } } }) },
  // Releasing a contact stuck in a bot: the supervisors of its team and admins (R-SV-04: another team's supervisor sees it
  // but is told no); an agent is told no, another team's agent sees nothing.
  { route: 'POST /api/conversations/:id/release', ids: 'R-RT-04 R-SV-04',
    expect: { agentOwn: 403, supervisorOwn: 200, adminOwn: 200, agentOther: 404, supervisorOther: 403, adminOther: 200, ...SIGNED_OUT },
    request: async (ctx, _caller, cell) => ({ path: `/api/conversations/${(await fixture(ctx, cell, () => withBot(ctx))).conversationId}/release`, body: {} }) },
];
