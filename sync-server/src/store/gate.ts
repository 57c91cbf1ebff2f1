/**
 * Many calls at once, or one alone: the embedded store's calls share the LevelDBs, and a purge's
 * last phase (store/embeddedPurge.ts) needs them to itself — it closes and reopens them under
 * PouchDB. Calls that arrive meanwhile wait; an exclusive section waits for running calls.
 * Shared sections must not nest inside each other's exclusive wait (the store's public methods
 * take the gate, its internals do not).
 */
export class Gate {
  private running = 0;
  private idle: Array<() => void> = [];
  private exclusiveTurn: Promise<void> | undefined;

  async shared<T>(run: () => Promise<T>): Promise<T> {
    while (this.exclusiveTurn) await this.exclusiveTurn;
    this.running++;
    try {
      return await run();
    } finally {
      this.running--;
      if (this.running === 0) for (const wake of this.idle.splice(0)) wake();
    }
  }

  async exclusive<T>(run: () => Promise<T>): Promise<T> {
    while (this.exclusiveTurn) await this.exclusiveTurn;
    let release!: () => void;
    this.exclusiveTurn = new Promise((resolve) => (release = resolve));
    try {
      while (this.running > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
      return await run();
    } finally {
      this.exclusiveTurn = undefined;
      release();
    }
  }
}
