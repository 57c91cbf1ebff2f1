import {
  DomainError, passwordProblem, SET_PASSWORD_PATH, type PasswordLinkStatus, type PasswordProblem, type SetPasswordBody, type UserDoc,
} from '@atende/protocol';
import type { Mailer } from '../mail/mailer.js';
import { passwordMail } from '../mail/passwordMail.js';
import { type DocStore, type StoredDoc, updateDoc } from '../store/index.js';
import type { AuthService } from './service.js';
import { randomToken, sha256 } from './tokens.js';

/**
 * The one live link of a user (server-only): a newer link overwrites it, so an older token no
 * longer matches (R-AUTH-02). Spending it is a revision-checked write of this document, so two
 * uses at once cannot both set a password.
 */
interface PasswordLinkDoc extends StoredDoc {
  type: 'passwordlink';
  userId: string;
  /** sha256 of the token: the token itself is only in the e-mail. */
  tokenHash: string;
  purpose: 'invite' | 'reset';
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
}

/** token hash → user, so a link can be told apart after it was replaced or spent ("used" vs "expired"). */
interface PasswordTokenDoc extends StoredDoc {
  type: 'passwordtoken';
  userId: string;
  expiresAt: number;
  usedAt?: number;
}

const linkIdFor = (userId: string) => `passwordlink:${userId.slice(userId.indexOf(':') + 1)}`;
const tokenIdFor = (hash: string) => `passwordtoken:${hash}`;

const PROBLEM_MESSAGES: Record<PasswordProblem, string> = {
  too_short: 'A senha precisa ter pelo menos 8 caracteres.',
  too_long: 'A senha é longa demais.',
  blank: 'A senha não pode ser só espaços.',
  same_as_current: 'A senha precisa ser diferente da atual.',
};

const REFUSALS: Record<Exclude<PasswordLinkStatus, 'valid'>, () => DomainError> = {
  expired: () => new DomainError('gone', 'link_expired', 'Este link expirou ou foi substituído por um mais novo. Peça um novo link.'),
  used: () => new DomainError('gone', 'link_used', 'Este link já foi usado. Peça um novo link se precisar cadastrar a senha de novo.'),
  unknown: () => new DomainError('not_found', 'link_unknown', 'Link inválido. Peça um novo link.'),
};

export interface PasswordLinksOptions {
  /** Minutes a link stays valid (ATENDE_PASSWORD_LINK_MINUTES). */
  minutes: number;
  /** The server's public address; the SPA is served at its root. */
  baseUrl: () => string;
  timeZone: string;
  log: (message: string) => void;
  /** Tests make links in the past. */
  now?: () => number;
}

interface Resolved {
  status: PasswordLinkStatus;
  user?: UserDoc;
  hash: string;
}

/** Single-use, expiring links that set a password: invitations and "Esqueceu a senha?" (R-AUTH-02). */
export class PasswordLinks {
  private readonly now: () => number;

  constructor(
    private readonly store: DocStore,
    private readonly auth: AuthService,
    private readonly mailer: Mailer,
    private readonly options: PasswordLinksOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Makes a new link for `user` (older ones stop working) and mails it. */
  async send(user: UserDoc, purpose: 'invite' | 'reset'): Promise<void> {
    const token = randomToken(32);
    const hash = sha256(token);
    const createdAt = this.now();
    const expiresAt = createdAt + this.options.minutes * 60_000;
    // The pointer first: the link is findable from its token before it can be mailed.
    const pointer: PasswordTokenDoc = { _id: tokenIdFor(hash), type: 'passwordtoken', userId: user.id, expiresAt };
    const [written] = await this.store.bulkWrite([pointer]);
    if (!written?.ok) throw new Error(`password link not stored: ${written?.ok === false ? written.reason : 'no result'}`);
    await updateDoc<PasswordLinkDoc>(this.store, linkIdFor(user.id), (current) => ({
      _id: linkIdFor(user.id), type: 'passwordlink', userId: user.id, tokenHash: hash, purpose, createdAt, expiresAt, usedAt: null,
      ...(current?._rev ? { _rev: current._rev } : {}),
    }));
    const link = `${this.options.baseUrl()}/#${SET_PASSWORD_PATH}?token=${token}`;
    await this.mailer.send(passwordMail({ to: user.email, name: user.name, link, purpose, expiresAt, timeZone: this.options.timeZone }));
  }

  /**
   * "Esqueceu a senha?": a reset link when the address belongs to a user who may sign in; nothing
   * otherwise, and the caller answers the same either way (it does not wait for this).
   */
  async forgot(email: string): Promise<void> {
    const [credential] = await this.store.find({ selector: { type: 'credential', email: email.toLowerCase() }, limit: 1 });
    const user = credential ? await this.auth.userById(String(credential.userId)) : undefined;
    if (!user || user.disabled) return;
    await this.send(user, 'reset');
  }

  async status(token: string): Promise<{ status: PasswordLinkStatus; email?: string }> {
    const { status, user } = await this.resolve(token);
    return status === 'valid' && user ? { status, email: user.email } : { status };
  }

  /**
   * Sets the password through a link: the link is spent by a conditional write first, so of two
   * uses at once exactly one goes on; then every session of the user ends (whoever held the old
   * password is signed out) and a lockout is lifted (setPassword).
   */
  async use(body: SetPasswordBody): Promise<void> {
    const first = await this.resolve(body.token);
    if (first.status !== 'valid' || !first.user) throw REFUSALS[first.status === 'valid' ? 'unknown' : first.status]();
    const problem = passwordProblem(body.password, '');
    if (problem) throw new DomainError('invalid', `password_${problem}`, PROBLEM_MESSAGES[problem]);
    if (body.confirmation !== body.password) {
      throw new DomainError('invalid', 'password_confirmation', 'A confirmação não é igual à senha.');
    }
    const at = this.now();
    const { written } = await updateDoc<PasswordLinkDoc>(this.store, linkIdFor(first.user.id), (link) =>
      link && link.tokenHash === first.hash && link.usedAt === null && link.expiresAt > at ? { ...link, usedAt: at } : undefined,
    );
    if (!written) {
      const again = await this.resolve(body.token);
      throw REFUSALS[again.status === 'valid' ? 'used' : again.status]();
    }
    // Told apart later: this token reads "used" even after a newer link replaced it.
    await updateDoc<PasswordTokenDoc>(this.store, tokenIdFor(first.hash), (t) => t && { ...t, usedAt: at });
    await this.auth.setPassword(first.user, body.password);
    await this.auth.revokeOtherSessions(first.user, '');
  }

  private async resolve(token: string): Promise<Resolved> {
    const hash = sha256(token);
    const pointer = (await this.store.get(tokenIdFor(hash), { fresh: true })) as PasswordTokenDoc | undefined;
    const user = pointer && !pointer._deleted ? await this.auth.userById(pointer.userId) : undefined;
    if (!pointer || !user || user.disabled) return { status: 'unknown', hash };
    const link = (await this.store.get(linkIdFor(user.id), { fresh: true })) as PasswordLinkDoc | undefined;
    if (pointer.usedAt !== undefined || (link?.tokenHash === hash && link.usedAt !== null)) return { status: 'used', user, hash };
    if (!link || link.tokenHash !== hash || link.expiresAt <= this.now()) return { status: 'expired', user, hash };
    return { status: 'valid', user, hash };
  }
}
