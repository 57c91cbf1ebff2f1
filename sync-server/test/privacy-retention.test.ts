import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  retentionCutoff, type AuditEntry, type ContactDoc, type MessageDoc, type NoteDoc, type RetentionRun, type TeamView,
} from '@atende/protocol';
import { MediaService } from '../src/media/service.js';
import { toStored } from '../src/store/wire.js';
import { conversation } from './reportsSeed.js';
import { call, login, startTestServer, type TestServer } from './helpers.js';
import { findBytes } from './storeBytes.js';

/**
 * R-PRIV-01 (issue 19 point 1): a team's retention removes its finished conversations older than
 * the limit with their messages, media and the notes of contacts left with no conversation — and
 * nothing else: not one newer by a minute, not one under a legal hold (its own or its contact's),
 * not another team's without retention. The store's files are searched byte by byte afterwards.
 */
let server: TestServer;
let admin: string;
let run: RetentionRun;
let fileId: string;

const MONTHS = 6;
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/**
 * What must be gone (and must stay) is told apart by random texts nobody else writes. LevelDB keeps
 * its tables Snappy-compressed: any 4 bytes met earlier in a block may be stored as a back-reference
 * instead of as text, so a long text is searched as its 12-character pieces — a leftover keeps most
 * of them literal, and a random piece of 12 is found nowhere else. The kept texts prove the search
 * sees what the store holds.
 */
const unique = () => randomBytes(48).toString('base64').replace(/[^A-Za-z0-9]/g, 'x');
const PIECE = 12;
const piecesOf = (text: string) => Array.from({ length: Math.floor(text.length / PIECE) }, (_, i) => text.slice(i * PIECE, (i + 1) * PIECE));
/** The texts of which some piece is in some file of the store's folder. */
async function textsFound(texts: string[]): Promise<string[]> {
  const hits = new Set((await findBytes(server.dataDir, texts.flatMap(piecesOf))).map((h) => h.needle));
  return texts.filter((text) => piecesOf(text).some((piece) => hits.has(piece))).sort();
}
const GONE = { message: unique(), file: unique(), note: unique() };
const KEPT = { newer: unique(), held: unique(), heldContact: unique(), other: unique(), note: unique() };

const contact = (key: string, fields: Partial<ContactDoc> = {}): ContactDoc => ({
  id: `contact:${key}`, type: 'contact', name: `Pessoa ${key}`, email: '', addresses: {}, customFields: {},
  teamIds: ['team:suporte'], createdAt: 1, updatedAt: 1, ...fields,
});
const message = (conversationId: string, key: string, text: string, at: number, teamId = 'team:suporte', fields: Partial<MessageDoc> = {}): MessageDoc => ({
  id: `message:${key}`, type: 'message', conversationId, teamId, formerTeamIds: [], direction: 'in', authorId: null, authorName: 'Cliente',
  kind: 'text', text, attachments: [], visibility: 'public', status: 'delivered', error: null, externalId: null, payload: {},
  createdAt: at, updatedAt: at, ...fields,
});
const note = (key: string, contactId: string, text: string, at: number): NoteDoc => ({
  id: `note:${key}`, type: 'note', contactId, authorId: 'user:ana', authorName: 'Ana Souza', text, teamIds: ['team:suporte'], createdAt: at, updatedAt: at,
});
const finished = (key: string, contactId: string, finishedAt: number, fields: Parameters<typeof conversation>[1] = { createdAt: 0 }) =>
  conversation(key, { contactId, status: 'finished', agentId: 'user:ana', queuedAt: finishedAt - DAY, ...fields, createdAt: finishedAt - DAY, finishedAt });
const exists = async (id: string) => {
  const doc = await server.store.get(id, { fresh: true });
  return doc !== undefined && doc._deleted !== true;
};

