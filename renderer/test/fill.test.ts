import { describe, expect, it } from 'vitest';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import type { CollectionName, PullResponse, SyncCheckpoint } from '@atende/protocol';
import { openDatabase } from '../src/db/database';
import { fillEmpty } from '../src/db/fill';

const team = (n: number) => ({ id: `team:t${n}`, type: 'team', name: `Time ${n}`, dispositionRequired: false, createdAt: 1, updatedAt: 1 });
const at = (t: number, id: string, tail: boolean): SyncCheckpoint => ({ store: 's.1', scope: 'x', t, id, tail, phase: '' });

describe('issue 8 point 6: the first fill of an empty collection', () => {
  it('R-NET-05 stops at a short page even when its checkpoint is not at the live end (an old position goes on exactly)', async () => {
    const db = await openDatabase('user:fill-test', { storage: getRxStorageMemory(), multiInstance: false });
    try {
      const requests: Array<number> = [];
      const pages: PullResponse[] = [
        { documents: [team(1), team(2)], checkpoint: at(10, 'team:t2', false) },
        { documents: [team(3)], checkpoint: at(20, 'team:t3', false) },
      ];
      const fetchPage = async (_name: CollectionName, _checkpoint: SyncCheckpoint | undefined, limit: number) => {
        requests.push(limit);
        return pages.shift() ?? { documents: [], checkpoint: at(20, 'team:t3', false) };
      };
      const checkpoint = await fillEmpty(db.collections.teams as never, 'teams', fetchPage, {
        firstPage: 2, largePage: 5, onPage: () => undefined, cancelled: () => false,
      });
      expect(requests).toEqual([2, 5]);
      expect(checkpoint).toMatchObject({ id: 'team:t3', tail: false });
      expect((await db.collections.teams.find().exec()).map((d) => d.primary).sort()).toEqual(['team:t1', 'team:t2', 'team:t3']);
    } finally {
      await db.remove();
    }
  });
});
