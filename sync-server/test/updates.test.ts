import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config/config.js';
import { call, startTestServer, type TestServer } from './helpers.js';

const LATEST = 'version: 1.2.3\nfiles:\n  - url: Atende-Setup-1.2.3.exe\npath: Atende-Setup-1.2.3.exe\n';
const SIGNATURE = 'bm90IGEgcmVhbCBzaWduYXR1cmU=\n';

/** A GET whose path is sent exactly as written (fetch would normalise `..` away before sending). */
function rawGet(server: { port: number }, rawPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path: rawPath, method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('update feed at /updates/ (issue 4 point 6, R-DT-06)', () => {
  let root: string;
  let feed: string;
  let server: TestServer;
  const installer = randomBytes(200_000);

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'atende-updates-'));
    feed = path.join(root, 'feed');
    mkdirSync(path.join(feed, 'nested'), { recursive: true });
    writeFileSync(path.join(feed, 'latest.yml'), LATEST);
    writeFileSync(path.join(feed, 'latest-linux.yml'), LATEST);
    writeFileSync(path.join(feed, 'latest.yml.sig'), SIGNATURE);
    writeFileSync(path.join(feed, 'Atende-Setup-1.2.3.exe'), installer);
    writeFileSync(path.join(feed, 'Atende-Setup-1.2.3.exe.blockmap'), 'blockmap');
    writeFileSync(path.join(feed, 'nested', 'index.html'), '<p>no index pages</p>');
    writeFileSync(path.join(feed, '.env'), 'SECRET=dotfile');
    writeFileSync(path.join(root, 'secret.txt'), 'outside the feed');
    server = await startTestServer({ ATENDE_UPDATES_DIR: feed });
  });

  afterAll(async () => {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('when latest.yml is asked for, then it is sent as YAML and never cached', async () => {
    for (const name of ['latest.yml', 'latest-linux.yml']) {
      const res = await fetch(`${server.url}/updates/${name}?noCache=1`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/yaml; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(await res.text()).toBe(LATEST);
    }
  });

  it('issue 17: the signature beside latest.yml is text and revalidated like it, so a cache never pairs a new file with an old signature', async () => {
    const res = await fetch(`${server.url}/updates/latest.yml.sig`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(await res.text()).toBe(SIGNATURE);
  });

  it('when an installer is asked for, then its bytes arrive unchanged with a binary type, and ranges work', async () => {
    const res = await fetch(`${server.url}/updates/Atende-Setup-1.2.3.exe`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.microsoft.portable-executable');
    expect(res.headers.get('cache-control')).not.toBe('no-cache');
    expect(Buffer.from(await res.arrayBuffer()).equals(installer)).toBe(true);

    const part = await fetch(`${server.url}/updates/Atende-Setup-1.2.3.exe`, { headers: { range: 'bytes=10-19' } });
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer()).equals(installer.subarray(10, 20))).toBe(true);

    const blockmap = await fetch(`${server.url}/updates/Atende-Setup-1.2.3.exe.blockmap`);
    expect(blockmap.headers.get('content-type')).toBe('application/octet-stream');
  });

  it('when a file is missing, a folder is asked for or a dotfile is, then 404 JSON and no listing', async () => {
    for (const route of ['/updates/latest-mac.yml', '/updates/', '/updates', '/updates/nested/', '/updates/nested', '/updates/.env']) {
      const reply = await call(server, 'GET', route);
      expect(reply.status, route).toBe(404);
      expect(reply.body.error, route).toBe('not_found');
    }
  });

  it('when a path climbs out of the folder, then the file outside is never sent', async () => {
    for (const raw of ['/updates/../secret.txt', '/updates/..%2fsecret.txt', '/updates/%2e%2e/secret.txt', '/updates/nested/..%2f..%2fsecret.txt']) {
      const reply = await rawGet(server, raw);
      expect(reply.status, raw).toBeGreaterThanOrEqual(400);
      expect(reply.body, raw).not.toContain('outside the feed');
    }
  });

  it('when a client tries to write, then nothing changes (read-only)', async () => {
    const reply = await call(server, 'PUT', '/updates/latest.yml', { body: { version: '6.6.6' } });
    expect(reply.status).toBe(404);
    expect(await (await fetch(`${server.url}/updates/latest.yml`)).text()).toBe(LATEST);
  });
});

describe('ATENDE_UPDATES_DIR', () => {
  it('when it is not set, then /updates/ answers 404 updates_not_configured', async () => {
    const server = await startTestServer();
    try {
      expect(server.config.updatesDir).toBeUndefined();
      const reply = await call(server, 'GET', '/updates/latest.yml');
      expect(reply.status).toBe(404);
      expect(reply.body.error).toBe('updates_not_configured');
    } finally {
      await server.close();
    }
  });

  it('when it names a missing folder or a file, then loading the configuration fails with a ConfigError naming it', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'atende-updates-bad-'));
    try {
      writeFileSync(path.join(root, 'a-file'), 'x');
      for (const bad of [path.join(root, 'missing'), path.join(root, 'a-file')]) {
        expect(() => loadConfig({ ATENDE_UPDATES_DIR: bad })).toThrow(ConfigError);
        expect(() => loadConfig({ ATENDE_UPDATES_DIR: bad })).toThrow(/ATENDE_UPDATES_DIR/);
      }
      expect(loadConfig({ ATENDE_UPDATES_DIR: root }).updatesDir).toBe(path.resolve(root));
      expect(loadConfig({ ATENDE_UPDATES_DIR: '' }).updatesDir).toBeUndefined();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
