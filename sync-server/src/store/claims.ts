import { createHash } from 'node:crypto';
import type { DocStore, StoredDoc } from './types.js';

/**
 * What makes one kind of name claim (a pause type's name, a tag's, a disposition's in its team, a
 * user's e-mail). Field names and ids are those each kind first stored, so claims already in a
 * database keep reading.
 */
export interface ClaimKind {
  /** Id prefix of the claim documents (`pausetypename:`). */
  prefix: string;
  /** Their document type: server-only, never replicated. */
  type: string;
  /** The compared form of a name: two names with one key are one ("Café" and "cafe "). */
  key: (name: string) => string;
  /** The key (with its scope) hashed to a fixed-length id; false: the key itself is the id (e-mails). */
  hashed: boolean;
  /** The field naming the holder, and the one dating the claim. */
  holderField: string;
  atField: string;
  /** A younger claim always holds: its holder may be being written right now. */
  pendingMs: number;
  /** The name the holder bears now (in that scope); undefined when it is gone, renamed away or moved. */
  currentName: (holderId: string, scope: string | undefined) => Promise<string | undefined>;
  /** The refusal (409) when another holds the name. */
  duplicate: (name: string) => Error;
}

const MAX_ATTEMPTS = 20;

/**
 * One holder per name, arbitrated by the store: a name is claimed by creating its claim
 * document without a revision, so of two writers saving one name at once exactly one creates it
 * and the other meets the conflict. A claim left behind by a crash (its holder never written,
 * renamed or removed) is taken over once older than the pending window, by its revision, so of
 * two takers one wins.
 */
export class NameClaims {
  constructor(
    private readonly store: DocStore,
    private readonly kind: ClaimKind,
  ) {}

  idOf(name: string, scope?: string): string {
    const key = this.kind.key(name);
    if (!this.kind.hashed) return `${this.kind.prefix}${key}`;
    const hashed = scope === undefined ? key : `${scope}\n${key}`;
    return `${this.kind.prefix}${createHash('sha256').update(hashed).digest('base64url').slice(0, 32)}`;
  }

  /** Claims `name` (in `scope`) for `holderId`; the kind's duplicate error when another holds it. */
  async claim(name: string, holderId: string, options: { scope?: string; now?: number } = {}): Promise<void> {
    const { key, holderField, atField } = this.kind;
    const id = this.idOf(name, options.scope);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const held = await this.store.get(id, { fresh: true });
      const now = options.now ?? Date.now();
      if (held && !held._deleted) {
        const holder = String(held[holderField]);
        if (holder === holderId) return;
        const holderName = await this.kind.currentName(holder, options.scope);
        const holds = now - Number(held[atField]) < this.kind.pendingMs || (holderName !== undefined && key(holderName) === key(name));
        if (holds) throw this.kind.duplicate(holderName ?? name.trim());
      }
      const claim: StoredDoc = { _id: id, type: this.kind.type, [holderField]: holderId, [atField]: now };
      // Over a stale claim (or a released one's tombstone) by its revision, so a racer conflicts.
      if (held?._rev) claim._rev = held._rev;
      const [result] = await this.store.bulkWrite([claim]);
      if (result?.ok) return;
      if (result?.error !== 'conflict') throw new Error(`write ${id}: ${result?.reason ?? 'no result'}`);
    }
    throw new Error(`write ${id}: too much contention`);
  }

  /** Frees `name` (in `scope`) when `holderId` holds it: renamed, removed, or its write failed. */
  async release(name: string, holderId: string, scope?: string): Promise<void> {
    const held = await this.store.get(this.idOf(name, scope), { fresh: true });
    if (!held || held._deleted || held[this.kind.holderField] !== holderId) return;
    // A conflict means someone claimed it meanwhile: theirs now, nothing to free.
    await this.store.bulkWrite([{ ...held, _deleted: true }]);
  }

  /** Holders written before their kind had claims (the demo's, an import): claimed create-only, a claim already there stays. */
  async backfill(holders: ReadonlyArray<{ id: string; name: string }>, now = Date.now()): Promise<void> {
    if (holders.length === 0) return;
    const { type, holderField, atField } = this.kind;
    await this.store.bulkWrite(holders.map((h): StoredDoc => ({ _id: this.idOf(h.name), type, [holderField]: h.id, [atField]: now })));
  }
}
