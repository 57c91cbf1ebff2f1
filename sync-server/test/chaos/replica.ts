import { setTimeout as sleep } from 'node:timers/promises';
import type { ChaosClient } from './client.js';

/**
 * An agent app's replica of one collection, kept by incremental pulls from its checkpoint across
 * the kills (ARCHITECTURE §4), as the app does: whatever the server stored must reach it without
 * a pull from scratch, in its latest state.
 */
export class Replica {
  readonly docs = new Map<string, Record<string, unknown>>();
  private checkpoint: unknown = null;

  constructor(private readonly client: ChaosClient, private readonly token: string, private readonly collection: 'messages' | 'conversations') {}

  /** One pull round: pages until a short one. Answers false when the server did not answer (it is down). */
  async pull(budgetMs = 1500): Promise<boolean> {
    for (let page = 0; page < 50; page++) {
      const query = `?limit=500${this.checkpoint ? `&checkpoint=${encodeURIComponent(JSON.stringify(this.checkpoint))}` : ''}`;
      const outcome = await this.client.call('GET', `/api/sync/${this.collection}/pull${query}`, { token: this.token, budgetMs });
      if (outcome.kind !== 'ack') return false;
      const documents = outcome.body.documents as Array<Record<string, unknown>>;
      for (const doc of documents) this.docs.set(String(doc.id), doc);
      this.checkpoint = outcome.body.checkpoint;
      if (documents.length < 500) return true;
    }
    return true;
  }

  /** Pulls every few hundred milliseconds until told to stop; bounded by `hardStop`. */
  async follow(stop: () => boolean, hardStop: number): Promise<void> {
    while (!stop() && Date.now() < hardStop) {
      await this.pull();
      await sleep(300 + Math.random() * 300);
    }
  }

  /** Stored documents missing from the replica, or replicated with another value of `fields` than the server's. */
  differences(stored: Map<string, object>, fields: readonly string[]): string[] {
    const problems: string[] = [];
    for (const [id, doc] of stored) {
      const copy = this.docs.get(id);
      if (!copy || copy._deleted === true) {
        problems.push(`${id} never reached the replica`);
        continue;
      }
      for (const field of fields) {
        const server = (doc as Record<string, unknown>)[field];
        if (copy[field] !== server) problems.push(`${id}: replica has ${field} ${String(copy[field])}, server ${String(server)}`);
      }
    }
    return problems;
  }
}
