import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { safeStorage } from 'electron';
import { writeFileAtomic } from './jsonFile';

/**
 * The refresh token, encrypted by the OS key store through `safeStorage` (DPAPI, Keychain, libsecret
 * or KWallet) in a file in userData. When the OS offers no real encryption (no keyring on Linux
 * makes Chromium fall back to a hard-coded key, "basic_text") nothing is written: the renderer then
 * keeps the session in memory only, which is safer than a token readable by anyone with the disk.
 */
export function refreshTokenPath(userDataDir: string): string {
  return path.join(userDataDir, 'refresh-token.bin');
}

export function canEncrypt(platform: NodeJS.Platform = process.platform): boolean {
  if (!safeStorage.isEncryptionAvailable()) return false;
  if (platform !== 'linux') return true;
  const backend = safeStorage.getSelectedStorageBackend();
  return backend !== 'basic_text' && backend !== 'unknown';
}

export async function storeRefreshToken(file: string, token: string | null, platform: NodeJS.Platform = process.platform): Promise<void> {
  if (token === null || !canEncrypt(platform)) {
    // Signing out, or no safe place: any older copy must not outlive this call.
    await rm(file, { force: true });
    return;
  }
  await writeFileAtomic(file, safeStorage.encryptString(token));
}

export async function loadRefreshToken(file: string, platform: NodeJS.Platform = process.platform): Promise<string | null> {
  if (!canEncrypt(platform)) return null;
  let sealed: Buffer;
  try {
    sealed = await readFile(file);
  } catch {
    return null;
  }
  try {
    return safeStorage.decryptString(sealed);
  } catch {
    // Another user's or another machine's key (a copied profile): useless, so forget it.
    await rm(file, { force: true });
    return null;
  }
}
