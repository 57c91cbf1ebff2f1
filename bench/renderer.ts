import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type ConsoleMessage, type Page, type Route } from '@playwright/test';
import { DEMO_PASSWORD, login } from './client.js';
import { domProbe, idbProbe, type IdbState, type ProbeState } from './probe.js';
import { startBenchServer, type BenchServer } from './server.js';
import { percentile } from './stats.js';
import { conversationId, PREFIX, seedWorkload, WORKLOAD, type SeedResult } from './workload.js';

/**
 * Renderer benchmark (issue 3, point 6): a fresh browser profile signs in and replicates
 * 5,000 waiting conversations / 50,000 messages ("cold"), then the same profile reloads and
 * renders the waiting list from its local store ("warm", online and with the network cut).
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = path.join(ROOT, 'renderer', 'dist');
/** Bound of each wait in the page; a cold sync that does not finish in time is reported as such. */
export const PAGE_LIMIT_MS = 10 * 60_000;
const WARM_LIMIT_MS = 2 * 60_000;
const POLL_MS = 250;
/** How often the page counts the seeded documents in IndexedDB during the cold sync. */
export const IDB_POLL_MS = 1_000;
const warmRuns = Number.parseInt(process.env.BENCH_WARM_RUNS ?? '', 10);
/** Warm starts per network state (BENCH_WARM_RUNS, default 3). */
export const WARM_RUNS = Number.isFinite(warmRuns) && warmRuns > 0 ? warmRuns : 3;
export const USER = 'ana@demo.local';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run',
  '--disable-quic',
];
// Chromium reports refused connections and offline fetches as console errors (as in e2e/fixtures.ts).
const NETWORK_NOISE = [/^Failed to load resource/, /^WebSocket connection to .* failed/];

export interface ColdResult {
  /** false: PAGE_LIMIT_MS ran out; the figures below are what was reached by then. */
  completed: boolean;
  /** All times: ms from the click on "Entrar". */
  homeMs: number | null;
  firstCardMs: number | null;
  /** First card visible and "Em espera" showing the full count. */
  waitingCompleteMs: number | null;
  waitingPaintedMs: number | null;
  /**
   * `.home[data-sync-state="synced"]`: the app's signal, meant to follow awaitInitialReplication
   * of every collection (it can come early: see README and `syncedBeforeData`).
   */
  syncedMs: number | null;
  /** Every seeded document counted in IndexedDB (polled every IDB_POLL_MS from a second page). */
  idbConversationsMs: number | null;
  idbMessagesMs: number | null;
  /** The brief's "lists complete": max(synced, waiting list complete). */
  syncedAndWaitingCompleteMs: number | null;
  /** Everything there: max(waiting list complete, all seeded documents in IndexedDB, synced). */
  listsCompleteMs: number | null;
  /**
   * The app said "synced" while seeded messages were still missing from IndexedDB: its
   * data-sync-state cannot be taken alone as "replication complete" (see README).
   */
  syncedBeforeData: boolean | null;
  /**
   * Share of wall time the page's main thread ran tasks (CDP Performance.getMetrics TaskDuration),
   * from the click until the waiting list was complete, and from then until the end of the run.
   */
  mainThreadBusyPercent: { untilWaitingComplete: number | null; afterWaitingComplete: number | null };
  /** Main-thread tasks over 50 ms between the click and the end. */
  longTasks: LongTasks;
  /** Last counts seen (useful when not completed). */
  last: { waitingCount: number | null; syncState: string | null; idbConversations: number; idbMessages: number };
  /** [s since click, conversations, messages] in IndexedDB, about one sample per second. */
  progress: Array<[number, number, number]>;
  /** The slowest IndexedDB poll: [ms since click, duration]; failed polls and the last failure. */
  slowestPoll: [number, number] | null;
  pollErrors: number;
  lastPollError: string | null;
}

export interface LongTasks {
  count: number;
  totalMs: number;
  /** The longest ones: [ms since the origin of the figures, duration]. */
  top: Array<[number, number]>;
}

