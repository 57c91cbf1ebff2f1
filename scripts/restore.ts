/**
 * `npm run restore -- FILE [--force]` (R-OPS-04): restores a backup file into the configured
 * store (ATENDE_DATA_DIR, or COUCHDB_URL + ATENDE_COUCHDB_DB), which must be empty unless
 * --force; the server must not be running on that data folder. See README "Backups".
 */
import { parseArgs } from 'node:util';
import { EXIT, runCommand, runRestore, UsageError } from '../sync-server/src/backup/cli.js';

const say = (line: string) => console.log(line);

function main(): Promise<number> {
  return runCommand(async () => {
    const { values, positionals } = parseArgs({
      options: { force: { type: 'boolean', default: false }, help: { type: 'boolean' } },
      allowPositionals: true,
    });
    if (values.help) {
      say('usage: npm run restore -- FILE [--force]');
      return EXIT.ok;
    }
    const [file, ...rest] = positionals;
    if (!file || rest.length > 0) throw new UsageError('name one backup file: npm run restore -- FILE [--force]');
    say(await runRestore(process.env, file, values.force, say));
    return EXIT.ok;
  });
}

process.exitCode = await main();
