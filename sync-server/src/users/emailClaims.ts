import type { DocStore, StoredDoc } from '../store/index.js';

/**
 * One e-mail is one user (R-AUTH-01), arbitrated by the store: a claim document whose id is the
 * e-mail in lower case is created (create-only) before the user is written, so of two creates of
 * one address at once exactly one gets it. Server-only: `useremail` is no replicated type.
 */
interface EmailClaimDoc extends StoredDoc {
  type: 'useremail';
  userId: string;
  createdAt: number;
}

const claimIdOf = (email: string) => `useremail:${email.toLowerCase()}`;
/** A claim whose user was never written (a crash between the two writes) is taken over after this long. */
const ABANDONED_MS = 60_000;

export type ClaimOutcome = { ok: true } | { ok: false; holder: string };

export class EmailClaims {
  constructor(
    private readonly store: DocStore,
    /** Whether the user still exists with this e-mail: a claim of nobody's is abandoned. */
    private readonly holds: (userId: string, email: string) => Promise<boolean>,
  ) {}

  async claim(email: string, userId: string, now = Date.now()): Promise<ClaimOutcome> {
    const doc: EmailClaimDoc = { _id: claimIdOf(email), type: 'useremail', userId, createdAt: now };
    const [result] = await this.store.bulkWrite([doc]);
    if (result?.ok) return { ok: true };
    if (result?.error !== 'conflict') throw new Error(`claim ${doc._id}: ${result?.reason ?? 'no result'}`);
    const current = (await this.store.get(doc._id, { fresh: true })) as EmailClaimDoc | undefined;
    if (current && !current._deleted) {
      if (current.userId === userId) return { ok: true };
      const abandoned = now - current.createdAt > ABANDONED_MS && !(await this.holds(current.userId, email));
      if (!abandoned) return { ok: false, holder: current.userId };
    }
    // Deleted or abandoned: taken over with a revision-checked write, so one taker wins.
    const write: StoredDoc = { ...doc, ...(current?._rev ? { _rev: current._rev } : {}) };
    const [retry] = await this.store.bulkWrite([write]);
    return retry?.ok ? { ok: true } : { ok: false, holder: current?.userId ?? 'unknown' };
  }

  /** Frees the address when this user holds it (a failed create, an e-mail changed away). */
  async release(email: string, userId: string): Promise<void> {
    const current = (await this.store.get(claimIdOf(email), { fresh: true })) as EmailClaimDoc | undefined;
    if (!current || current._deleted || current.userId !== userId || !current._rev) return;
    await this.store.bulkWrite([{ _id: current._id, _rev: current._rev, _deleted: true }]);
  }

  /** Users written before claims existed (the demo's, an import): their addresses are claimed once at start. */
  async backfill(users: ReadonlyArray<{ id: string; email: string }>, now = Date.now()): Promise<void> {
    if (users.length === 0) return;
    // Create-only: a claim already there (this server's earlier start) stays as it is.
    await this.store.bulkWrite(users.map((u): EmailClaimDoc => ({ _id: claimIdOf(u.email), type: 'useremail', userId: u.id, createdAt: now })));
  }
}
