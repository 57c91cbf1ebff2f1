import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import type { Role, UserDoc } from '@atende/protocol';
import { credentialIdFor } from '../../src/auth/service.js';
import { sha256, TokenSigner } from '../../src/auth/tokens.js';
import { updateDoc } from '../../src/store/index.js';
import { toStored } from '../../src/store/wire.js';
import { call, clientId, newVisitor, visitorSays, type TestServer, type Visitor } from '../helpers.js';

/**
 * Who calls, and the resources they call about, for the authorisation matrix (issue 14 point 4):
 * each role of the resource's team and of another team, the website visitor whose resources they
 * are and another visitor, no token, an expired token and a revoked one (both an admin's).
 * "Own" is team Suporte, where the demo's website chat puts its conversations; "other" is
 * Comercial. Users are written straight into the store and their sessions minted with the
 * server's token secret (the same signer the server uses), so no password hash slows the suite.
 */
export const CALLERS = [
  'agentOwn', 'supervisorOwn', 'adminOwn', 'agentOther', 'supervisorOther', 'adminOther', 'visitor', 'visitorOther', 'none', 'expired', 'revoked',
] as const;
export type Caller = (typeof CALLERS)[number];
export type RoleCaller = Exclude<Caller, 'visitor' | 'visitorOther' | 'none' | 'expired' | 'revoked'>;

export const TEAM_OWN = 'team:suporte';
export const TEAM_OTHER = 'team:comercial';
export const MATRIX_SECRET = 'authz-matrix-secret-0123456789abcdefghij';
export const MATRIX_PASSWORD = 'matriz-senha-123';
/** Upstreams of the suite's accounts and its click-to-call service: nothing listens there (port 9, discard). */
export const UNREACHABLE = 'http://127.0.0.1:9';
/** The suite's WhatsApp app secret: secrets are write-only, so no answer may hold it. */
export const APP_SECRET = 'matrix-app-secret-4f1c';

const ROLE_OF: Record<RoleCaller, [Role, string]> = {
  agentOwn: ['agent', TEAM_OWN],
  supervisorOwn: ['supervisor', TEAM_OWN],
  adminOwn: ['admin', TEAM_OWN],
  agentOther: ['agent', TEAM_OTHER],
  supervisorOther: ['supervisor', TEAM_OTHER],
  adminOther: ['admin', TEAM_OTHER],
};
const isRoleCaller = (caller: Caller): caller is RoleCaller => caller in ROLE_OF;

export interface Session {
  user: UserDoc;
  accessToken: string;
  refreshToken: string;
}

/** A session key in the shape refresh tokens carry (26 of 0-9 A-Z, as a ULID). */
const SESSION_KEY_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
function sessionKey(): string {
  return [...randomBytes(26)].map((b) => SESSION_KEY_ALPHABET[b % SESSION_KEY_ALPHABET.length]).join('');
}

export interface Conversation {
  conversationId: string;
  visitor: Visitor;
}

export class MatrixContext {
  private readonly signer = new TokenSigner(MATRIX_SECRET);
  private readonly tokens = new Map<Caller, string>();
  private readonly refreshTokens = new Map<Caller, string>();
  private expiredVisitorToken = '';
  private counter = 0;
  private claims: Promise<void> = Promise.resolve();
  private passwordHash: Promise<string> | undefined;
  private readonly shared = new Map<string, Promise<unknown>>();
  private readonly watched = new Map<string, { conversationId: string; state: string }>();
  readonly sessions = {} as Record<RoleCaller, Session>;
  /** The website visitor caller, with a conversation in the own team and a file it sent there. */
  visitor!: Visitor;
  visitorConversationId = '';
  visitorMediaId = '';
  /** Signs in on the login row (with a password); another agent of the own team, who invites agentOwn; an agent to invite. */
  loginUser!: UserDoc;
  /** Accounts of the own team made for the suite (the test server starts no simulators): WhatsApp and Reclame Aqui. */
  whatsapp = '';
  reclameAqui = '';
  /** A customer of the own team with a finished conversation (history) and the visitor's contact (its files). */
  finishedContactId = '';
  visitorContactId = '';
  holder!: Session;
  invitee!: UserDoc;
  /** A conversation of the own team held by agentOwn, for rows that only read it. */
  heldShared!: Conversation;
  png!: Buffer;

