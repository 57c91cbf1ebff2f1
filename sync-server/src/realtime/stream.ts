import {
  COLLECTION_NAMES, collectionOfType, personalViewersOf, tombstoneOf, visibilityOf,
  SLOW_READER_CLOSE, type CollectionName, type ReplicaInfo, type SyncCheckpoint, type Viewer, type Visibility,
} from '@atende/protocol';
import type { WebSocket } from 'ws';
import { maskedDoc, seesPersonalData } from '../access/masking.js';
import { hasRating, seesRatingOf, withRatingFor } from '../access/ratings.js';
import { inReplica, replicaOf, scopeKey } from '../access/scope.js';
import type { ChangeRow, StoredDoc } from '../store/index.js';
import { toWire } from '../store/wire.js';
import { socketCounts } from './socket.js';

/**
 * The server clock at commit (`changedAt`, stamped by the store). A document written without it
 * (replicated in with its revisions) is not in the sync index either; its `updatedAt`, else the
 * moment it reached this node, keeps the checkpoint moving and the pull's overlap covers the skew.
 */
function changeStampOf(doc: StoredDoc): number {
  if (typeof doc.changedAt === 'number') return doc.changedAt;
  return typeof doc.updatedAt === 'number' ? doc.updatedAt : Date.now();
}

/** The wait before the next flush is at least this many times the last flush's duration. */
const FLUSH_STRETCH = 2;
const HINT_DEBOUNCE_MS = 1_000;

export interface StreamOptions {
  /**
   * Changes collect at least this long before one frame per group and collection goes out. A
   * flush that took long (many sockets, many frames) stretches the next wait to a few times its
   * own duration, up to `maxFlushMs`: under load frames carry more documents each, so the
   * per-socket sends (one syscall each) grow slower than the write rate.
   */
  flushMs: number;
  maxFlushMs: number;
  /** Outbound bytes a socket may have waiting; past it the socket is closed with 4008. */
  maxBufferedBytes: number;
  /** A burst is split into frames of at most this many documents (in checkpoint order). */
  maxDocsPerFrame: number;
  replicaDays: number;
  /** The store identity, as checkpoints carry it. */
  store: () => string;
  log: (message: string) => void;
  /**
   * Told, per change handed to at least one socket, how long after its commit (`changedAt`) it
   * went out (the replication lag metric). Changes without a commit stamp are not told.
   */
  onStreamed?: (ageMs: number) => void;
}

/** A socket taking part in the stream; its group follows its viewer's scope. */
export interface StreamMember {
  readonly ws: WebSocket;
  viewer: Viewer;
  group?: ScopeGroup;
  /** Documents only this user may see (`personalViewersOf`), merged into the group's frame. */
  own?: Map<CollectionName, Batch>;
}

interface Batch {
  docs: Map<string, { t: number; doc: Record<string, unknown> }>;
}

interface ScopeGroup {
  scope: string;
  /** The rights every member shares; no user of its own, so per-user rights never leak to the group. */
  viewer: Viewer;
  members: Set<StreamMember>;
  pending: Map<CollectionName, Batch>;
}

/**
 * The socket under a ws WebSocket, to cork it for the frames of one flush. ws keeps it private
 * (`_socket`) and has no cork of its own; without it the frames still go out, one write each.
 */
function corkable(ws: WebSocket): { cork(): void; uncork(): void } | undefined {
  const socket = (ws as unknown as { _socket?: { cork?: unknown; uncork?: unknown } })._socket;
  return typeof socket?.cork === 'function' && typeof socket.uncork === 'function'
    ? (socket as { cork(): void; uncork(): void })
    : undefined;
}

const before = (a: { t: number; id: string }, b: { t: number; id: string }) => a.t - b.t || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function add(batches: Map<CollectionName, Batch>, collection: CollectionName, id: string, t: number, doc: Record<string, unknown>): void {
  let batch = batches.get(collection);
  if (!batch) batches.set(collection, (batch = { docs: new Map() }));
  // A document changed twice within one flush goes out once, in its latest form.
  batch.docs.delete(id);
  batch.docs.set(id, { t, doc });
}

/**
 * Live changes to the agents' sockets (issue 8 C, ARCHITECTURE §4, §6): sockets are grouped by
 * scope (role + teams + replica window + whether they see personal data, issue 19); for each
 * change row every group's visibility and the document's wire form are computed once, and every flush serialises one `sync.docs` frame per
 * group and collection that all the group's sockets share. The cost of a change follows the
 * number of groups, not of sockets, and no socket ever pulls because of it.
 */
export class ChangeStream {
  private readonly groups = new Map<string, ScopeGroup>();
  private readonly byUser = new Map<string, Set<StreamMember>>();
  private readonly dirty = new Set<ScopeGroup>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private nextFlushMs: number;
  private hintTimer: ReturnType<typeof setTimeout> | undefined;
  /** Commit stamps of the changes waiting for the next flush (only when someone listens). */
  private unsent: number[] = [];

