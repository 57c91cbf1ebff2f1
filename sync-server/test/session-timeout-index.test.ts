import { afterAll, beforeAll, describe, expect, it, vi, type MockInstance } from 'vitest';
import type { ConversationDoc, TeamDoc } from '@atende/protocol';
import { sweepSessionTimeouts } from '../src/routing/sessionTimeout.js';
import { timeoutTeams } from '../src/routing/teamHours.js';
import { DelegatingStore } from '../src/store/delegate.js';
import { updateDoc, type FindQuery, type StoredDoc } from '../src/store/index.js';
import { getWire } from '../src/store/wire.js';
import { newVisitor, startTestServer, visitorSays, type TestServer } from './helpers.js';

/**
 * R-RT-01 (issue 15): the teams' timeout index and its sweep over the three shapes a team's
 * `sessionTimeout` takes — null (no timeout, as the demo seeds it), absent (teams stored before
 * the field) and set. The index once read `sessionTimeout.minutes` through the null and PouchDB
 * printed a map error for every such team; the sweep's own failures reach its caller, which logs them.
 */
let server: TestServer;
let consoleError: MockInstance<typeof console.error>;
const MINUTE = 60_000;
const mapErrors = () => consoleError.mock.calls.filter((args) => /map\/reduce|Cannot read properties of null/.test(args.map(String).join(' ')));

beforeAll(async () => {
  // The index is built when the server starts: the spy is in place before.
  consoleError = vi.spyOn(console, 'error');
  server = await startTestServer();
  const now = Date.now();
  const absent: StoredDoc = { _id: 'team:sem-campo', type: 'team', name: 'Sem campo', createdAt: now, updatedAt: now };
  const [written] = await server.store.bulkWrite([absent]);
  if (!written?.ok) throw new Error('team without sessionTimeout not written');
});
afterAll(async () => {
  consoleError.mockRestore();
  await server.close();
});

const setTimeoutOf = (teamId: string, sessionTimeout: TeamDoc['sessionTimeout']) =>
  updateDoc<StoredDoc>(server.store, teamId, (t) => t && { ...t, sessionTimeout });

describe('R-RT-01 session timeout index with null, absent and set timeouts', () => {
  it('R-RT-01 teams with sessionTimeout null or absent are no timeout teams, and indexing them raises no map error', async () => {
    expect((await getWire<TeamDoc>(server.store, 'team:suporte'))?.sessionTimeout).toBeNull();
    expect(await timeoutTeams(server.store)).toEqual([]);
    expect(await sweepSessionTimeouts(server.store, Date.now() + 10_000 * MINUTE)).toBe(0);
    expect(mapErrors()).toEqual([]);
  });

  it('R-RT-01 a set timeout next to null and absent ones is found, and its idle conversation finished', async () => {
    await setTimeoutOf('team:suporte', { minutes: 30, message: '' });
    // A team changing back to null after being indexed with a timeout leaves the index too.
    await setTimeoutOf('team:comercial', { minutes: 10, message: '' });
    await setTimeoutOf('team:comercial', null);
    expect((await timeoutTeams(server.store)).map((t) => t.id)).toEqual(['team:suporte']);
    const { conversationId } = await visitorSays(server, await newVisitor(server), 'Alguém aí?');
    const last = (await getWire<ConversationDoc>(server.store, conversationId))?.lastMessageAt ?? 0;
    expect(await sweepSessionTimeouts(server.store, last + 31 * MINUTE)).toBeGreaterThanOrEqual(1);
    expect((await getWire<ConversationDoc>(server.store, conversationId))?.status).toBe('finished');
    expect(mapErrors()).toEqual([]);
    await setTimeoutOf('team:suporte', null);
  });

  it('R-RT-01 a sweep that cannot read the store fails to its caller (which logs it) instead of answering 0', async () => {
    await setTimeoutOf('team:suporte', { minutes: 30, message: '' });
    const failing = new (class extends DelegatingStore {
      override async find(query: FindQuery): Promise<StoredDoc[]> {
        if ((query.selector as { type?: unknown }).type === 'conversation') throw new Error('store unavailable');
        return super.find(query);
      }
    })(server.store);
    await expect(sweepSessionTimeouts(failing, Date.now())).rejects.toThrow('store unavailable');
    await setTimeoutOf('team:suporte', null);
  });
});
