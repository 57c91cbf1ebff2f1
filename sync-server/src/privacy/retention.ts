import {
  heldByLaw, NO_REMOVALS, retentionCutoff, type RemovedCounts, type RetentionRun, type TeamDoc,
} from '@atende/protocol';
import { recordAudit, type AuditOrigin } from '../audit/log.js';
import type { StoredDoc } from '../store/index.js';
import { toWire } from '../store/wire.js';
import type { RecordIds } from './collect.js';
import type { PrivacyContext } from './context.js';
import { removeRecords } from './erasure.js';
import { finishedBefore, hasConversation, notesBefore } from './retentionQueries.js';
import { keepLock, releaseLock, retentionBusy, runId, settleRun, startRun, takeLock } from './retentionRuns.js';

/**
 * Retention (issue 19 point 1, R-PRIV-01): for every team with a limit, its finished conversations
 * that finished before `retentionCutoff(months, now)` go for good with their messages and media,
 * unless a legal hold keeps them (on the conversation or on its contact). Removal is erasure's
 * primitive (`removeRecords`, erasure.ts): it purges from the store, keeps each conversation's
 * anonymised report fact, and bumps the replicas' epoch so every desk drops its copies.
 */
export type RemoveRecords = (ctx: PrivacyContext, ids: RecordIds, reason: 'retention') => Promise<RemovedCounts>;

/** The removal of every run but tests': erasure's own. */
export const erasureRemoval: RemoveRecords = removeRecords;

/** Conversations handed to one removeRecords call at most: a big backlog is removed in a few calls, not one huge one. */
export const REMOVE_BATCH = 2000;

export interface RunRequest {
  trigger: 'schedule' | 'admin';
  /** The admin who asked (null: the schedule, the system). */
  actor: { id: string; name: string } | null;
  origin: AuditOrigin | null;
}

/** The teams with a retention limit, archived ones included: their history ages like any other. */
async function teamsWithRetention(ctx: PrivacyContext): Promise<TeamDoc[]> {
  const docs = await ctx.store.find({ selector: { type: 'team' }, limit: 10_000 });
  return docs.filter((d) => !d._deleted).map((d) => toWire<TeamDoc>(d)).filter((team) => (team.retention?.months ?? 0) > 0);
}

export async function anyRetention(ctx: PrivacyContext): Promise<boolean> {
  return (await teamsWithRetention(ctx)).length > 0;
}

export function addCounts(a: RemovedCounts, b: RemovedCounts): RemovedCounts {
  return {
    contacts: a.contacts + b.contacts, conversations: a.conversations + b.conversations, messages: a.messages + b.messages,
    notes: a.notes + b.notes, media: a.media + b.media, other: a.other + b.other,
  };
}

/** A run's contacts, read once each (legal holds; several conversations often share one). */
class Contacts {
  private readonly read = new Map<string, Promise<StoredDoc | undefined>>();
  constructor(private readonly ctx: PrivacyContext) {}
  get(id: unknown): Promise<StoredDoc | undefined> {
    if (typeof id !== 'string') return Promise.resolve(undefined);
    let doc = this.read.get(id);
    if (!doc) this.read.set(id, (doc = this.ctx.store.get(id, { fresh: true }).then((d) => (d && !d._deleted ? d : undefined))));
    return doc;
  }
}

/** One team's old conversations: the ids to remove and how many a legal hold keeps. */
async function oldConversations(ctx: PrivacyContext, contacts: Contacts, teamId: string, cutoff: number) {
  const ids: string[] = [];
  let held = 0;
  for await (const page of finishedBefore(ctx.store, teamId, cutoff)) {
    for (const conversation of page) {
      // The view may lag a write: check again what was asked.
      if (conversation._deleted || conversation.status !== 'finished' || conversation.teamId !== teamId) continue;
      if (!(typeof conversation.finishedAt === 'number' && conversation.finishedAt < cutoff)) continue;
      const contact = await contacts.get(conversation.contactId);
      if (heldByLaw({ legalHold: conversation.legalHold === true }, { legalHold: contact?.legalHold === true })) held++;
      else ids.push(conversation._id);
    }
  }
  return { ids, held };
}

/**
 * Notes belong to contacts, not to a team, so no team's limit is theirs alone. A note goes when it
 * was last written before the most lenient cutoff of all (the longest limit: no team's policy
 * removes it sooner than it asks) AND its contact has no conversation left in any team — a note
 * beside a kept conversation is that conversation's context, and a team without retention keeps
 * its conversations' context too. Contacts themselves stay (a contact is not a conversation;
 * removing a person is erasure's), and a legal hold on the contact keeps its notes.
 */
