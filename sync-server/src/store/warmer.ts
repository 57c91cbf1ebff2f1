import type { DocStore, Feed } from './types.js';

export interface IndexWarmerOptions {
  /** Quiet time after the last change before warming again. */
  debounceMs?: number;
  /** Longest a continuous stream of writes (a bulk load) postpones a warm. */
  maxWaitMs?: number;
  log?: (message: string) => void;
}

export interface IndexWarmer {
  /** The start-up warm; resolves (never rejects) when it is done or has failed and been logged. */
  readonly ready: Promise<void>;
  /** Stops following changes and waits for a warm in progress, so the store can close after. */
  stop(): Promise<void>;
}

const DEFAULTS = { debounceMs: 1_000, maxWaitMs: 5_000 };

/**
 * Keeps every view and Mango index of the store built (issue 8 design A.4): once at start-up,
 * then again shortly after writes, so the cost of indexing a bulk load is paid here and not by
 * the next user query (the embedded store builds its indexes lazily, when first queried: a
 * conversation opened after a bulk load used to wait 16.7 s). One warm at a time; changes during
 * a warm schedule one more.
 */
export function startIndexWarmer(store: DocStore, options: IndexWarmerOptions = {}): IndexWarmer {
  const debounceMs = options.debounceMs ?? DEFAULTS.debounceMs;
  const maxWaitMs = Math.max(options.maxWaitMs ?? DEFAULTS.maxWaitMs, debounceMs);
  const log = options.log ?? (() => {});
  let stopped = false;
  let running: Promise<void> | undefined;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  let firstChange: number | undefined;

  const warm = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await store.warmIndexes();
        } catch (error) {
          if (!stopped) log(`index warm-up failed: ${String(error)}`);
        }
      } while (again && !stopped);
      running = undefined;
    })();
    return running;
  };

  const schedule = (): void => {
    if (stopped) return;
    const now = Date.now();
    firstChange ??= now;
    clearTimeout(timer);
    const wait = Math.max(0, Math.min(debounceMs, firstChange + maxWaitMs - now));
    timer = setTimeout(() => {
      timer = undefined;
      firstChange = undefined;
      void warm();
    }, wait);
    timer.unref();
  };

  const ready = warm();
  const feed: Feed = store.follow({
    since: 'now',
    onChange: schedule,
    // A feed that failed may have missed rows: warming covers whatever they were.
    onError: schedule,
  });

  return {
    ready,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      feed.stop();
      await running;
    },
  };
}
