import { formatProtocolNumber, protocolDay } from '@atende/protocol';
import { type DocStore, type StoredDoc, updateDoc } from '../store/index.js';

interface CounterDoc extends StoredDoc {
  type: 'counter';
  value: number;
}

/**
 * Allocates `YYYYMMDD-NNNNNN` protocol numbers from a per-day counter document. Allocation is
 * serialised inside this process so concurrent conversations do not fight over the revision;
 * other nodes are kept honest by the store's revision check.
 */
export class ProtocolNumbers {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: DocStore,
    private readonly timeZone: string,
  ) {}

  next(at: number = Date.now()): Promise<string> {
    const run = this.tail.then(() => this.allocate(at));
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async allocate(at: number): Promise<string> {
    const day = protocolDay(at, this.timeZone);
    const id = `counter:protocol-${day}`;
    const { doc } = await updateDoc<CounterDoc>(this.store, id, (current) => ({
      _id: id,
      type: 'counter',
      value: (current?.value ?? 0) + 1,
    }));
    if (!doc) throw new Error('protocol counter not written');
    return formatProtocolNumber(day, doc.value);
  }
}
