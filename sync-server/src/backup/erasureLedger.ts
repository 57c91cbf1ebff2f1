import { createHash } from 'node:crypto';
import { mkdir, open, readFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * The erasure ledger (R-PRIV-03, issue 19 model point 4): which document ids were erased or
 * removed by retention, so they never come back — from a backup restored, a replica pushing an
 * old copy, or a store put back by other means. Ids can hold personal data (an address claim's
 * id holds the phone), so only their sha256 is kept. Two copies: `erasure:<ulid>` documents in
 * the store (every node reads them) and a JSON-lines file beside the store that a restore does
 * not replace. This module is the layer-1 core (no store import): hashing, the file, the set.
 */

export const LEDGER_FILE = 'erasure-ledger.jsonl';
export const LEDGER_PREFIX = 'erasure:';
export const LEDGER_TYPE = 'erasureLedger';

export type RemovalReason = 'erasure' | 'retention';

export const hashId = (id: string): string => createHash('sha256').update(id).digest('hex');

export const ledgerPath = (privacyDir: string): string => path.join(privacyDir, LEDGER_FILE);

/** One line of the file: a removed id's hash, when and why. */
export interface LedgerLine {
  h: string;
  at: number;
  reason: RemovalReason;
}

/** Appends the hashes and waits for them to reach the disk (fsync): the purge comes after. */
export async function appendLedgerFile(privacyDir: string, hashes: readonly string[], at: number, reason: RemovalReason): Promise<void> {
  if (hashes.length === 0) return;
  await mkdir(privacyDir, { recursive: true });
  const file = await open(ledgerPath(privacyDir), 'a', 0o600);
  try {
    await file.appendFile(hashes.map((h) => `${JSON.stringify({ h, at, reason } satisfies LedgerLine)}\n`).join(''));
    await file.sync();
  } finally {
    await file.close();
  }
}

const HASH = /^[0-9a-f]{64}$/;

/** The hashes of a ledger file; an absent file is an empty ledger; a malformed line is an error (a damaged ledger must not pass as empty). */
export async function readLedgerFile(file: string): Promise<Set<string>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Set();
    throw error;
  }
  const hashes = new Set<string>();
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let h: unknown;
    try {
      h = (JSON.parse(line) as Partial<LedgerLine>).h;
    } catch {
      h = undefined;
    }
    if (typeof h !== 'string' || !HASH.test(h)) throw new Error(`${file}: line ${i + 1} is not a ledger entry`);
    hashes.add(h);
  });
  return hashes;
}

/** Whether an id is in a set of hashes (the restore's and the push's question). */
export const erasedIn = (hashes: ReadonlySet<string>) => (id: string): boolean => hashes.size > 0 && hashes.has(hashId(id));

/** What the store side of the ledger needs (structural: this layer imports no store module). */
export interface LedgerStore {
  find(query: { selector: Record<string, unknown>; limit: number }): Promise<Array<{ _id: string; [field: string]: unknown }>>;
}

const LEDGER_PAGE = 500;
/** How stale a node's copy of the ledger may be before a push check reads the new entries. */
const REFRESH_MS = 1_000;
/** Entries are read after the last id seen; a full read now and then catches another node's entry with an earlier ulid (clock skew). */
const FULL_READ_MS = 60_000;

/**
 * A node's copy of the ledger's hashes (the push check asks it on every pushed document): new
 * entries are read incrementally, at most once a second; this node's own erasures are added at once.
 */
export class ErasedIds {
  private readonly hashes = new Set<string>();
  private lastId = LEDGER_PREFIX;
  private readAt = 0;
  private fullReadAt = 0;
  private reading: Promise<void> | undefined;

  constructor(
    private readonly store: LedgerStore,
    private readonly now: () => number = Date.now,
  ) {}

  add(hashes: Iterable<string>): void {
    for (const h of hashes) this.hashes.add(h);
  }

  async has(id: string): Promise<boolean> {
    await this.fresh();
    return this.hashes.has(hashId(id));
  }

  async all(): Promise<ReadonlySet<string>> {
    await this.fresh();
    return this.hashes;
  }

  private async fresh(): Promise<void> {
    if (this.now() - this.readAt < REFRESH_MS) return;
    this.reading ??= this.read().finally(() => (this.reading = undefined));
    await this.reading;
  }

  private async read(): Promise<void> {
    const started = this.now();
    if (started - this.fullReadAt >= FULL_READ_MS) {
      this.lastId = LEDGER_PREFIX;
      this.fullReadAt = started;
    }
    for (;;) {
      const page = await this.store.find({ selector: { _id: { $gt: this.lastId, $lt: `${LEDGER_PREFIX}\uffff` } }, limit: LEDGER_PAGE });
      for (const doc of page) if (Array.isArray(doc.hashes)) this.add(doc.hashes.filter((h): h is string => typeof h === 'string'));
      const last = page.at(-1);
      if (last) this.lastId = last._id;
      if (page.length < LEDGER_PAGE) break;
    }
    this.readAt = started;
  }
}

const perStore = new WeakMap<object, ErasedIds>();

/** The one copy of the ledger per store object of this process (push and erasure share it). */
export function erasedIdsOf(store: LedgerStore): ErasedIds {
  let ids = perStore.get(store);
  if (!ids) perStore.set(store, (ids = new ErasedIds(store)));
  return ids;
}
