import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { dialog, resetElectron } from './fakes/electron';
import { fakeTools, KEY_NOT_FOUND } from './fakes/osTools';
import { createConfigStore, defaultServerUrl, machineSources, reportConfigProblems, userConfigPath } from '../src/main/config';
import type { MachineSource } from '../src/main/policy/sources';

vi.mock('electron', async () => (await import('./fakes/electron')).electron);

let dir: string;
let machineFile: string;
let userFile: string;

function store(options: { isPackaged?: boolean; env?: NodeJS.ProcessEnv; buildUpdateUrl?: string; sources?: MachineSource[] } = {}) {
  return createConfigStore({
    machineSources: options.sources ?? [{ kind: 'file', file: machineFile }],
    userFile,
    isPackaged: options.isPackaged ?? true,
    env: options.env ?? {},
    buildUpdateUrl: options.buildUpdateUrl,
    runTool: fakeTools(() => new Error('no OS tool expected')),
  });
}
const write = (file: string, value: unknown) => writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));

beforeEach(() => {
  resetElectron();
  dir = mkdtempSync(path.join(tmpdir(), 'atende-config-'));
  machineFile = path.join(dir, 'machine.json');
  userFile = path.join(dir, 'user.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('R-DT-05 / issue 17 machine sources per OS, at fixed paths', () => {
  it('Windows: Group Policy first, then C:\\ProgramData\\Atende\\config.json', () => {
    expect(machineSources('win32', 'ana')).toEqual([{ kind: 'registry' }, { kind: 'file', file: 'C:\\ProgramData\\Atende\\config.json' }]);
  });
  it('macOS: the per-user then machine managed preferences, then /Library/Application Support', () => {
    expect(machineSources('darwin', 'ana')).toEqual([
      { kind: 'managed-preferences', file: '/Library/Managed Preferences/ana/com.atende.desktop.plist' },
      { kind: 'managed-preferences', file: '/Library/Managed Preferences/com.atende.desktop.plist' },
      { kind: 'file', file: '/Library/Application Support/Atende/config.json' },
    ]);
  });
  it('macOS: an account name that would make a path of its own is not used', () => {
    expect(machineSources('darwin', '../evil')[0]).toEqual({ kind: 'managed-preferences', file: '/Library/Managed Preferences/com.atende.desktop.plist' });
    expect(machineSources('darwin', undefined)).toHaveLength(2);
  });
  it('Linux: /etc/atende/config.json', () => {
    expect(machineSources('linux', 'ana')).toEqual([{ kind: 'file', file: '/etc/atende/config.json' }]);
  });
  it('keeps the user file in userData', () => {
    expect(userConfigPath('/home/a/.config/Atende')).toBe(path.join('/home/a/.config/Atende', 'config.json'));
  });
});

describe('issue 17 a user-set ProgramData, SystemRoot or windir does not change the machine policy', () => {
  it('reads reg.exe and the machine file at their fixed paths whatever the environment says', async () => {
    // What a user could do: start Atende with ProgramData/SystemRoot/windir pointing at their own folder.
    const own = path.join(dir, 'own');
    mkdirSync(path.join(own, 'Atende'), { recursive: true });
    mkdirSync(path.join(own, 'System32'), { recursive: true });
    write(path.join(own, 'Atende', 'config.json'), { serverUrl: 'https://mine.example' });
    const env = { ProgramData: own, SystemRoot: own, windir: own, ALLUSERSPROFILE: own };
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      const tools = fakeTools(() => KEY_NOT_FOUND);
      const config = await createConfigStore({
        machineSources: machineSources('win32', 'ana'),
        userFile,
        isPackaged: true,
        env,
        buildUpdateUrl: undefined,
        runTool: tools,
      }).load();
      expect(config.serverUrl).toBe('http://127.0.0.1:8080');
      expect(tools.calls.map((call) => call.file)).toEqual(['C:\\Windows\\System32\\reg.exe']);
      expect(tools.calls[0]?.args).toEqual(['query', 'HKLM\\Software\\Policies\\Atende', '/reg:64']);
      // reg.exe gets no variable of the user's either.
      expect(tools.calls[0]?.env).toEqual({ SystemRoot: 'C:\\Windows' });
      expect(JSON.stringify(machineSources('win32', 'ana'))).not.toContain(own);
    } finally {
      for (const key of Object.keys(env)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  });
});

describe('R-DT-05 loading', () => {
  it('has the documented defaults when no file exists (no update feed without policy or build)', async () => {
    expect(await store().load()).toEqual({
      serverUrl: 'http://127.0.0.1:8080',
      language: 'pt-BR',
      autoUpdate: true,
      updateUrl: undefined,
      lockedKeys: [],
      problems: [],
    });
  });
  it('reads a valid machine file', async () => {
    write(machineFile, { serverUrl: 'https://atende.corp.example/', language: 'es', autoUpdate: false });
    expect(await store().load()).toMatchObject({ serverUrl: 'https://atende.corp.example', language: 'es', autoUpdate: false, problems: [] });
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
  it('lets the hand-edited user file override keys that are not locked', async () => {
    write(machineFile, { language: 'en' });
    write(userFile, { language: 'es', autoUpdate: false, serverUrl: 'https://mine.example' });
    expect(await store().load()).toMatchObject({ language: 'es', autoUpdate: false, serverUrl: 'https://mine.example' });
  });
  it('current() is the defaults before load and the loaded configuration after', async () => {
    write(machineFile, { language: 'es' });
    const config = store();
    expect(config.current().language).toBe('pt-BR');
    await config.load();
    expect(config.current().language).toBe('es');
  });
});

describe('R-DT-05 locked keys of the machine file', () => {
  it('ignores a locked key in the user file', async () => {
    write(machineFile, { serverUrl: 'https://it.example', lockedKeys: ['serverUrl', 'autoUpdate'] });
    write(userFile, { serverUrl: 'https://mine.example', autoUpdate: false, language: 'en' });
    const config = await store().load();
    expect(config).toMatchObject({ serverUrl: 'https://it.example', language: 'en', lockedKeys: ['serverUrl', 'autoUpdate'] });
    // autoUpdate is locked at its default (true), although the machine file does not set it.
    expect(config.autoUpdate).toBe(true);
  });
  it('a locked serverUrl is not taken from ATENDE_SERVER_URL in development either', async () => {
    write(machineFile, { lockedKeys: ['serverUrl'] });
    write(userFile, { serverUrl: 'https://mine.example' });
    const config = await store({ isPackaged: false, env: { ATENDE_SERVER_URL: 'http://127.0.0.1:5050' } }).load();
    // Locked at the default, which in development is the env's: the user FILE still cannot move it.
    expect(config.serverUrl).toBe('http://127.0.0.1:5050');
  });
});

describe('issue 17 update feed: policy or build only', () => {
  it('takes the build feed when no machine source names one, with a trailing slash', async () => {
    expect((await store({ buildUpdateUrl: 'https://updates.atende.example/stable' }).load()).updateUrl).toBe('https://updates.atende.example/stable/');
  });
  it('takes the machine file feed over the build one', async () => {
    write(machineFile, { updateUrl: 'https://mirror.corp.example/atende/' });
    expect((await store({ buildUpdateUrl: 'https://updates.atende.example/' }).load()).updateUrl).toBe('https://mirror.corp.example/atende/');
  });
  it('never derives the feed from serverUrl', async () => {
    write(machineFile, { serverUrl: 'https://atende.corp.example' });
    expect((await store().load()).updateUrl).toBeUndefined();
  });
  it('ignores (and reports) an updateUrl in the user file: the user schema has no such key', async () => {
    write(userFile, { updateUrl: 'https://evil.example/' });
    const config = await store({ buildUpdateUrl: 'https://updates.atende.example/' }).load();
    expect(config.updateUrl).toBe('https://updates.atende.example/');
    expect(config.problems.join()).toMatch(/updateUrl/);
  });
  it('refuses a plain-http build feed and names it', async () => {
    const config = await store({ buildUpdateUrl: 'http://updates.atende.example/' }).load();
    expect(config.updateUrl).toBeUndefined();
    expect(config.problems).toEqual([expect.stringMatching(/update feed built into the app: updateUrl refused: .*plain http/)]);
  });
});

describe('issue 17 every address must be https (http only to this machine)', () => {
  it('refuses a machine-file http serverUrl to another host, names it and falls back', async () => {
    write(machineFile, { serverUrl: 'http://atende.corp.example', language: 'en', lockedKeys: ['serverUrl'] });
    write(userFile, { serverUrl: 'https://mine.example' });
    const config = await store().load();
    // Dropped, the rest of the file applies, and the key stays locked: the user file does not win.
    expect(config).toMatchObject({ serverUrl: 'http://127.0.0.1:8080', language: 'en', lockedKeys: ['serverUrl'] });
    expect(config.problems).toEqual([`${machineFile}: serverUrl refused: "http://atende.corp.example" uses plain http: only https is accepted (http only to this machine)`]);
  });
  it('refuses an http updateUrl in the machine file and uses the build feed', async () => {
    write(machineFile, { updateUrl: 'http://mirror.corp.example/' });
    const config = await store({ buildUpdateUrl: 'https://updates.atende.example/' }).load();
    expect(config.updateUrl).toBe('https://updates.atende.example/');
    expect(config.problems[0]).toMatch(/updateUrl refused/);
  });
  it('refuses an http serverUrl in the user file', async () => {
    write(userFile, { serverUrl: 'http://10.0.0.5:8080', language: 'es' });
    const config = await store().load();
    expect(config).toMatchObject({ serverUrl: 'http://127.0.0.1:8080', language: 'es' });
    expect(config.problems[0]).toContain(`${userFile}: serverUrl refused`);
  });
  it('keeps plain http to this machine (a local server, development)', async () => {
    write(machineFile, { serverUrl: 'http://localhost:9090' });
    expect(await store().load()).toMatchObject({ serverUrl: 'http://localhost:9090', problems: [] });
  });
});

describe('R-DT-05 development server URL', () => {
  it('takes ATENDE_SERVER_URL as the default when unpackaged', () => {
    expect(defaultServerUrl(false, { ATENDE_SERVER_URL: 'http://127.0.0.1:5050/' })).toBe('http://127.0.0.1:5050');
  });
  it('ignores it in the installed app, when it is not an http(s) URL, and when it is http to another host', () => {
    expect(defaultServerUrl(true, { ATENDE_SERVER_URL: 'http://127.0.0.1:5050' })).toBe('http://127.0.0.1:8080');
    expect(defaultServerUrl(false, { ATENDE_SERVER_URL: 'javascript:alert(1)' })).toBe('http://127.0.0.1:8080');
    expect(defaultServerUrl(false, { ATENDE_SERVER_URL: 'http://dev.example:5050' })).toBe('http://127.0.0.1:8080');
  });
  it('never overrides the files', async () => {
    write(machineFile, { serverUrl: 'https://it.example' });
    expect((await store({ isPackaged: false, env: { ATENDE_SERVER_URL: 'http://127.0.0.1:5050' } }).load()).serverUrl).toBe('https://it.example');
  });
});

describe('R-DT-05 problems dialog', () => {
  it('shows one dialog listing every ignored source', async () => {
    await reportConfigProblems(['a.json: invalid JSON', 'b.json: serverUrl: Invalid URL'], { title: 'T', message: 'M' });
    expect(dialog.showMessageBox).toHaveBeenCalledTimes(1);
    expect(dialog.showMessageBox).toHaveBeenCalledWith(expect.objectContaining({ type: 'warning', detail: expect.stringContaining('b.json') }));
  });
  it('shows nothing when all is well', async () => {
    await reportConfigProblems([], { title: 'T', message: 'M' });
    expect(dialog.showMessageBox).not.toHaveBeenCalled();
  });
});