export interface WarmRun {
  network: 'online' | 'offline';
  run: number;
  /** All times: ms since the reload's navigation started. */
  loadEventMs: number | null;
  homeMs: number | null;
  firstCardMs: number;
  waitingCompleteMs: number;
  waitingPaintedMs: number | null;
  /** data-sync-state="synced" again (online only; offline never syncs; the same caveat as cold). */
  syncedMs: number | null;
  /** The longest main-thread task until the list was complete. */
  longestTaskMs: number;
  /** Offline: API requests the app made that the cut network refused during the run. */
  refusedApiRequests: number | null;
}

export interface WarmSummary {
  network: 'online' | 'offline';
  runs: number;
  medianFirstCardMs: number;
  medianWaitingCompleteMs: number;
  medianWaitingPaintedMs: number | null;
  minWaitingCompleteMs: number;
  maxWaitingCompleteMs: number;
  medianSyncedMs: number | null;
}

export interface RendererResult {
  user: string;
  browser: string;
  profile: string;
  seed: SeedResult & { expectedWaiting: number; indexWarmMs: number; firstLoginMs: number };
  /** 1/5/15-minute load averages before and after: other work on the machine skews the figures. */
  loadAverage: { before: number[]; after: number[] };
  cold: ColdResult;
  /** JS heap of the page (after a forced GC): after the cold sync, then after opening 20 conversations. */
  heap: HeapResult | null;
  /** null when the cold sync did not finish; `failure`: why the warm runs stopped early. */
  warm: { runs: WarmRun[]; summary: WarmSummary[]; failure: string | null } | null;
  /** The app's token refreshes seen by the browser over the whole run. */
  tokenRefreshes: ReturnType<RefreshWatch['counts']>;
  consoleErrors: string[];
}

export interface HeapResult {
  afterFirstSyncMB: number;
  after20ConversationsMB: number;
  /** Conversations whose messages showed (opened one after another in the same window). */
  opened: number;
}

export interface RendererBuild {
  /** The entry bundle's file name (content-hashed by Vite): which build was measured. */
  bundle: string | null;
  builtAt: string | null;
  /** A file under renderer/src (or renderer/index.html) is newer than the build. */
  olderThanSources: boolean;
}

function newestMtime(target: string): number {
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(target).map((name) => newestMtime(path.join(target, name))));
}

export function rendererBuild(): RendererBuild {
  const index = path.join(DIST, 'index.html');
  if (!existsSync(index)) return { bundle: null, builtAt: null, olderThanSources: true };
  const assets = path.join(DIST, 'assets');
  const bundle = existsSync(assets) ? (readdirSync(assets).find((f) => /^index-.*\.js$/.test(f)) ?? null) : null;
  const built = statSync(index).mtimeMs;
  const sources = ['src', 'index.html'].map((f) => path.join(ROOT, 'renderer', f)).filter((f) => existsSync(f));
  return {
    bundle, builtAt: new Date(built).toISOString(),
    olderThanSources: sources.some((f) => newestMtime(f) > built),
  };
}

const cleanups = new Set<() => Promise<void>>();

/** Closes the browser and removes its profile and the server (after a failure or SIGINT). */
export async function closeRenderer(): Promise<void> {
  for (const cleanup of [...cleanups]) await cleanup().catch(() => undefined);
}

const loadAverage = () => os.loadavg().map((l) => Math.round(l * 100) / 100);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const round = (n: number | null | undefined) => (n === null || n === undefined ? null : Math.round(n));
const since = (at: number | null | undefined, origin: number) => (at === null || at === undefined ? null : Math.round(at - origin));
const median = (values: number[]) => percentile([...values].sort((a, b) => a - b), 0.5);

async function probeState(page: Page): Promise<ProbeState | null> {
  return (await page.evaluate('window.__atendeBench ?? null')) as ProbeState | null;
}

