import {
  byName, notFound, teamErrors, ulid, userAdminErrors,
  type AdminUser, type CreateUser, type UpdateUserBody, type UserDoc,
} from '@atende/protocol';
import { liveTeam } from '../access/teams.js';
import { recordAudit, type AuditOrigin } from '../audit/log.js';
import { isLiveUser, liveUser, liveUsers } from '../access/users.js';
import { credentialIdFor, type AuthService } from '../auth/service.js';
import type { NameClaims } from '../store/claims.js';
import { updateDoc, type DocStore, type StoredDoc } from '../store/index.js';
import { toStored, toWire } from '../store/wire.js';
import { AdminRoster } from './adminRoster.js';
import { emailClaims } from './emailClaims.js';

/** The admin making a change and where from, for the access audit (issue 19). */
export interface AdminAct {
  actor: { id: string; name: string };
  origin: AuditOrigin;
}

/** What the users' administration needs of the password links (H1's auth/passwordLinks.ts). */
export interface PasswordLinkSender {
  send(user: UserDoc, purpose: 'invite' | 'reset'): Promise<void>;
}

const LIST_LIMIT = 5000;

const isEnabledAdmin = (u: Pick<UserDoc, 'role' | 'disabled'>) => u.role === 'admin' && u.disabled !== true;

/**
 * Users administered by admins (R-AUTH-01): created with an invitation to set their password,
 * edited (the user document replicates, and a change of teams or role moves the user's open
 * sockets to their new scope, realtime/hub.ts), disabled (sessions revoked; the login refuses
 * them), unlocked (R-AUTH-03) and sent a password reset link.
 */
export class UsersAdmin {
  private readonly emails: NameClaims;
  private readonly roster: AdminRoster;

  constructor(
    private readonly store: DocStore,
    private readonly auth: AuthService,
    private readonly links: PasswordLinkSender,
    private readonly log: (message: string) => void = () => {},
  ) {
    this.emails = emailClaims(store, async (userId) => (await this.find(userId))?.email);
    this.roster = new AdminRoster(
      store,
      async () => (await this.users()).filter(isEnabledAdmin).map((u) => u.id),
      async (userId) => {
        const user = await this.find(userId);
        return !!user && isEnabledAdmin(user);
      },
    );
  }

  /** Claims the addresses of users written before claims existed and builds the admin roster. */
  async prepare(): Promise<void> {
    await this.emails.backfill((await this.users()).map((u) => ({ id: u.id, name: u.email })));
    await this.roster.prepare();
  }

  private users(): Promise<UserDoc[]> {
    return liveUsers(this.store);
  }

  /** A user, fresh from the store; undefined when unknown or removed. */
  find(id: string): Promise<UserDoc | undefined> {
    return liveUser(this.store, id);
  }

  async list(): Promise<AdminUser[]> {
    const users = await this.users();
    const credentials = await this.store.find({ selector: { type: 'credential' }, limit: LIST_LIMIT, fields: ['_id', 'userId'] });
    const withPassword = new Set(credentials.map((c) => c.userId));
    const locked = await this.auth.lockedOut(users);
    return users
      .map((u) => viewOf(u, { invitationPending: !withPassword.has(u.id), locked: locked.has(u.id) }))
      .sort(byName);
  }

  /** One user's line of the list. */
  async view(user: UserDoc): Promise<AdminUser> {
    const locked = await this.auth.lockedOut([user]);
    return viewOf(user, { invitationPending: !(await this.hasPassword(user)), locked: locked.has(user.id) });
  }

  /**
   * The e-mail is claimed in the store before the user is written (emailClaims.ts); teams are
   * checked first; a failure frees the claim, so nothing is left half-written. The invitation
   * follows; when it cannot be sent the user stays and the admin sends another link.
   * `key`: the demo seeds its users as `user:<local part>`.
   */
  async create(body: CreateUser, key: string = ulid(), by?: AdminAct): Promise<{ user: UserDoc; invitationSent: boolean }> {
    await this.assertTeams(body.teamIds, []);
    const now = Date.now();
    const user: UserDoc = {
      id: `user:${key}`, type: 'user', name: body.name, email: body.email, role: body.role, teamIds: body.teamIds,
      maxConcurrent: body.maxConcurrent, permissions: body.permissions, workingHours: body.workingHours, createdAt: now, updatedAt: now,
    };
    // Users written outside this service hold no claim: asked for by address too.
    const [twin] = await this.store.find({ selector: { type: 'user', email: body.email }, limit: 1, fields: ['_id'] });
    if (twin) throw userAdminErrors.duplicateEmail(body.email);
    await this.emails.claim(body.email, user.id, { now });
    try {
      const [result] = await this.store.bulkWrite([toStored(user)]);
      if (!result?.ok) throw new Error(`write ${user.id}: ${result?.reason ?? 'no result'}`);
    } catch (error) {
      await this.emails.release(body.email, user.id);
      throw error;
    }
    if (isEnabledAdmin(user)) await this.roster.add(user.id);
    await this.auditPersonalData(undefined, user, by);
    return { user, invitationSent: await this.sendLink(user, 'invite') };
  }

