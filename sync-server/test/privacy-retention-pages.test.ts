import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_REMOVALS, retentionCutoff, type NoteDoc, type RemovedCounts, type RetentionRun } from '@atende/protocol';
import { MediaService } from '../src/media/service.js';
import type { PrivacyContext } from '../src/privacy/context.js';
import { runRetention, type RemoveRecords } from '../src/privacy/retention.js';
import { RETENTION_PAGE } from '../src/privacy/retentionQueries.js';
import { toStored } from '../src/store/wire.js';
import { conversation } from './reportsSeed.js';
import { call, login, startTestServer, type TestServer } from './helpers.js';

/**
 * R-PRIV-01: a team with more old conversations than one page of the retention's view (many
 * finished at the very same instant) — every one old enough is chosen once, held ones in between
 * are skipped, none newer is; notes are paged the same way. The removal is recorded here instead
 * of purging (the purge itself is proven in privacy-retention.test.ts). A run that fails midway is
 * recorded `failed` with what it had removed, and audited.
 */
let server: TestServer;
let admin: string;

const MONTHS = 3;
const OLD = retentionCutoff(MONTHS, Date.now()) - 60_000;
const OLD_COUNT = RETENTION_PAGE * 2 + 17;

function node(): PrivacyContext {
  return {
    store: server.store, auth: server.auth, jobs: server.jobs, media: new MediaService(server.store), bus: server.bus,
    privacyDir: server.config.privacyDir, identityChanged: () => {}, log: () => {}, now: Date.now,
  };
}
const request = { trigger: 'admin' as const, actor: null, origin: null };
const counts = (fields: Partial<RemovedCounts>): RemovedCounts => ({ ...NO_REMOVALS, ...fields });

beforeAll(async () => {
  server = await startTestServer();
  admin = (await login(server, 'admin@demo.local')).accessToken;
  const key = (n: number) => `pg${String(n).padStart(4, '0')}`;
  const docs = Array.from({ length: OLD_COUNT }, (_, n) => conversation(key(n), {
    // Three instants only: pages end in the middle of a run of equal finishedAt.
    createdAt: OLD - 86_400_000, contactId: 'contact:pg-maria', status: 'finished', finishedAt: OLD - (n % 3), legalHold: n % 50 === 7,
  }));
  docs.push(conversation('pg-newer', { createdAt: OLD, contactId: 'contact:pg-maria', status: 'finished', finishedAt: OLD + 120_000 }));
  const notes: NoteDoc[] = Array.from({ length: RETENTION_PAGE + 5 }, (_, n) => ({
    id: `note:pg${n}`, type: 'note', contactId: `contact:pg-alone${n}`, authorId: 'user:ana', authorName: 'Ana Souza', text: 'antiga',
    teamIds: [], createdAt: OLD - n, updatedAt: OLD - n,
  }));
  const written = await server.store.bulkWrite([...docs, ...notes].map((d) => toStored(d)));
  expect(written.every((w) => w.ok)).toBe(true);
  expect((await call(server, 'PATCH', '/api/admin/teams/team:suporte', { token: admin, body: { retention: { months: MONTHS } } })).status).toBe(200);
});
afterAll(async () => {
  await server?.close();
});

describe('R-PRIV-01 a retention run pages through its candidates', () => {
  it('R-PRIV-01 every old conversation across several pages (ties at one instant) is chosen once; held and newer ones are not; old notes too', async () => {
    const chosen: string[] = [];
    const notes: string[] = [];
    const remove: RemoveRecords = async (_ctx, ids) => {
      chosen.push(...ids.conversationIds);
      notes.push(...ids.noteIds);
      return counts({ conversations: ids.conversationIds.length, notes: ids.noteIds.length });
    };
    const run = await runRetention(node(), remove, request);
    const held = Array.from({ length: OLD_COUNT }, (_, n) => n).filter((n) => n % 50 === 7).length;
    expect(new Set(chosen).size).toBe(chosen.length);
    expect(chosen.length).toBe(OLD_COUNT - held);
    expect(chosen.every((id) => id.startsWith('conversation:pg0'))).toBe(true);
    expect(chosen).not.toContain('conversation:pg-newer');
    expect(chosen).not.toContain('conversation:pg0007');
    expect(run.held).toBe(held);
    expect(new Set(notes)).toEqual(new Set(Array.from({ length: RETENTION_PAGE + 5 }, (_, n) => `note:pg${n}`)));
  });

  it('R-PRIV-01 a run failing midway is recorded failed with its message and what it had removed, audited, and frees the next run', async () => {
    let calls = 0;
    const failing: RemoveRecords = async (_ctx, ids) => {
      calls++;
      if (ids.noteIds.length > 0) throw new Error('store unavailable');
      return counts({ conversations: ids.conversationIds.length });
    };
    await expect(runRetention(node(), failing, request)).rejects.toThrow('store unavailable');
    expect(calls).toBeGreaterThan(1);
    const runs = (await call<{ runs: RetentionRun[] }>(server, 'GET', '/api/privacy/retention/runs', { token: admin })).body.runs;
    expect(runs[0]).toMatchObject({ status: 'failed', error: 'store unavailable' });
    expect(runs[0]?.removed.conversations).toBeGreaterThan(0);
    expect(runs[0]?.finishedAt).toEqual(expect.any(Number));
    const audited = await server.store.find({ selector: { type: 'audit', action: 'retention_run', subjectId: runs[0]?.id }, limit: 5 });
    expect(audited).toHaveLength(1);
    expect(String(audited[0]?.detail)).toMatch(/^failed; conversations=/);
    const next = await runRetention(node(), async () => counts({}), request);
    expect(next.status).toBe('done');
  });
});
