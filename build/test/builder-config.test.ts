import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Configuration, FileSet, TargetConfigType } from 'electron-builder';
import { describe, expect, it } from 'vitest';
import { PLACEHOLDER_UPDATE_URL, shouldNotarize, updateFeedUrl } from '../builder-env.mjs';
import config, { PER_USER_CHANNEL, WINDOWS_INSTALLERS, windowsInstallerConfig } from '../electron-builder.config.mjs';

const BUILD = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = path.dirname(BUILD);

/** The target names of a platform section, whatever shape they are written in. */
function targets(target: TargetConfigType | undefined): string[] {
  const list = target === undefined || target === null ? [] : Array.isArray(target) ? target : [target];
  return list.map((entry) => (typeof entry === 'string' ? entry : entry.target));
}

const fromRoot = (file: string) => path.resolve(ROOT, file);

describe('electron-builder configuration (issue 4 point 7, R-DT-04)', () => {
  it('names the app and takes only the built bundles and renderer into the asar', () => {
    expect(config.appId).toBe('com.atende.desktop');
    expect(config.productName).toBe('Atende');
    expect(config.asar).toBe(true);
    // The main bundle is CommonJS (electron/build.mjs); the root package.json says "module".
    expect(config.extraMetadata).toMatchObject({ main: 'electron/dist/main.js', type: 'commonjs' });
    expect(config.files).toContain('electron/dist/**/*');
    const renderer = (config.files as Array<string | FileSet>).find((f): f is FileSet => typeof f === 'object');
    expect(renderer).toMatchObject({ from: 'renderer/dist', to: 'renderer' });
  });

  it('builds NSIS and MSI on Windows (one run each), DMG and zip on macOS, AppImage, deb and rpm on Linux', () => {
    expect(targets(config.win?.target)).toEqual(['nsis']);
    expect(WINDOWS_INSTALLERS.map((kind) => targets(windowsInstallerConfig(kind).win?.target))).toEqual([['nsis'], ['msi'], ['nsis']]);
    expect(targets(config.mac?.target)).toEqual(['dmg', 'zip']);
    expect(targets(config.linux?.target)).toEqual(['AppImage', 'deb', 'rpm']);
  });

  it('installs per machine on Windows, with the include script that adds /DISABLEUPDATES', () => {
    expect(config.nsis).toMatchObject({ perMachine: true, oneClick: false, deleteAppDataOnUninstall: false });
    expect(config.msi).toMatchObject({ perMachine: true });
    const include = fromRoot(config.nsis?.include ?? 'missing');
    expect(readFileSync(include, 'utf8')).toContain('/DISABLEUPDATES');
  });

  it('signs macOS builds with the hardened runtime and our entitlements, and notarises only with credentials', () => {
    expect(config.mac).toMatchObject({ hardenedRuntime: true, gatekeeperAssess: false });
    for (const file of [config.mac?.entitlements, config.mac?.entitlementsInherit]) {
      expect(file).toBeTruthy();
      const plist = readFileSync(fromRoot(file ?? ''), 'utf8');
      expect(plist).toContain('com.apple.security.cs.allow-jit');
      expect(plist).not.toContain('disable-library-validation');
    }
    expect(shouldNotarize({})).toBe(false);
    expect(shouldNotarize({ APPLE_ID: 'someone@example.com' })).toBe(true);
    expect(shouldNotarize({ APPLE_API_KEY: '/keys/AuthKey.p8' })).toBe(true);
  });

  it('registers atende:// on every OS, with the Linux desktop entry handling x-scheme-handler/atende', () => {
    expect(config.protocols).toEqual([{ name: 'Atende', schemes: ['atende'] }]);
    expect(config.linux?.desktop?.entry?.MimeType).toContain('x-scheme-handler/atende');
    expect(config.linux?.category).toBeTruthy();
  });

  it('runs the fuse script after packing, and it exists', async () => {
    expect(typeof config.afterPack).toBe('string');
    const hook = String(config.afterPack);
    expect(existsSync(hook)).toBe(true);
    const module = (await import(hook)) as { afterPack?: unknown };
    expect(typeof module.afterPack).toBe('function');
  });

  it('publishes a generic feed: ATENDE_UPDATE_URL, else a placeholder that can never resolve', () => {
    expect(config.publish).toEqual([{ provider: 'generic', url: updateFeedUrl(process.env), channel: 'latest' }]);
    expect(updateFeedUrl({})).toBe(PLACEHOLDER_UPDATE_URL);
    expect(new URL(PLACEHOLDER_UPDATE_URL).hostname.endsWith('.invalid')).toBe(true);
    expect(updateFeedUrl({ ATENDE_UPDATE_URL: 'https://chat.example.com/updates' })).toBe('https://chat.example.com/updates/');
    expect(() => updateFeedUrl({ ATENDE_UPDATE_URL: 'ftp://chat.example.com/' })).toThrow(/ATENDE_UPDATE_URL/);
    expect(() => updateFeedUrl({ ATENDE_UPDATE_URL: 'not a url' })).toThrow(/ATENDE_UPDATE_URL/);
  });

  it('R-DT-04 issue 17 point 6: each Windows installer packs its own install-kind marker, and only Windows does', () => {
    for (const kind of WINDOWS_INSTALLERS) {
      const variant = windowsInstallerConfig(kind);
      expect(variant.win?.extraResources, kind).toEqual([{ from: `build/install-kind/${kind}.json`, to: 'install-kind.json' }]);
      const marker = JSON.parse(readFileSync(fromRoot(`build/install-kind/${kind}.json`), 'utf8')) as unknown;
      expect(marker, kind).toEqual({ kind });
      // Everything else is the base configuration: same app, same fuses, same files.
      expect(variant.files).toBe(config.files);
      expect(variant.afterPack).toBe(config.afterPack);
    }
    expect(config.win?.extraResources).toEqual([{ from: 'build/install-kind/nsis.json', to: 'install-kind.json' }]);
    for (const section of [config.extraResources, config.mac?.extraResources, config.linux?.extraResources]) {
      expect(section).toBeUndefined();
    }
  });

  it('R-DT-04 issue 17 point 6: the per-user NSIS installer needs no administrator and has its own name and update channel', async () => {
    const perUser = windowsInstallerConfig('nsis-per-user');
    expect(perUser.nsis).toMatchObject({
      oneClick: true,
      perMachine: false,
      allowElevation: false,
      allowToChangeInstallationDirectory: false,
      include: 'build/installer.nsh',
      artifactName: 'Atende-Setup-User-${version}.${ext}',
    });
    expect(perUser.publish).toEqual([{ provider: 'generic', url: updateFeedUrl(process.env), channel: PER_USER_CHANNEL }]);
    expect(PER_USER_CHANNEL).not.toBe('latest');
    // The app's side reads the same channel for 'nsis-per-user' installs.
    const { PER_USER_UPDATE_CHANNEL } = await import('../../electron/src/main/updates.js');
    expect(PER_USER_UPDATE_CHANNEL).toBe(PER_USER_CHANNEL);
    // The per-machine installers keep theirs, and the base object is not changed by the variants.
    for (const kind of ['nsis', 'msi'] as const) {
      const variant = windowsInstallerConfig(kind);
      expect(variant.nsis).toBe(config.nsis);
      expect(variant.publish).toBe(config.publish);
    }
    expect(config.nsis).toMatchObject({ perMachine: true, oneClick: false, artifactName: 'Atende-Setup-${version}.${ext}' });
  });

  it('R-DT-04 issue 17 point 6: every Windows installer configuration passes electron-builder\'s own schema', async () => {
    // electron-builder's validator (internal module of the pinned version): it refuses unknown or misplaced keys.
    const { validateConfiguration } = createRequire(import.meta.url)(path.join(ROOT, 'node_modules/app-builder-lib/out/util/config/config.js')) as {
      validateConfiguration: (config: Configuration, logger: { isEnabled: boolean; add: () => void }) => Promise<void>;
    };
    const logger = { isEnabled: false, add: () => undefined };
    for (const kind of WINDOWS_INSTALLERS) await validateConfiguration(windowsInstallerConfig(kind), logger);
    const misplaced = { ...config, win: { ...config.win, perMachine: false } } as Configuration;
    await expect(validateConfiguration(misplaced, logger)).rejects.toThrow(/Invalid configuration/);
  });

  it('has an icon for every OS', () => {
    for (const icon of [config.win?.icon, config.mac?.icon, config.linux?.icon]) {
      expect(icon).toBe('build/icon.png');
    }
    expect(existsSync(fromRoot('build/icon.png'))).toBe(true);
  });
});

