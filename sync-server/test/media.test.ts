import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import Nano from 'nano';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MEDIA_LIMITS, type MediaResponse, type UserDoc } from '@atende/protocol';
import { AuthService } from '../src/auth/service.js';
import { TokenSigner } from '../src/auth/tokens.js';
import { errorHandler } from '../src/http/errors.js';
import { mediaRoutes, visitorMediaRoutes, type MediaVisitor } from '../src/media/routes.js';
import { MediaService, storeRemoteMedia } from '../src/media/service.js';
import { simplePdf } from '../src/media/simplePdf.js';
import { CouchStore } from '../src/store/couchdb.js';
import { EmbeddedStore } from '../src/store/embedded.js';
import type { DocStore } from '../src/store/index.js';
import { toStored } from '../src/store/wire.js';

const PASSWORD = 'atende123';
const png = await sharp({ create: { width: 800, height: 600, channels: 4, background: '#c33c' } }).png().toBuffer();
const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(120, 1)]);
const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(58), Buffer.from([0x80, 0, 0, 0]), Buffer.alloc(64), Buffer.from('PE\0\0'), Buffer.alloc(200)]);

interface World {
  url: string;
  store: DocStore;
  media: MediaService;
  tokens: Record<'ana' | 'bia', string>;
  users: Record<'ana' | 'bia', UserDoc>;
  visitors: Map<string, MediaVisitor>;
}
let world: World;
let server: Server;
let dataDir: string;

async function addUser(store: DocStore, auth: AuthService, key: string, teamIds: string[]) {
  const now = Date.now();
  const user: UserDoc = {
    id: `user:${key}`, type: 'user', name: key, email: `${key}@example.com`, role: 'agent', teamIds,
    maxConcurrent: 5, createdAt: now, updatedAt: now,
  };
  await store.bulkWrite([toStored(user)]);
  await auth.setPassword(user, PASSWORD);
  const { accessToken } = await auth.login({ email: user.email, password: PASSWORD }, '127.0.0.1');
  return { user, token: accessToken };
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'atende-media-'));
  const store = new EmbeddedStore(dataDir);
  await store.ensureIndex('idx-message-conversation', ['type', 'conversationId']);
  await store.ensureIndex('idx-conversation-contact', ['type', 'contactId']);
  const auth = new AuthService(store, new TokenSigner(randomUUID()), {
    accessTtlSeconds: 900, refreshTtlSeconds: 3600, lockout: { attempts: 10, windowMs: 60_000 },
  });
  const media = new MediaService(store);
  const ana = await addUser(store, auth, 'ana', ['team:suporte']);
  const bia = await addUser(store, auth, 'bia', ['team:comercial']);
  const visitors = new Map<string, MediaVisitor>();
  const app = express();
  app.use('/api/webchat/media', visitorMediaRoutes({ media, visitors: { authenticate: async (t) => (t ? visitors.get(t) : undefined) } }));
  app.use('/api/media', mediaRoutes({ media, auth }));
  app.use(errorHandler(() => {}));
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  world = {
    url: `http://127.0.0.1:${port}`, store, media, visitors,
    tokens: { ana: ana.token, bia: bia.token }, users: { ana: ana.user, bia: bia.user },
  };
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await world.store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function form(parts: Array<[string, Buffer | string, string?, string?]>): FormData {
  const body = new FormData();
  for (const [name, value, filename, type] of parts) {
    if (typeof value === 'string') body.append(name, value);
    else body.append(name, new Blob([new Uint8Array(value)], type ? { type } : {}), filename ?? 'file');
  }
  return body;
}

async function upload(token: string, body: FormData, route = '/api/media') {
  const res = await fetch(world.url + route, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body });
  return { status: res.status, body: (await res.json()) as MediaResponse & { error?: string } };
}

const get = (token: string, id: string, query = '', route = '/api/media') =>
  fetch(`${world.url}${route}/${id}${query}`, { headers: { authorization: `Bearer ${token}` } });

/** A message carrying the file in a conversation of that team, recorded on the file as every writer does. */
async function messageWith(mediaId: string, teamId: string, conversationId: string, extra: Record<string, unknown> = {}) {
  if (!(await world.store.get(conversationId))) {
    await world.store.bulkWrite([{ _id: conversationId, type: 'conversation', teamId, formerTeamIds: [] }]);
  }
  await world.store.bulkWrite([{
    _id: `message:${randomUUID()}`, type: 'message', conversationId, teamId, formerTeamIds: [], direction: 'out',
    visibility: 'public', attachments: [{ mediaId, name: 'x', mimeType: 'image/png', size: 1, kind: 'image', thumbnail: true }],
    ...extra,
  }]);
  await world.media.recordUse(mediaId, conversationId);
}

