import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { INSTALL_KIND_FILE, readInstallKind } from '../src/main/installKind';

const MARKERS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'build', 'install-kind');

let resources: string;
beforeEach(() => {
  resources = mkdtempSync(path.join(tmpdir(), 'atende-resources-'));
});
afterEach(() => rmSync(resources, { recursive: true, force: true }));

const mark = (content: string) => writeFileSync(path.join(resources, INSTALL_KIND_FILE), content);

describe('install kind marker (issue 17 point 6, R-DT-06)', () => {
  it('R-DT-06 each marker the Windows build ships reads back as its own kind', () => {
    const files = readdirSync(MARKERS).sort();
    expect(files).toEqual(['msi.json', 'nsis-per-user.json', 'nsis.json']);
    for (const file of files) {
      copyFileSync(path.join(MARKERS, file), path.join(resources, INSTALL_KIND_FILE));
      expect(readInstallKind(resources, 'win32')).toBe(path.basename(file, '.json'));
    }
  });

  it('issue 17 point 6: an MSI marker makes an MSI install, accepting the byte-order mark Windows tools write', () => {
    mark('\uFEFF{ "kind": "msi" }');
    expect(readInstallKind(resources, 'win32')).toBe('msi');
  });

  it('issue 17 point 6: no marker (development) is "other"', () => {
    expect(readInstallKind(resources, 'win32')).toBe('other');
    expect(readInstallKind(path.join(resources, 'absent'), 'win32')).toBe('other');
  });

  it('issue 17 point 6: an invalid or unknown marker is "other", never a guess', () => {
    for (const content of ['not json', '"msi"', 'null', '{}', '{ "kind": "MSI" }', '{ "kind": "other" }', '{ "kind": ["msi"] }']) {
      mark(content);
      expect(readInstallKind(resources, 'win32'), content).toBe('other');
    }
  });

  it('issue 17 point 6: outside Windows a marker means nothing', () => {
    mark('{ "kind": "msi" }');
    expect(readInstallKind(resources, 'linux')).toBe('other');
    expect(readInstallKind(resources, 'darwin')).toBe('other');
  });
});