/** Identity and credential settings electron-builder accepts in the file; ours come from env only. */
const SECRET_KEYS = /^(identity|certificateFile|certificatePassword|certificateSha1|certificateSubjectName|cscLink|cscKeyPassword|password|appleId|appleIdPassword|appleApiKey|appleApiIssuer|teamId|keychain|keychainProfile|token|privateKey)$/i;
const CREDENTIAL_FILES = /\.(p12|pfx|p8|pem|key|cer|crt|keystore|jks|mobileprovision|provisionprofile)$/i;
/**
 * A PEM block with content: the armour line, a line break (real, or escaped in a string literal),
 * then base64. A regex or prose that only names the armour is not key material.
 */
const PEM = new RegExp('-----BEGIN [A-Z ]*' + '-----(?:\\s+|(?:\\\\r)?\\\\n)[A-Za-z0-9+/=]{16,}');
const APP_PASSWORD = /\b[a-z]{4}-[a-z]{4}-[a-z]{4}-[a-z]{4}\b/;
/** `NAME=value` or `NAME: value` with a literal value; placeholders (<…>, $VAR, %VAR%, ${{ … }}) pass. */
const LITERAL_ASSIGNMENT = /\b((WIN_)?CSC_[A-Z_]+|APPLE_[A-Z_]+)\b['"]?\s*[:=]\s*['"]?(?![<$%'"\s]|\$\{\{)\S/;
const PASSWORD_LITERAL = /password['"]?\s*[:=]\s*['"][^'"<$%{]{3,}['"]/i;

function* walk(value: unknown, at: string): Generator<[string, unknown]> {
  yield [at, value];
  if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) yield* walk(child, `${at}.${key}`);
  }
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? filesUnder(file) : [file];
  });
}

