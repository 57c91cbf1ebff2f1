import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoginResponse, PasswordLinkStatusResponse, UserDoc } from '@atende/protocol';
import { PasswordLinks } from '../src/auth/passwordLinks.js';
import { createMailer } from '../src/mail/mailer.js';
import { addUser, call, login, startTestServer, type TestServer } from './helpers.js';
import { startEntryPoint } from './entryPoint.js';
import { linkToken, SmtpListener } from './smtpListener.js';

/**
 * R-AUTH-02 (issue 15): a password is set through a single-use, expiring link sent by e-mail —
 * read here from a real SMTP listener on loopback, as the user would read it.
 */
let smtp: SmtpListener;
let server: TestServer;
let keys = 0;

beforeAll(async () => {
  smtp = new SmtpListener();
  await smtp.start();
  server = await startTestServer({ SMTP_URL: smtp.url, MAIL_FROM: 'Atende Teste <atende@test.local>' });
});
afterAll(async () => {
  await server.close();
  await smtp.stop();
});

async function newUser(): Promise<UserDoc> {
  const key = `pl${Date.now().toString(36)}${keys++}`;
  return addUser(server, { key, name: `Pessoa ${key}`, email: `${key}@test.local`, role: 'agent', teamIds: ['team:suporte'] }, 'senha-antiga-1');
}

/** Sends a link for `user` through the server's own PasswordLinks and reads its token from the mail. */
async function mailedToken(user: UserDoc, purpose: 'invite' | 'reset' = 'invite'): Promise<string> {
  const seen = smtp.received.length;
  await server.passwordLinks.send(user, purpose);
  return linkToken(await smtp.next(user.email, seen));
}

const status = async (token: string) =>
  (await call<PasswordLinkStatusResponse>(server, 'GET', `/api/auth/password-link?token=${encodeURIComponent(token)}`)).body;
const setPassword = (token: string, password: string, confirmation = password) =>
  call<{ error?: string; message?: string }>(server, 'POST', '/api/auth/password-link', { body: { token, password, confirmation } });
const signIn = (email: string, password: string) => call<LoginResponse>(server, 'POST', '/api/auth/login', { body: { email, password } });