  async update(id: string, body: UpdateUserBody, by?: AdminAct): Promise<UserDoc> {
    const before = await this.find(id);
    if (!before) throw notFound('user');
    if (body.teamIds) await this.assertTeams(body.teamIds, before.teamIds);
    const after = { role: body.role ?? before.role, disabled: body.disabled ?? before.disabled };
    const demoted = isEnabledAdmin(before) && !isEnabledAdmin(after);
    if (demoted) await this.roster.remove(id);
    let written: UserDoc;
    try {
      const { doc } = await updateDoc<StoredDoc>(this.store, id, (current) => {
        if (!isLiveUser(current)) throw notFound('user');
        return { ...current, ...definedOf(body), updatedAt: Date.now() };
      });
      if (!doc) throw notFound('user');
      written = toWire<UserDoc>(doc);
    } catch (error) {
      if (demoted) await this.roster.add(id);
      throw error;
    }
    if (isEnabledAdmin(written)) await this.roster.add(id);
    // Disabled: every open session ends now (refresh tokens refused, sockets closed on every node).
    if (written.disabled === true && before.disabled !== true) await this.auth.revokeAll(written);
    await this.auditPersonalData(before, written, by);
    return written;
  }

  /**
   * "Ver dados pessoais" granted or revoked (issue 19, R-PRIV-05): one `unmask` entry about the
   * user, recorded after the change was written. The user's replica restarts under its new scope
   * by itself (access/scope.ts scopeKey), on the next pull or at once on an open socket.
   */
  private async auditPersonalData(before: UserDoc | undefined, after: UserDoc, by: AdminAct | undefined): Promise<void> {
    const had = before?.permissions?.personalData === true;
    const has = after.permissions?.personalData === true;
    if (had === has) return;
    await recordAudit(this.store, {
      action: 'unmask', actor: by?.actor ?? null, subjectId: after.id, origin: by?.origin ?? null, detail: has ? 'granted' : 'revoked',
    });
  }

  async unlock(id: string): Promise<void> {
    if (!(await this.find(id))) throw notFound('user');
    await this.auth.unlock(id);
  }

  /**
   * "Redefinir senha": a new link by e-mail (older links stop working); the current password keeps
   * working until the link is used. A user who never set one is invited again instead.
   */
  async sendReset(id: string): Promise<void> {
    const user = await this.find(id);
    if (!user) throw notFound('user');
    if (user.disabled === true) throw userAdminErrors.disabled();
    await this.links.send(user, (await this.hasPassword(user)) ? 'reset' : 'invite');
  }

  private async hasPassword(user: UserDoc): Promise<boolean> {
    const credential = await this.store.get(credentialIdFor(user.id), { fresh: true });
    return !!credential && !credential._deleted;
  }

  private async sendLink(user: UserDoc, purpose: 'invite' | 'reset'): Promise<boolean> {
    try {
      await this.links.send(user, purpose);
      return true;
    } catch (error) {
      this.log(`${purpose} link for ${user.id} not sent: ${String(error)}`);
      return false;
    }
  }

  /** Teams newly given must exist and not be archived; teams the user keeps may be archived since. */
  private async assertTeams(teamIds: readonly string[], kept: readonly string[]): Promise<void> {
    const added = teamIds.filter((t) => !kept.includes(t));
    const bad: string[] = [];
    for (const id of added) if (!(await liveTeam(this.store, id))) bad.push(id);
    if (bad.length > 0) throw teamErrors.unknown(bad);
  }
}

/** The body's fields that were given (a PATCH leaves the others as they are). */
function definedOf(body: UpdateUserBody): Partial<UserDoc> {
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)) as Partial<UserDoc>;
}

export function viewOf(user: UserDoc, state: { invitationPending: boolean; locked: boolean }): AdminUser {
  return {
    id: user.id, name: user.name, email: user.email, role: user.role, teamIds: user.teamIds, maxConcurrent: user.maxConcurrent,
    permissions: user.permissions ?? {}, workingHours: user.workingHours ?? null, createdAt: user.createdAt, updatedAt: user.updatedAt,
    disabled: user.disabled === true, ...state,
  };
}