/** Reads `read` until `done` holds or `limitMs` passes; returns the last state either way. */
async function pollUntil<T>(
  read: () => Promise<T | null>,
  done: (state: T) => boolean,
  limitMs: number,
  onPoll: (state: T) => Promise<void> = async () => {},
): Promise<{ state: T | null; timedOut: boolean }> {
  const deadline = Date.now() + limitMs;
  let state: T | null = null;
  for (;;) {
    state = await read().catch(() => state);
    if (state) await onPoll(state);
    if (state && done(state)) return { state, timedOut: false };
    if (Date.now() >= deadline) return { state, timedOut: true };
    await sleep(POLL_MS);
  }
}

/** Serves the built renderer from disk and fails everything else, as with no network. */
function localShell(origin: string, refused: { api: number }) {
  return async (route: Route) => {
    const url = new URL(route.request().url());
    if (url.origin === origin && !url.pathname.startsWith('/api/') && url.pathname !== '/ws') {
      const file = path.resolve(DIST, url.pathname === '/' ? 'index.html' : `.${decodeURIComponent(url.pathname)}`);
      if (file.startsWith(DIST + path.sep) && existsSync(file) && statSync(file).isFile()) {
        await route.fulfill({ path: file });
        return;
      }
    }
    if (url.origin === origin && url.pathname.startsWith('/api/')) refused.api += 1;
    await route.abort('internetdisconnected');
  };
}

interface Mark {
  wall: number;
  task: number;
}

function longTasksSince(tasks: ProbeState['longTasks'] | undefined, origin: number): LongTasks {
  return {
    count: tasks?.count ?? 0, totalMs: Math.round(tasks?.totalMs ?? 0),
    top: (tasks?.top ?? []).map(([at, ms]) => [Math.round(at - origin), ms]),
  };
}

async function measureCold(page: Page, server: BenchServer, seed: SeedResult): Promise<ColdResult> {
  await page.goto(`${server.url}/`);
  await page.getByLabel('E-mail').fill(USER);
  await page.getByLabel('Senha').fill(DEMO_PASSWORD);
  // The IndexedDB counter: a same-origin page without the app (a JSON answer of the server).
  const counter = await page.context().newPage();
  await counter.goto(`${server.url}/api/health`);
  await counter.evaluate(idbProbe(
    { conversations: `conversation:${PREFIX}`, messages: `message:${PREFIX}` },
    { conversations: seed.conversations, messages: seed.messages },
    IDB_POLL_MS,
  ));
  // Both pages' times on one axis: the app page's performance.now().
  const shift = ((await counter.evaluate('performance.timeOrigin')) as number) -
    ((await page.evaluate('performance.timeOrigin')) as number);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const mark = async (): Promise<Mark> => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    return { wall: performance.now(), task: (metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0) * 1000 };
  };
  const start = await mark();
  await page.getByRole('button', { name: 'Entrar' }).click();
  let listDone: Mark | undefined;
  let idb: IdbState | null = null;
  const { state, timedOut } = await pollUntil(
    async () => {
      idb = ((await counter.evaluate('window.__atendeIdb ?? null')) as IdbState | null) ?? idb;
      return probeState(page);
    },
    (s) => s.completePainted !== null && s.synced !== null && idb?.conversations != null && idb.messages != null,
    PAGE_LIMIT_MS,
    async (s) => {
      if (!listDone && s.complete !== null) listDone = await mark();
    },
  );
  const end = await mark();
  await cdp.detach().catch(() => undefined);
  await counter.close();
  const share = (from: Mark | undefined, to: Mark | undefined) =>
    from && to && to.wall > from.wall ? Math.round((100 * (to.task - from.task)) / (to.wall - from.wall)) : null;
  const origin = state?.clickAt ?? 0;
  // Counter-page times, shifted onto the app page's axis.
  const idbSince = (at: number | null | undefined) => since(at === null || at === undefined ? at : at + shift, origin);
  const counted = idb as IdbState | null;
  const waitingComplete = since(state?.complete, origin);
  const synced = since(state?.synced, origin);
  const idbConversations = idbSince(counted?.conversations);
  const idbMessages = idbSince(counted?.messages);
  return {
    completed: !timedOut,
    homeMs: since(state?.home, origin),
    firstCardMs: since(state?.firstCard, origin),
    waitingCompleteMs: waitingComplete,
    waitingPaintedMs: since(state?.completePainted, origin),
    syncedMs: synced,
    idbConversationsMs: idbConversations,
    idbMessagesMs: idbMessages,
    syncedAndWaitingCompleteMs: synced === null || waitingComplete === null ? null : Math.max(synced, waitingComplete),
    listsCompleteMs: timedOut ? null : Math.max(...[waitingComplete, synced, idbConversations, idbMessages].map((v) => v ?? 0)),
    syncedBeforeData: synced === null || idbMessages === null ? null : synced < idbMessages,
    mainThreadBusyPercent: { untilWaitingComplete: share(start, listDone), afterWaitingComplete: share(listDone, end) },
    longTasks: longTasksSince(state?.longTasks, origin),
    last: {
      waitingCount: state?.count ?? null, syncState: state?.syncState ?? null,
      idbConversations: counted?.last?.conversations ?? 0, idbMessages: counted?.last?.messages ?? 0,
    },
    progress: (counted?.samples ?? [])
      .map(([at, c, m]): [number, number, number] => [Math.round((at + shift - origin) / 100) / 10, c, m])
      .filter(([at]) => at >= 0),
    slowestPoll: counted?.slowest ? [idbSince(counted.slowest[0]) ?? 0, counted.slowest[1]] : null,
    pollErrors: counted?.errors ?? 0,
    lastPollError: counted?.error ? `${idbSince(counted.error[0])} ms: ${counted.error[1]}` : null,
  };
}

