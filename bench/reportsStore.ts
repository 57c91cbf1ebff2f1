import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { localDateOf } from '@atende/protocol';
import { EmbeddedStore } from '../sync-server/src/store/embedded.js';
import { withChangeStamps, type DocStore } from '../sync-server/src/store/index.js';
import { generateReportsData, type GeneratedData, type ReportsWorkload } from './reportsData.js';

/**
 * Where the reports bench's data lives. Generating ~1,000,000 messages takes minutes, so
 * BENCH_REPORTS_DIR keeps it between runs: `<dir>/data` is the generated store, never written
 * after generation, with `<dir>/manifest.json` (the expected answers); each run copies it to
 * `<dir>/run` so the rollups are built from scratch every time. Without the variable: a temp
 * folder, removed at the end.
 */
export interface ReportsDataDir {
  data: GeneratedData;
  /** Whether this run generated the data (false: reused from BENCH_REPORTS_DIR). */
  generated: boolean;
  /** ms to copy the kept data to the run folder (reuse only). */
  copyMs: number | null;
  /** The folder of the store this run measures on. */
  runDir: string;
  open(): DocStore;
  cleanUp(): void;
}

const MANIFEST_VERSION = 1;

interface Manifest {
  version: number;
  data: GeneratedData;
}

const sameWorkload = (a: ReportsWorkload, b: ReportsWorkload) => JSON.stringify(a) === JSON.stringify(b);

/** The store as the server writes it: every document stamped with `changedAt` (so the server never has to backfill). */
const openStore = (dir: string): DocStore => withChangeStamps(new EmbeddedStore(dir));

function readManifest(file: string): Manifest | undefined {
  if (!existsSync(file)) return undefined;
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  return manifest.version === MANIFEST_VERSION ? manifest : undefined;
}

/** Yesterday in the organisation's time zone: the last full day the data covers. */
function yesterday(timeZone: string): string {
  return localDateOf(timeZone, Date.now() - 86_400_000);
}

export async function prepareReportsData(w: ReportsWorkload, progress: (line: string) => void): Promise<ReportsDataDir> {
  const kept = process.env.BENCH_REPORTS_DIR;
  const base = kept ? path.resolve(kept) : mkdtempSync(path.join(tmpdir(), 'atende-bench-reports-'));
  const dataDir = path.join(base, 'data');
  const manifestFile = path.join(base, 'manifest.json');
  const cleanUp = () => {
    if (!kept) rmSync(base, { recursive: true, force: true });
    else rmSync(path.join(base, 'run'), { recursive: true, force: true });
  };
  try {
    let manifest = readManifest(manifestFile);
    let generated = false;
    if (!manifest || !sameWorkload(manifest.data.workload, w)) {
      if (existsSync(base) && readdirSync(base).some((f) => !['data', 'run', 'manifest.json'].includes(f))) {
        throw new Error(`BENCH_REPORTS_DIR ${base} holds other files; give the reports bench a folder of its own`);
      }
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(manifestFile, { force: true });
      const store = openStore(dataDir);
      try {
        manifest = { version: MANIFEST_VERSION, data: await generateReportsData(store, w, yesterday(w.timeZone), progress) };
      } finally {
        await store.close();
      }
      writeFileSync(manifestFile, JSON.stringify(manifest));
      generated = true;
    }
    let runDir = dataDir;
    let copyMs: number | null = null;
    if (kept) {
      runDir = path.join(base, 'run');
      rmSync(runDir, { recursive: true, force: true });
      const started = performance.now();
      cpSync(dataDir, runDir, { recursive: true });
      copyMs = Math.round(performance.now() - started);
    }
    return { data: manifest.data, generated, copyMs, runDir, open: () => openStore(runDir), cleanUp };
  } catch (error) {
    cleanUp();
    throw error;
  }
}
