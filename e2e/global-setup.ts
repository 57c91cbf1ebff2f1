import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleServer } from './server-bundle';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PREFIX = 'atende-e2e-server-';
/** Longer than any run: an older folder is what an interrupted run (Ctrl-C before the teardown) left. */
const LEFT_OVER_MS = 12 * 3600_000;

/**
 * Builds the sync server once for the whole run (see server-bundle.ts) and tells the fixtures where
 * (E2E_SERVER_BUNDLE, inherited by the workers); removes it afterwards. Each run has a folder of its
 * own, so two runs side by side never start each other's half-written bundle. An E2E_SERVER_BUNDLE
 * already set is used as it is.
 */
export default async function globalSetup(): Promise<(() => void) | undefined> {
  if (process.env.E2E_SERVER_BUNDLE) return undefined;
  // Under node_modules: ignored by git and ESLint, and bare imports resolve as sync-server's do.
  const cache = path.join(root, 'sync-server/node_modules/.cache');
  mkdirSync(cache, { recursive: true });
  for (const name of readdirSync(cache)) {
    const old = path.join(cache, name);
    const made = name.startsWith(PREFIX) ? statSync(old, { throwIfNoEntry: false })?.mtimeMs : undefined;
    if (made !== undefined && Date.now() - made > LEFT_OVER_MS) rmSync(old, { recursive: true, force: true });
  }
  const dir = mkdtempSync(path.join(cache, PREFIX));
  const outfile = path.join(dir, 'main.mjs');
  await bundleServer(root, outfile);
  process.env.E2E_SERVER_BUNDLE = outfile;
  return () => rmSync(dir, { recursive: true, force: true });
}