describe('no secrets in the build configuration (R-DT-04: identities only from env vars)', () => {
  it('the configuration object has no signing identity, certificate or credential in it', () => {
    for (const [at, value] of walk(config satisfies Configuration, 'config')) {
      const key = at.split('.').pop() ?? '';
      expect(SECRET_KEYS.test(key), at).toBe(false);
      if (typeof value !== 'string') continue;
      expect(CREDENTIAL_FILES.test(value), at).toBe(false);
      expect(PEM.test(value), at).toBe(false);
      expect(value.length < 300, at).toBe(true);
    }
  });

  it('no file under build/ is a key or certificate, or holds a PEM block or a literal credential', () => {
    // This file is left out: its own examples below must look like credentials.
    const files = filesUnder(BUILD).filter((file) => file !== fileURLToPath(import.meta.url));
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const name = path.relative(ROOT, file);
      expect(CREDENTIAL_FILES.test(file), name).toBe(false);
      if (file.endsWith('.png')) continue;
      const text = readFileSync(file, 'utf8');
      expect(PEM.test(text), name).toBe(false);
      expect(APP_PASSWORD.test(text), name).toBe(false);
      expect(text.match(LITERAL_ASSIGNMENT)?.[0], name).toBeUndefined();
      expect(text.match(PASSWORD_LITERAL)?.[0], name).toBeUndefined();
    }
  });

  it('the scanner itself catches what it is meant to', () => {
    expect(LITERAL_ASSIGNMENT.test('CSC_KEY_PASSWORD=hunter22')).toBe(true);
    expect(LITERAL_ASSIGNMENT.test("APPLE_ID: 'dev@example.com'")).toBe(true);
    expect(LITERAL_ASSIGNMENT.test('export CSC_LINK=<path to the .p12>')).toBe(false);
    expect(LITERAL_ASSIGNMENT.test('CSC_KEY_PASSWORD: ${{ secrets.CSC_KEY_PASSWORD }}')).toBe(false);
    expect(LITERAL_ASSIGNMENT.test('$env:WIN_CSC_LINK = $secretPath')).toBe(false);
    expect(PASSWORD_LITERAL.test('certificatePassword: "s3cret!"')).toBe(true);
    expect(PEM.test(['-----BEGIN', 'PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIH'].join(' '))).toBe(true);
    expect(PEM.test(['-----BEGIN', 'PRIVATE KEY-----\r\nMC4CAQAwBQYDK2VwBCIEIH'].join(' '))).toBe(true);
    expect(PEM.test(["'-----BEGIN", "PRIVATE KEY-----\\nMC4CAQAwBQYDK2VwBCIEIH'"].join(' '))).toBe(true);
    expect(PEM.test(['/^-----BEGIN', 'PUBLIC KEY-----\\n[\\s\\S]+/'].join(' '))).toBe(false);
    expect(APP_PASSWORD.test(['abcd', 'efgh', 'ijkl', 'mnop'].join('-'))).toBe(true);
  });
});