  constructor(readonly server: TestServer) {}

  async setup(): Promise<void> {
    this.png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#3a6' } }).png().toBuffer();
    for (const caller of Object.keys(ROLE_OF) as RoleCaller[]) {
      const session = await this.newSession(caller);
      this.sessions[caller] = session;
      this.tokens.set(caller, session.accessToken);
    }
    // The most powerful role's token, past its expiry and with its session revoked: neither opens anything.
    const admin = this.sessions.adminOwn.user;
    const expired = await this.mint(admin, -60);
    this.tokens.set('expired', expired.accessToken);
    const revoked = await this.mint(admin);
    this.refreshTokens.set('expired', expired.refreshToken);
    this.refreshTokens.set('revoked', revoked.refreshToken);
    const out = await call(this.server, 'POST', '/api/auth/logout', { token: revoked.accessToken, body: {} });
    if (out.status !== 204) throw new Error(`logout for the revoked caller: ${out.status}`);
    this.tokens.set('revoked', revoked.accessToken);

    this.loginUser = await this.newUser('agent', TEAM_OWN, true);
    this.holder = await this.mint(await this.newUser('agent', TEAM_OWN));
    this.invitee = await this.newUser('agent', TEAM_OWN);
    this.visitor = await newVisitor(this.server);
    this.tokens.set('visitor', this.visitor.token);
    this.expiredVisitorToken = this.signer.sign({ kind: 'visitor', vid: this.visitor.visitorId, exp: Math.floor(Date.now() / 1000) - 60 });
    // Another visitor of the same site, with its own conversation: it reaches none of the first one's.
    const other = await newVisitor(this.server);
    await visitorSays(this.server, other, 'outra pessoa');
    this.tokens.set('visitorOther', other.token);
    const upload = await this.upload('/api/webchat/media', this.visitor.token);
    const said = await call<{ message: { id: string } }>(this.server, 'POST', '/api/webchat/messages', {
      token: this.visitor.token, body: { id: clientId('v'), text: 'segue o arquivo', mediaIds: [upload] },
    });
    if (said.status !== 201) throw new Error(`visitor file message: ${said.status} ${JSON.stringify(said.body)}`);
    this.visitorConversationId = String((await this.server.store.get(said.body.message.id))?.conversationId);
    this.visitorMediaId = upload;
    this.visitorContactId = String((await this.server.store.get(this.visitorConversationId))?.contactId);
    this.heldShared = await this.held();
    const finished = await this.held();
    const done = await call(this.server, 'POST', `/api/conversations/${finished.conversationId}/finish`, { token: this.token('agentOwn'), body: {} });
    if (done.status !== 200) throw new Error(`finish: ${done.status} ${JSON.stringify(done.body)}`);
    this.finishedContactId = String((await this.server.store.get(finished.conversationId))?.contactId);
    this.whatsapp = await this.account({
      kind: 'whatsapp', name: 'WhatsApp Matriz', teamId: TEAM_OWN,
      config: { phoneNumberId: '5550001', wabaId: '5550009', displayPhoneNumber: '5511955550001', accessToken: 'matrix-token', appSecret: APP_SECRET, verifyToken: 'matrix-verify', baseUrl: UNREACHABLE },
    });
    this.reclameAqui = await this.account({
      kind: 'reclameaqui', name: 'Reclame Aqui Matriz', teamId: TEAM_OWN,
      config: { clientId: 'matrix-client', clientSecret: 'matrix-secret-0123456789', companyId: '4242', apiBaseUrl: UNREACHABLE },
    });
  }

