import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../src/store/embedded.js';
import { backfillChangeStamps } from '../src/sync/stampBackfill.js';
import { call, login, startTestServer } from './helpers.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('R-NET-05 documents from before change stamps still replicate', () => {
  it('stamps every unstamped replicated document once, and leaves other types alone', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'atende-stamps-'));
    dirs.push(dir);
    const raw = new EmbeddedStore(dir);
    await raw.bulkWrite([
      { _id: 'team:old', type: 'team', name: 'Antigo', dispositionRequired: false, createdAt: 1, updatedAt: 1 },
      { _id: 'job:x.y', type: 'job', state: 'done' },
    ]);
    expect(await backfillChangeStamps(raw)).toEqual({ ran: true, stamped: 1 });
    // Its own last change, not now: old history stays outside the replica window.
    expect((await raw.get('team:old'))?.changedAt).toBe(1);
    expect((await raw.get('job:x.y'))?.changedAt).toBeUndefined();
    expect(await backfillChangeStamps(raw)).toEqual({ ran: false, stamped: 0 });
    await raw.close();
  });

  it('a store folder loaded before the server started replicates: recent and open conversations in, old finished history out', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'atende-stamps-'));
    dirs.push(dir);
    const raw = new EmbeddedStore(dir);
    const now = Date.now();
    const old = now - 90 * 24 * 3600_000;
    const legacy = (id: string, at: number, status: string) => ({
      _id: id, type: 'conversation', createdAt: at, updatedAt: at, contactId: 'contact:maria', channel: 'webchat',
      channelAccountId: 'channel:demo-site', teamId: 'team:suporte', formerTeamIds: [], status, agentId: null,
      invitedAgentIds: [], protocol: '2', startedBy: 'customer', waitingSince: at, takenAt: null, finishedAt: status === 'finished' ? at : null,
      finishedBy: null, lastInboundAt: at, lastMessageAt: at, lastPreview: 'antiga', disposition: null, finishNote: '', tags: [],
      transfers: [], ticketLinks: [], channelMeta: {},
    });
    // 90 days old: the waiting one is still work at hand (open phase), the finished one is history.
    await raw.bulkWrite([legacy('conversation:old-waiting', old, 'waiting'), legacy('conversation:old-finished', old, 'finished')]);
    await raw.bulkWrite([{
      _id: 'conversation:legacy', type: 'conversation', createdAt: now, updatedAt: now, contactId: 'contact:maria', channel: 'webchat',
      channelAccountId: 'channel:demo-site', teamId: 'team:suporte', formerTeamIds: [], status: 'waiting', agentId: null,
      invitedAgentIds: [], protocol: '1', startedBy: 'customer', waitingSince: now, takenAt: null, finishedAt: null, finishedBy: null,
      lastInboundAt: now, lastMessageAt: now, lastPreview: 'de antes', disposition: null, finishNote: '', tags: [], transfers: [],
      ticketLinks: [], channelMeta: {},
    }]);
    await raw.close();
    const server = await startTestServer({ ATENDE_DATA_DIR: dir });
    try {
      const token = (await login(server, 'ana@demo.local')).accessToken;
      const page = await call<{ documents: Array<{ id: string }> }>(server, 'GET', '/api/sync/conversations/pull?limit=100', { token });
      const ids = page.body.documents.map((d) => d.id);
      expect(ids).toContain('conversation:legacy');
      expect(ids).toContain('conversation:old-waiting');
      expect(ids).not.toContain('conversation:old-finished');
    } finally {
      await server.close();
    }
  });
});