/**
 * The app's token refreshes as the browser sees them. Refresh tokens rotate and a reused one
 * revokes the session, so a reload that cuts a refresh in flight can sign the user out: the
 * benchmark waits for quiet before each reload (and reports what it saw).
 */
class RefreshWatch {
  private inFlight = 0;
  private quietSince = performance.now();
  private ok = 0;
  private rejected = 0;
  private failed = 0;

  constructor(context: BrowserContext) {
    const isRefresh = (url: string) => url.includes('/api/auth/refresh');
    context.on('request', (request) => {
      if (isRefresh(request.url())) this.inFlight += 1;
    });
    context.on('requestfinished', (request) => {
      if (!isRefresh(request.url())) return;
      this.done();
      void request.response().then((response) => {
        if (response && response.ok()) this.ok += 1;
        else this.rejected += 1;
      });
    });
    context.on('requestfailed', (request) => {
      if (!isRefresh(request.url())) return;
      this.done();
      this.failed += 1;
    });
  }

  private done(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    if (this.inFlight === 0) this.quietSince = performance.now();
  }

  counts() {
    return { ok: this.ok, rejected: this.rejected, failedOrCut: this.failed };
  }

  /** Resolves once no refresh has been in flight for `quietMs` (at most `limitMs`). */
  async settled(quietMs = 500, limitMs = 15_000): Promise<void> {
    const deadline = performance.now() + limitMs;
    while (performance.now() < deadline) {
      if (this.inFlight === 0 && performance.now() - this.quietSince >= quietMs) return;
      await sleep(50);
    }
  }
}