  constructor(private readonly options: StreamOptions) {
    this.nextFlushMs = options.flushMs;
  }

  replicaOf(viewer: Viewer): ReplicaInfo {
    return replicaOf(viewer, this.options.store(), this.options.replicaDays);
  }

  join(member: StreamMember): void {
    const scope = scopeKey(member.viewer, this.options.replicaDays);
    let group = this.groups.get(scope);
    if (!group) {
      // Equal scopes see personal data alike (scopeKey), so the first member's right is the group's.
      const viewer: Viewer = {
        userId: '', role: member.viewer.role, teamIds: member.viewer.teamIds, personalData: seesPersonalData(member.viewer),
      };
      group = { scope, viewer, members: new Set(), pending: new Map() };
      this.groups.set(scope, group);
    }
    group.members.add(member);
    member.group = group;
    const mine = this.byUser.get(member.viewer.userId) ?? new Set();
    this.byUser.set(member.viewer.userId, mine.add(member));
  }

  leave(member: StreamMember): void {
    const group = member.group;
    member.group = undefined;
    member.own = undefined;
    const mine = this.byUser.get(member.viewer.userId);
    mine?.delete(member);
    if (mine?.size === 0) this.byUser.delete(member.viewer.userId);
    if (!group) return;
    group.members.delete(member);
    if (group.members.size === 0) {
      this.groups.delete(group.scope);
      this.dirty.delete(group);
    }
  }

  /**
   * The member's rights changed: what its old group has pending goes out first (it was written
   * while the old rights held), then it takes its place in the group of its new scope.
   */
  move(member: StreamMember, viewer: Viewer): void {
    if (member.group) this.flushGroup(member.group);
    this.leave(member);
    member.viewer = viewer;
    this.join(member);
  }

  changed(row: ChangeRow): void {
    const doc = row.doc;
    const collection = collectionOfType(String(doc.type));
    if (!collection || row.deleted) return; // a hard delete has no type left: nothing to route
    const t = changeStampOf(doc);
    // The same forms a pull serves (sync/pull.ts wireFor): a removed document or one that left the
    // viewer's teams as a content-free tombstone; a conversation finished before the replica window
    // belongs to history, not to replicas.
    const replicated = inReplica(doc, this.options.replicaDays);
    let wire: Record<string, unknown> | undefined;
    let tombstone: Record<string, unknown> | undefined;
    /** The visible forms built so far, by what they withhold: each is built once per change. */
    const forms = new Map<string, Record<string, unknown>>();
    const formOf = (viewer: Viewer, visibility: 'visible' | 'tombstone') => {
      if (visibility === 'tombstone') return (tombstone ??= tombstoneOf(toWire<Record<string, unknown>>(doc)));
      const full = (wire ??= { ...toWire<Record<string, unknown>>(doc), _deleted: false });
      // A conversation's rating: supervisors' groups and its own agent only (issue 18, access/ratings.ts);
      // personal data in message text: masked for groups without "ver dados pessoais" (issue 19, access/masking.ts).
      const rated = seesRatingOf(viewer, doc);
      const unmasked = seesPersonalData(viewer);
      const key = `${rated}|${unmasked}`;
      let form = forms.get(key);
      if (!form) {
        const shown = rated ? full : withRatingFor(viewer, full);
        form = unmasked ? shown : maskedDoc(shown);
        forms.set(key, form);
      }
      return form;
    };
    const wanted = (visibility: Visibility): visibility is 'visible' | 'tombstone' =>
      visibility === 'tombstone' || (visibility === 'visible' && replicated);
    for (const group of this.groups.values()) {
      const visibility = visibilityOf(group.viewer, doc);
      if (!wanted(visibility)) continue;
      add(group.pending, collection, row.id, t, formOf(group.viewer, visibility));
      this.dirty.add(group);
    }
    // The rating an agents' group does not get goes to the conversation's own agent, over their group's form.
    const rater = hasRating(doc) && typeof doc.agentId === 'string' ? doc.agentId : undefined;
    for (const member of rater ? this.byUser.get(rater) ?? [] : []) {
      const group = member.group;
      if (!group || seesRatingOf(group.viewer, doc) || !replicated || visibilityOf(member.viewer, doc) !== 'visible') continue;
      add((member.own ??= new Map()), collection, row.id, t, formOf(member.viewer, 'visible'));
      this.dirty.add(group);
    }
    // Rights of one user (a contact they created, a note they wrote, their favourite, a one-to-one
    // chat message they sent or received): only their sockets, where their group had none.
    const owners = personalViewersOf(doc).flatMap((user) => [...(this.byUser.get(user) ?? [])]);
    for (const member of owners) {
      const group = member.group;
      if (!group || visibilityOf(group.viewer, doc) !== 'hidden') continue;
      const visibility = visibilityOf(member.viewer, doc);
      if (!wanted(visibility)) continue;
      add((member.own ??= new Map()), collection, row.id, t, formOf(member.viewer, visibility));
      this.dirty.add(group);
    }
    // A form was built only for a group or owner that gets the change.
    const routed = wire !== undefined || tombstone !== undefined;
    if (routed && this.options.onStreamed && typeof doc.changedAt === 'number') this.unsent.push(doc.changedAt);
    this.timer ??= setTimeout(() => this.flush(), this.nextFlushMs);
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const started = performance.now();
    for (const group of [...this.dirty]) this.flushGroup(group);
    if (this.unsent.length > 0) {
      const now = Date.now();
      for (const stamp of this.unsent) this.options.onStreamed?.(now - stamp);
      this.unsent = [];
    }
    const took = performance.now() - started;
    this.nextFlushMs = Math.min(this.options.maxFlushMs, Math.max(this.options.flushMs, FLUSH_STRETCH * took));
  }

