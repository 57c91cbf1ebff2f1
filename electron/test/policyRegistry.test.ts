import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeTools, KEY_NOT_FOUND, ok, regQueryOutput } from './fakes/osTools';
import { createConfigStore } from '../src/main/config';
import { parseRegQuery, readRegistryPolicy } from '../src/main/policy/registry';
import type { ToolResult } from '../src/main/policy/runTool';

vi.mock('electron', async () => (await import('./fakes/electron')).electron);

let dir: string;
let machineFile: string;
let userFile: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'atende-gpo-'));
  machineFile = path.join(dir, 'machine.json');
  userFile = path.join(dir, 'user.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const write = (file: string, value: unknown) => writeFileSync(file, JSON.stringify(value));
/** Windows with Group Policy (reg.exe answering) and the machine file in a temp folder. */
function load(reg: ToolResult | Error, buildUpdateUrl?: string) {
  return createConfigStore({
    machineSources: [{ kind: 'registry' }, { kind: 'file', file: machineFile }],
    userFile,
    isPackaged: true,
    env: {},
    buildUpdateUrl,
    runTool: fakeTools(() => reg),
  }).load();
}

describe('R-DT-05 / issue 17 reg.exe output parser', () => {
  it('reads REG_SZ, REG_DWORD and REG_MULTI_SZ as Windows prints them', () => {
    const stdout = regQueryOutput([
      '    serverUrl    REG_SZ    https://atende.corp.example',
      '    autoUpdate    REG_DWORD    0x0',
      '    lockedKeys    REG_MULTI_SZ    language\\0serverUrl',
      '    language    REG_EXPAND_SZ    pt-BR',
    ]);
    expect(parseRegQuery(stdout)).toEqual([
      { name: 'serverUrl', type: 'REG_SZ', data: 'https://atende.corp.example' },
      { name: 'autoUpdate', type: 'REG_DWORD', data: 0 },
      { name: 'lockedKeys', type: 'REG_MULTI_SZ', data: ['language', 'serverUrl'] },
      { name: 'language', type: 'REG_EXPAND_SZ', data: 'pt-BR' },
    ]);
  });
  it('reads hex DWORDs, empty strings, names with spaces and values with spaces', () => {
    const stdout = regQueryOutput([
      '    autoUpdate    REG_DWORD    0x1',
      '    big    REG_DWORD    0xffffffff',
      '    empty    REG_SZ    ',
      '    no data    REG_MULTI_SZ    ',
      '    note    REG_SZ    two  words    and more',
    ]);
    expect(parseRegQuery(stdout)).toEqual([
      { name: 'autoUpdate', type: 'REG_DWORD', data: 1 },
      { name: 'big', type: 'REG_DWORD', data: 0xffffffff },
      { name: 'empty', type: 'REG_SZ', data: '' },
      { name: 'no data', type: 'REG_MULTI_SZ', data: [] },
      { name: 'note', type: 'REG_SZ', data: 'two  words    and more' },
    ]);
  });
  it('skips the key line, subkeys, the default value, and marks other types', () => {
    const stdout = [
      '',
      'HKEY_LOCAL_MACHINE\\Software\\Policies\\Atende',
      '    (Default)    REG_SZ    something',
      '    blob    REG_BINARY    0030000000200000',
      '    language    REG_SZ    en',
      '',
      'HKEY_LOCAL_MACHINE\\Software\\Policies\\Atende\\Extra',
      '',
    ].join('\r\n');
    expect(parseRegQuery(stdout)).toEqual([
      { name: 'blob', type: 'other', regType: 'REG_BINARY' },
      { name: 'language', type: 'REG_SZ', data: 'en' },
    ]);
  });
});

describe('R-DT-05 / issue 17 Group Policy values', () => {
  it('applies the policy values and locks every key they set', async () => {
    const config = await load(ok(regQueryOutput([
      '    serverUrl    REG_SZ    https://atende.corp.example/',
      '    language    REG_SZ    es',
      '    autoUpdate    REG_DWORD    0x0',
      '    updateUrl    REG_SZ    https://mirror.corp.example/atende',
    ])));
    expect(config).toEqual({
      serverUrl: 'https://atende.corp.example',
      language: 'es',
      autoUpdate: false,
      updateUrl: 'https://mirror.corp.example/atende/',
      lockedKeys: ['serverUrl', 'language', 'autoUpdate'],
      problems: [],
    });
  });
  it('locks its keys against the user file, and beats the machine file', async () => {
    write(machineFile, { serverUrl: 'https://file.corp.example', language: 'en', autoUpdate: true, updateUrl: 'https://file-feed.example/' });
    write(userFile, { serverUrl: 'https://mine.example', autoUpdate: true, language: 'pt-BR' });
    const config = await load(ok(regQueryOutput(['    serverUrl    REG_SZ    https://gpo.corp.example', '    autoUpdate    REG_DWORD    0x0'])));
    // language is not a policy nor locked by the file: the user's choice stands.
    expect(config).toMatchObject({ serverUrl: 'https://gpo.corp.example', autoUpdate: false, language: 'pt-BR', lockedKeys: ['serverUrl', 'autoUpdate'] });
    expect(config.updateUrl).toBe('https://file-feed.example/');
  });
  it('lockedKeys as REG_SZ with commas or REG_MULTI_SZ locks keys at the machine file value or the default', async () => {
    write(machineFile, { language: 'en' });
    write(userFile, { language: 'es', autoUpdate: false });
    const comma = await load(ok(regQueryOutput(['    lockedKeys    REG_SZ    language, autoUpdate'])));
    expect(comma).toMatchObject({ language: 'en', autoUpdate: true, lockedKeys: ['language', 'autoUpdate'], problems: [] });
    const multi = await load(ok(regQueryOutput(['    lockedKeys    REG_MULTI_SZ    language\\0autoUpdate'])));
    expect(multi).toMatchObject({ language: 'en', autoUpdate: true, lockedKeys: ['language', 'autoUpdate'], problems: [] });
  });
  it('refuses a policy http serverUrl to another host, lists it, and keeps the key locked', async () => {
    write(userFile, { serverUrl: 'https://mine.example' });
    const config = await load(ok(regQueryOutput(['    serverUrl    REG_SZ    http://atende.corp.example:8080', '    language    REG_SZ    en'])));
    expect(config).toMatchObject({ serverUrl: 'http://127.0.0.1:8080', language: 'en', lockedKeys: ['serverUrl', 'language'] });
    expect(config.problems).toEqual([
      'HKLM\\Software\\Policies\\Atende: serverUrl refused: "http://atende.corp.example:8080" uses plain http: only https is accepted (http only to this machine)',
    ]);
  });
  it('refuses a policy http updateUrl and falls back to the build feed', async () => {
    const config = await load(ok(regQueryOutput(['    updateUrl    REG_SZ    http://mirror.corp.example/'])), 'https://updates.atende.example/');
    expect(config.updateUrl).toBe('https://updates.atende.example/');
    expect(config.problems[0]).toMatch(/^HKLM\\Software\\Policies\\Atende: updateUrl refused/);
  });
  it('names bad values, wrong types and unknown names; the good values still apply and bad keys stay locked', async () => {
    write(userFile, { language: 'es', autoUpdate: false, serverUrl: 'https://mine.example' });
    const config = await load(ok(regQueryOutput([
      '    language    REG_SZ    fr',
      '    autoUpdate    REG_DWORD    0x2',
      '    serverurl    REG_SZ    https://typo.example',
      '    lockedKeys    REG_SZ    updateUrl',
      '    serverUrl    REG_BINARY    00',
      '    updateUrl    REG_SZ    https://mirror.corp.example/',
    ])));
    expect(config).toMatchObject({ language: 'pt-BR', autoUpdate: true, updateUrl: 'https://mirror.corp.example/', lockedKeys: ['serverUrl', 'language', 'autoUpdate'] });
    expect(config.serverUrl).toBe('http://127.0.0.1:8080');
    expect(config.problems).toHaveLength(5);
    expect(config.problems.join('\n')).toMatch(/REG_BINARY is not a type/);
    expect(config.problems.join('\n')).toMatch(/language: .*pt-BR/);
    expect(config.problems.join('\n')).toMatch(/autoUpdate: expected 1 \(on\) or 0 \(off\)/);
    expect(config.problems.join('\n')).toMatch(/serverurl: unknown policy value/);
    expect(config.problems.join('\n')).toMatch(/"updateUrl" is not a setting that can be locked/);
  });
  it('no policy key: reg.exe exit code 1 is not a problem', async () => {
    write(machineFile, { language: 'en' });
    expect(await load(KEY_NOT_FOUND)).toMatchObject({ language: 'en', lockedKeys: [], problems: [] });
  });
  it('reg.exe that cannot run or fails otherwise is named, and the machine file still applies', async () => {
    write(machineFile, { language: 'en' });
    const missing = await load(Object.assign(new Error('spawn C:\\Windows\\System32\\reg.exe ENOENT'), { code: 'ENOENT' }));
    expect(missing.language).toBe('en');
    expect(missing.problems).toEqual([expect.stringMatching(/could not run C:\\Windows\\System32\\reg\.exe .*ENOENT.*Group Policy not applied/)]);
    const failed = await readRegistryPolicy(fakeTools(() => ({ code: 5, stdout: '', stderr: 'ERROR: Access is denied.' })));
    expect(failed.problems).toEqual([expect.stringMatching(/exit code 5 \(ERROR: Access is denied\.\)/)]);
  });
});
