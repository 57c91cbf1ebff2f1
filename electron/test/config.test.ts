import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { dialog, resetElectron } from './fakes/electron';
import {
  createConfigStore,
  defaultServerUrl,
  machineConfigPath,
  reportConfigProblems,
  userConfigPath,
} from '../src/main/config';

vi.mock('electron', async () => (await import('./fakes/electron')).electron);

let dir: string;
let machineFile: string;
let userFile: string;

function store(options: { isPackaged?: boolean; env?: NodeJS.ProcessEnv } = {}) {
  return createConfigStore({ machineFile, userFile, isPackaged: options.isPackaged ?? true, env: options.env ?? {} });
}
const write = (file: string, value: unknown) => writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));

beforeEach(() => {
  resetElectron();
  dir = mkdtempSync(path.join(tmpdir(), 'atende-config-'));
  machineFile = path.join(dir, 'machine.json');
  userFile = path.join(dir, 'user.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('R-DT-05 machine-wide file location per OS', () => {
  it('uses %ProgramData% on Windows', () => {
    expect(machineConfigPath('win32', { ProgramData: 'D:\\ProgramData' })).toBe('D:\\ProgramData\\Atende\\config.json');
    expect(machineConfigPath('win32', {})).toBe('C:\\ProgramData\\Atende\\config.json');
  });
  it('uses /Library/Application Support on macOS', () => {
    expect(machineConfigPath('darwin', {})).toBe('/Library/Application Support/Atende/config.json');
  });
  it('uses /etc/atende on Linux', () => {
    expect(machineConfigPath('linux', {})).toBe('/etc/atende/config.json');
  });
  it('keeps the user file in userData', () => {
    expect(userConfigPath('/home/a/.config/Atende')).toBe(path.join('/home/a/.config/Atende', 'config.json'));
  });
});

describe('R-DT-05 loading', () => {
  it('has the documented defaults when no file exists', async () => {
    expect(await store().load()).toEqual({
      serverUrl: 'http://127.0.0.1:8080',
      language: 'pt-BR',
      autoUpdate: true,
      updateUrl: 'http://127.0.0.1:8080/updates/',
      lockedKeys: [],
      problems: [],
    });
  });
  it('reads a valid machine file', async () => {
    write(machineFile, { serverUrl: 'https://atende.corp.example/', language: 'es', autoUpdate: false });
    const config = await store().load();
    expect(config).toMatchObject({ serverUrl: 'https://atende.corp.example', language: 'es', autoUpdate: false, problems: [] });
    expect(config.updateUrl).toBe('https://atende.corp.example/updates/');
  });
  it('takes an explicit update feed from the machine file', async () => {
    write(machineFile, { serverUrl: 'https://a.example', updateUrl: 'https://updates.example/atende' });
    expect((await store().load()).updateUrl).toBe('https://updates.example/atende/');
  });
  it('accepts a file saved with a UTF-8 byte-order mark (Windows Notepad)', async () => {
    write(machineFile, `\uFEFF${JSON.stringify({ language: 'en' })}`);
    expect(await store().load()).toMatchObject({ language: 'en', problems: [] });
  });
  it('reports invalid JSON and falls back to the defaults (no crash)', async () => {
    write(machineFile, '{ "serverUrl": ');
    const config = await store().load();
    expect(config.serverUrl).toBe('http://127.0.0.1:8080');
    expect(config.problems).toHaveLength(1);
    expect(config.problems[0]).toContain(machineFile);
    expect(config.problems[0]).toContain('invalid JSON');
  });
  it('reports a file that breaks the schema and ignores all of it', async () => {
    write(machineFile, { serverUrl: 'ftp://x', language: 'en' });
    const config = await store().load();
    expect(config.language).toBe('pt-BR');
    expect(config.problems[0]).toMatch(/serverUrl/);
  });
  it('reports unknown keys (a typo must not pass silently)', async () => {
    write(machineFile, { autoUpdates: false });
    expect((await store().load()).problems[0]).toMatch(/autoUpdates/);
  });
  it('reports an invalid user file separately and keeps the machine values', async () => {
    write(machineFile, { language: 'en' });
    // lockedKeys is for IT only: the user schema does not have it.
    write(userFile, { lockedKeys: ['language'] });
    const config = await store().load();
    expect(config.language).toBe('en');
    expect(config.problems).toHaveLength(1);
    expect(config.problems[0]).toContain(userFile);
  });
  it('lets the user file override keys that are not locked', async () => {
    write(machineFile, { language: 'en' });
    write(userFile, { language: 'es', autoUpdate: false });
    expect(await store().load()).toMatchObject({ language: 'es', autoUpdate: false });
  });
});

describe('R-DT-05 locked keys', () => {
  it('ignores a locked key in the user file', async () => {
    write(machineFile, { serverUrl: 'https://it.example', lockedKeys: ['serverUrl', 'autoUpdate'] });
    write(userFile, { serverUrl: 'https://mine.example', autoUpdate: false, language: 'en' });
    const config = await store().load();
    expect(config).toMatchObject({ serverUrl: 'https://it.example', language: 'en', lockedKeys: ['serverUrl', 'autoUpdate'] });
    // autoUpdate is locked at its default (true), although the machine file does not set it.
    expect(config.autoUpdate).toBe(true);
  });
  it('refuses to change a locked key and names it', async () => {
    write(machineFile, { autoUpdate: false, lockedKeys: ['autoUpdate'] });
    const config = store();
    await config.load();
    await expect(config.setUser({ autoUpdate: true })).rejects.toThrow(/"autoUpdate" is locked/);
    expect(config.current().autoUpdate).toBe(false);
    expect(() => readFileSync(userFile)).toThrow();
  });
  it('saves an allowed change to the user file and reports the new configuration', async () => {
    write(machineFile, { lockedKeys: ['serverUrl'] });
    const config = store();
    await config.load();
    const seen: string[] = [];
    config.onChange((next) => seen.push(next.language));
    const next = await config.setUser({ language: 'en' });
    expect(next.language).toBe('en');
    expect(seen).toEqual(['en']);
    expect(JSON.parse(readFileSync(userFile, 'utf8'))).toEqual({ language: 'en' });
    // A second change keeps the first.
    await config.setUser({ autoUpdate: false });
    expect(JSON.parse(readFileSync(userFile, 'utf8'))).toEqual({ language: 'en', autoUpdate: false });
  });
  it('rejects values the schema refuses', async () => {
    const config = store();
    await config.load();
    await expect(config.setUser({ serverUrl: 'file:///etc/passwd' })).rejects.toThrow();
  });
});

describe('R-DT-05 development server URL', () => {
  it('takes ATENDE_SERVER_URL as the default when unpackaged', () => {
    expect(defaultServerUrl(false, { ATENDE_SERVER_URL: 'http://127.0.0.1:5050/' })).toBe('http://127.0.0.1:5050');
  });
  it('ignores it in the installed app and when it is not an http(s) URL', () => {
    expect(defaultServerUrl(true, { ATENDE_SERVER_URL: 'http://127.0.0.1:5050' })).toBe('http://127.0.0.1:8080');
    expect(defaultServerUrl(false, { ATENDE_SERVER_URL: 'javascript:alert(1)' })).toBe('http://127.0.0.1:8080');
  });
  it('never overrides the files', async () => {
    write(machineFile, { serverUrl: 'https://it.example' });
    expect((await store({ isPackaged: false, env: { ATENDE_SERVER_URL: 'http://127.0.0.1:5050' } }).load()).serverUrl).toBe('https://it.example');
  });
});

describe('R-DT-05 problems dialog', () => {
  it('shows one dialog listing every ignored file', async () => {
    await reportConfigProblems(['a.json: invalid JSON', 'b.json: serverUrl: Invalid URL'], { title: 'T', message: 'M' });
    expect(dialog.showMessageBox).toHaveBeenCalledTimes(1);
    expect(dialog.showMessageBox).toHaveBeenCalledWith(expect.objectContaining({ type: 'warning', detail: expect.stringContaining('b.json') }));
  });
  it('shows nothing when all is well', async () => {
    await reportConfigProblems([], { title: 'T', message: 'M' });
    expect(dialog.showMessageBox).not.toHaveBeenCalled();
  });
});
