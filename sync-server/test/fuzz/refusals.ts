import { expect } from 'vitest';
import { isRefusal, writtenSince, type Sent, type World } from './world.js';

/** A wrong current password is counted toward the lockout before it is refused (R-AUTH-03): the one write a refusal may make. */
const COUNTED_ATTEMPT = /^login-attempts:/;

/** The answer is a refusal and the store is as it was at `since` (counted login attempts aside when allowed). */
export async function expectRefusedUnchanged(
  world: World,
  sent: Sent,
  since: string,
  options: { status?: number[]; attempts?: boolean } = {},
): Promise<void> {
  if (options.status) expect(options.status, sent.label).toContain(sent.status);
  expect(isRefusal(sent), sent.label).toBe(true);
  // Writes a refused request queued for later (jobs) count too.
  await world.server.jobs.idle();
  const written = (await writtenSince(world, since)).filter((row) => !(options.attempts && COUNTED_ATTEMPT.test(row.id)));
  expect(written.map((row) => row.id), sent.label).toEqual([]);
}
