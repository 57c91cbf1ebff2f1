import { emptyTotals, mergeTotals, summarise, type MyRatingResponse } from '@atende/protocol';
import type { DocStore } from '../store/index.js';
import { BUCKET_MS, ROLLUP_PREFIX, unpack } from './contribution.js';
import { rollupsOver } from './daySummaries.js';

/** The first rollup bucket stored: where an all-time reading starts (ids sort as their instants). */
async function firstBucket(store: DocStore): Promise<number | undefined> {
  const [first] = await store.find({
    selector: { _id: { $gt: ROLLUP_PREFIX, $lt: `${ROLLUP_PREFIX}\uffff` } },
    sort: [{ _id: 'asc' }],
    fields: ['start'],
    limit: 1,
  });
  return typeof first?.start === 'number' ? first.start : undefined;
}

/**
 * An agent's own rating (seed 002 "Nome e média das avaliações", issue 18): every rated
 * conversation they hold, of every team and all time, summed from the report rollups' agent rows
 * (day summaries for whole days, so this reads about one document per day of history). Only the
 * caller's own row is read: nobody learns another agent's figures here.
 */
export async function myRating(store: DocStore, userId: string, now = Date.now()): Promise<MyRatingResponse> {
  const start = await firstBucket(store);
  if (start === undefined) return { average: null, count: 0 };
  const totals = emptyTotals();
  for (const rollup of await rollupsOver(store, start, Math.floor(now / BUCKET_MS) * BUCKET_MS + BUCKET_MS)) {
    for (const team of Object.values(rollup.teams ?? {})) {
      const mine = team.agent?.[userId];
      if (mine) mergeTotals(totals, unpack(mine));
    }
  }
  const { ratingAvg, ratingCount } = summarise(totals);
  return { average: ratingAvg, count: ratingCount };
}