  private async account(body: Record<string, unknown>): Promise<string> {
    const reply = await call<{ id: string }>(this.server, 'POST', '/api/admin/channels', { token: this.token('adminOwn'), body });
    if (reply.status !== 201) throw new Error(`account: ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body.id;
  }

  /**
   * The caller's standing token (undefined: no Authorization header). On the visitor's routes and
   * socket the expired caller holds the first visitor's own token past its expiry instead.
   */
  token(caller: Caller, audience: 'agent' | 'visitor' = 'agent'): string | undefined {
    if (caller === 'expired' && audience === 'visitor') return this.expiredVisitorToken;
    return this.tokens.get(caller);
  }

  /** The refresh token of the expired and the revoked caller's sessions. */
  refreshTokenOf(caller: Caller): string | undefined {
    return this.refreshTokens.get(caller);
  }

  /** A user of `role` in `teamId`, written to the store; with a password only when asked (a hash costs ~50 ms). */
  async newUser(role: Role, teamId: string, withPassword = false): Promise<UserDoc> {
    const key = `mx${Date.now().toString(36)}${(this.counter++).toString(36)}`;
    const now = Date.now();
    const user: UserDoc = {
      id: `user:${key}`, type: 'user', name: `Matriz ${role} ${key}`, email: `${key}@matrix.local`, role,
      teamIds: [teamId], maxConcurrent: 10_000, extension: '2001', createdAt: now, updatedAt: now,
    };
    const [written] = await this.server.store.bulkWrite([toStored(user)]);
    if (!written?.ok) throw new Error(`could not add ${user.id}`);
    if (withPassword) await this.setPassword(user);
    return user;
  }

  /** The suite's password: hashed once, then its credential copied (the hash is salted and self-contained). */
  private async setPassword(user: UserDoc): Promise<void> {
    this.passwordHash ??= this.server.auth.setPassword(user, MATRIX_PASSWORD)
      .then(async () => String((await this.server.store.get(credentialIdFor(user.id)))?.passwordHash));
    const passwordHash = await this.passwordHash;
    const [written] = await this.server.store.bulkWrite([{
      _id: credentialIdFor(user.id), type: 'credential', userId: user.id, email: user.email.toLowerCase(), passwordHash,
      failures: [], lockedUntil: null, unlockedAt: Date.now(),
    }]);
    // The user whose password was hashed already has the document: the copy conflicts, harmlessly.
    if (!written?.ok && written?.error !== 'conflict') throw new Error(`could not set ${user.id}'s password`);
  }

  /**
   * What a refusal must leave as it was: the conversation's state and the number of its messages.
   * Captured once the shared fixture is made, compared after the row's cells ran.
   */
  async stateOf(conversationId: string): Promise<string> {
    const c = await this.server.store.get(conversationId, { fresh: true });
    const all = await this.server.store.find({ selector: { type: 'message', conversationId }, limit: 1000 });
    // Lifecycle lines ("entered the conversation", queue position) are written by jobs, on their own time.
    const messages = all.filter((m) => m.direction !== 'system');
    const { status, agentId, teamId, invitedAgentIds, tags, mark, ticketLinks }: Record<string, unknown> = c ?? {};
    return JSON.stringify({ status, agentId, teamId, invitedAgentIds, tags, mark, ticketLinks, messages: messages.length });
  }

  async watch(route: string, conversationId: string): Promise<void> {
    this.watched.set(route, { conversationId, state: await this.stateOf(conversationId) });
  }

  /** The shared conversation of a row whose refused cells must have changed nothing, with its state before them. */
  watchedFor(route: string): { conversationId: string; state: string } | undefined {
    return this.watched.get(route);
  }

  /** One resource per key, made on first use: cells expected to be refused share it (a refusal changes nothing). */
  once<T>(key: string, make: () => Promise<T>): Promise<T> {
    let made = this.shared.get(key) as Promise<T> | undefined;
    if (!made) {
      made = make();
      this.shared.set(key, made);
    }
    return made;
  }

  /** A session as login opens it, with an access token that expires in `ttlSeconds`. */
  async mint(user: UserDoc, ttlSeconds = 900): Promise<Session> {
    const key = sessionKey();
    const secret = randomBytes(24).toString('base64url');
    const now = Date.now();
    const [written] = await this.server.store.bulkWrite([{
      _id: `session:${key}`, type: 'session', userId: user.id, refreshHash: sha256(secret),
      createdAt: now, expiresAt: now + 3_600_000, revokedAt: null,
    }]);
    if (!written?.ok) throw new Error('could not open a session');
    const accessToken = this.signer.sign({ kind: 'access', sub: user.id, sid: `session:${key}`, exp: Math.floor(now / 1000) + ttlSeconds });
    return { user, accessToken, refreshToken: `${key}.${secret}` };
  }

  private async newSession(caller: RoleCaller, withPassword = false): Promise<Session> {
    const [role, team] = ROLE_OF[caller];
    return this.mint(await this.newUser(role, team, withPassword));
  }

  /**
   * For rows that act on the caller's own account (sign-out, profile, password, pause): a new user
   * of the caller's role and team, so the standing token survives; other callers keep theirs.
   */
  async fresh(caller: Caller, withPassword = false): Promise<string | undefined> {
    return isRoleCaller(caller) ? (await this.newSession(caller, withPassword)).accessToken : this.token(caller);
  }

  /** A new waiting website-chat conversation of the own team. */
  async waiting(): Promise<Conversation> {
    const visitor = await newVisitor(this.server);
    const { conversationId } = await visitorSays(this.server, visitor, 'preciso de ajuda');
    return { conversationId, visitor };
  }

  /** A new conversation of the own team, held by `holder` (agentOwn unless told). */
  async held(holder: string = this.sessions.agentOwn.accessToken): Promise<Conversation> {
    const conversation = await this.waiting();
    // One claim at a time: concurrent claims by one agent contend on its capacity and back off for seconds.
    const claimed = this.claims.then(() => call(this.server, 'POST', `/api/conversations/${conversation.conversationId}/claim`, { token: holder, body: {} }));
    this.claims = claimed.then(() => undefined, () => undefined);
    const reply = await claimed;
    if (reply.status !== 200) throw new Error(`claim: ${reply.status} ${JSON.stringify(reply.body)}`);
    return conversation;
  }

  /** A conversation of the own team held by another agent, who invited agentOwn into it: answers its id. */
  async invitedAgentOwn(): Promise<string> {
    const { conversationId } = await this.held(this.holder.accessToken);
    const invited = await call(this.server, 'POST', `/api/conversations/${conversationId}/invite`, {
      token: this.holder.accessToken, body: { agentIds: [this.sessions.agentOwn.user.id] },
    });
    if (invited.status !== 200) throw new Error(`invite: ${invited.status} ${JSON.stringify(invited.body)}`);
    return conversationId;
  }

  /** A conversation held by agentOwn with an agent message whose send failed (what "resend" is for). */
  async failedMessage(): Promise<{ conversationId: string; messageId: string }> {
    const { conversationId } = await this.held();
    const sent = await call<{ message: { id: string } }>(this.server, 'POST', `/api/conversations/${conversationId}/messages`, {
      token: this.sessions.agentOwn.accessToken, body: { id: clientId('m'), text: 'vai falhar' },
    });
    if (sent.status !== 201) throw new Error(`send: ${sent.status} ${JSON.stringify(sent.body)}`);
    const messageId = sent.body.message.id;
    // Wait for the send job to settle, then record the failure an upstream would have answered.
    for (let i = 0; i < 400 && (await this.server.store.get(messageId))?.status === 'queued'; i++) await new Promise((r) => setTimeout(r, 25));
    await updateDoc(this.server.store, messageId, (m) => (m ? { ...m, status: 'failed', error: 'upstream refused' } : undefined));
    return { conversationId, messageId };
  }

  /** Uploads the test picture; answers the media id. */
  async upload(route: '/api/media' | '/api/webchat/media', token: string | undefined): Promise<string> {
    const reply = await fetch(this.server.url + route, { method: 'POST', body: this.form(), headers: token ? { authorization: `Bearer ${token}` } : {} });
    const body = (await reply.json()) as { id: string };
    if (reply.status !== 201) throw new Error(`upload: ${reply.status} ${JSON.stringify(body)}`);
    return body.id;
  }

  form(): FormData {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(this.png)], { type: 'image/png' }), 'foto.png');
    return form;
  }

  /** A distinct Brazilian mobile number per call. */
  phone(): string {
    return `11 9${String(10_000_000 + this.counter++ * 7919).slice(-8)}`;
  }
}
