import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { RA_MODERATION_REASONS, teamRoomId } from '@atende/protocol';
import { PublicMediaLinks } from '../../src/channels/publicMedia.js';
import { call, clientId } from '../helpers.js';
import {
  adminsOnly, everyone, holderOrSupervisor, participant, signedIn, teamRead, visitorOnly, type Cell, type Cells, type RouteRow,
} from './cells.js';
import { ROWS as PASSWORDLINKS_ROWS } from './rows/passwordLinks.js';
import { ROWS as USERS_ROWS } from './rows/users.js';
import { ROWS as TEAMS_ROWS } from './rows/teams.js';
import { ROWS as ROUTING_ROWS } from './rows/routing.js';
import { ROWS as FLOWS_ROWS } from './rows/flows.js';
import { ROWS as CONTENT_ROWS } from './rows/content.js';
import { ROWS as APITOKENS_ROWS } from './rows/apiTokens.js';
import { ROWS as WEBHOOKS_ROWS } from './rows/webhooks.js';
import { ROWS as SUPERVISION_ROWS } from './rows/supervision.js';
import { ROWS as REPORTS_ROWS } from './rows/reports.js';
import { ROWS as PRIVACY_ROWS } from './rows/privacy.js';
import { APP_SECRET, MATRIX_PASSWORD, MATRIX_SECRET, TEAM_OTHER, TEAM_OWN, type MatrixContext } from './context.js';

/**
 * The authorisation matrix as data (issue 14 point 4): every route the server registers × every
 * caller (context.ts) → the status it must answer. Expected answers come from the requirements and
 * protocol/src/permissions.ts (supervisors and admins see every team, admins act on every team and
 * supervisors on their own; an invisible resource reads as missing), not from what the server happened to answer. Rows whose request changes
 * something build a fresh resource per cell, so cells never depend on each other.
 * A new route needs a row here (the suite names any registered route without one); a route whose
 * answers differ from its row is either a hole to fix in its route/domain file or a row to correct.
 */
const WEBCHAT = 'channel:demo-site';
const ROLES = ['agentOwn', 'supervisorOwn', 'adminOwn', 'agentOther', 'supervisorOther', 'adminOther'] as const;
/** Linked to the own team only (demo seed). */
const CONTACT_OWN = 'contact:maria';

/**
 * Steering a conversation held by agentOwn (transfer, return, finish, invite; R-SV-04, issue 16): its holder, the
 * supervisors of its team and any admin; another team's supervisor sees it but is told no.
 */
const steering = (s: number): Cells => ({ ...holderOrSupervisor(s), supervisorOther: 403 });

const conv = (id: string, tail = '') => `/api/conversations/${id}${tail}`;
/** A fresh resource for a cell that may change it; one per row for the cells that must be refused. */
const fixture = <T>(ctx: MatrixContext, cell: Cell, make: () => Promise<T>): Promise<T> => (cell.refused ? ctx.once(cell.route, make) : make());
/** A fixture around a held conversation; the one refused cells share is watched: a refusal must change nothing in it. */
const watched = <T extends { conversationId: string }>(ctx: MatrixContext, cell: Cell, make: () => Promise<T>): Promise<T> =>
  fixture(ctx, cell, async () => {
    const made = await make();
    if (cell.refused) await ctx.watch(cell.route, made.conversationId);
    return made;
  });
const held = async (ctx: MatrixContext, cell: Cell, tail: string, body: unknown) =>
  ({ path: conv((await watched(ctx, cell, () => ctx.held())).conversationId, tail), body });

async function contactBy(ctx: MatrixContext, token: string): Promise<string> {
  const id = `contact:${clientId('k')}`;
  const reply = await call(ctx.server, 'POST', '/api/contacts', { token, body: { id, name: 'Cliente Matriz', email: `${id.slice(8)}@x.com`, whatsapp: ctx.phone() } });
  if (reply.status !== 201) throw new Error(`contact: ${reply.status} ${JSON.stringify(reply.body)}`);
  return id;
}

