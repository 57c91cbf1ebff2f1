/**
 * `npm run backup -- [--out FILE] [--via auto|direct|server]` (R-OPS-04): copies the configured
 * store (ATENDE_DATA_DIR, or COUCHDB_URL + ATENDE_COUCHDB_DB) to a gzip NDJSON backup file.
 * README "Backups" explains what is copied and how consistent the copy is.
 */
import { parseArgs } from 'node:util';
import { backupDone, EXIT, runBackup, runCommand, UsageError } from '../sync-server/src/backup/cli.js';
import { backupFileName } from '../sync-server/src/backup/format.js';

const say = (line: string) => console.log(line);

function main(): Promise<number> {
  return runCommand(async () => {
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
    const out = values.out ?? backupFileName(new Date());
    say(backupDone(await runBackup(process.env, out, via, say)));
    return EXIT.ok;
  });
}

process.exitCode = await main();