describe('R-AUTH-02 password links', () => {
  it('R-AUTH-02 an invitation mail in pt-BR carries a link that sets the password once; a second use is 410', async () => {
    const user = await newUser();
    const seen = smtp.received.length;
    await server.passwordLinks.send(user, 'invite');
    const mail = await smtp.next(user.email, seen);
    expect(mail.subject).toBe('Cadastrar senha – Atende');
    expect(mail.text).toContain(`${server.url}/#/cadastrar-senha?token=`);
    expect(mail.text).toMatch(/vale uma única vez, até \d{2}\/\d{2}\/\d{4},? \d{2}:\d{2}/);
    const token = linkToken(mail);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Only the hash is stored: the token itself appears in no document.
    const stored = await server.store.find({ selector: { type: { $in: ['passwordlink', 'passwordtoken'] }, userId: user.id }, limit: 10 });
    expect(stored.length).toBeGreaterThan(0);
    expect(JSON.stringify(stored)).not.toContain(token);

    expect(await status(token)).toEqual({ status: 'valid', email: user.email });
    expect((await setPassword(token, 'nova-senha-123')).status).toBe(204);
    expect((await signIn(user.email, 'nova-senha-123')).status).toBe(200);
    expect((await signIn(user.email, 'senha-antiga-1')).status).toBe(401);

    const again = await setPassword(token, 'outra-senha-456');
    expect(again.status).toBe(410);
    expect(again.body.error).toBe('link_used');
    expect(again.body.message).toMatch(/já foi usado/);
    expect(await status(token)).toEqual({ status: 'used' });
    expect((await signIn(user.email, 'outra-senha-456')).status).toBe(401);
  });

  it('R-AUTH-02 a weak password or a different confirmation is a 400 that leaves the link usable', async () => {
    const user = await newUser();
    const token = await mailedToken(user);
    const short = await setPassword(token, 'curta');
    expect(short.status).toBe(400);
    expect(short.body.message).toMatch(/pelo menos 8 caracteres/);
    const different = await setPassword(token, 'nova-senha-123', 'nova-senha-124');
    expect(different.status).toBe(400);
    expect(different.body.message).toMatch(/confirmação/);
    expect((await status(token)).status).toBe('valid');
    expect((await setPassword(token, 'nova-senha-123')).status).toBe(204);
  });

  it('R-AUTH-02 an expired link is 410 and reads "expired" (a link made 31 minutes ago, with a 30-minute life)', async () => {
    const user = await newUser();
    const past = new PasswordLinks(server.store, server.auth, createMailer({ smtpUrl: smtp.url, from: 'x@test.local' }, () => {}), {
      minutes: 30, baseUrl: () => server.url, timeZone: 'America/Sao_Paulo', log: () => {}, now: () => Date.now() - 31 * 60_000,
    });
    const seen = smtp.received.length;
    await past.send(user, 'reset');
    const token = linkToken(await smtp.next(user.email, seen));
    expect(await status(token)).toEqual({ status: 'expired' });
    const used = await setPassword(token, 'nova-senha-123');
    expect(used.status).toBe(410);
    expect(used.body.error).toBe('link_expired');
    expect((await signIn(user.email, 'senha-antiga-1')).status).toBe(200);
  });

  it('R-AUTH-02 a newer link for the same user makes the older one stop working', async () => {
    const user = await newUser();
    const older = await mailedToken(user, 'invite');
    const newer = await mailedToken(user, 'reset');
    expect((await status(older)).status).toBe('expired');
    expect((await setPassword(older, 'nova-senha-123')).status).toBe(410);
    expect((await setPassword(newer, 'nova-senha-123')).status).toBe(204);
  });

  it('R-AUTH-02 two uses of one link at once: exactly one sets the password, the other is 410', async () => {
    const user = await newUser();
    const token = await mailedToken(user);
    const answers = await Promise.all([setPassword(token, 'primeira-senha-1'), setPassword(token, 'segunda-senha-2')]);
    expect(answers.map((a) => a.status).sort()).toEqual([204, 410]);
    const winner = answers[0]?.status === 204 ? 'primeira-senha-1' : 'segunda-senha-2';
    const loser = winner === 'primeira-senha-1' ? 'segunda-senha-2' : 'primeira-senha-1';
    expect((await signIn(user.email, winner)).status).toBe(200);
    expect((await signIn(user.email, loser)).status).toBe(401);
  });

  it('R-AUTH-02 setting the password ends the user\'s other sessions and lifts a lockout', async () => {
    const user = await newUser();
    const before = await login(server, user.email, 'senha-antiga-1');
    for (let i = 0; i < 6; i++) await signIn(user.email, 'errada-errada');
    expect((await signIn(user.email, 'senha-antiga-1')).status).toBe(423);
    const token = await mailedToken(user, 'reset');
    expect((await setPassword(token, 'nova-senha-123')).status).toBe(204);
    expect((await call(server, 'GET', '/api/auth/me', { token: before.accessToken })).status).toBe(401);
    expect((await call(server, 'POST', '/api/auth/refresh', { body: { refreshToken: before.refreshToken } })).status).toBe(401);
    expect((await signIn(user.email, 'nova-senha-123')).status).toBe(200);
  });

  it('R-AUTH-02 "Esqueceu a senha?" answers 202 alike; only a registered, active address gets a link', async () => {
    const user = await newUser();
    const seen = smtp.received.length;
    const known = await call(server, 'POST', '/api/auth/forgot', { body: { email: user.email.toUpperCase() } });
    const unknown = await call(server, 'POST', '/api/auth/forgot', { body: { email: 'ninguem@test.local' } });
    expect([known.status, unknown.status]).toEqual([202, 202]);
    expect(known.body).toEqual(unknown.body);
    const mail = await smtp.next(user.email, seen);
    expect((await setPassword(linkToken(mail), 'nova-senha-123')).status).toBe(204);
    // A disabled user gets no link either: the mail to the active one after it proves the disabled one's never came.
    const disabled = await newUser();
    await server.store.bulkWrite([{ ...(await server.store.get(disabled.id))!, disabled: true }]);
    const after = smtp.received.length;
    expect((await call(server, 'POST', '/api/auth/forgot', { body: { email: disabled.email } })).status).toBe(202);
    expect((await call(server, 'POST', '/api/auth/forgot', { body: { email: user.email } })).status).toBe(202);
    await smtp.next(user.email, after);
    expect(smtp.received.slice(seen).some((m) => m.to.includes('ninguem@test.local') || m.to.includes(disabled.email))).toBe(false);
  });

  it('R-AUTH-02 an unknown or mangled token reads "unknown" and cannot set a password', async () => {
    expect(await status('abc')).toEqual({ status: 'unknown' });
    expect(await status('A'.repeat(43))).toEqual({ status: 'unknown' });
    expect((await setPassword('A'.repeat(43), 'nova-senha-123')).status).toBe(404);
  });
});

describe('R-AUTH-02 without SMTP_URL', () => {
  // The real entry point, so the path is the one a demo takes: its log masks every `token=`, and a
  // link read from a test-injected log would pass while the one a person reads is "[Redacted]".
  it('R-AUTH-02 the server prints the e-mail, with a link that works, so a demo still works', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'atende-mail-'));
    const entry = await startEntryPoint({ dataDir, env: { ATENDE_SIMULATORS: '0', ATENDE_WHATSAPP_SIMULATOR: '0' } });
    try {
      expect(entry.output).toContain('SMTP_URL is not set');
      const admin = await login(entry, 'admin@demo.local');
      const created = await call(entry, 'POST', '/api/admin/users', {
        token: admin.accessToken, body: { name: 'Pessoa Demo', email: 'pessoa.demo@demo.local', role: 'agent', teamIds: ['team:suporte'] },
      });
      expect(created.status).toBe(201);
      const link = await entry.printed(/\S*#\/cadastrar-senha\?token=[A-Za-z0-9_-]+/);
      const token = new URL(link.replace('#/', '')).searchParams.get('token') ?? '';
      expect((await call(entry, 'GET', `/api/auth/password-link?token=${token}`)).body).toEqual({ status: 'valid', email: 'pessoa.demo@demo.local' });
    } finally {
      await entry.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
