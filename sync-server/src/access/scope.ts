import { createHash } from 'node:crypto';
import { COLLECTIONS, type CollectionName, type UserDoc } from '@atende/protocol';
import type { Selector, StoredDoc } from '../store/index.js';

/**
 * What a user may see (ARCHITECTURE §4): agents see conversations and messages of their teams,
 * supervisors and admins see all. A document that moved out of a team reaches that team's
 * members as a deletion so no stale copy stays in their replica.
 */
export type Visibility = 'visible' | 'tombstone' | 'hidden';

export interface Viewer {
  userId: string;
  role: UserDoc['role'];
  teamIds: ReadonlySet<string>;
}

export function viewerOf(user: UserDoc): Viewer {
  return { userId: user.id, role: user.role, teamIds: new Set(user.teamIds) };
}

const seesAllTeams = (viewer: Viewer) => viewer.role !== 'agent';
const TEAM_SCOPED = new Set(['conversation', 'message']);

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export function visibilityOf(viewer: Viewer, doc: StoredDoc): Visibility {
  const type = doc.type;
  if (TEAM_SCOPED.has(String(type))) {
    if (seesAllTeams(viewer)) return 'visible';
    if (typeof doc.teamId === 'string' && viewer.teamIds.has(doc.teamId)) return 'visible';
    return strings(doc.formerTeamIds).some((t) => viewer.teamIds.has(t)) ? 'tombstone' : 'hidden';
  }
  if (type === 'predefined' || type === 'disposition') {
    if (seesAllTeams(viewer) || doc.teamId === null) return 'visible';
    return typeof doc.teamId === 'string' && viewer.teamIds.has(doc.teamId) ? 'visible' : 'hidden';
  }
  if (type === 'contact' || type === 'team' || type === 'user') return 'visible';
  return 'hidden';
}

/** Narrows the change feed in the store; `visibilityOf` still decides every document. */
export function feedSelector(viewer: Viewer, collection: CollectionName): Selector {
  const type = COLLECTIONS[collection];
  if (seesAllTeams(viewer)) return { type };
  const teams = [...viewer.teamIds];
  if (TEAM_SCOPED.has(type)) {
    return {
      type,
      $or: [{ teamId: { $in: teams } }, { formerTeamIds: { $elemMatch: { $in: teams } } }],
    };
  }
  if (type === 'predefined' || type === 'disposition') {
    return { type, $or: [{ teamId: null }, { teamId: { $in: teams } }] };
  }
  return { type };
}

/** Changes whenever the rights change, so checkpoints taken under other rights restart. */
export function scopeKey(viewer: Viewer): string {
  const teams = seesAllTeams(viewer) ? '*' : [...viewer.teamIds].sort().join(',');
  return createHash('sha256').update(`${viewer.role}|${teams}`).digest('base64url').slice(0, 16);
}

/** Fields a former team must not learn after the conversation left it. */
export function redactForFormerTeam(doc: Record<string, unknown>): Record<string, unknown> {
  if (doc.type !== 'conversation') return doc;
  return { ...doc, lastPreview: '', finishNote: '', channelMeta: {} };
}