/**
 * Streams a multipart file of `total` bytes and keeps sending after the answer, until the server
 * closes the connection: `sent` tells how much the server let in (a server that drains the body to
 * reuse the connection lets all of it in).
 */
function streamUpload(token: string, total: number): Promise<{ status: number; sent: number }> {
  const chunk = Buffer.alloc(1024 * 1024, 0x61);
  const boundary = 'atende-boundary';
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    let sent = 0;
    let status = 0;
    let stopped = false;
    const req = httpRequest({
      host: '127.0.0.1', port, method: 'POST', path: '/api/media', agent: false,
      headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    req.on('response', (res) => {
      status = res.statusCode ?? 0;
      res.resume();
    });
    req.on('error', () => {
      stopped = true;
    });
    req.on('close', () => {
      stopped = true;
      if (status) resolve({ status, sent });
      else reject(new Error(`closed without an answer after ${sent} bytes`));
    });
    req.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.txt"\r\nContent-Type: text/plain\r\n\r\n`);
    const pump = () => {
      while (!stopped && sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!stopped) req.end(`\r\n--${boundary}--\r\n`);
    };
    pump();
  });
}

describe('POST /api/media', () => {
  it('R-CH-02 a PNG claimed as text/plain is stored as image/png with a thumbnail', async () => {
    const reply = await upload(world.tokens.ana, form([['file', png, 'notas.txt', 'text/plain']]));
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ mimeType: 'image/png', kind: 'image', size: png.length, thumbnail: true, name: 'notas.txt.png' });
    expect(reply.body.id).toMatch(/^media:/);

    const thumb = await get(world.tokens.ana, reply.body.id, '?thumbnail=1');
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toBe('image/webp');
    const meta = await sharp(Buffer.from(await thumb.arrayBuffer())).metadata();
    expect(meta.format).toBe('webp');
    expect(Math.max(meta.width ?? 0, meta.height ?? 0)).toBe(320);
  });

  it('R-OPS-03 ELF or EXE bytes named .jpg are refused with 415', async () => {
    for (const bytes of [elf, exe]) {
      const reply = await upload(world.tokens.ana, form([['file', bytes, 'foto.jpg', 'image/jpeg']]));
      expect(reply.status).toBe(415);
      expect(reply.body.error).toBe('unsupported_type');
    }
  });

  it('R-OPS-03 text is accepted only as UTF-8 without NULs, and never as HTML', async () => {
    const html = await upload(world.tokens.ana, form([['file', Buffer.from('<script>alert(1)</script>'), 'a.html', 'text/html']]));
    expect(html.status).toBe(201);
    expect(html.body).toMatchObject({ mimeType: 'text/plain', name: 'a.html.txt', kind: 'document' });
    const binary = await upload(world.tokens.ana, form([['file', Buffer.from([0x61, 0, 0xff, 0xfe]), 'a.txt', 'text/plain']]));
    expect(binary.status).toBe(415);
  });

  it('R-OPS-03 the channel limits apply: a 6 MB picture for WhatsApp (5 MB for images) is 413, a WebP 415', async () => {
    // A signature is all the sniffer needs; the pixels never get decoded.
    const big = Buffer.concat([png.subarray(0, 33), Buffer.alloc(6 * 1024 * 1024)]);
    const reply = await upload(world.tokens.ana, form([['channel', 'whatsapp'], ['file', big, 'foto.png', 'image/png']]));
    expect(reply.status).toBe(413);
    // issue 10: WhatsApp sends WebP only as a 512×512 sticker, never as an agent's picture.
    const webp = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0, 0x60, 9, 0]), Buffer.from('WEBPVP8 '), Buffer.alloc(20 * 1024)]);
    expect((await upload(world.tokens.ana, form([['channel', 'whatsapp'], ['file', webp, 's.webp', 'image/webp']]))).status).toBe(415);
  });

  it('R-OPS-03 wrong or missing fields are 400', async () => {
    const cases: Array<[FormData, string]> = [
      [form([['channel', 'webchat']]), 'file_required'],
      [form([['arquivo', png, 'a.png']]), 'unknown_field'],
      [form([['file', png, 'a.png'], ['channel', 'whatsapp']]), 'field_order'],
      [form([['channel', 'fax'], ['file', png, 'a.png']]), 'invalid_channel'],
      [form([['file', png, 'a.png'], ['file', png, 'b.png']]), 'one_file'],
      [form([['file', Buffer.alloc(0), 'vazio.png']]), 'empty_file'],
    ];
    for (const [body, code] of cases) {
      const reply = await upload(world.tokens.ana, body);
      expect({ code, status: reply.status, error: reply.body.error }).toEqual({ code, status: 400, error: code });
    }
    const json = await fetch(`${world.url}/api/media`, {
      method: 'POST', headers: { authorization: `Bearer ${world.tokens.ana}`, 'content-type': 'application/json' }, body: '{}',
    });
    expect(json.status).toBe(400);
    expect((await fetch(`${world.url}/api/media`, { method: 'POST', body: form([['file', png, 'a.png']]) })).status).toBe(401);
  });

  it('R-OPS-03 an oversized upload is cut off with 413 long before the client has sent it all', async () => {
    const total = MEDIA_LIMITS.webchat.maxBytes * 10;
    const before = await world.store.find({ selector: { type: 'media' }, limit: 1000 });
    const outcome = await streamUpload(world.tokens.ana, total);
    expect(outcome.status).toBe(413);
    expect(outcome.sent).toBeLessThan(total / 2);
    const after = await world.store.find({ selector: { type: 'media' }, limit: 1000 });
    expect(after.length).toBe(before.length);
  });

  it('R-OPS-03 an upload without a valid token is refused without reading its body', async () => {
    const total = MEDIA_LIMITS.webchat.maxBytes * 10;
    const outcome = await streamUpload('not-a-token', total);
    expect(outcome.status).toBe(401);
    expect(outcome.sent).toBeLessThan(total / 2);
  });

  it('R-OPS-03 a declared Content-Length past the server cap is refused before reading', async () => {
    const { port } = server.address() as AddressInfo;
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest({
        host: '127.0.0.1', port, method: 'POST', path: '/api/media',
        headers: {
          authorization: `Bearer ${world.tokens.ana}`, 'content-type': 'multipart/form-data; boundary=x',
          'content-length': String(500 * 1024 * 1024),
        },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write('--x\r\n');
    });
    expect(status).toBe(413);
  });
});