async function pauseType(ctx: MatrixContext): Promise<string> {
  const reply = await call<{ id: string }>(ctx.server, 'POST', '/api/admin/pause-types', {
    token: ctx.token('adminOwn'), body: { name: `Pausa ${clientId('p')}` },
  });
  if (reply.status !== 201) throw new Error(`pause type: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body.id;
}

async function webchatAccount(ctx: MatrixContext): Promise<string> {
  const reply = await call<{ id: string }>(ctx.server, 'POST', '/api/admin/channels', {
    token: ctx.token('adminOwn'), body: { kind: 'webchat', name: `Site ${clientId('s')}`, teamId: TEAM_OWN },
  });
  if (reply.status !== 201) throw new Error(`channel: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body.id;
}

/** A new visitor whose conversation agentOwn took and finished, so the team asked it for a rating (issue 18): its token. */
async function askedVisitor(ctx: MatrixContext): Promise<string> {
  const { conversationId, visitor } = await ctx.held();
  const done = await call<{ conversation: { ratingRequestedAt?: number | null } }>(ctx.server, 'POST', conv(conversationId, '/finish'), { token: ctx.token('agentOwn'), body: {} });
  if (done.status !== 200 || !done.body.conversation.ratingRequestedAt) throw new Error(`finish without a rating request: ${done.status} ${JSON.stringify(done.body)}`);
  return visitor.token;
}

/** The backup route's folder token (backup/token.ts), when this server wrote one. */
function backupDoor(ctx: MatrixContext): Record<string, string> {
  const file = path.join(ctx.server.dataDir, 'backup.token');
  return existsSync(file) ? { 'x-atende-backup-token': readFileSync(file, 'utf8').trim() } : {};
}

export const ROUTES: readonly RouteRow[] = [
  // Sessions (R-AUTH-03, R-AUTH-04, R-AUTH-05).
  // One account per cell: concurrent guesses at one account are counted before the hash and would lock it (R-AUTH-03).
  { route: 'POST /api/auth/login', ids: 'R-AUTH-03', expect: everyone(200),
    request: async (ctx) => ({ path: '/api/auth/login', body: { email: (await ctx.newUser('agent', TEAM_OWN, true)).email, password: MATRIX_PASSWORD } }) },
  // The bearer token plays no part; the refresh token does: the expired caller's session renews (what refresh is for),
  // the revoked caller's stays ended (R-AUTH-04 "logout revokes them"); everyone else brings a live session's.
  { route: 'POST /api/auth/refresh', ids: 'R-AUTH-04', expect: { ...everyone(200), revoked: 401 },
    request: async (ctx, caller) => ({
      path: '/api/auth/refresh', body: { refreshToken: ctx.refreshTokenOf(caller) ?? (await ctx.mint(ctx.loginUser)).refreshToken },
    }) },
  { route: 'POST /api/auth/logout', ids: 'R-AUTH-04 R-AUTH-05', expect: signedIn(204),
    request: async (ctx, caller) => ({ path: '/api/auth/logout', token: await ctx.fresh(caller), body: {} }) },
  { route: 'GET /api/auth/me', ids: 'R-AUTH-04', expect: signedIn(200), request: () => ({ path: '/api/auth/me' }) },
  { route: 'POST /api/auth/unlock/:userId', ids: 'R-AUTH-03', expect: adminsOnly(204),
    request: (ctx) => ({ path: `/api/auth/unlock/${ctx.loginUser.id}` }) },

  // Conversations (R-WS-02, R-WS-05, R-WS-13, R-SV-04).
  { route: 'GET /api/conversations/:id/messages', ids: 'R-WS-18', expect: teamRead(200),
    request: (ctx) => ({ path: conv(ctx.heldShared.conversationId, '/messages') }) },
  // "Nova conversa" (R-WA-01): on one of the caller's own teams only.
  { route: 'POST /api/conversations', ids: 'R-WA-01', expect: { ...teamRead(200), agentOther: 403, supervisorOther: 403, adminOther: 403 },
    request: (ctx) => ({ path: '/api/conversations', body: { id: clientId('n'), teamId: TEAM_OWN, channelAccountId: ctx.whatsapp, to: ctx.phone() } }) },
  // Taking a card (R-WS-02): members of the conversation's team; supervisors of another team see it but may not take it.
  { route: 'POST /api/conversations/:id/claim', ids: 'R-WS-02', expect: { ...teamRead(200), supervisorOther: 403, adminOther: 403 },
    request: async (ctx, _caller, cell) => ({ path: conv((await fixture(ctx, cell, () => ctx.waiting())).conversationId, '/claim'), body: {} }) },
  { route: 'POST /api/conversations/:id/messages', ids: 'R-WS-04', expect: participant(201),
    request: (ctx, _caller, cell) => held(ctx, cell, '/messages', { id: clientId('m'), text: 'resposta' }) },
  { route: 'POST /api/conversations/:id/messages/:messageId/resend', ids: 'R-WS-04', expect: participant(200),
    request: async (ctx, _caller, cell) => {
      const { conversationId, messageId } = await watched(ctx, cell, () => ctx.failedMessage());
      return { path: conv(conversationId, `/messages/${messageId}/resend`), body: {} };
    } },
  { route: 'POST /api/conversations/:id/transfer', ids: 'R-WS-05 R-SV-04', expect: steering(200),
    request: (ctx, _caller, cell) => held(ctx, cell, '/transfer', { toTeamId: TEAM_OTHER }) },
  { route: 'POST /api/conversations/:id/return', ids: 'R-WS-05 R-SV-04', expect: steering(200),
    request: (ctx, _caller, cell) => held(ctx, cell, '/return', {}) },
  { route: 'POST /api/conversations/:id/invite', ids: 'R-WS-05 R-SV-04', expect: steering(200),
    request: (ctx, _caller, cell) => held(ctx, cell, '/invite', { agentIds: [ctx.invitee.id] }) },
  // Only the invited agent leaves (here agentOwn, invited by another agent of the team).
  { route: 'POST /api/conversations/:id/leave', ids: 'R-WS-05', expect: participant(200),
    request: async (ctx, _caller, cell) => {
      const { conversationId } = await watched(ctx, cell, async () => ({ conversationId: await ctx.invitedAgentOwn() }));
      return { path: conv(conversationId, '/leave'), body: {} };
    } },
  { route: 'POST /api/conversations/:id/finish', ids: 'R-WS-06 R-SV-04', expect: steering(200),
    request: (ctx, _caller, cell) => held(ctx, cell, '/finish', {}) },
  { route: 'POST /api/conversations/:id/mark', ids: 'R-WS-13', expect: participant(200),
    request: (ctx, _caller, cell) => held(ctx, cell, '/mark', { id: clientId('k'), mark: 'pending' }) },
  { route: 'POST /api/conversations/:id/tags', ids: 'R-WS-05 R-SV-04', expect: steering(200),
    request: (ctx, _caller, cell) => held(ctx, cell, '/tags', { id: clientId('t'), tags: [] }) },
  // A website-chat conversation takes no WhatsApp template: its participant hears why (422), anyone else is refused first.
  { route: 'POST /api/conversations/:id/template', ids: 'R-WA-05', expect: participant(422),
    request: (ctx, _caller, cell) => held(ctx, cell, '/template', { id: clientId('t'), templateId: 'wtemplate:demo-whatsapp.aviso.pt_BR', values: {} }) },
  // Not a Reclame Aqui conversation: its participant hears why (409), anyone else is refused first.
  { route: 'POST /api/conversations/:id/reclameaqui/moderation', ids: 'R-CH-09', expect: participant(409),
    request: (ctx, _caller, cell) => held(ctx, cell, '/reclameaqui/moderation', { id: clientId('r'), reason: RA_MODERATION_REASONS[1]?.code, message: 'duplicada' }) },
  { route: 'POST /api/conversations/:id/reclameaqui/evaluation', ids: 'R-CH-10', expect: participant(409),
    request: (ctx, _caller, cell) => held(ctx, cell, '/reclameaqui/evaluation', { id: clientId('r') }) },
  // Linking a ticket (R-WS-14): whoever writes in the conversation, a supervisor of its team or an admin (protocol mayLinkTicket).
  { route: 'POST /api/conversations/:id/tickets', ids: 'R-WS-14 R-SV-04', expect: steering(201),
    request: (ctx, _caller, cell) => held(ctx, cell, '/tickets', { id: clientId('t'), messageIds: [], number: 'CHAMADO-42' }) },

  // Internal chat (R-WS-12): a team's room is its members' and every supervisor's/admin's (they oversee all teams).
  { route: 'POST /api/chat/messages', ids: 'R-WS-12', expect: { ...signedIn(201), agentOther: 403 },
    request: () => ({ path: '/api/chat/messages', body: { id: clientId('c'), room: teamRoomId(TEAM_OWN), text: 'bom dia, equipe' } }) },

  // Channels an agent may use (R-WA-01, R-WA-05): another team's accounts stay out of an agent's list.
  { route: 'GET /api/channels', ids: 'R-WA-01', expect: signedIn(200),
    hidden: [{ from: ['agentOther'], text: () => WEBCHAT }, { from: ROLES, text: () => APP_SECRET }] },
  // Another team's agent is told the account is not theirs (403): an account id is no customer's data.
  { route: 'GET /api/channels/:id/templates', ids: 'R-WA-05', expect: { ...teamRead(200), agentOther: 403 }, request: (ctx) => ({ path: `/api/channels/${ctx.whatsapp}/templates` }) },
  { route: 'GET /api/reclameaqui/reputation', ids: 'R-CH-08', expect: signedIn(200), hidden: [{ from: ['agentOther'], text: (ctx) => ctx.reclameAqui }] },
  // "Atualizar" (R-CH-08): supervisors and admins of the account's team (another team's: no such account); at most once in a while (429 after the first).
  { route: 'POST /api/reclameaqui/reputation/:accountId/refresh', ids: 'R-CH-08',
    expect: { ...adminsOnly([200, 429]), supervisorOwn: [200, 429], agentOther: 404, supervisorOther: 404 },
    request: (ctx) => ({ path: `/api/reclameaqui/reputation/${ctx.reclameAqui}/refresh` }) },
  { route: 'GET /api/telephony', ids: 'R-WS-16', expect: signedIn(200) },
  { route: 'POST /api/calls', ids: 'R-WS-16', expect: teamRead(202), request: () => ({ path: '/api/calls', body: { contactId: CONTACT_OWN } }) },

  // The caller's own account (R-WS-11, R-WS-09): a fresh user per cell, so standing tokens survive.
  { route: 'PATCH /api/me', ids: 'R-WS-11', expect: signedIn(200),
    request: async (ctx, caller) => ({ path: '/api/me', token: await ctx.fresh(caller), body: { language: 'en' } }) },
  { route: 'PUT /api/me/photo', ids: 'R-WS-11', expect: signedIn(200),
    request: async (ctx, caller) => ({ path: '/api/me/photo', token: await ctx.fresh(caller), raw: { bytes: ctx.png, type: 'image/png' } }) },
  { route: 'DELETE /api/me/photo', ids: 'R-WS-11', expect: signedIn(200),
    request: async (ctx, caller) => ({ path: '/api/me/photo', token: await ctx.fresh(caller) }) },
  { route: 'POST /api/me/password', ids: 'R-WS-11 R-AUTH-04', expect: signedIn(204),
    request: async (ctx, caller) => ({
      path: '/api/me/password', token: await ctx.fresh(caller, true), body: { currentPassword: MATRIX_PASSWORD, newPassword: 'Outra-senha-forte-2026' },
    }) },
  // The caller's own rating average (issue 18, seed 002): never anyone else's.
  { route: 'GET /api/me/rating', ids: 'R-RT-06', expect: signedIn(200) },
  { route: 'GET /api/pause-types', ids: 'R-WS-09', expect: signedIn(200) },
  { route: 'POST /api/me/pause', ids: 'R-WS-09', expect: signedIn(200),
    request: async (ctx, caller) => ({ path: '/api/me/pause', token: await ctx.fresh(caller), body: { typeId: 'pausetype:treinamento' } }) },
  { route: 'DELETE /api/me/pause', ids: 'R-WS-09', expect: signedIn(200),
    request: async (ctx, caller) => ({ path: '/api/me/pause', token: await ctx.fresh(caller) }) },
  { route: 'GET /api/admin/pause-types', ids: 'R-WS-09 R-RT-05', expect: adminsOnly(200) },
  { route: 'POST /api/admin/pause-types', ids: 'R-WS-09 R-RT-05', expect: adminsOnly(201),
    request: () => ({ path: '/api/admin/pause-types', body: { name: `Pausa ${clientId('p')}` } }) },
  { route: 'PATCH /api/admin/pause-types/:id', ids: 'R-WS-09 R-RT-05', expect: adminsOnly(200),
    request: async (ctx, _caller, cell) => ({ path: `/api/admin/pause-types/${await fixture(ctx, cell, () => pauseType(ctx))}`, body: { active: false } }) },
  { route: 'DELETE /api/admin/pause-types/:id', ids: 'R-WS-09 R-RT-05', expect: adminsOnly(204),
    request: async (ctx, _caller, cell) => ({ path: `/api/admin/pause-types/${await fixture(ctx, cell, () => pauseType(ctx))}` }) },

  // Contacts (R-CT-01, R-CT-04, R-WS-13).
  { route: 'POST /api/contacts', ids: 'R-CT-01', expect: signedIn(201),
    request: (ctx) => ({ path: '/api/contacts', body: { id: `contact:${clientId('k')}`, name: 'Novo Cliente', email: 'novo@example.com', whatsapp: ctx.phone() } }) },
  // By design (R-WS-13 test "also one outside the caller's replica"): a number or name finds any contact, to avoid duplicates.
  { route: 'GET /api/contacts/search', ids: 'R-WS-13', expect: signedIn(200), request: () => ({ path: '/api/contacts/search?q=maria' }) },
  // Another team's agent is told the contact is not theirs (403, issue 14 point 1) rather than 404: the id says no more than search does.
  { route: 'PATCH /api/contacts/:id', ids: 'R-CT-01', expect: { ...teamRead(200), agentOther: 403 },
    request: () => ({ path: `/api/contacts/${CONTACT_OWN}`, body: { name: 'Maria Oliveira' } }) },
  // Merging changes what every team sees of a customer: supervisors and admins only (issue 14 point 1).
  { route: 'POST /api/contacts/:id/merge', ids: 'R-CT-01', expect: { ...holderOrSupervisor(200), agentOwn: 403, agentOther: 403 },
    request: async (ctx, _caller, cell) => {
      const token = ctx.token('adminOwn') ?? '';
      const [target, source] = await fixture(ctx, cell, () => Promise.all([contactBy(ctx, token), contactBy(ctx, token)]));
      return { path: `/api/contacts/${target}/merge`, body: { sourceId: source } };
    } },
  // History and gallery answer every signed-in role, each with what it may see (R-CT-04: other teams' conversations only with the permission).
  { route: 'GET /api/contacts/:id/history', ids: 'R-CT-04', expect: signedIn(200), request: (ctx) => ({ path: `/api/contacts/${ctx.finishedContactId}/history` }),
    hidden: [{ from: ['agentOther'], text: () => TEAM_OWN }] },
  { route: 'GET /api/contacts/:id/media', ids: 'R-WS-03 R-CT-04', expect: signedIn(200), request: (ctx) => ({ path: `/api/contacts/${ctx.visitorContactId}/media` }),
    hidden: [{ from: ['agentOther'], text: (ctx) => ctx.visitorMediaId }] },
  { route: 'GET /api/search/messages', ids: 'R-WS-13', expect: signedIn(200), request: () => ({ path: '/api/search/messages?q=ajuda' }),
    hidden: [{ from: ['agentOther'], text: (ctx) => ctx.heldShared.conversationId }] },

  // Replication (R-OPS-06): every signed-in role, each to its own scope.
  { route: 'GET /api/sync/status', ids: 'R-OPS-06', expect: signedIn(200) },
  { route: 'GET /api/sync/:collection/pull', ids: 'R-OPS-06', expect: signedIn(200), request: () => ({ path: '/api/sync/conversations/pull?limit=1000' }),
    hidden: [{ from: ['agentOther'], text: (ctx) => ctx.heldShared.conversationId }] },
  // A note on a customer of the own team: to another team's agent the customer does not exist (422 unknown_contact, nothing stored).
  { route: 'POST /api/sync/:collection/push', ids: 'R-OPS-06 R-WS-03', expect: { ...signedIn(200), agentOther: 422 },
    request: (ctx) => {
      const now = Date.now();
      const note = { id: `note:${clientId('n')}`, type: 'note', contactId: ctx.finishedContactId, authorId: 'user:x', authorName: 'x', text: 'anotação', teamIds: [], createdAt: now, updatedAt: now };
      return { path: '/api/sync/notes/push', body: [{ newDocumentState: note, assumedMasterState: null }] };
    } },

  // Channel administration (R-RT-05): admins only.
  // Secrets are write-only: not even an admin reads one back.
  { route: 'GET /api/admin/channels', ids: 'R-RT-05', expect: adminsOnly(200), hidden: [{ from: ROLES, text: () => APP_SECRET }] },
  { route: 'POST /api/admin/channels', ids: 'R-RT-05', expect: adminsOnly(201),
    request: () => ({ path: '/api/admin/channels', body: { kind: 'webchat', name: `Site ${clientId('s')}`, teamId: TEAM_OWN } }) },
  { route: 'GET /api/admin/channels/:id', ids: 'R-RT-05', expect: adminsOnly(200), request: (ctx) => ({ path: `/api/admin/channels/${ctx.whatsapp}` }),
    hidden: [{ from: ROLES, text: () => APP_SECRET }, { from: ROLES, text: () => 'matrix-token' }] },
  { route: 'PATCH /api/admin/channels/:id', ids: 'R-RT-05', expect: adminsOnly(200),
    request: async (ctx, _caller, cell) => ({ path: `/api/admin/channels/${await fixture(ctx, cell, () => webchatAccount(ctx))}`, body: { name: 'Site renomeado' } }) },
  { route: 'DELETE /api/admin/channels/:id', ids: 'R-RT-05', expect: adminsOnly(204),
    request: async (ctx, _caller, cell) => ({ path: `/api/admin/channels/${await fixture(ctx, cell, () => webchatAccount(ctx))}` }) },
  { route: 'POST /api/admin/channels/:id/test', ids: 'R-RT-05', expect: adminsOnly(200), request: () => ({ path: `/api/admin/channels/${WEBCHAT}/test` }) },
  { route: 'GET /api/admin/channels/:id/templates', ids: 'R-WA-08', expect: adminsOnly(200), request: (ctx) => ({ path: `/api/admin/channels/${ctx.whatsapp}/templates` }) },
  // The suite's upstream is unreachable: an admin gets as far as asking it (503), anyone else is refused first.
  { route: 'POST /api/admin/channels/:id/templates/sync', ids: 'R-WA-08', expect: adminsOnly(503),
    request: (ctx) => ({ path: `/api/admin/channels/${ctx.whatsapp}/templates/sync` }) },

  // The website chat (R-CH-02): public entry points, then the visitor's own token.
  { route: 'POST /api/webchat/:accountId/visitors', ids: 'R-CH-02', expect: everyone(201), request: () => ({ path: '/api/webchat/demo-site/visitors', body: {} }) },
  { route: 'GET /api/webchat/:accountId/config', ids: 'R-CH-02', expect: everyone(200), request: () => ({ path: '/api/webchat/demo-site/config' }) },
  { route: 'POST /api/webchat/messages', ids: 'R-CH-02', expect: visitorOnly(201),
    request: () => ({ path: '/api/webchat/messages', body: { id: clientId('v'), text: 'mais uma dúvida' } }) },
  { route: 'GET /api/webchat/messages', ids: 'R-CH-02', expect: visitorOnly(200), hidden: [{ from: ['visitorOther'], text: () => 'segue o arquivo' }] },
  // Issue 18 (R-RT-06): the visitor rates its own last finished conversation (a fresh one per cell: a rating is
  // given once); another visitor's token reaches none of it and finds nothing of its own to rate (409).
  { route: 'POST /api/webchat/rating', ids: 'R-RT-06', expect: { ...visitorOnly(200), visitorOther: 409 },
    request: async (ctx, caller) => ({
      path: '/api/webchat/rating', body: { score: 5, comment: 'ótimo' }, ...(caller === 'visitor' ? { token: await askedVisitor(ctx) } : {}),
    }) },

  // Files (R-WS-03, R-WS-04): agents' uploads and reads; the visitor's own; signed links for upstreams.
  { route: 'POST /api/media', ids: 'R-WS-04', expect: signedIn(201), request: (ctx) => ({ path: '/api/media', form: ctx.form() }) },
  { route: 'GET /api/media/:id', ids: 'R-WS-03', expect: teamRead(200), request: (ctx) => ({ path: `/api/media/${ctx.visitorMediaId}` }) },
  { route: 'POST /api/webchat/media', ids: 'R-CH-02', expect: visitorOnly(201), request: (ctx) => ({ path: '/api/webchat/media', form: ctx.form() }) },
  // Another visitor's file reads as missing.
  { route: 'GET /api/webchat/media/:id', ids: 'R-CH-02', expect: { ...visitorOnly(200), visitorOther: 404 }, request: (ctx) => ({ path: `/api/webchat/media/${ctx.visitorMediaId}` }) },
  { route: 'GET /channels/media/:token', ids: 'R-CH-06', expect: everyone(200),
    request: (ctx) => ({ path: `/channels/media/${new PublicMediaLinks(MATRIX_SECRET, () => null).tokenFor(ctx.visitorMediaId)}` }) },

  // Upstream webhooks (R-CH-11): only the channel's signature counts, never a bearer token.
  { route: 'POST /channels/:kind/:channelId/webhook', ids: 'R-CH-11', expect: everyone(401),
    request: (ctx) => ({ path: `/channels/whatsapp/${ctx.whatsapp.slice(8)}/webhook`, raw: { bytes: '{"object":"whatsapp_business_account","entry":[]}', type: 'application/json' } }) },
  { route: 'GET /channels/:kind/:channelId/webhook', ids: 'R-CH-11', expect: everyone(403),
    request: (ctx) => ({ path: `/channels/whatsapp/${ctx.whatsapp.slice(8)}/webhook?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=42` }) },

  // Operations and static files: health and readiness are public by design and say nothing secret (R-OPS-05, R-DT-06, R-DT-07).
  { route: 'GET /api/health', ids: 'R-OPS-05', expect: everyone(200) },
  { route: 'GET /api/ready', ids: 'R-OPS-05', expect: everyone(200) },
  // The suite sets ATENDE_METRICS_TOKEN: no session or visitor token stands in for it.
  { route: 'GET /metrics', ids: 'R-OPS-05', expect: everyone(401) },
  // A copy of the whole store (R-OPS-04): asked with the token the server writes into its data folder (without it the route
  // hides behind a 404 for everyone), then admins only; one copy at a time per node, so the two admin cells may meet (409).
  { route: 'GET /api/admin/backup', ids: 'R-OPS-04', expect: adminsOnly([200, 409]), request: (ctx) => ({ path: '/api/admin/backup', headers: backupDoor(ctx) }) },
  { route: 'GET /widget.js', ids: 'R-CH-02', expect: everyone(200) },
  { route: 'USE /demo', ids: 'R-CH-02', expect: everyone(200), request: () => ({ path: '/demo/' }) },
  // No ATENDE_UPDATES_DIR in the suite: the feed says so to everyone alike.
  { route: 'USE /updates', ids: 'R-DT-06', expect: everyone(404), request: () => ({ path: '/updates/latest.yml' }) },
  // Issue 17: the desktop app's spelling dictionaries, public like the feed; no ATENDE_DICTIONARIES_DIR in the suite.
  { route: 'GET /dictionaries/:file', ids: 'R-DT-06 issue 17', expect: everyone(404), request: () => ({ path: '/dictionaries/pt-BR-3-0.bdic' }) },
  { route: 'STATIC /', ids: 'R-DT-07', expect: everyone(200), request: () => ({ path: '/' }) },

  // Administration and automation (issue 15): one file of rows per feature.
  ...PASSWORDLINKS_ROWS,
  ...USERS_ROWS,
  ...TEAMS_ROWS,
  ...ROUTING_ROWS,
  ...FLOWS_ROWS,
  ...CONTENT_ROWS,
  ...APITOKENS_ROWS,
  ...WEBHOOKS_ROWS,
  ...SUPERVISION_ROWS,
  ...REPORTS_ROWS,
  ...PRIVACY_ROWS,
];

/** Mounted middleware that answers no request of its own (it passes everything on), with why. */
export const PASS_THROUGH: Readonly<Record<string, string>> = {
  'USE /api': 'CORS preflight, the JSON body parser and the unknown-route 404 in front of the /api routers',
  'USE /api/webchat': 'the widget routes\' CORS (any origin, no credentials) and cross-origin resource policy',
};
