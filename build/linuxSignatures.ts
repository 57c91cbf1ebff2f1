/**
 * Detached OpenPGP signatures for the Linux packages (issue 17 point 6, R-DT-04): with a signing key
 * set, `npm run dist` writes `<package>.asc` next to each .deb, .rpm and .AppImage, which IT checks
 * with `gpg --verify` before deploying (build/README.md). The key stays in the builder's GnuPG
 * keyring; only its id (and optionally a passphrase file) comes from the environment.
 */
import { execFile } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The packages electron-builder makes on Linux (build/electron-builder.config.mjs `linux.target`). */
export const SIGNED_EXTENSIONS = ['.deb', '.rpm', '.AppImage'] as const;

export interface LinuxSigning {
  /** A key id, fingerprint or user id of a secret key in the keyring (`gpg --local-user`). */
  keyId: string;
  /** A file holding the key's passphrase; without it the key must have none or an agent must hold it. */
  passphraseFile?: string;
  /** The environment gpg runs in (GNUPGHOME selects the keyring). */
  env?: NodeJS.ProcessEnv;
}

/**
 * ATENDE_LINUX_SIGNING_KEY and ATENDE_LINUX_SIGNING_PASSPHRASE_FILE, or undefined when no key is
 * set (signatures are then not made). A passphrase file that does not exist is refused here,
 * before a long build, rather than by gpg at its end.
 */
export function linuxSigningFromEnv(env: NodeJS.ProcessEnv): LinuxSigning | undefined {
  const keyId = env.ATENDE_LINUX_SIGNING_KEY?.trim();
  if (!keyId) return undefined;
  const passphraseFile = env.ATENDE_LINUX_SIGNING_PASSPHRASE_FILE?.trim() || undefined;
  if (passphraseFile && !existsSync(passphraseFile)) {
    throw new Error(`ATENDE_LINUX_SIGNING_PASSPHRASE_FILE "${passphraseFile}" does not exist`);
  }
  return { keyId, passphraseFile, env };
}

export function isLinuxPackage(file: string): boolean {
  return SIGNED_EXTENSIONS.some((extension) => file.endsWith(extension));
}

function gpgFailure(file: string, error: unknown): Error {
  const failure = error as NodeJS.ErrnoException & { stderr?: string };
  if (failure.code === 'ENOENT') return new Error('gpg is not installed: it is needed because ATENDE_LINUX_SIGNING_KEY is set');
  const detail = (failure.stderr ?? '').trim() || failure.message;
  return new Error(`gpg could not sign ${file}: ${detail}`);
}

/**
 * Signs each Linux package among `files` (others are passed over) and returns the `.asc` files
 * written. gpg runs without a shell (execFile), in batch mode so it never waits for a prompt. If
 * one package cannot be signed, the signatures this call already wrote are removed: a release
 * folder never holds signatures for some packages only.
 */
export async function signLinuxArtifacts(files: readonly string[], signing: LinuxSigning): Promise<string[]> {
  const passphrase = signing.passphraseFile ? ['--pinentry-mode', 'loopback', '--passphrase-file', signing.passphraseFile] : [];
  const written: string[] = [];
  for (const file of files.filter(isLinuxPackage)) {
    const signature = `${file}.asc`;
    const args = ['--batch', '--yes', ...passphrase, '--local-user', signing.keyId, '--armor', '--detach-sign', '--output', signature, '--', file];
    try {
      await run('gpg', args, { env: signing.env ?? process.env });
    } catch (error) {
      for (const done of [...written, signature]) rmSync(done, { force: true });
      throw gpgFailure(file, error);
    }
    written.push(signature);
  }
  return written;
}
