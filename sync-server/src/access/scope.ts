import { createHash } from 'node:crypto';
import { COLLECTIONS, seesAllTeams, TEAM_SCOPED_TYPES as TEAM_SCOPED, type CollectionName, type Viewer } from '@atende/protocol';
import type { Selector } from '../store/index.js';

export { type Viewer, type Visibility, viewerOf, visibilityOf } from '@atende/protocol';

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
