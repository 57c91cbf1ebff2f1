import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config/config.js';
import { call, startTestServer, type TestServer } from './helpers.js';

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

describe('issue 17 point 5: spelling dictionaries at /dictionaries/ for the desktop app', () => {
  let root: string;
  let server: TestServer;
  const ptBR = randomBytes(50_000);

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'atende-issue17-dictionaries-'));
    const folder = path.join(root, 'dictionaries');
    mkdirSync(path.join(folder, 'nested-1-0.bdic'), { recursive: true });
    writeFileSync(path.join(folder, 'pt-BR-3-0.bdic'), ptBR);
    writeFileSync(path.join(folder, 'en-US-10-1.bdic'), 'en');
    writeFileSync(path.join(folder, 'notes.txt'), 'not a dictionary');
    writeFileSync(path.join(root, 'secret-1-0.bdic'), 'outside the folder');
    server = await startTestServer({ ATENDE_DICTIONARIES_DIR: folder });
  });

  afterAll(async () => {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('issue 17 a dictionary is sent unchanged, as binary, cacheable for a day', async () => {
    const res = await fetch(`${server.url}/dictionaries/pt-BR-3-0.bdic`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('cache-control')).toBe('public, max-age=86400');
    expect(Buffer.from(await res.arrayBuffer()).equals(ptBR)).toBe(true);
  });

  it('issue 17 Chromium may ask in lower case: the name matches regardless of case', async () => {
    const res = await fetch(`${server.url}/dictionaries/pt-br-3-0.bdic`);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(ptBR)).toBe(true);
  });

  it('issue 17 an absent dictionary, a folder or another file is 404 JSON saying so', async () => {
    for (const route of ['/dictionaries/es-ES-3-0.bdic', '/dictionaries/nested-1-0.bdic', '/dictionaries/notes.txt', '/dictionaries/', '/dictionaries']) {
      const reply = await call(server, 'GET', route);
      expect(reply.status, route).toBe(404);
      expect(typeof reply.body.message, route).toBe('string');
    }
    const missing = await call(server, 'GET', '/dictionaries/es-ES-3-0.bdic');
    expect(missing.body.error).toBe('dictionary_not_found');
    expect(missing.body.message).toMatch(/es-ES-3-0\.bdic/);
  });

  it('issue 17 a name outside the pattern or a path climbing out of the folder is never served', async () => {
    for (const raw of ['/dictionaries/../dictionaries/secret-1-0.bdic', '/dictionaries/..%2fsecret-1-0.bdic', '/dictionaries/%2e%2e%2fsecret-1-0.bdic', '/dictionaries/pt-BR-3-0.bdic%00.txt', '/dictionaries/.pt-BR-3-0.bdic']) {
      const reply = await rawGet(server, raw);
      expect(reply.status, raw).toBeGreaterThanOrEqual(400);
      expect(reply.body, raw).not.toContain('outside the folder');
    }
  });

  it('issue 17 read-only: a write is refused and the file stays', async () => {
    const reply = await call(server, 'PUT', '/dictionaries/pt-BR-3-0.bdic', { body: { x: 1 } });
    expect(reply.status).toBe(404);
    expect(Buffer.from(await (await fetch(`${server.url}/dictionaries/pt-BR-3-0.bdic`)).arrayBuffer()).equals(ptBR)).toBe(true);
  });
});

describe('issue 17 ATENDE_DICTIONARIES_DIR', () => {
  it('issue 17 unset: /dictionaries/ answers 404 dictionaries_not_configured', async () => {
    const server = await startTestServer();
    try {
      expect(server.config.dictionariesDir).toBeUndefined();
      const reply = await call(server, 'GET', '/dictionaries/pt-BR-3-0.bdic');
      expect(reply.status).toBe(404);
      expect(reply.body.error).toBe('dictionaries_not_configured');
      expect(reply.body.message).toMatch(/ATENDE_DICTIONARIES_DIR/);
    } finally {
      await server.close();
    }
  });

  it('issue 17 naming a missing folder or a file stops the start with a ConfigError naming it', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'atende-issue17-dictionaries-bad-'));
    try {
      writeFileSync(path.join(root, 'a-file'), 'x');
      for (const bad of [path.join(root, 'missing'), path.join(root, 'a-file')]) {
        expect(() => loadConfig({ ATENDE_DICTIONARIES_DIR: bad })).toThrow(ConfigError);
        expect(() => loadConfig({ ATENDE_DICTIONARIES_DIR: bad })).toThrow(/ATENDE_DICTIONARIES_DIR/);
      }
      expect(loadConfig({ ATENDE_DICTIONARIES_DIR: root }).dictionariesDir).toBe(path.resolve(root));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
