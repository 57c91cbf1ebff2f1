import type { UserDoc } from '@atende/protocol';
import { updateWire } from '../../../src/store/wire.js';
import { SIGNED_OUT, type Cells, type RouteRow } from '../cells.js';
import { TEAM_OWN, type MatrixContext } from '../context.js';
import { fixture } from './fixture.js';

/**
 * Acting on an agent of the own team (R-SV-04, issue 16): its team's supervisors and any admin; another
 * team's supervisor finds no such agent (404); agents are told no (403) before anything is read.
 */
const onAgent = (s: number): Cells => ({
  agentOwn: 403, supervisorOwn: s, adminOwn: s, agentOther: 403, supervisorOther: 404, adminOther: s, ...SIGNED_OUT,
});

/** A fresh agent of the own team on a pause, as PauseService writes one. */
async function pausedAgent(ctx: MatrixContext): Promise<string> {
  const user = await ctx.newUser('agent', TEAM_OWN);
  const since = Date.now();
  await updateWire<UserDoc>(ctx.server.store, user.id, (u) => u && { ...u, pause: { typeId: 'pausetype:cafe', name: 'Café', since, maxMinutes: 15 }, updatedAt: since });
  return user.id;
}

/** A fresh agent of the own team with an open session. */
async function signedInAgent(ctx: MatrixContext): Promise<string> {
  const user = await ctx.newUser('agent', TEAM_OWN);
  await ctx.mint(user);
  return user.id;
}

/** Authorisation rows of the issue 16 supervision routes (spread into ROUTES in matrix.ts). */
export const ROWS: readonly RouteRow[] = [
  { route: 'DELETE /api/supervision/agents/:userId/pause', ids: 'R-SV-04', expect: onAgent(204),
    request: async (ctx, _caller, cell) => ({ path: `/api/supervision/agents/${await fixture(ctx, cell, () => pausedAgent(ctx))}/pause` }) },
  { route: 'POST /api/supervision/agents/:userId/sign-out', ids: 'R-SV-04', expect: onAgent(200),
    request: async (ctx, _caller, cell) => ({ path: `/api/supervision/agents/${await fixture(ctx, cell, () => signedInAgent(ctx))}/sign-out` }) },
];