beforeAll(async () => {
  server = await startTestServer();
  admin = (await login(server, 'admin@demo.local')).accessToken;
  const cutoff = retentionCutoff(MONTHS, Date.now());
  const media = new MediaService(server.store);
  const file = await media.upload({
    bytes: Buffer.from(GONE.file), filename: 'comprovante.txt', declaredMime: 'text/plain',
    channel: 'webchat', uploadedBy: 'contact:ret-old', conversationId: 'conversation:ret-old',
  }, 'any');
  fileId = file.mediaId;
  const old = cutoff - 10 * MINUTE;
  const docs = [
    contact('ret-old'), contact('ret-new'), contact('ret-held'), contact('ret-hold-contact', { legalHold: true }), contact('ret-other', { teamIds: ['team:comercial'] }),
    // Ten minutes older than the limit: gone, with its messages, its file and its contact's old note.
    finished('ret-old', 'contact:ret-old', old),
    message('conversation:ret-old', 'ret-old-1', GONE.message, old - MINUTE),
    message('conversation:ret-old', 'ret-old-2', 'segue o comprovante', old - MINUTE, 'team:suporte', { kind: 'document', attachments: [file] }),
    note('ret-old', 'contact:ret-old', GONE.note, old),
    // Ten minutes newer than the limit: kept, and so is its contact's old note (the contact has a conversation left).
    finished('ret-new', 'contact:ret-new', cutoff + 10 * MINUTE),
    message('conversation:ret-new', 'ret-new-1', KEPT.newer, cutoff),
    note('ret-new-old', 'contact:ret-new', KEPT.note, old),
    // Old enough, but held: by its own legal hold, and by its contact's.
    finished('ret-held', 'contact:ret-held', old - DAY, { createdAt: 0, legalHold: true }),
    message('conversation:ret-held', 'ret-held-1', KEPT.held, old - DAY),
    finished('ret-hold-contact', 'contact:ret-hold-contact', old - DAY),
    message('conversation:ret-hold-contact', 'ret-hold-contact-1', KEPT.heldContact, old - DAY),
    // A year older than the limit, in Comercial, which keeps everything.
    finished('ret-other', 'contact:ret-other', old - 365 * DAY, { createdAt: 0, teamId: 'team:comercial' }),
    message('conversation:ret-other', 'ret-other-1', KEPT.other, old - 365 * DAY, 'team:comercial'),
    // An old conversation still open is no finished one.
    conversation('ret-open', { createdAt: old - DAY, contactId: 'contact:ret-new', status: 'active', agentId: 'user:ana' }),
  ];
  const written = await server.store.bulkWrite(docs.map((d) => toStored(d)));
  expect(written.every((w) => w.ok)).toBe(true);
  const set = await call<TeamView>(server, 'PATCH', '/api/admin/teams/team:suporte', { token: admin, body: { retention: { months: MONTHS } } });
  expect(set.status).toBe(200);
  expect(set.body.retention).toEqual({ months: MONTHS });
  // Before the run the store holds every one of them (the search finds what is there).
  expect(await textsFound(Object.values(GONE))).toEqual(Object.values(GONE).sort());
  const ran = await call<RetentionRun>(server, 'POST', '/api/privacy/retention/run', { token: admin });
  expect(ran.status, JSON.stringify(ran.body)).toBe(200);
  run = ran.body;
});
afterAll(async () => {
  await server?.close();
});

describe('R-PRIV-01 a retention run removes exactly what is older than the limit', () => {
  it('R-PRIV-01 the conversation finished just before the limit goes with its messages, its file and its contact\'s old note', async () => {
    for (const id of ['conversation:ret-old', 'message:ret-old-1', 'message:ret-old-2', 'note:ret-old']) expect(await exists(id), id).toBe(false);
    expect(await exists(fileId), fileId).toBe(false);
    expect(run.removed).toMatchObject({ conversations: 1, messages: 2, notes: 1, media: 1 });
  });

  it('R-PRIV-01 no byte of the removed conversation, its file or its note is left in any file of the embedded store', async () => {
    expect(await textsFound(Object.values(GONE))).toEqual([]);
  });

  it('R-PRIV-01 the one finished just after the limit, the held ones, another team\'s and an open one are kept, texts and all', async () => {
    for (const id of [
      'conversation:ret-new', 'message:ret-new-1', 'note:ret-new-old', 'conversation:ret-held', 'message:ret-held-1',
      'conversation:ret-hold-contact', 'message:ret-hold-contact-1', 'conversation:ret-other', 'message:ret-other-1', 'conversation:ret-open',
      'contact:ret-old', 'contact:ret-new',
    ]) expect(await exists(id), id).toBe(true);
    expect(await textsFound(Object.values(KEPT))).toEqual(Object.values(KEPT).sort());
  });

  it('R-PRIV-01 the run is recorded per team (limit, cutoff, counts) with the held count, and listed newest first', async () => {
    expect(run).toMatchObject({ status: 'done', held: 2, error: null });
    expect(run.teams).toEqual([expect.objectContaining({ teamId: 'team:suporte', months: MONTHS, removed: expect.objectContaining({ conversations: 1 }) })]);
    expect(run.teams[0]?.cutoff).toBeLessThanOrEqual(retentionCutoff(MONTHS, Date.now()));
    const listed = await call<{ runs: RetentionRun[] }>(server, 'GET', '/api/privacy/retention/runs', { token: admin });
    expect(listed.status).toBe(200);
    expect(listed.body.runs[0]).toEqual(run);
  });

  it('R-PRIV-01 the run leaves an audit entry retention_run with its counts and no names', async () => {
    const entries = await server.store.find({ selector: { type: 'audit', action: 'retention_run' }, limit: 10 });
    expect(entries).toHaveLength(1);
    const entry = entries[0] as unknown as AuditEntry;
    expect(entry).toMatchObject({ subjectId: run.id, actorId: 'user:admin' });
    expect(entry.detail).toContain('conversations=1');
    expect(entry.detail).toContain('held=2');
    expect(entry.detail).not.toMatch(/Pessoa|ret-/);
  });

  it('R-PRIV-01 a second run finds nothing more to remove', async () => {
    const again = await call<RetentionRun>(server, 'POST', '/api/privacy/retention/run', { token: admin });
    expect(again.status).toBe(200);
    expect(again.body.removed).toMatchObject({ conversations: 0, messages: 0, notes: 0, media: 0 });
    expect(again.body.held).toBe(2);
  });
});
