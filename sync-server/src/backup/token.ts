import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BackupError } from './format.js';

/**
 * The backup route's door (R-OPS-04): proof that the caller can read the server's data folder.
 * The copy holds password hashes and channel secrets, so an admin password alone must not fetch it.
 * Looking at the caller's address or at X-Forwarded-For cannot tell: nginx's default proxy_pass on
 * the same host sends neither header and arrives from 127.0.0.1. A token only the folder's owner can
 * read can: whoever reads it could copy the LevelDB files anyway, and nobody else gets it.
 */
export const BACKUP_TOKEN_FILE = 'backup.token';
export const BACKUP_TOKEN_HEADER = 'x-atende-backup-token';

export const backupTokenPath = (dataDir: string): string => path.join(dataDir, BACKUP_TOKEN_FILE);

/**
 * A fresh token for this start, written readable by the server's user only (0600). Written beside
 * and renamed over the old one, so the file never exists with wider rights or half written, and a
 * token of an earlier start stops working.
 */
export function writeBackupToken(dataDir: string): string {
  const token = randomBytes(32).toString('base64url');
  const file = backupTokenPath(dataDir);
  const fresh = `${file}.${process.pid}.tmp`;
  rmSync(fresh, { force: true });
  writeFileSync(fresh, `${token}\n`, { mode: 0o600, flag: 'wx' });
  renameSync(fresh, file);
  return token;
}

/** The running server's token, for `npm run backup` (run by the folder's owner, on its machine). */
export function readBackupToken(dataDir: string): string {
  const file = backupTokenPath(dataDir);
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new BackupError(code === 'ENOENT'
      ? `${file} does not exist: the server holding ${dataDir} did not write it (an older version?), or the folder is another machine's`
      : `cannot read ${file} (${code ?? String(error)}): run the backup as the user the server runs as`);
  }
}
