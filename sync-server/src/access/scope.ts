import { createHash } from 'node:crypto';
import { replicaWindowStart, seesAllTeams, type ReplicaInfo, type Viewer } from '@atende/protocol';
import { seesPersonalData } from './masking.js';

export { type Viewer, type Visibility, viewerOf, visibilityOf } from '@atende/protocol';


/**
 * The keys of the sync index (`store/syncView.ts`, `syncKeysOf`) whose ranges hold everything a
 * viewer may receive of one document type (ARCHITECTURE §4). A pull reads only these ranges, so
 * its cost follows the viewer's teams, not the organisation; `visibilityOf` still decides each
 * document (a former team's key yields tombstones).
 */
export function syncKeys(viewer: Viewer, type: string): string[] {
  // Everyone's favourites are their own, supervisors' too: their key, not the whole organisation's.
  if (type === 'favourite') return [`user:${viewer.userId}`];
  // Their one-to-one chat messages (R-WS-12) are under their own key alone, never under '*'.
  if (seesAllTeams(viewer)) return type === 'message' ? ['*', `user:${viewer.userId}`] : ['*'];
  const teams = [...viewer.teamIds].sort().map((t) => `team:${t}`);
  switch (type) {
    case 'conversation':
      return teams;
    // Their one-to-one internal chat messages (R-WS-12) are under their own key, not a team's.
    case 'message':
      return [...teams, `user:${viewer.userId}`];
    case 'predefined':
    case 'disposition':
      return ['all', ...teams];
    case 'team':
    case 'user':
    case 'tag':
      return ['all'];
    case 'contact':
    case 'note':
      return [...teams, `user:${viewer.userId}`];
    default:
      return [];
  }
}

/**
 * Changes whenever the rights (role, teams, "ver dados pessoais") or the replica window change,
 * so checkpoints taken under other ones restart from scratch, and sockets with equal keys may share one streamed frame. Not the
 * user id: it would make every agent a group of one. The per-user rights (contacts an agent
 * created, notes they wrote, their favourites, their one-to-one chat messages: `personalViewersOf`) never change for a user, so
 * they need no restart; streaming must decide such documents per user, not per group.
 */
export function scopeKey(viewer: Viewer, replicaDays: number): string {
  const teams = seesAllTeams(viewer) ? '*' : [...viewer.teamIds].sort().join(',');
  // Issue 19 (R-PRIV-04): masked text is another form of the same documents, so granting or
  // revoking "ver dados pessoais" restarts the replica. Only masked viewers' keys gain the mark:
  // those who see personal data keep the keys (and checkpoints) they had.
  const masked = seesPersonalData(viewer) ? '' : '|masked';
  return createHash('sha256').update(`${viewer.role}|${teams}|${replicaDays}${masked}`).digest('base64url').slice(0, 16);
}

export function replicaOf(viewer: Viewer, store: string, replicaDays: number): ReplicaInfo {
  return { store, scope: scopeKey(viewer, replicaDays), replicaDays };
}

/** Conversations and messages older than this (by `changedAt`) start outside a fresh replica. */
export function windowStart(type: string, replicaDays: number, now = Date.now()): number {
  return type === 'conversation' || type === 'message' ? replicaWindowStart(replicaDays, now) : 0;
}

/**
 * False for a conversation finished before the replica window: it may still change (a tag), but
 * it belongs to history, a server query on demand, not to the replica.
 */
export function inReplica(doc: { readonly [field: string]: unknown }, replicaDays: number, now = Date.now()): boolean {
  if (doc.type !== 'conversation' || doc.status !== 'finished') return true;
  return typeof doc.finishedAt !== 'number' || doc.finishedAt >= windowStart('conversation', replicaDays, now);
}

/**
 * The store's identity ("<uuid>.<epoch>", ARCHITECTURE §4) read once in a while rather than on
 * every pull or socket: it only changes when the store is replaced or reset, or a purge raised
 * its epoch (issue 19). A bump on this node calls `forget()`; another node's bump reaches this
 * cache within the drivers' own memo (store/identity.ts IDENTITY_TTL_MS, 2 s) plus this TTL:
 * at most 5 s in which a replica's pull may still be answered under the old identity.
 */
export const STORE_IDENTITY_TTL_MS = 3_000;

export class StoreIdentity {
  private cached: { value: Promise<string>; at: number } | undefined;

  constructor(
    private readonly store: { identity(): Promise<string> },
    private readonly ttlMs = STORE_IDENTITY_TTL_MS,
  ) {}

  get(now = Date.now()): Promise<string> {
    if (!this.cached || now - this.cached.at > this.ttlMs) {
      const value = this.store.identity();
      this.cached = { value, at: now };
      // A failed read must not be remembered.
      value.catch(() => {
        if (this.cached?.value === value) this.cached = undefined;
      });
    }
    return this.cached.value;
  }

  /** The next `get` reads the store again (the identity's epoch was just raised, issue 19). */
  forget(): void {
    this.cached = undefined;
  }

  /** The identity as another node announced it after raising the epoch (bus `store.identity`). */
  learn(identity: string, now = Date.now()): void {
    this.cached = { value: Promise.resolve(identity), at: now };
  }
}