describe('GET /api/media/:id', () => {
  it('R-WS-04 the uploader reads the file with its sniffed type, nosniff and an attachment name', async () => {
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
    const { body } = await upload(world.tokens.ana, form([['file', pdf, 'relatório final.pdf', 'text/html']]));
    expect(body.mimeType).toBe('application/pdf');
    const res = await get(world.tokens.ana, body.id);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cache-control')).toMatch(/^private, max-age=\d+$/);
    expect(res.headers.get('content-disposition')).toContain("filename*=UTF-8''relat%C3%B3rio%20final.pdf");
    expect(Buffer.from(await res.arrayBuffer()).equals(pdf)).toBe(true);
  });

  it('R-WS-04 a user of another team gets 404 until a conversation of their team carries the file', async () => {
    const { body } = await upload(world.tokens.ana, form([['file', png, 'a.png']]));
    expect((await get(world.tokens.bia, body.id)).status).toBe(404);
    expect((await get(world.tokens.bia, 'media:01JNOTEXISTING0000000000000')).status).toBe(404);
    await messageWith(body.id, 'team:suporte', 'conversation:ana-1');
    expect((await get(world.tokens.bia, body.id)).status).toBe(404);
    await messageWith(body.id, 'team:comercial', 'conversation:bia-1');
    const res = await get(world.tokens.bia, body.id);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('content-disposition')).toBeNull();
    const again = await fetch(`${world.url}/api/media/${body.id}`, {
      headers: { authorization: `Bearer ${world.tokens.bia}`, 'if-none-match': String(res.headers.get('etag')) },
    });
    expect(again.status).toBe(304);
  });

  it('R-WS-04 attachmentsFor records the conversation, and refuses files the author may not read', async () => {
    const { body } = await upload(world.tokens.ana, form([['file', png, 'b.png']]));
    const bia = { kind: 'user', user: world.users.bia } as const;
    await expect(world.media.attachmentsFor([body.id], bia, 'conversation:bia-2')).rejects.toMatchObject({ kind: 'not_found' });
    await world.store.bulkWrite([{ _id: 'conversation:bia-2', type: 'conversation', teamId: 'team:comercial', formerTeamIds: [] }]);
    const ana = { kind: 'user', user: world.users.ana } as const;
    const [attachment] = await world.media.attachmentsFor([body.id], ana, 'conversation:bia-2');
    expect(attachment).toEqual({ mediaId: body.id, name: 'b.png', mimeType: 'image/png', size: png.length, kind: 'image', thumbnail: true });
    expect((await get(world.tokens.bia, body.id)).status).toBe(200);
  });

  it('R-WS-04 a shared (predefined message) file is readable and attachable by every user, not by visitors', async () => {
    const pdf = simplePdf('Tabela', ['linha']);
    const shared = await world.media.upload({
      bytes: pdf, filename: 'tabela.pdf', channel: 'webchat', uploadedBy: 'user:admin', shared: true,
    });
    expect(shared).toMatchObject({ mimeType: 'application/pdf', kind: 'document', name: 'tabela.pdf' });
    expect((await get(world.tokens.bia, shared.mediaId)).status).toBe(200);
    const bia = { kind: 'user', user: world.users.bia } as const;
    const [attachment] = await world.media.attachmentsFor([shared.mediaId], bia, 'conversation:bia-3');
    expect(attachment).toEqual(shared);
    world.visitors.set('v9', { contactId: 'contact:v9', account: { _id: 'channel:demo-site' } });
    expect((await get('v9', shared.mediaId, '', '/api/webchat/media')).status).toBe(404);
  });

  it('R-CH-02 a visitor reads its own uploads and public files of its conversations only', async () => {
    world.visitors.set('v1', { contactId: 'contact:v1', account: { _id: 'channel:demo-site' } });
    world.visitors.set('v2', { contactId: 'contact:v2', account: { _id: 'channel:demo-site' } });
    const mine = await upload('v1', form([['file', png, 'print.png']]), '/api/webchat/media');
    expect(mine.status).toBe(201);
    expect((await get('v1', mine.body.id, '', '/api/webchat/media')).status).toBe(200);
    expect((await get('v2', mine.body.id, '', '/api/webchat/media')).status).toBe(404);
    expect((await upload('v1', form([['channel', 'whatsapp'], ['file', png, 'a.png']]), '/api/webchat/media')).status).toBe(400);

    const agentFile = await upload(world.tokens.ana, form([['file', png, 'resposta.png']]));
    const note = await upload(world.tokens.ana, form([['file', png, 'nota.png']]));
    await world.store.bulkWrite([{ _id: 'conversation:v2-1', type: 'conversation', contactId: 'contact:v2', channelAccountId: 'channel:demo-site', teamId: 'team:suporte', formerTeamIds: [] }]);
    await messageWith(agentFile.body.id, 'team:suporte', 'conversation:v2-1');
    await messageWith(note.body.id, 'team:suporte', 'conversation:v2-1', { direction: 'internal', visibility: 'private' });
    expect((await get('v2', agentFile.body.id, '', '/api/webchat/media')).status).toBe(200);
    expect((await get('v2', note.body.id, '', '/api/webchat/media')).status).toBe(404);
    expect((await get('v1', agentFile.body.id, '', '/api/webchat/media')).status).toBe(404);
    expect((await get('nobody', agentFile.body.id, '', '/api/webchat/media')).status).toBe(401);
  });
});

