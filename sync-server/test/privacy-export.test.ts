import type { AddressInfo } from 'node:net';
import express from 'express';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBuffer, type Entry } from 'yauzl';
import { EXPORT_JSON_NAME, EXPORT_LINK_HOURS, keyOf, ulid, type ExportStatusResponse, type UserDoc } from '@atende/protocol';
import { errorHandler } from '../src/http/errors.js';
import { MediaService } from '../src/media/service.js';
import type { PrivacyContext } from '../src/privacy/context.js';
import { exportFileId, EXPORT_ZIP, startExport } from '../src/privacy/export.js';
import { expireExport } from '../src/privacy/exportJob.js';
import { exportRoutes } from '../src/privacy/exportRoutes.js';
import { filePathOf, safeFileName } from '../src/privacy/exportZip.js';
import { getWire } from '../src/store/wire.js';
import { findBytes } from './storeBytes.js';
import { addUser, call, clientId, login, newVisitor, startTestServer, visitorSays, type TestServer } from './helpers.js';

/**
 * R-PRIV-02 "Exportar dados do cliente" (issue 19 point 2) on a real server over the embedded
 * store: two customers with conversations, messages, a note, a rating and a picture each; the
 * export of one holds exactly that one's data and files, downloads once, and expires.
 */
let server: TestServer;
let ana: string;
let carla: string;
let admin: string;
/** A supervisor of Comercial only: exports a Suporte customer all the same. */
let sofia: string;

interface Seeded {
  contactId: string;
  conversationId: string;
  name: string;
  texts: string[];
  note: string;
  comment: string;
  picture: Buffer;
  mediaId: string;
}
let maria: Seeded;
let jose: Seeded;

const USER_AGENT = 'privacy-export-test/1.0';

/** The export routes and jobs' context over the test server's own store, on a clock of the test's choosing. */
const contextAt = (now: () => number): PrivacyContext => ({
  store: server.store, auth: server.auth, jobs: server.jobs, media: new MediaService(server.store), bus: server.bus,
  privacyDir: server.dataDir, identityChanged: () => {}, log: () => {}, now,
});

async function picture(colour: string): Promise<Buffer> {
  return sharp({ create: { width: 16, height: 12, channels: 3, background: colour } }).png().toBuffer();
}

/** A website customer writes twice, Ana answers with a picture, finishes, the customer rates; a note on the contact. */
async function seed(name: string, colour: string, words: string): Promise<Seeded> {
  const visitor = await newVisitor(server, 'demo-site', name);
  const texts = [`Olá, sou ${name} e ${words} um`, `Segunda mensagem de ${name}: ${words} dois`];
  const { conversationId } = await visitorSays(server, visitor, texts[0]!);
  expect((await call(server, 'POST', `/api/conversations/${conversationId}/claim`, { token: ana })).status).toBe(200);
  const bytes = await picture(colour);
  const form = new FormData();
  form.append('channel', 'webchat');
  form.append('file', new Blob([new Uint8Array(bytes)], { type: 'image/png' }), `foto ${name}.png`);
  const uploaded = await fetch(`${server.url}/api/media`, { method: 'POST', headers: { authorization: `Bearer ${ana}` }, body: form });
  expect(uploaded.status).toBe(201);
  const mediaId = ((await uploaded.json()) as { id: string }).id;
  const answer = `Resposta da Ana para ${name} (${words})`;
  const replied = await call(server, 'POST', `/api/conversations/${conversationId}/messages`, {
    token: ana, body: { id: clientId('r'), text: answer, mediaIds: [mediaId] },
  });
  expect(replied.status).toBe(201);
  await visitorSays(server, visitor, texts[1]!);
  expect((await call(server, 'POST', `/api/conversations/${conversationId}/finish`, { token: ana, body: {} })).status).toBe(200);
  const comment = `Nota de ${name}: ${words} ótimo`;
  const rated = await call(server, 'POST', '/api/webchat/rating', { token: visitor.token, body: { score: 5, comment } });
  expect(rated.status).toBe(200);
  const contactId = String((await server.store.get(conversationId))?.contactId);
  const note = `Anotação sobre ${name}: ${words} prefere e-mail`;
  const now = Date.now();
  const [written] = await server.store.bulkWrite([{
    _id: `note:${clientId('n')}`, type: 'note', createdAt: now, updatedAt: now, contactId, authorId: 'user:ana', authorName: 'Ana Souza',
    text: note, teamIds: ['team:suporte'],
  }]);
  expect(written?.ok).toBe(true);
  return { contactId, conversationId, name, texts: [...texts, answer], note, comment, picture: bytes, mediaId };
}

