/**
 * What `npm run dist` signs after electron-builder (issue 17 points 1 and 6, R-DT-04):
 * - the update metadata (`latest*.yml` → `<file>.sig`) with the organisation's Ed25519 key in
 *   ATENDE_UPDATE_SIGNING_KEY (PEM, PKCS#8); installed apps refuse metadata without a valid one;
 * - on Linux, the packages (`<package>.asc`) with the GnuPG key ATENDE_LINUX_SIGNING_KEY names.
 * With ATENDE_REQUIRE_SIGNING=1 (release pipelines) a missing key fails the build before it starts.
 */
import { existsSync } from 'node:fs';
import { requireSigning } from './builder-env.mjs';
import { linuxSigningFromEnv, signLinuxArtifacts, type LinuxSigning } from './linuxSignatures.js';
import { publicKeyOf, signUpdateMetadata } from './updateSigning.js';

export interface ReleaseSigning {
  updateKey?: string;
  linux?: LinuxSigning;
}

/** build/updateSigning.ts's contract: signs each update metadata file in `dir`, returns their paths. */
export type SignUpdateMetadata = typeof signUpdateMetadata;

/** The same check the signing does, made before the build so a bad key costs no build time. */
function checkUpdateKey(pem: string): void {
  try {
    publicKeyOf(pem);
  } catch (error) {
    throw new Error(`ATENDE_UPDATE_SIGNING_KEY: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * The signing settings of a build, checked before anything is built. `--dir` makes no installer
 * and no metadata, so it signs nothing and requires nothing.
 */
export function releaseSigning(env: NodeJS.ProcessEnv, platform: NodeJS.Platform, dirOnly: boolean): ReleaseSigning {
  if (dirOnly) return {};
  const updateKey = env.ATENDE_UPDATE_SIGNING_KEY?.trim() || undefined;
  if (updateKey) checkUpdateKey(updateKey);
  const linux = platform === 'linux' ? linuxSigningFromEnv(env) : undefined;
  if (requireSigning(env)) {
    if (!updateKey) {
      throw new Error('ATENDE_REQUIRE_SIGNING is set but ATENDE_UPDATE_SIGNING_KEY is not: installed apps would refuse this release\'s update metadata. Set it to the organisation\'s Ed25519 private key (PEM), see build/README.md');
    }
    if (platform === 'linux' && !linux) {
      throw new Error('ATENDE_REQUIRE_SIGNING is set but ATENDE_LINUX_SIGNING_KEY is not: the .deb, .rpm and .AppImage would ship without signatures. Set it to the id of the GnuPG release key, see build/README.md');
    }
  }
  return { updateKey, linux };
}

/**
 * Signs what the build made and returns the signature files. A key that signs nothing is a
 * failure: every platform's build writes update metadata, so its absence means a broken build.
 */
export async function signRelease(
  signing: ReleaseSigning,
  outDir: string,
  artifacts: readonly string[],
  signUpdates: SignUpdateMetadata = signUpdateMetadata,
): Promise<string[]> {
  const signatures: string[] = [];
  if (signing.updateKey) {
    const signed = signUpdates(outDir, signing.updateKey).map((file) => `${file}.sig`);
    if (signed.length === 0) throw new Error(`ATENDE_UPDATE_SIGNING_KEY is set but ${outDir} holds no update metadata to sign`);
    const absent = signed.filter((file) => !existsSync(file));
    if (absent.length) throw new Error(`update metadata signatures missing after signing: ${absent.join(', ')}`);
    signatures.push(...signed);
  }
  if (signing.linux) signatures.push(...(await signLinuxArtifacts(artifacts, signing.linux)));
  return signatures;
}
