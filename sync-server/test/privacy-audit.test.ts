import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTION_NAMES, type AuditAction, type AuditEntry } from '@atende/protocol';
import { recordAudit } from '../src/audit/log.js';
import { recordAuditOnce } from '../src/audit/once.js';
import { call, FrameClient, login, newVisitor, pullAll, startTestServer, visitorSays, type TestServer } from './helpers.js';

/**
 * The access audit's list, CSV and append-only guarantees (issue 19 point 8, R-PRIV-05) on a real
 * server over the embedded store. Entries are seeded through the server's own `recordAudit` at
 * known instants (2025, before anything the demo writes), so pages and filters have one answer.
 */
let server: TestServer;
let admin: string;
let carla: string;
let ana: string;

type Page = { entries: AuditEntry[]; next: string | null };
const BASE = Date.UTC(2025, 2, 10, 12, 0, 0);
const MINUTE = 60_000;
const ACTIONS: AuditAction[] = ['export', 'export_download', 'erase', 'unmask', 'legal_hold', 'retention_run'];
/** 24 entries, one a minute, actions in turn, two actors (and the system for retention runs). */
const seeded: AuditEntry[] = [];
const seededIn = (filter: (e: AuditEntry) => boolean) => seeded.filter(filter).sort((a, b) => (a.id < b.id ? 1 : -1));
const period = `from=${BASE}&to=${BASE + 23 * MINUTE}`;

beforeAll(async () => {
  server = await startTestServer();
  const token = async (who: string) => (await login(server, `${who}@demo.local`)).accessToken;
  [admin, carla, ana] = await Promise.all([token('admin'), token('carla'), token('ana')]);
  for (let i = 0; i < 24; i++) {
    const action = ACTIONS[i % ACTIONS.length] as AuditAction;
    const actor = action === 'retention_run' ? null : i % 2 === 0 ? { id: 'user:admin', name: 'Administrador' } : { id: 'user:carla', name: 'Carla Mendes' };
    seeded.push(await recordAudit(server.store, {
      action, actor, subjectId: `contact:c${i}`, origin: { ip: '10.0.0.7', userAgent: 'Atende Desk/1.0' }, detail: `n=${i}`, at: BASE + i * MINUTE,
    }));
  }
}, 60_000);
afterAll(() => server.close());

const list = (query: string, token = admin) => call<Page>(server, 'GET', `/api/admin/audit?${query}`, { token });
const csv = (query: string, token = admin) => fetch(`${server.url}/api/admin/audit.csv?${query}`, { headers: { authorization: `Bearer ${token}` } });

describe('R-PRIV-05 access audit: list and CSV', () => {
  it('R-PRIV-05: the list is newest first and pages by id — every entry once, in order, `next` null on the last page', async () => {
    const ids: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const reply: Awaited<ReturnType<typeof list>> = await list(`${period}&limit=5${after ? `&after=${encodeURIComponent(after)}` : ''}`);
      expect(reply.status).toBe(200);
      expect(reply.body.entries.length).toBeLessThanOrEqual(5);
      ids.push(...reply.body.entries.map((e) => e.id));
      after = reply.body.next;
      if (after === null) break;
      expect(after).toBe(reply.body.entries.at(-1)?.id);
    }
    expect(ids).toEqual(seededIn(() => true).map((e) => e.id));
    const first = await list(`${period}&limit=1`);
    expect(first.body.entries[0]).toEqual(seeded[23]);
    expect(first.body.entries[0]).toMatchObject({ at: BASE + 23 * MINUTE, ip: '10.0.0.7', userAgent: 'Atende Desk/1.0', subjectId: 'contact:c23' });
  });

  it('R-PRIV-05: filters by action, by who acted and by period (bounds included), together', async () => {
    const byAction = await list(`${period}&action=erase`);
    expect(byAction.body.entries.map((e) => e.id)).toEqual(seededIn((e) => e.action === 'erase').map((e) => e.id));
    expect(byAction.body.entries).toHaveLength(4);
    const byActor = await list(`${period}&actorId=user:carla`);
    expect(byActor.body.entries.map((e) => e.id)).toEqual(seededIn((e) => e.actorId === 'user:carla').map((e) => e.id));
    const window = await list(`from=${BASE + 5 * MINUTE}&to=${BASE + 9 * MINUTE}`);
    expect(window.body.entries.map((e) => e.detail)).toEqual(['n=9', 'n=8', 'n=7', 'n=6', 'n=5']);
    const both = await list(`from=${BASE}&to=${BASE + 11 * MINUTE}&action=export&actorId=user:admin`);
    expect(both.body.entries.map((e) => e.detail)).toEqual(['n=6', 'n=0']);
    const system = await list(`${period}&action=retention_run`);
    expect(system.body.entries.every((e) => e.actorId === null)).toBe(true);
    expect(system.body.entries).toHaveLength(4);
  });

  it('R-PRIV-05: a bad filter is refused (400) with a message naming the field', async () => {
    for (const query of ['action=delete', 'limit=0', 'limit=5000', 'from=ontem', 'actorId=' + 'x'.repeat(200)]) {
      const reply = await call<{ message: string }>(server, 'GET', `/api/admin/audit?${query}`, { token: admin });
      expect(reply.status, query).toBe(400);
      expect(reply.body.message, query).toMatch(/action|limit|from|actorId/);
    }
  });

  it('R-PRIV-05: the CSV holds the filtered entries — BOM, `;`, pt-BR headers, the action in words, formula-like text as text', async () => {
    await recordAudit(server.store, {
      action: 'unmask', actor: { id: 'user:admin', name: '=HYPERLINK("http://x")' }, subjectId: 'user:ana',
      origin: { ip: '10.0.0.8', userAgent: '+cmd|calc' }, detail: '@SUM(1;2)', at: BASE - MINUTE,
    });
    const reply = await csv(`from=${BASE - MINUTE}&to=${BASE + 23 * MINUTE}&action=unmask`);
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(reply.headers.get('content-disposition')).toMatch(/^attachment; filename="atende-auditoria-\d{4}-\d{2}-\d{2}\.csv"$/);
    const bytes = Buffer.from(await reply.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString('utf8').split('\r\n').filter(Boolean);
    expect(lines[0]).toBe('Quando (UTC);Ação;Código da ação;Quem;Id de quem;Sobre;IP;Navegador ou aplicativo;Detalhes;Id do registro');
    const unmasks = seededIn((e) => e.action === 'unmask');
    expect(lines).toHaveLength(1 + unmasks.length + 1);
    expect(lines[1]).toBe(`${new Date(unmasks[0]?.at ?? 0).toISOString()};Permissão de ver dados pessoais;unmask;Carla Mendes;user:carla;contact:c21;10.0.0.7;Atende Desk/1.0;n=21;${unmasks[0]?.id}`);
    const injected = lines.at(-1) ?? '';
    expect(injected).toContain(`;"'=HYPERLINK(""http://x"")";`);
    expect(injected).toContain(";'+cmd|calc;");
    expect(injected).toContain(`;"'@SUM(1;2)";`); // quoted: it holds the separator
    const retention = await csv(`${period}&action=retention_run`);
    const rows = (await retention.text()).split('\r\n').filter(Boolean).slice(1);
    expect(rows).toHaveLength(4);
    expect(rows.every((row) => row.includes(';Rotina de retenção;retention_run;Sistema;;'))).toBe(true);
  });

  it('R-PRIV-05: admins only — supervisors and agents are refused (403), no token 401, on the list and the CSV', async () => {
    for (const token of [carla, ana]) {
      expect((await list(period, token)).status).toBe(403);
      expect((await csv(period, token)).status).toBe(403);
    }
    expect((await call(server, 'GET', '/api/admin/audit')).status).toBe(401);
    expect((await call(server, 'GET', '/api/admin/audit.csv')).status).toBe(401);
  });
});

