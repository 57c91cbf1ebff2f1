import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT, failure, runBackup, UsageError } from '../src/backup/cli.js';
import { PartialRestoreError, restoreBackup } from '../src/backup/load.js';
import { isEmpty, openReplica, type ReplicaDb } from '../src/backup/replica.js';
import { BACKUP_TOKEN_HEADER, backupTokenPath, readBackupToken } from '../src/backup/token.js';
import {
  backupContents, everyDocument, expectConsistentCopy, expectRestored, PNG, restoreHere, runCli, runningReplica, seedVariedData, startWriter,
} from './backupRig.js';
import { call, login, startTestServer, type TestServer } from './helpers.js';

/**
 * R-OPS-04: `npm run backup` copies a running server's embedded store while writes go on,
 * `npm run restore` rebuilds it in an empty folder, document for document, and the server starts
 * on the copy. The CouchDB variant is in backup-couchdb.test.ts.
 */
const work = mkdtempSync(path.join(tmpdir(), 'atende-backup-'));
const sourceDir = path.join(work, 'source');
const restoredDir = path.join(work, 'restored');
const file = path.join(work, 'running.ndjson.gz');

let server: TestServer;
let pictureId = '';
let serverStopped = false;

beforeAll(async () => {
  // The writer talks to the public visitor routes faster than their rate limit allows.
  server = await startTestServer({ ATENDE_DATA_DIR: sourceDir, ATENDE_PUBLIC_RATE_LIMIT: '1000000' });
  pictureId = await seedVariedData(server);
}, 60_000);

afterAll(async () => {
  if (!serverStopped) await server.close();
  rmSync(work, { recursive: true, force: true });
});

const admin = { ATENDE_BACKUP_EMAIL: 'admin@demo.local', ATENDE_BACKUP_PASSWORD: 'atende123' };