async function oldNotes(ctx: PrivacyContext, contacts: Contacts, cutoff: number): Promise<string[]> {
  const ids: string[] = [];
  const keeps = new Map<string, boolean>();
  for await (const page of notesBefore(ctx.store, cutoff)) {
    for (const note of page) {
      const contactId = note.contactId;
      if (note._deleted || typeof contactId !== 'string') continue;
      let keep = keeps.get(contactId);
      if (keep === undefined) {
        const contact = await contacts.get(contactId);
        keep = contact?.legalHold === true || (await hasConversation(ctx.store, contactId));
        keeps.set(contactId, keep);
      }
      if (!keep) ids.push(note._id);
    }
  }
  return ids;
}

const describe = (run: RetentionRun): string => {
  const r = run.removed;
  return `conversations=${r.conversations} messages=${r.messages} notes=${r.notes} media=${r.media} other=${r.other} held=${run.held}`;
};

/**
 * The run itself, between the lock and the record. It fills `run` as it goes, so a run that fails
 * midway is recorded with what it had already removed.
 */
async function work(ctx: PrivacyContext, remove: RemoveRecords, run: RetentionRun, now: number): Promise<void> {
  const contacts = new Contacts(ctx);
  const teams = await teamsWithRetention(ctx);
  for (const team of teams) {
    const months = team.retention?.months ?? 0;
    const cutoff = retentionCutoff(months, now);
    const old = await oldConversations(ctx, contacts, team.id, cutoff);
    run.held += old.held;
    const entry = { teamId: team.id, months, cutoff, removed: { ...NO_REMOVALS } };
    run.teams.push(entry);
    for (let i = 0; i < old.ids.length; i += REMOVE_BATCH) {
      await keepLock(ctx.store, ctx.now(), run.id);
      const counts = await remove(ctx, { contactIds: [], conversationIds: old.ids.slice(i, i + REMOVE_BATCH), noteIds: [] }, 'retention');
      entry.removed = addCounts(entry.removed, counts);
      run.removed = addCounts(run.removed, counts);
    }
  }
  if (teams.length === 0) return;
  const lenient = Math.min(...run.teams.map((t) => t.cutoff));
  await keepLock(ctx.store, ctx.now(), run.id);
  // Read after the conversations went: a contact whose last conversation this run removed counts as having none.
  const noteIds = await oldNotes(ctx, new Contacts(ctx), lenient);
  if (noteIds.length > 0) run.removed = addCounts(run.removed, await remove(ctx, { contactIds: [], conversationIds: [], noteIds }, 'retention'));
}

/**
 * Runs the retention once: 409 while another run (on any node) holds the lock. Recorded as a
 * `retentionrun:` document and an audit entry `retention_run` with the counts; a failure settles
 * the record `failed` with its message and what it removed before (audited too) and is thrown on.
 * A refused run writes nothing.
 */
export async function runRetention(ctx: PrivacyContext, remove: RemoveRecords, request: RunRequest): Promise<RetentionRun> {
  const startedAt = ctx.now();
  const id = runId(startedAt);
  if (!(await takeLock(ctx.store, startedAt, id))) throw retentionBusy();
  let run: RetentionRun | undefined;
  try {
    run = await startRun(ctx.store, id, startedAt, request.trigger);
    await work(ctx, remove, run, startedAt);
    run = await settleRun(ctx.store, { ...run, status: 'done', finishedAt: ctx.now(), error: null });
    await recordAudit(ctx.store, { action: 'retention_run', actor: request.actor, subjectId: run.id, origin: request.origin, detail: describe(run), at: ctx.now() });
    ctx.log(`retention: run ${run.id} removed ${describe(run)}`);
    return run;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    ctx.log(`retention: run ${id} failed: ${message}`);
    if (run) {
      run = await settleRun(ctx.store, { ...run, status: 'failed', finishedAt: ctx.now(), error: message.slice(0, 500) });
      // What it removed before failing is gone all the same: the audit says so.
      await recordAudit(ctx.store, { action: 'retention_run', actor: request.actor, subjectId: run.id, origin: request.origin, detail: `failed; ${describe(run)}`, at: ctx.now() });
    }
    throw error;
  } finally {
    await releaseLock(ctx.store, id);
  }
}