  private flushGroup(group: ScopeGroup): void {
    this.dirty.delete(group);
    const shared = [...group.pending].map(([collection, batch]) => [collection, this.frames(collection, batch, group.scope)] as const);
    for (const member of group.members) {
      const own = member.own;
      // All frames of one flush leave in one write per socket, not one per frame.
      const socket = corkable(member.ws);
      socket?.cork();
      for (const [collection, texts] of shared) {
        if (own?.has(collection)) continue; // gets the merged frame below
        for (const text of texts) this.send(member, text);
      }
      for (const [collection, mine] of own ?? []) {
        const merged: Batch = { docs: new Map(group.pending.get(collection)?.docs) };
        // A form of this user's own is dropped when the group's is newer (the change after it is not theirs alone).
        for (const [id, entry] of mine.docs) if ((merged.docs.get(id)?.t ?? -Infinity) <= entry.t) merged.docs.set(id, entry);
        for (const text of this.frames(collection, merged, group.scope)) this.send(member, text);
      }
      socket?.uncork();
      member.own = undefined;
    }
    group.pending.clear();
  }

  /**
   * Serialised once, sent to every socket of the group. Documents go out in (t, id) order, each
   * frame's checkpoint is its last document: a socket cut between two frames resumes its pull
   * after what it received, never after what it did not.
   */
  private frames(collection: CollectionName, batch: Batch, scope: string): Buffer[] {
    const rows = [...batch.docs].map(([id, { t, doc }]) => ({ id, t, doc })).sort(before);
    const texts: Buffer[] = [];
    const store = this.options.store();
    for (let from = 0; from < rows.length; from += this.options.maxDocsPerFrame) {
      const slice = rows.slice(from, from + this.options.maxDocsPerFrame);
      const last = slice[slice.length - 1];
      if (!last) break;
      const checkpoint: SyncCheckpoint = { store, scope, t: last.t, id: last.id, tail: true };
      // Encoded once: ws would otherwise encode the string again for every socket.
      texts.push(Buffer.from(JSON.stringify({ type: 'sync.docs', collection, documents: slice.map((r) => r.doc), checkpoint })));
    }
    return texts;
  }

  /**
   * Bounded per socket: a reader this far behind is closed, not buffered for. Nothing after the
   * frame it missed reaches it, so its reconnect pulls from its last checkpoint without a gap.
   */
  private send(member: StreamMember, text: Buffer): void {
    const ws = member.ws;
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount + text.length > this.options.maxBufferedBytes) {
      socketCounts.closedSlow += 1;
      this.options.log(`stream: socket of ${member.viewer.userId} closed, ${ws.bufferedAmount} bytes behind`);
      ws.close(SLOW_READER_CLOSE, 'too slow');
      return;
    }
    ws.send(text, { binary: false, compress: false, fin: true });
  }

  /**
   * Rows may have been missed (the feed failed): every socket pulls from its checkpoint. The only
   * use left of `sync.changed`; at most one per HINT_DEBOUNCE_MS however often the feed fails.
   */
  hintCatchUp(): void {
    this.hintTimer ??= setTimeout(() => {
      this.hintTimer = undefined;
      this.flush();
      const hint = JSON.stringify({ type: 'sync.changed', collections: COLLECTION_NAMES });
      for (const group of this.groups.values()) for (const member of group.members) this.send(member, Buffer.from(hint));
    }, HINT_DEBOUNCE_MS);
  }

  /** How many scope groups the sockets form now (operators and tests read it). */
  get groupCount(): number {
    return this.groups.size;
  }

  stop(): void {
    clearTimeout(this.hintTimer);
    this.hintTimer = undefined;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.dirty.clear();
    this.unsent = [];
  }
}
