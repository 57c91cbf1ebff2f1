import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeTools, ok } from './fakes/osTools';
import { createConfigStore } from '../src/main/config';
import type { ToolResult } from '../src/main/policy/runTool';

vi.mock('electron', async () => (await import('./fakes/electron')).electron);

let dir: string;
let userManaged: string;
let machineManaged: string;
let machineFile: string;
let userFile: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'atende-mcx-'));
  userManaged = path.join(dir, 'ana-com.atende.desktop.plist');
  machineManaged = path.join(dir, 'com.atende.desktop.plist');
  machineFile = path.join(dir, 'machine.json');
  userFile = path.join(dir, 'user.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The plists exist on disk (plutil is only run for a file that does); plutil answers per file. */
function load(plutil: Record<string, ToolResult>) {
  for (const file of Object.keys(plutil)) writeFileSync(file, 'bplist00');
  const tools = fakeTools((call) => plutil[call.args.at(-1) ?? ''] ?? new Error(`unexpected ${call.file}`));
  const store = createConfigStore({
    machineSources: [
      { kind: 'managed-preferences', file: userManaged },
      { kind: 'managed-preferences', file: machineManaged },
      { kind: 'file', file: machineFile },
    ],
    userFile,
    isPackaged: true,
    env: {},
    buildUpdateUrl: undefined,
    runTool: tools,
  });
  return { tools, config: store.load() };
}

describe('R-DT-05 / issue 17 macOS managed preferences (com.atende.desktop)', () => {
  it('runs /usr/bin/plutil to JSON and locks every managed key against the user file', async () => {
    writeFileSync(userFile, JSON.stringify({ serverUrl: 'https://mine.example', autoUpdate: true, language: 'es' }));
    const managed = { PayloadUUID: '5C2E0A4B-1F0D-4C8E-9E7B-0D3E2A7C9B10', serverUrl: 'https://atende.corp.example', autoUpdate: false };
    const { tools, config } = load({ [machineManaged]: ok(JSON.stringify(managed)) });
    expect(await config).toMatchObject({ serverUrl: 'https://atende.corp.example', autoUpdate: false, language: 'es', lockedKeys: ['serverUrl', 'autoUpdate'], problems: [] });
    expect(tools.calls).toEqual([{ file: '/usr/bin/plutil', args: ['-convert', 'json', '-o', '-', machineManaged], env: {} }]);
  });
  it('the per-user profile beats the machine one; both beat the machine file', async () => {
    writeFileSync(machineFile, JSON.stringify({ language: 'pt-BR', updateUrl: 'https://file-feed.example/' }));
    const { config } = load({
      [userManaged]: ok(JSON.stringify({ language: 'es' })),
      [machineManaged]: ok(JSON.stringify({ language: 'en', updateUrl: 'https://mdm-feed.example/', lockedKeys: ['autoUpdate'] })),
    });
    expect(await config).toMatchObject({ language: 'es', updateUrl: 'https://mdm-feed.example/', lockedKeys: ['language', 'autoUpdate'], problems: [] });
  });
  it('refuses a managed http serverUrl to another host and names it', async () => {
    const { config } = load({ [machineManaged]: ok(JSON.stringify({ serverUrl: 'http://atende.corp.example' })) });
    const loaded = await config;
    expect(loaded).toMatchObject({ serverUrl: 'http://127.0.0.1:8080', lockedKeys: ['serverUrl'] });
    expect(loaded.problems).toEqual([expect.stringContaining(`${machineManaged}: serverUrl refused`)]);
  });
  it('names a plist plutil cannot convert, and one that is not a dictionary', async () => {
    const { config } = load({
      [userManaged]: { code: 1, stdout: '', stderr: 'invalid object in plist for destination format' },
      [machineManaged]: ok('[1, 2]'),
    });
    const loaded = await config;
    expect(loaded.problems).toEqual([
      `${userManaged}: /usr/bin/plutil could not read it (invalid object in plist for destination format); ignored`,
      `${machineManaged}: not a dictionary; ignored`,
    ]);
  });
  it('runs nothing when no profile is installed', async () => {
    const { tools, config } = load({});
    expect(await config).toMatchObject({ lockedKeys: [], problems: [] });
    expect(tools.calls).toEqual([]);
  });
});