beforeAll(async () => {
  server = await startTestServer();
  const token = async (who: string) => (await login(server, `${who}@demo.local`)).accessToken;
  [ana, carla, admin] = await Promise.all([token('ana'), token('carla'), token('admin')]);
  await addUser(server, { key: 'sofia', name: 'Sofia Ramos', email: 'sofia@demo.local', role: 'supervisor', teamIds: ['team:comercial'] });
  sofia = await token('sofia');
  maria = await seed('Maria Exportada', '#c33', 'kiwi');
  jose = await seed('José Outro', '#36c', 'abacaxi');
});
afterAll(() => server.close());

const start = (contactId: string, token: string) =>
  call<{ jobId: string; message?: string }>(server, 'POST', `/api/privacy/contacts/${contactId}/export`, { token, headers: { 'user-agent': USER_AGENT } });
const statusOf = (jobId: string, token: string, base: { url: string } = server) =>
  call<ExportStatusResponse>(base, 'GET', `/api/privacy/exports/${jobId}`, { token });

/** Polls the status as the UI does until the job settles. */
async function settled(jobId: string, token: string): Promise<ExportStatusResponse> {
  for (let i = 0; i < 200; i++) {
    const reply = await statusOf(jobId, token);
    expect(reply.status).toBe(200);
    if (reply.body.status !== 'queued' && reply.body.status !== 'running') return reply.body;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`export ${jobId} did not settle`);
}

async function readyExport(contactId: string, token: string): Promise<{ jobId: string; downloadUrl: string }> {
  const started = await start(contactId, token);
  expect(started.status).toBe(202);
  const ready = await settled(started.body.jobId, token);
  expect(ready).toMatchObject({ status: 'ready', size: expect.any(Number), expiresAt: expect.any(Number) });
  return { jobId: started.body.jobId, downloadUrl: String(ready.downloadUrl) };
}

const download = (url: string, base: { url: string } = server) => fetch(base.url + url, { headers: { 'user-agent': USER_AGENT } });

/** Every entry of a ZIP, by name. */
function unzip(zip: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    fromBuffer(zip, { lazyEntries: true }, (error, file) => {
      if (error || !file) return reject(error ?? new Error('no zip'));
      const entries = new Map<string, Buffer>();
      file.on('entry', (entry: Entry) => {
        file.openReadStream(entry, (failure, stream) => {
          if (failure || !stream) return reject(failure ?? new Error('no stream'));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            entries.set(entry.fileName, Buffer.concat(chunks));
            file.readEntry();
          });
        });
      });
      file.on('end', () => resolve(entries));
      file.on('error', reject);
      file.readEntry();
    });
  });
}

interface Exported {
  contact: { id: string; name: string };
  conversations: Array<{ id: string; protocol: string; rating: { score: number; comment: string }; transfers: unknown[]; finishedAt: number }>;
  messages: Array<{ conversationId: string; text: string; _rev?: unknown }>;
  notes: Array<{ contactId: string; text: string }>;
  files: Array<{ id: string; path: string | null }>;
}

