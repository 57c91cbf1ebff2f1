import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MachineConfigFile } from '@atende/protocol';
import { describe, expect, it } from 'vitest';

const BUILD = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const nsh = readFileSync(path.join(BUILD, 'installer.nsh'), 'utf8');
const ps1 = readFileSync(path.join(BUILD, 'machine-config.ps1'), 'utf8');
const makensis = spawnSync('makensis', ['-VERSION'], { encoding: 'utf8' }).status === 0;

describe('Windows installer additions (installer.nsh, issue 4 point 7)', () => {
  it('hooks customInstall and reads /DISABLEUPDATES from the command line', () => {
    expect(nsh).toMatch(/^!macro customInstall$/m);
    expect(nsh).toContain('${GetOptions} $R1 "/DISABLEUPDATES" $R2');
  });

  it('writes a machine file that the app accepts: updates off and locked', () => {
    const written = /FileWrite \$R2 `(\{.*\})\$\\r\$\\n`/.exec(nsh)?.[1];
    expect(written).toBeDefined();
    const parsed = MachineConfigFile.parse(JSON.parse(written ?? ''));
    expect(parsed).toEqual({ autoUpdate: false, lockedKeys: ['autoUpdate'] });
  });

  it('merges into an existing file with the bundled PowerShell helper, and reports failure as exit code 3', () => {
    expect(nsh).toContain('"${BUILD_RESOURCES_DIR}\\machine-config.ps1"');
    expect(nsh).toContain('SetErrorLevel 3');
    expect(ps1).toContain("-NotePropertyName 'autoUpdate' -NotePropertyValue $false");
    expect(ps1).toContain("$locked += 'autoUpdate'");
    // UTF-8 without a byte-order mark, which JSON.parse would reject.
    expect(ps1).toContain('System.Text.UTF8Encoding -ArgumentList $false');
  });

  it('lets only administrators write %ProgramData%\\Atende, by well-known SID', () => {
    expect(nsh).toContain('/inheritance:r /grant:r *S-1-5-18:(OI)(CI)F *S-1-5-32-544:(OI)(CI)F *S-1-5-32-545:(OI)(CI)RX');
    expect(nsh).toContain('/setowner *S-1-5-32-544');
  });

  it.skipIf(!makensis)('compiles with makensis, warnings as errors (skipped when NSIS is not installed)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'atende-nsis-'));
    try {
      const script = path.join(dir, 'harness.nsi');
      writeFileSync(script, [
        'Unicode true',
        `!define BUILD_RESOURCES_DIR "${BUILD}"`,
        'Name "harness"',
        `OutFile "${path.join(dir, 'harness.exe')}"`,
        'RequestExecutionLevel user',
        `!include "${path.join(BUILD, 'installer.nsh')}"`,
        'Section',
        '  !insertmacro customInstall',
        'SectionEnd',
      ].join('\n'));
      const result = spawnSync('makensis', ['-V2', '-WX', script], { encoding: 'utf8' });
      expect(result.status, result.stdout + result.stderr).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
