import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import type { AfterPackContext } from 'electron-builder';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { afterPack, electronBinary, fuseSettings } from '../fuses.mjs';

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/** A stand-in Electron binary: the sentinel, wire version 1, 8 fuses as a stock Electron ships them. */
const STOCK_WIRE = '10110001';
/** How the wire stores a fuse: the characters '1' and '0'. */
const ENABLE = 0x31;
const DISABLE = 0x30;
const fakeBinary = (file: string) => writeFileSync(file, Buffer.concat([Buffer.from('binary…'), Buffer.from(SENTINEL), Buffer.from([1, 8]), Buffer.from(STOCK_WIRE), Buffer.from('…end')]));

function context(appOutDir: string, electronPlatformName: string): AfterPackContext {
  const packager = { appInfo: { productFilename: 'Atende' }, executableName: 'atende' };
  return { appOutDir, electronPlatformName, packager } as unknown as AfterPackContext;
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('Electron fuses (issue 4 point 2)', () => {
  it.each(['win32', 'darwin', 'mas', 'linux'])('on %s: no Node mode, no NODE_OPTIONS or --inspect, encrypted cookies, app only from asar', (platform) => {
    expect(fuseSettings(platform)).toMatchObject({
      RunAsNode: false,
      EnableNodeOptionsEnvironmentVariable: false,
      EnableNodeCliInspectArguments: false,
      EnableCookieEncryption: true,
      OnlyLoadAppFromAsar: true,
      GrantFileProtocolExtraPrivileges: false,
    });
  });

  it('checks asar integrity where Electron supports it (macOS, Windows)', () => {
    expect(fuseSettings('win32').EnableEmbeddedAsarIntegrityValidation).toBe(true);
    expect(fuseSettings('darwin').EnableEmbeddedAsarIntegrityValidation).toBe(true);
    expect(fuseSettings('mas').EnableEmbeddedAsarIntegrityValidation).toBe(true);
    expect(fuseSettings('linux').EnableEmbeddedAsarIntegrityValidation).toBe(false);
  });

  it('decides every fuse @electron/fuses knows', () => {
    const known = Object.keys(FuseV1Options).filter((key) => Number.isNaN(Number(key)));
    expect(Object.keys(fuseSettings('win32')).sort()).toEqual(known.sort());
  });

  it('finds the packed binary per platform', () => {
    expect(electronBinary(context('/out', 'win32'))).toBe(path.join('/out', 'Atende.exe'));
    expect(electronBinary(context('/out', 'darwin'))).toBe(path.join('/out', 'Atende.app'));
    expect(electronBinary(context('/out', 'linux'))).toBe(path.join('/out', 'atende'));
    expect(() => electronBinary(context('/out', 'aix'))).toThrow(/aix/);
  });

  it.each([
    ['linux', 'atende'],
    ['win32', 'Atende.exe'],
  ])('afterPack flips the fuse wire of a %s binary as the settings say', async (platform, file) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'atende-fuses-'));
    dirs.push(dir);
    fakeBinary(path.join(dir, file));
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    await afterPack(context(dir, platform));
    expect(log).toHaveBeenCalledWith(expect.stringContaining(file));
    log.mockRestore();
    const wire = await getCurrentFuseWire(path.join(dir, file));
    const settings = fuseSettings(platform);
    for (const [name, enabled] of Object.entries(settings)) {
      const fuse = FuseV1Options[name as keyof typeof FuseV1Options];
      expect(wire[fuse], name).toBe(enabled ? ENABLE : DISABLE);
    }
  });
});