describe('R-PRIV-02 issue 19 export of a contact\'s data', () => {
  it('R-PRIV-02 the ZIP holds exactly this contact\'s data and files, downloads once (410 after) and the ZIP is purged', async () => {
    const { jobId, downloadUrl } = await readyExport(maria.contactId, carla);
    expect(downloadUrl).toMatch(new RegExp(`^/api/privacy/exports/${jobId}/download\\?token=`));
    // The ZIP names its file `arquivos/<key>-<name>`: in the store's files while the ZIP is kept (this is Maria's first export).
    const zipOnly = filePathOf({ _id: maria.mediaId, name: `foto ${maria.name}.png` });
    expect(await findBytes(server.dataDir, [zipOnly])).not.toEqual([]);

    const reply = await download(downloadUrl);
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe('application/zip');
    const today = new Date().toISOString().slice(0, 10);
    expect(reply.headers.get('content-disposition')).toBe(`attachment; filename="dados-${keyOf(maria.contactId)}-${today}.zip"`);
    const zip = Buffer.from(await reply.arrayBuffer());
    const entries = await unzip(zip);
    const filePath = [...entries.keys()].find((name) => name.startsWith('arquivos/'));
    expect([...entries.keys()].sort()).toEqual([filePath, EXPORT_JSON_NAME].sort());
    expect(filePath).toMatch(new RegExp(`^arquivos/${keyOf(maria.mediaId)}-foto Maria Exportada\\.png$`));
    expect(entries.get(filePath!)!.equals(maria.picture)).toBe(true);

    const json = entries.get(EXPORT_JSON_NAME)!.toString('utf8');
    const data = JSON.parse(json) as Exported;
    expect(data.contact).toMatchObject({ id: maria.contactId, name: maria.name });
    expect(data.conversations.map((c) => c.id)).toEqual([maria.conversationId]);
    expect(data.conversations[0]).toMatchObject({ protocol: expect.any(String), rating: { score: 5, comment: maria.comment }, finishedAt: expect.any(Number) });
    const texts = data.messages.map((m) => m.text);
    for (const text of maria.texts) expect(texts).toContain(text);
    expect(data.messages.every((m) => m.conversationId === maria.conversationId)).toBe(true);
    expect(data.notes.map((n) => n.text)).toEqual([maria.note]);
    expect(data.files).toEqual([expect.objectContaining({ id: maria.mediaId, path: filePath })]);
    // Wire form: no store internals; and nothing of the other customer, anywhere.
    expect(json).not.toMatch(/"_(id|rev|attachments)"/);
    for (const other of [jose.name, jose.contactId, jose.conversationId, jose.note, jose.comment, jose.mediaId, ...jose.texts]) {
      expect(json).not.toContain(other);
    }

    const again = await download(downloadUrl);
    expect(again.status).toBe(410);
    expect(await again.json()).toMatchObject({ error: 'already_downloaded', message: expect.stringMatching(/downloaded already/) });
    expect((await statusOf(jobId, carla)).body).toEqual({ status: 'downloaded', size: zip.length, expiresAt: expect.any(Number) });
    await expect.poll(() => server.store.getAttachment(exportFileId(jobId), EXPORT_ZIP), { timeout: 10_000 }).toBeUndefined();
    // Purged after the download, not deleted: no byte of it is left in the store's files.
    await expect.poll(() => findBytes(server.dataDir, [zipOnly]), { timeout: 10_000 }).toEqual([]);
  });

  it('R-PRIV-02 R-PRIV-05 starting and downloading are audited with who, the subject and where from', async () => {
    const { jobId, downloadUrl } = await readyExport(jose.contactId, admin);
    expect((await download(downloadUrl)).status).toBe(200);
    const audit = await server.store.find({ selector: { type: 'audit' }, limit: 1000 });
    expect(audit).toContainEqual(expect.objectContaining({
      action: 'export', actorId: 'user:admin', subjectId: jose.contactId, userAgent: USER_AGENT, ip: expect.stringMatching(/127\.0\.0\.1/),
    }));
    expect(audit).toContainEqual(expect.objectContaining({
      action: 'export_download', actorId: 'user:admin', subjectId: `privacyexport:${jobId}`, userAgent: USER_AGENT,
    }));
    // Ids only: never the person's name or what they wrote.
    expect(JSON.stringify(audit)).not.toContain(jose.name);
  });

  it('R-PRIV-02 two downloads at once: exactly one gets the ZIP, the other 410', async () => {
    const { downloadUrl } = await readyExport(maria.contactId, admin);
    const replies = await Promise.all([download(downloadUrl), download(downloadUrl)]);
    expect(replies.map((r) => r.status).sort()).toEqual([200, 410]);
  });

  it('R-PRIV-02 a supervisor of another team exports any customer; an agent is refused (403) and nothing starts', async () => {
    const bySofia = await start(maria.contactId, sofia);
    expect(bySofia.status).toBe(202);
    expect(await settled(bySofia.body.jobId, sofia)).toMatchObject({ status: 'ready' });
    const exports = () => server.store.find({ selector: { type: 'privacyexport' }, limit: 1000 });
    const before = (await exports()).length;
    const byAna = await start(maria.contactId, ana);
    expect(byAna.status).toBe(403);
    expect(byAna.body).toMatchObject({ error: 'forbidden' });
    expect(await exports()).toHaveLength(before);
    expect(await server.store.find({ selector: { type: 'audit', actorId: 'user:ana' }, limit: 10 })).toEqual([]);
  });

  it('R-PRIV-02 bad input: an unknown or malformed contact is 404; a download without a token 400, with a wrong one 404', async () => {
    for (const id of ['contact:01JZZZZZZZZZZZZZZZZZZZZZZZ', 'nada', maria.conversationId]) {
      const reply = await start(id, admin);
      expect(reply.status).toBe(404);
      expect(reply.body.message).toMatch(/Contact not found/);
    }
    const { jobId } = await readyExport(maria.contactId, admin);
    const noToken = await fetch(`${server.url}/api/privacy/exports/${jobId}/download`);
    expect(noToken.status).toBe(400);
    const wrong = await download(`/api/privacy/exports/${jobId}/download?token=${'A'.repeat(43)}`);
    expect(wrong.status).toBe(404);
  });

  it('R-PRIV-02 the status is for who started it and admins: another supervisor or an agent finds nothing (404)', async () => {
    const started = await start(maria.contactId, carla);
    expect(started.status).toBe(202);
    const { jobId } = started.body;
    expect((await statusOf(jobId, sofia)).status).toBe(404);
    expect((await statusOf(jobId, ana)).status).toBe(404);
    expect((await statusOf(jobId, admin)).status).toBe(200);
    expect((await statusOf('01JZZZZZZZZZZZZZZZZZZZZZZZ', admin)).status).toBe(404);
    await settled(jobId, carla);
  });

  it(`R-PRIV-02 a link past its ${EXPORT_LINK_HOURS} hours is 410, reads as expired, and the expiry purges the ZIP`, async () => {
    // A customer of its own, exported once: the ZIP's file path below is in no other export.
    const rita = await seed('Rita Expira', '#3c6', 'caju');
    const { jobId, downloadUrl } = await readyExport(rita.contactId, carla);
    const expiresAt = Number((await statusOf(jobId, carla)).body.expiresAt);
    // The same routes over the same store, on a clock one minute past the expiry.
    const ctx = contextAt(() => expiresAt + 60_000);
    const app = express();
    app.use('/api', exportRoutes(ctx));
    app.use(errorHandler(() => {}));
    const later = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => later.once('listening', resolve));
    try {
      const base = { url: `http://127.0.0.1:${(later.address() as AddressInfo).port}` };
      const late = await download(downloadUrl, base);
      expect(late.status).toBe(410);
      expect(await late.json()).toMatchObject({ error: 'link_expired', message: expect.stringMatching(/expired/) });
      expect((await statusOf(jobId, carla, base)).body).toMatchObject({ status: 'expired' });
      expect((await statusOf(jobId, carla, base)).body.downloadUrl).toBeUndefined();
    } finally {
      later.closeAllConnections();
      await new Promise((resolve) => later.close(resolve));
    }
    // The ZIP names its file `arquivos/<key>-<name>`, a string nothing else in the store holds.
    const zipOnly = filePathOf({ _id: rita.mediaId, name: `foto ${rita.name}.png` });
    expect(await server.store.getAttachment(exportFileId(jobId), EXPORT_ZIP)).toBeDefined();
    expect(await findBytes(server.dataDir, [zipOnly])).not.toEqual([]);
    await expireExport(ctx, jobId);
    expect(await server.store.getAttachment(exportFileId(jobId), EXPORT_ZIP)).toBeUndefined();
    // Purged, not deleted: no byte of it is left in the store's files.
    expect(await findBytes(server.dataDir, [zipOnly])).toEqual([]);
    expect((await statusOf(jobId, carla)).body).toMatchObject({ status: 'expired' });
    const after = await download(downloadUrl);
    expect(after.status).toBe(410);
  });

  it('R-PRIV-02 an export whose contact is gone by the time the job runs ends failed, with the reason, and no ZIP', async () => {
    const carlaDoc = await getWire<UserDoc>(server.store, 'user:carla');
    const jobId = ulid();
    await startExport(contextAt(Date.now), jobId, 'contact:01JZZZZZZZZZZZZZZZZZZZZZZZ', carlaDoc!);
    expect(await settled(jobId, carla)).toEqual({ status: 'failed', error: 'The contact no longer exists' });
    expect(await server.store.getAttachment(exportFileId(jobId), EXPORT_ZIP)).toBeUndefined();
  });

  it('R-PRIV-02 file names inside the ZIP cannot leave its folder or break an unzip tool', () => {
    expect(safeFileName('../../etc/passwd')).toBe('_.._etc_passwd');
    expect(safeFileName('C:\\boot.ini')).toBe('C__boot.ini');
    expect(safeFileName('...')).toBe('arquivo');
    expect(safeFileName('nota\u0000fiscal?.pdf')).toBe('nota_fiscal_.pdf');
    expect([...safeFileName('ç'.repeat(500))]).toHaveLength(120);
  });
});
