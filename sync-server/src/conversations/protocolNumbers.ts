import { formatProtocolNumber, protocolDay } from '@atende/protocol';
import { type DocStore, type StoredDoc, updateDoc } from '../store/index.js';

interface CounterDoc extends StoredDoc {
  type: 'counter';
  /** The highest number reserved so far this day, by any node. */
  value: number;
}

/** Numbers reserved and not yet handed out: `next` up to `last`, inclusive. */
interface Lease {
  next: number;
  last: number;
}

export interface ProtocolNumbersOptions {
  /** Numbers reserved per write of the day's counter. */
  blockSize?: number;
}

const DEFAULT_BLOCK = 50;
/** The most one reservation takes, however many callers wait: bounds the gap a crash can leave. */
const MAX_BLOCK = 1_000;
/** A caller waits for at most this many reservations before giving up. */
const MAX_WAITS = 1_000;

/**
 * The counter's conflict resolver (for the `ConflictSweeper`): after a cluster partition the
 * higher count must survive, or the next block would repeat numbers already handed out.
 */
export function preferCounter(a: StoredDoc, b: StoredDoc): StoredDoc {
  return Number(b.value ?? 0) > Number(a.value ?? 0) ? b : a;
}

/**
 * Allocates `YYYYMMDD-NNNNNN` protocol numbers (R-WS-03) by block leasing: one revision-checked
 * write of the day's counter document reserves `blockSize` numbers (or, in a burst, as many as
 * callers are waiting, up to MAX_BLOCK), which this node then hands out from memory. The counter is written once per block instead of once per conversation, so
 * it is no hot document (ARCHITECTURE §6). Concurrent callers share the reservation in flight.
 * Several nodes never get the same number, since each block is a revision-checked increment;
 * numbers are not in time order across nodes, and a block left unused (a restart, a crash, the
 * end of the day) leaves a gap.
 */
export class ProtocolNumbers {
  private readonly blockSize: number;
  private readonly leases = new Map<string, Lease>();
  private readonly reservations = new Map<string, Promise<void>>();
  /** Callers of each day waiting for a reservation: a burst reserves for all of them at once. */
  private readonly waiting = new Map<string, number>();

  constructor(
    private readonly store: DocStore,
    private readonly timeZone: string,
    options: ProtocolNumbersOptions = {},
  ) {
    const blockSize = options.blockSize ?? DEFAULT_BLOCK;
    if (!Number.isInteger(blockSize) || blockSize < 1) {
      throw new RangeError(`protocol numbers: blockSize must be a positive integer, got ${blockSize}`);
    }
    this.blockSize = blockSize;
  }

  async next(at: number = Date.now()): Promise<string> {
    const day = protocolDay(at, this.timeZone);
    for (let wait = 0; wait < MAX_WAITS; wait++) {
      const lease = this.leases.get(day);
      // Synchronous from the check to the increment: no two callers take one number.
      if (lease && lease.next <= lease.last) return formatProtocolNumber(day, lease.next++);
      this.waiting.set(day, (this.waiting.get(day) ?? 0) + 1);
      try {
        await this.reserve(day);
      } finally {
        const left = (this.waiting.get(day) ?? 1) - 1;
        if (left > 0) this.waiting.set(day, left);
        else this.waiting.delete(day);
      }
    }
    throw new Error(`protocol numbers: no block reserved for ${day} after ${MAX_WAITS} tries`);
  }

  private reserve(day: string): Promise<void> {
    let pending = this.reservations.get(day);
    if (!pending) {
      pending = this.reserveBlock(day).finally(() => this.reservations.delete(day));
      this.reservations.set(day, pending);
    }
    return pending;
  }

  private async reserveBlock(day: string): Promise<void> {
    const id = `counter:protocol-${day}`;
    let size = this.blockSize;
    const { doc } = await updateDoc<CounterDoc>(this.store, id, (current) => {
      // Sized when written, so callers that arrived while the counter was read are counted too.
      size = Math.min(MAX_BLOCK, Math.max(this.blockSize, this.waiting.get(day) ?? 0));
      return { _id: id, type: 'counter', value: (current?.value ?? 0) + size };
    });
    if (!doc) throw new Error(`protocol counter ${id} not written`);
    this.leases.set(day, { next: doc.value - size + 1, last: doc.value });
    // Earlier days are over; their remaining numbers become a gap.
    for (const other of this.leases.keys()) if (other < day) this.leases.delete(other);
  }
}