async function measureWarm(
  context: BrowserContext,
  page: Page,
  server: BenchServer,
  refreshes: RefreshWatch,
  network: 'online' | 'offline',
  run: number,
): Promise<WarmRun> {
  const refused = { api: 0 };
  const shell = localShell(server.url, refused);
  await refreshes.settled();
  if (network === 'offline') {
    await context.setOffline(true);
    await context.route('**/*', shell);
  }
  try {
    await page.reload({ waitUntil: 'commit' });
    const { state, timedOut } = await pollUntil(
      () => probeState(page),
      (s) => s.completePainted !== null && (network === 'offline' || s.synced !== null),
      WARM_LIMIT_MS,
    );
    if (timedOut || !state || state.complete === null || state.firstCard === null) {
      const seen = (await page.evaluate(
        "({ text: document.body ? document.body.innerText.slice(0, 160) : '', session: !!localStorage.getItem('atende.session') })",
      ).catch(() => null)) as { text: string; session: boolean } | null;
      throw new Error(`warm ${network} run ${run}: waiting list not rendered within ${WARM_LIMIT_MS} ms ` +
        `(count ${state?.count ?? 'none'}, sync ${state?.syncState ?? 'no .home'}, stored session ${seen?.session}, ` +
        `page text ${JSON.stringify(seen?.text ?? null)}, token refreshes ${JSON.stringify(refreshes.counts())})`);
    }
    const loadEnd = (await page.evaluate(
      "(performance.getEntriesByType('navigation')[0] || {}).loadEventEnd || null",
    )) as number | null;
    return {
      network, run, loadEventMs: round(loadEnd), homeMs: round(state.home), firstCardMs: Math.round(state.firstCard),
      waitingCompleteMs: Math.round(state.complete), waitingPaintedMs: round(state.completePainted),
      syncedMs: network === 'online' ? round(state.synced) : null,
      longestTaskMs: state.longTasks.top[0]?.[1] ?? 0,
      refusedApiRequests: network === 'offline' ? refused.api : null,
    };
  } finally {
    if (network === 'offline') {
      await context.unroute('**/*', shell);
      await context.setOffline(false);
    }
  }
}

function summarizeWarm(runs: WarmRun[]): WarmSummary[] {
  return (['online', 'offline'] as const).flatMap((network) => {
    const of = runs.filter((r) => r.network === network);
    if (of.length === 0) return [];
    const complete = of.map((r) => r.waitingCompleteMs);
    const painted = of.flatMap((r) => (r.waitingPaintedMs === null ? [] : [r.waitingPaintedMs]));
    const synced = of.flatMap((r) => (r.syncedMs === null ? [] : [r.syncedMs]));
    return [{
      network, runs: of.length, medianFirstCardMs: median(of.map((r) => r.firstCardMs)),
      medianWaitingCompleteMs: median(complete), medianWaitingPaintedMs: painted.length ? median(painted) : null,
      minWaitingCompleteMs: Math.min(...complete), maxWaitingCompleteMs: Math.max(...complete),
      medianSyncedMs: synced.length ? median(synced) : null,
    }];
  });
}

