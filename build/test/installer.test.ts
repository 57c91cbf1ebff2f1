import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MachineConfigFile, UserConfigFile } from '@atende/protocol';
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

  /** The JSON documents the script writes with FileWrite, in order: the machine file, then the user file. */
  const written = [...nsh.matchAll(/FileWrite \$R2 `(\{.*\})\$\\r\$\\n`/g)].map((match) => JSON.parse(match[1] ?? '') as unknown);

  it('writes a machine file that the app accepts: updates off and locked', () => {
    expect(written).toHaveLength(2);
    const parsed = MachineConfigFile.parse(written[0]);
    expect(parsed).toEqual({ autoUpdate: false, lockedKeys: ['autoUpdate'] });
  });

  it('issue 17 point 6: the per-user installer writes a user file the app accepts (updates off), never the machine folder', () => {
    expect(UserConfigFile.parse(written[1])).toEqual({ autoUpdate: false });
    const perUser = nsh.slice(nsh.indexOf('!else', nsh.indexOf('!macro customInstall')), nsh.indexOf('!endif', nsh.indexOf('!macro customInstall')));
    expect(perUser).toContain('atendeDisableUpdatesForUser "$APPDATA\\Atende\\config.json"');
    expect(perUser).toContain('SetShellVarContext current');
    expect(perUser).not.toContain('atendeLockConfigFolder');
  });

  it('issue 17 point 2: writes the fixed machine folder the app reads, not one from an environment variable a user can set', async () => {
    const { WINDOWS_MACHINE_FILE } = await import('../../electron/src/main/policy/sources.js');
    expect(nsh).not.toMatch(/ReadEnvStr/);
    expect(nsh).toContain(`StrCpy $R0 "${path.win32.dirname(WINDOWS_MACHINE_FILE)}"`);
    expect(nsh).toContain('!insertmacro atendeDisableUpdates "$R0\\config.json"');
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

  /** Compiles a harness around customInstall; `perMachine` defines what electron-builder defines for a per-machine build. */
  function compile(perMachine: boolean): { status: number | null; output: string } {
    const dir = mkdtempSync(path.join(tmpdir(), 'atende-nsis-'));
    try {
      const script = path.join(dir, 'harness.nsi');
      writeFileSync(script, [
        'Unicode true',
        `!define BUILD_RESOURCES_DIR "${BUILD}"`,
        ...(perMachine ? ['!define INSTALL_MODE_PER_ALL_USERS'] : []),
        'Name "harness"',
        `OutFile "${path.join(dir, 'harness.exe')}"`,
        `RequestExecutionLevel ${perMachine ? 'admin' : 'user'}`,
        `!include "${path.join(BUILD, 'installer.nsh')}"`,
        'Section',
        '  !insertmacro customInstall',
        'SectionEnd',
      ].join('\n'));
      const result = spawnSync('makensis', ['-V2', '-WX', script], { encoding: 'utf8' });
      return { status: result.status, output: result.stdout + result.stderr };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it.skipIf(!makensis)('compiles per machine with makensis, warnings as errors (skipped when NSIS is not installed)', () => {
    const result = compile(true);
    expect(result.status, result.output).toBe(0);
  });

  it.skipIf(!makensis)('issue 17 point 6: compiles per user with makensis, warnings as errors (skipped when NSIS is not installed)', () => {
    const result = compile(false);
    expect(result.status, result.output).toBe(0);
  });
});