describe('R-OPS-04 backup of the embedded store', () => {
  it('R-OPS-04 a running server is copied through its admin route while writes continue; every document is a state it really had', async () => {
    const stopWriter = await startWriter(server);
    const run = await runCli('backup', ['--out', file], { ATENDE_DATA_DIR: sourceDir, ATENDE_BACKUP_URL: server.url, ...admin });
    expect(await stopWriter()).toBeGreaterThan(0);
    expect(run.out).toContain('copied by the running server');
    expect(run.code, run.out).toBe(0);
    await expectConsistentCopy(runningReplica(server), file, pictureId);
  }, 120_000);

  it('R-OPS-04 restore into an empty folder gives the same documents, and the server starts on it and an agent signs in', async () => {
    const run = await runCli('restore', [file], { ATENDE_DATA_DIR: restoredDir });
    expect(run.code, run.out).toBe(0);
    expect(run.out).toMatch(/restored into .*the store counts \d+ live documents, as the backup does/);
    const opened = await openReplica({ driver: 'embedded', dataDir: restoredDir }, { create: false });
    try {
      await expectRestored(opened.db, file);
    } finally {
      await opened.db.close();
    }

    const copy = await startTestServer({ ATENDE_DATA_DIR: restoredDir });
    try {
      const ana = await login(copy, 'ana@demo.local');
      const res = await fetch(`${copy.url}/api/media/${pictureId}`, { headers: { authorization: `Bearer ${ana.accessToken}` } });
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).equals(PNG)).toBe(true);
    } finally {
      await copy.close();
    }
  }, 120_000);

  it('R-OPS-04 restore refuses a store that is not empty, unless --force', async () => {
    const refused = await runCli('restore', [file], { ATENDE_DATA_DIR: restoredDir });
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('the target store is not empty');
    const forced = await restoreHere(file, { ATENDE_DATA_DIR: restoredDir }, true);
    expect(forced.code, forced.out).toBe(0);
  }, 60_000);

  it('R-OPS-04 a damaged, cut or unfinished backup file is refused with a clear error and nothing is written', async () => {
    const bytes = readFileSync(file);
    const flipped = Buffer.from(bytes);
    const middle = Math.floor(flipped.length / 2);
    flipped[middle] = (flipped[middle] ?? 0) ^ 0xff;
    const lines = gunzipSync(bytes).toString('utf8').trimEnd().split('\n');
    const cases: Array<[string, Buffer, RegExp]> = [
      ['flipped', flipped, /damaged/],
      ['cut', bytes.subarray(0, middle), /damaged or incomplete/],
      // Whole gzip, but without the end line: lost lines cannot pass for a smaller backup.
      ['unfinished', gzipSync(`${lines.slice(0, -1).join('\n')}\n`), /incomplete: it ends after \d+ documents/],
      ['foreign', gzipSync('{"hello":"world"}\n'), /not an Atende backup file/],
    ];
    for (const [name, content, message] of cases) {
      const bad = path.join(work, `${name}.ndjson.gz`);
      writeFileSync(bad, content);
      const target = path.join(work, `target-${name}`);
      // One through the command itself (its exit code), the rest through the same code in-process.
      const run = name === 'cut' ? await runCli('restore', [bad], { ATENDE_DATA_DIR: target }) : await restoreHere(bad, { ATENDE_DATA_DIR: target });
      expect(run.code, `${name}: ${run.out}`).toBe(1);
      expect(run.out, name).toMatch(message);
      const opened = await openReplica({ driver: 'embedded', dataDir: target }, { create: true });
      expect(await isEmpty(opened.db), name).toBe(true);
      await opened.db.close();
    }
  }, 120_000);

  it('R-OPS-04 a restore whose batch fails as a whole says how many documents are written and how many more may be', async () => {
    const target = await openReplica({ driver: 'embedded', dataDir: path.join(work, 'target-partial') }, { create: true });
    let batches = 0;
    // The store refuses the second batch, as a full disk would.
    const failing: ReplicaDb = {
      ...target.db, // (its prototype's methods are not copied: the three restore uses are below)
      info: () => target.db.info(),
      changes: (options) => target.db.changes(options),
      bulkDocs: (docs, options) => (++batches === 2 ? Promise.reject(new Error('disk full')) : target.db.bulkDocs(docs, options)),
    };
    try {
      const error = await restoreBackup(file, failing).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PartialRestoreError);
      // The second batch failed as a whole: a store writes each document on its own, so some of it may be in.
      expect((error as Error).message).toMatch(/^restore stopped after writing 100 of \d+ documents \(disk full\); up to 100 more of the failed batch may be in the target as well/);
      const held = await target.db.changes({ since: 0, limit: 1000, style: 'all_docs' });
      expect(held.results).toHaveLength(100);
      expect(failure(error, () => {})).toBe(EXIT.partial);
    } finally {
      await target.db.close();
    }
  });

  it('R-OPS-04 asking a running server without an admin account fails clearly and leaves no file', async () => {
    const out = path.join(work, 'refused.ndjson.gz');
    const env = { ATENDE_DATA_DIR: sourceDir, ATENDE_BACKUP_URL: server.url, ATENDE_LOG_LEVEL: 'silent' };
    await expect(runBackup(env, out, 'server', () => {})).rejects.toThrow(UsageError);
    const agent = { ...env, ATENDE_BACKUP_EMAIL: 'ana@demo.local', ATENDE_BACKUP_PASSWORD: 'atende123' };
    await expect(runBackup(agent, out, 'server', () => {})).rejects.toThrow(/the server refused the backup: 403/);
    expect(existsSync(out) || existsSync(`${out}.partial`)).toBe(false);
  });

  it('R-OPS-04 a missing output folder or no server at the address is said plainly, with what to set', async () => {
    const env = { ATENDE_DATA_DIR: sourceDir, ATENDE_LOG_LEVEL: 'silent', ...admin };
    await expect(runBackup(env, path.join(work, 'no-such-folder', 'x.ndjson.gz'), 'server', () => {})).rejects.toThrow(/does not exist; create it first/);
    const nowhere = { ...env, ATENDE_BACKUP_URL: 'http://127.0.0.1:9' };
    const out = path.join(work, 'nowhere.ndjson.gz');
    await expect(runBackup(nowhere, out, 'server', () => {})).rejects.toThrow(/no server answered at http:\/\/127\.0\.0\.1:9 .*ATENDE_BACKUP_URL/);
    expect(existsSync(out) || existsSync(`${out}.partial`)).toBe(false);
  });

  it('R-OPS-04 the backup route is for admins holding the token from the server\'s data folder only', async () => {
    const file = backupTokenPath(sourceDir);
    // Readable by the server's user only.
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const folder = { [BACKUP_TOKEN_HEADER]: readBackupToken(sourceDir) };
    const ana = await login(server, 'ana@demo.local');
    expect((await call(server, 'GET', '/api/admin/backup', { headers: folder })).status).toBe(401);
    expect((await call(server, 'GET', '/api/admin/backup', { token: ana.accessToken, headers: folder })).status).toBe(403);
    // An admin password alone does not take the store, secrets included: a same-host proxy (nginx's
    // default proxy_pass sends no X-Forwarded-For) arrives from loopback like this call, without the token.
    const adminSession = await login(server, 'admin@demo.local');
    const bare = await call(server, 'GET', '/api/admin/backup', { token: adminSession.accessToken });
    expect(bare.status).toBe(404);
    expect(bare.body).toMatchObject({ message: 'No route for GET /api/admin/backup' });
    const guessed = { [BACKUP_TOKEN_HEADER]: folder[BACKUP_TOKEN_HEADER].replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) };
    expect((await call(server, 'GET', '/api/admin/backup', { token: adminSession.accessToken, headers: guessed })).status).toBe(404);
  });

  it('R-OPS-04 with HOST on an address that is not 127.0.0.1 the CLI asks the server there, and each start writes a new token', async () => {
    // 127.0.0.2 reaches this machine (all of 127/8 does on Linux) but is no address a loopback check knows.
    const dir = path.join(work, 'bound');
    const bound = await startTestServer({ ATENDE_DATA_DIR: dir, HOST: '127.0.0.2' });
    const port = new URL(bound.url).port;
    let first = '';
    try {
      first = readBackupToken(dir);
      const out = path.join(work, 'bound.ndjson.gz');
      const run = await runCli('backup', ['--out', out], { ATENDE_DATA_DIR: dir, HOST: '127.0.0.2', PORT: port, ...admin });
      expect(run.code, run.out).toBe(0);
      expect(run.out).toContain(`asking the server at http://127.0.0.2:${port}`);
      expect(run.out).toContain('copied by the running server');
    } finally {
      await bound.close();
    }
    const again = await startTestServer({ ATENDE_DATA_DIR: dir, HOST: '127.0.0.2' });
    try {
      expect(readBackupToken(dir)).not.toBe(first);
      const adminSession = await login(again, 'admin@demo.local');
      const stale = await call(again, 'GET', '/api/admin/backup', { token: adminSession.accessToken, headers: { [BACKUP_TOKEN_HEADER]: first } });
      expect(stale.status).toBe(404);
    } finally {
      await again.close();
    }
  }, 120_000);

  it('R-OPS-04 with the server stopped the CLI reads the folder directly, and the copy equals the store', async () => {
    await server.close();
    serverStopped = true;
    const stopped = path.join(work, 'stopped.ndjson.gz');
    const run = await runCli('backup', ['--out', stopped], { ATENDE_DATA_DIR: sourceDir });
    expect(run.code, run.out).toBe(0);
    expect(run.out).toContain('read directly');
    // It holds password hashes and channel secrets: readable by its owner only.
    expect(statSync(stopped).mode & 0o777).toBe(0o600);
    const opened = await openReplica({ driver: 'embedded', dataDir: sourceDir }, { create: false });
    try {
      const store = await everyDocument(opened.db);
      const { docs } = await backupContents(stopped);
      expect(docs).toEqual(store);
    } finally {
      await opened.db.close();
    }
  }, 60_000);
});
