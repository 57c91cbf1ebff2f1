import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resetElectron, safeStorage, safeStorageState } from './fakes/electron';
import { loadRefreshToken, refreshTokenPath, storeRefreshToken } from '../src/main/tokens';

vi.mock('electron', async () => (await import('./fakes/electron')).electron);

let dir: string;
let file: string;
const TOKEN = 'rt_9f8e7d6c5b4a';

beforeEach(() => {
  resetElectron();
  dir = mkdtempSync(path.join(tmpdir(), 'atende-tokens-'));
  file = refreshTokenPath(dir);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('R-DT-01 refresh token storage (safeStorage)', () => {
  it('stores the token encrypted and loads it back', async () => {
    await storeRefreshToken(file, TOKEN, 'win32');
    expect(readFileSync(file, 'utf8')).not.toContain(TOKEN);
    expect(safeStorage.encryptString).toHaveBeenCalledWith(TOKEN);
    expect(await loadRefreshToken(file, 'win32')).toBe(TOKEN);
  });
  it('writes nothing when encryption is unavailable, and loads null', async () => {
    safeStorageState.available = false;
    await storeRefreshToken(file, TOKEN, 'darwin');
    expect(existsSync(file)).toBe(false);
    expect(safeStorage.encryptString).not.toHaveBeenCalled();
    expect(await loadRefreshToken(file, 'darwin')).toBeNull();
  });
  it('treats Linux without a keyring (basic_text) as unavailable', async () => {
    safeStorageState.backend = 'basic_text';
    await storeRefreshToken(file, TOKEN, 'linux');
    expect(existsSync(file)).toBe(false);
    safeStorageState.backend = 'kwallet5';
    await storeRefreshToken(file, TOKEN, 'linux');
    expect(await loadRefreshToken(file, 'linux')).toBe(TOKEN);
  });
  it('removes an older copy when it can no longer encrypt', async () => {
    await storeRefreshToken(file, TOKEN, 'win32');
    safeStorageState.available = false;
    await storeRefreshToken(file, 'rt_newer', 'win32');
    expect(existsSync(file)).toBe(false);
  });
  it('deletes the file on sign-out (null)', async () => {
    await storeRefreshToken(file, TOKEN, 'win32');
    await storeRefreshToken(file, null, 'win32');
    expect(existsSync(file)).toBe(false);
    expect(await loadRefreshToken(file, 'win32')).toBeNull();
  });
  it('forgets a file it cannot decrypt (another profile or machine)', async () => {
    writeFileSync(file, 'garbage');
    expect(await loadRefreshToken(file, 'win32')).toBeNull();
    expect(existsSync(file)).toBe(false);
  });
  it('returns null when nothing was stored', async () => {
    expect(await loadRefreshToken(file, 'win32')).toBeNull();
  });
});
