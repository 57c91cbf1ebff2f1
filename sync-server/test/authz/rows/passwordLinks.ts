import { PasswordLinks } from '../../../src/auth/passwordLinks.js';
import type { MailMessage } from '../../../src/mail/mailer.js';
import { adminsOnly, everyone, type RouteRow } from '../cells.js';
import { TEAM_OWN, type MatrixContext } from '../context.js';

/**
 * A fresh user's live password link, made in the server's own store; its token is read from the
 * mail this mailer keeps instead of sending (the matrix server has no SMTP listener).
 */
async function liveLinkToken(ctx: MatrixContext): Promise<string> {
  let mail: MailMessage | undefined;
  const links = new PasswordLinks(ctx.server.store, ctx.server.auth, {
    delivers: true,
    send: (m) => {
      mail = m;
      return Promise.resolve();
    },
  }, { minutes: 30, baseUrl: () => ctx.server.url, timeZone: 'America/Sao_Paulo', log: () => {} });
  await links.send(await ctx.newUser('agent', TEAM_OWN), 'invite');
  const token = /token=([A-Za-z0-9_-]+)/.exec(mail?.text ?? '')?.[1];
  if (!token) throw new Error('no password link made');
  return token;
}

/** Authorisation rows of the issue 15 routes of this feature (spread into ROUTES in matrix.ts). */
export const ROWS: readonly RouteRow[] = [
  // Password links (R-AUTH-02) are public: the link is the credential, a bearer token of any kind changes nothing.
  { route: 'POST /api/auth/forgot', ids: 'R-AUTH-02', expect: everyone(202),
    request: () => ({ path: '/api/auth/forgot', body: { email: 'ninguem@matriz.example' } }) },
  { route: 'GET /api/auth/password-link', ids: 'R-AUTH-02', expect: everyone(200),
    request: async (ctx) => ({ path: `/api/auth/password-link?token=${await liveLinkToken(ctx)}` }) },
  { route: 'POST /api/auth/password-link', ids: 'R-AUTH-02', expect: everyone(204),
    request: async (ctx) => ({ path: '/api/auth/password-link', body: { token: await liveLinkToken(ctx), password: 'senha-da-matriz', confirmation: 'senha-da-matriz' } }) },
  // The sign-in network allow-list (R-AUTH-03): admins only. An empty list keeps every later cell able to sign in.
  { route: 'GET /api/admin/settings', ids: 'R-AUTH-03', expect: adminsOnly(200) },
  { route: 'PATCH /api/admin/settings', ids: 'R-AUTH-03', expect: adminsOnly(200),
    request: () => ({ path: '/api/admin/settings', body: { loginNetworks: [] } }) },
];
