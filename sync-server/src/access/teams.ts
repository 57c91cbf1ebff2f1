import { isLiveTeam, type TeamDoc } from '@atende/protocol';
import type { DocStore } from '../store/index.js';
import { toWire } from '../store/wire.js';

/** Teams read at most (an organisation has tens). */
const TEAMS_LIMIT = 1000;

/**
 * The team of that id when it takes new work (exists, not archived: `isLiveTeam`); undefined
 * otherwise, ids of other types included. `fresh` reads past the cache, for checks before a write.
 */
export async function liveTeam(store: DocStore, teamId: string, options: { fresh?: boolean } = {}): Promise<TeamDoc | undefined> {
  if (!teamId.startsWith('team:')) return undefined;
  const stored = await store.get(teamId, options.fresh ? { fresh: true } : undefined);
  return isLiveTeam(stored) ? toWire<TeamDoc>(stored) : undefined;
}

/** Every team that takes new work, in no particular order (screens sort by name). */
export async function liveTeams(store: DocStore): Promise<TeamDoc[]> {
  const found = await store.find({ selector: { type: 'team' }, limit: TEAMS_LIMIT });
  return found.filter((t) => isLiveTeam(t)).map((t) => toWire<TeamDoc>(t));
}