describe('R-PRIV-05 access audit: append-only, server-only', () => {
  it('R-PRIV-05: no route changes or removes an entry (PUT, PATCH, DELETE answer 404) and the entry stays as written', async () => {
    const entry = seeded[3] as AuditEntry;
    const path = `/api/admin/audit/${encodeURIComponent(entry.id)}`;
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      expect((await call(server, method, path, { token: admin, body: { detail: 'changed' } })).status, method).toBe(404);
      expect((await call(server, method, '/api/admin/audit', { token: admin, body: { detail: 'changed' } })).status, method).toBe(404);
    }
    const stored = await server.store.get(entry.id);
    expect(stored).toMatchObject({ _id: entry.id, detail: entry.detail, at: entry.at, action: entry.action });
  });

  it('R-PRIV-05: a second write of an existing audit id is the store\'s conflict, and the first entry is kept', async () => {
    const entry = seeded[4] as AuditEntry;
    const [result] = await server.store.bulkWrite([{ _id: entry.id, type: 'audit', at: entry.at, action: 'erase', detail: 'overwritten' }]);
    expect(result).toMatchObject({ ok: false, error: 'conflict' });
    expect(await server.store.get(entry.id)).toMatchObject({ detail: entry.detail, action: entry.action });
    // Entries recorded once per window: the repeat writes nothing and says so.
    const once = { key: 'user:admin\nconversation:x', record: { action: 'other_team_conversation' as const, actor: null, subjectId: 'conversation:x', origin: null, at: BASE } };
    expect(await recordAuditOnce(server.store, [once], 3_600_000, BASE)).toHaveLength(1);
    expect(await recordAuditOnce(server.store, [once, once], 3_600_000, BASE + MINUTE)).toHaveLength(0);
  });

  it('R-PRIV-05: no audit entry reaches a replica — an admin\'s pull of every collection and the live stream carry none', async () => {
    const socket = await FrameClient.agent(server, admin);
    const visitor = await newVisitor(server);
    await recordAudit(server.store, { action: 'export', actor: { id: 'user:admin', name: 'Administrador' }, subjectId: 'contact:live', origin: null });
    const { messageId } = await visitorSays(server, visitor, 'Olá, preciso de ajuda');
    // The admin's stream carries the visitor's message, written after the entry: the entry had its turn.
    await socket.next((f) => JSON.stringify(f).includes(messageId), 10_000);
    expect(JSON.stringify(socket.frames)).not.toContain('audit:');
    socket.close();
    for (const collection of COLLECTION_NAMES) {
      const { documents } = await pullAll(server, admin, collection);
      expect(documents.filter((d) => String(d.id ?? d._id).startsWith('audit:') || d.type === 'audit'), collection).toEqual([]);
    }
    expect((await server.store.find({ selector: { type: 'audit' }, limit: 1000 })).length).toBeGreaterThan(24);
  });
});
