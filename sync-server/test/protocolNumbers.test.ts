import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseProtocolNumber, protocolDay } from '@atende/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { preferCounter, ProtocolNumbers } from '../src/conversations/protocolNumbers.js';
import { DelegatingStore } from '../src/store/delegate.js';
import { EmbeddedStore } from '../src/store/embedded.js';
import { withGroupCommit } from '../src/store/groupCommit.js';
import type { DocStore, StoredDoc, WriteOptions, WriteResult } from '../src/store/types.js';

/** Counts the counter writes that succeed; fails the next `failures` writes outright. */
class CounterWatch extends DelegatingStore {
  written = 0;
  failures = 0;

  override async bulkWrite(docs: StoredDoc[], options?: WriteOptions): Promise<WriteResult[]> {
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('store unavailable');
    }
    const results = await this.inner.bulkWrite(docs, options);
    this.written += results.filter((r) => r.ok && r.id.startsWith('counter:')).length;
    return results;
  }
}

const TZ = 'America/Sao_Paulo';
const dirs: string[] = [];
const stores: DocStore[] = [];

function openShared(): CounterWatch {
  const dir = mkdtempSync(path.join(tmpdir(), 'atende-protocol-'));
  dirs.push(dir);
  const store = new CounterWatch(new EmbeddedStore(dir));
  stores.push(store);
  return store;
}

afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('protocol numbers by block leasing (R-WS-03, issue 7 point 5)', () => {
  it('R-WS-03 two nodes × 300 concurrent conversations get 600 distinct numbers of the day, from one counter write per node', async () => {
    const shared = openShared();
    // Each node writes through its own group commit, as each server process would.
    const nodes = [new ProtocolNumbers(withGroupCommit(shared), TZ), new ProtocolNumbers(withGroupCommit(shared), TZ)];
    const at = Date.now();
    const numbers = await Promise.all(nodes.flatMap((node) => Array.from({ length: 300 }, () => node.next(at))));

    expect(new Set(numbers).size).toBe(600);
    const today = protocolDay(at, TZ);
    for (const n of numbers) {
      expect(n).toMatch(/^\d{8}-\d{6}$/);
      expect(parseProtocolNumber(n)?.day).toBe(today);
    }
    // A burst reserves for every waiting caller: one counter write per node, not one per conversation.
    expect(shared.written).toBe(2);
    const sequences = numbers.map((n) => parseProtocolNumber(n)?.sequence ?? 0).sort((a, b) => a - b);
    expect(sequences).toEqual(Array.from({ length: 600 }, (_, i) => i + 1));
  });

  it('R-WS-03 one conversation at a time still reserves blocks of blockSize', async () => {
    const shared = openShared();
    const numbers = new ProtocolNumbers(shared, TZ, { blockSize: 50 });
    const at = Date.now();
    const handed: string[] = [];
    for (let i = 0; i < 120; i++) handed.push(await numbers.next(at));
    expect(shared.written).toBe(3);
    expect(handed.map((n) => parseProtocolNumber(n)?.sequence)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
  });

  it('R-WS-03 one node hands out its block in order; a restarted node never repeats a number (a gap instead)', async () => {
    const shared = openShared();
    const at = Date.UTC(2025, 2, 10, 15);
    const first = new ProtocolNumbers(shared, TZ, { blockSize: 10 });
    const before = [await first.next(at), await first.next(at), await first.next(at)];
    expect(before).toEqual(['20250310-000001', '20250310-000002', '20250310-000003']);

    const restarted = new ProtocolNumbers(shared, TZ, { blockSize: 10 });
    expect(await restarted.next(at)).toBe('20250310-000011');
    expect(await first.next(at)).toBe('20250310-000004');
  });

  it("R-WS-03 numbering starts again at 1 when the day turns in the organisation's time zone", async () => {
    const numbers = new ProtocolNumbers(openShared(), TZ);
    // 02:59:59 UTC is still 23:59:59 of the day before in São Paulo (UTC−3).
    expect(await numbers.next(Date.UTC(2025, 2, 10, 2, 59, 59))).toBe('20250309-000001');
    expect(await numbers.next(Date.UTC(2025, 2, 10, 2, 59, 59))).toBe('20250309-000002');
    expect(await numbers.next(Date.UTC(2025, 2, 10, 3, 0, 0))).toBe('20250310-000001');
    expect(await numbers.next(Date.UTC(2025, 2, 10, 3, 0, 1))).toBe('20250310-000002');

    const utc = new ProtocolNumbers(openShared(), 'UTC');
    expect(await utc.next(Date.UTC(2025, 2, 10, 2, 59, 59))).toBe('20250310-000001');
  });

  it('R-WS-03 a failed reservation fails the callers waiting on it, and the next call reserves again', async () => {
    const shared = openShared();
    const numbers = new ProtocolNumbers(shared, TZ, { blockSize: 5 });
    const at = Date.UTC(2025, 2, 10, 15);
    shared.failures = 1;
    const settled = await Promise.allSettled([numbers.next(at), numbers.next(at)]);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
    expect(await numbers.next(at)).toBe('20250310-000001');
  });

  it('R-WS-03 after a partition the higher counter survives the conflict sweep (preferCounter)', () => {
    const low = { _id: 'counter:protocol-20250310', _rev: '9-b', type: 'counter', value: 100 };
    const high = { _id: 'counter:protocol-20250310', _rev: '9-a', type: 'counter', value: 150 };
    expect(preferCounter(low, high)).toBe(high);
    expect(preferCounter(high, low)).toBe(high);
  });

  it('R-WS-03 refuses a block size that is not a positive integer', () => {
    expect(() => new ProtocolNumbers(openShared(), TZ, { blockSize: 0 })).toThrow(/blockSize/);
  });
});