export async function measureRenderer(onProgress: (line: string) => void = () => {}): Promise<RendererResult> {
  const build = rendererBuild();
  if (!build.bundle) {
    throw new Error(`no renderer build in ${path.relative(process.cwd(), DIST)}: run \`npm run build\` first`);
  }
  if (build.olderThanSources) onProgress(`(warning: ${path.relative(process.cwd(), DIST)} is older than renderer/src; run \`npm run build\`)`);
  const loadBefore = loadAverage();
  const server = await startBenchServer({ ATENDE_WEB_DIR: DIST });
  const profile = mkdtempSync(path.join(tmpdir(), 'atende-bench-profile-'));
  let context: BrowserContext | undefined;
  const cleanup = async () => {
    cleanups.delete(cleanup);
    try {
      await context?.close();
    } finally {
      rmSync(profile, { recursive: true, force: true });
      await server.close();
    }
  };
  cleanups.add(cleanup);
  try {
    onProgress('seeding');
    const seed = await seedWorkload(server, WORKLOAD);
    // The server's index warmer builds every index after a bulk load (issue 8); a query that comes
    // meanwhile waits for the part it needs. Waited for here, so the cold figure is the client's
    // replication, not the server indexing 55,000 fresh documents.
    const warmStarted = performance.now();
    await server.store.warmIndexes();
    const indexWarmMs = Math.round(performance.now() - warmStarted);
    const loginStarted = performance.now();
    await login(server.url, USER);
    const firstLoginMs = Math.round(performance.now() - loginStarted);
    const expectedWaiting = seed.conversations;
    // A persistent context on an empty folder: a fresh profile whose IndexedDB lives on disk
    // like a real one (an incognito context would keep it in memory).
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM, headless: true, args: ARGS, locale: 'pt-BR', viewport: { width: 1280, height: 800 },
    });
    const consoleErrors: string[] = [];
    const guard = (p: Page) => {
      p.on('console', (message: ConsoleMessage) => {
        if (message.type() === 'error' && !NETWORK_NOISE.some((n) => n.test(message.text()))) {
          consoleErrors.push(message.text().slice(0, 300));
        }
      });
      p.on('pageerror', (error) => consoleErrors.push(`uncaught: ${error.message}`.slice(0, 300)));
    };
    context.on('page', guard);
    await context.addInitScript(domProbe(expectedWaiting));
    const page = context.pages()[0] ?? (await context.newPage());
    guard(page);
    page.setDefaultTimeout(60_000);
    const browser = await versionOf(context, page);

    const refreshes = new RefreshWatch(context);
    onProgress('cold');
    const cold = await measureCold(page, server, seed);
    let heap: HeapResult | null = null;
    let warm: RendererResult['warm'] = null;
    if (cold.completed) {
      onProgress('heap');
      heap = await measureHeap(context, page).catch(() => null);
      const runs: WarmRun[] = [];
      let failure: string | null = null;
      // Alternating online and offline; the first failure ends the warm runs (the profile's state is unknown).
      for (let run = 1; run <= WARM_RUNS && !failure; run++) {
        for (const network of ['online', 'offline'] as const) {
          onProgress(`warm ${network} ${run}/${WARM_RUNS}`);
          try {
            runs.push(await measureWarm(context, page, server, refreshes, network, run));
          } catch (error) {
            failure = error instanceof Error ? error.message : String(error);
            break;
          }
        }
      }
      warm = { runs, summary: summarizeWarm(runs), failure };
    }
    return {
      user: USER, browser,
      profile: 'launchPersistentContext on a new temp folder (on-disk IndexedDB), headless',
      seed: { ...seed, expectedWaiting, indexWarmMs, firstLoginMs }, loadAverage: { before: loadBefore, after: loadAverage() },
      cold, heap, warm, tokenRefreshes: refreshes.counts(), consoleErrors,
    };
  } finally {
    await cleanup();
  }
}

const MB = 1024 * 1024;

/**
 * The page's JS heap after a forced GC (CDP Runtime.getHeapUsage), once right after the cold
 * sync and once after 20 conversations were opened one after another (each shown with its
 * messages through the conversation window's route), back on the workstation.
 */
async function measureHeap(context: BrowserContext, page: Page): Promise<HeapResult> {
  const cdp = await context.newCDPSession(page);
  const used = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    return Math.round((usedSize / MB) * 10) / 10;
  };
  try {
    const afterFirstSyncMB = await used();
    let opened = 0;
    for (let i = 0; i < 20; i++) {
      await page.evaluate((id) => (window.location.hash = `#/conversation/${id}`), conversationId(i));
      const shown = await page.locator('[data-message-id]').first().waitFor({ timeout: 30_000 }).then(() => true, () => false);
      if (shown) opened++;
    }
    await page.evaluate(() => (window.location.hash = '#/'));
    await page.locator('[data-conversation-id]').first().waitFor({ timeout: 30_000 });
    return { afterFirstSyncMB, after20ConversationsMB: await used(), opened };
  } finally {
    await cdp.detach().catch(() => undefined);
  }
}

/** A persistent context has no Browser object to ask (and the user agent is reduced): ask CDP. */
async function versionOf(context: BrowserContext, page: Page): Promise<string> {
  const cdp = await context.newCDPSession(page);
  try {
    const { product } = await cdp.send('Browser.getVersion');
    return product.replace(/^(Headless)?Chrome\//, 'Chromium ');
  } finally {
    await cdp.detach().catch(() => undefined);
  }
}
