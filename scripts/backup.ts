/**
 * `npm run backup -- [--out FILE] [--via auto|direct|server]` (R-OPS-04): copies the configured
 * store (ATENDE_DATA_DIR, or COUCHDB_URL + ATENDE_COUCHDB_DB) to a gzip NDJSON backup file.
 * README "Backups" explains what is copied and how consistent the copy is.
 */
import { parseArgs } from 'node:util';
import { backupDone, EXIT, failure, runBackup, UsageError } from '../sync-server/src/backup/cli.js';

const say = (line: string) => console.log(line);

async function main(): Promise<number> {
  try {
    const { values } = parseArgs({
      options: { out: { type: 'string' }, via: { type: 'string', default: 'auto' }, help: { type: 'boolean' } },
      allowPositionals: false,
    });
    if (values.help) {
      say('usage: npm run backup -- [--out FILE] [--via auto|direct|server]');
      return EXIT.ok;
    }
    const via = values.via;
    if (via !== 'auto' && via !== 'direct' && via !== 'server') throw new UsageError(`--via must be auto, direct or server, got "${via}"`);
    const out = values.out ?? `atende-backup-${new Date().toISOString().replace(/[:.]/g, '-')}.ndjson.gz`;
    say(backupDone(await runBackup(process.env, out, via, say)));
    return EXIT.ok;
  } catch (error) {
    // parseArgs' own errors (an unknown option) are usage errors too.
    const usage = error instanceof TypeError && 'code' in error ? new UsageError(error.message) : error;
    return failure(usage, (line) => console.error(line));
  }
}

process.exitCode = await main();