const drivers: Array<[string, () => Promise<{ store: DocStore; cleanup: () => Promise<void> }>]> = [
  ['embedded', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'atende-media-driver-'));
    const store = new EmbeddedStore(dir);
    return { store, cleanup: async () => { await store.close(); rmSync(dir, { recursive: true, force: true }); } };
  }],
];
const couchUrl = process.env.COUCHDB_URL;
if (couchUrl) {
  drivers.push(['couchdb', async () => {
    const dbName = `atende-media-${randomUUID()}`;
    const store = await CouchStore.open(couchUrl, dbName);
    return { store, cleanup: async () => { await store.close(); await Nano(couchUrl).db.destroy(dbName); } };
  }]);
}

describe.each(drivers)('media on the %s store', (_driver, open) => {
  it('R-OPS-02 bytes and thumbnail are store attachments; inbound media of any type is kept', async () => {
    const { store, cleanup } = await open();
    try {
      const media = new MediaService(store);
      const picture = await media.upload({ bytes: png, filename: 'p.png', channel: 'whatsapp', uploadedBy: 'user:ana' });
      const file = await store.getAttachment(picture.mediaId, 'file');
      expect(file?.contentType).toBe('image/png');
      expect(file?.data.equals(png)).toBe(true);
      expect((await store.getAttachment(picture.mediaId, 'thumbnail'))?.contentType).toBe('image/webp');
      const zip = Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(100)]);
      const inbound = await storeRemoteMedia(media, {
        bytes: zip, filename: 'docs.zip', declaredMime: 'application/zip', channel: 'telegram',
        uploadedBy: 'contact:k1', conversationId: 'conversation:c1',
      });
      expect(inbound.mimeType).toBe('application/zip');
      expect((await media.read(inbound.mediaId, 'file'))?.data.equals(zip)).toBe(true);
      expect((await media.get(inbound.mediaId))?.conversationIds).toEqual(['conversation:c1']);
    } finally {
      await cleanup();
    }
  });
});
