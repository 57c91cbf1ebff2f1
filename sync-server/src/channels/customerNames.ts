import { customerFacingName, type UserDoc } from '@atende/protocol';
import type { DocStore } from '../store/index.js';
import { getWire } from '../store/wire.js';

/**
 * The name a customer sees for an agent (R-WS-11, issue 18): their alias ("Codinome") when they
 * chose one, else their name — read when the text leaves, so an alias set or cleared applies to
 * what is sent and shown from then on. Stored messages and events keep the real name: the desk,
 * colleagues, supervisors and reports read those.
 */
export class CustomerNames {
  private readonly known = new Map<string, Promise<string | undefined>>();

  constructor(private readonly store: DocStore) {}

  /** undefined for an id that names no user (an integration, an account): its own name stands. */
  of(userId: string | null | undefined): Promise<string | undefined> {
    if (!userId?.startsWith('user:')) return Promise.resolve(undefined);
    let name = this.known.get(userId);
    if (!name) {
      name = getWire<UserDoc>(this.store, userId).then((user) =>
        user?.type === 'user' && typeof user.name === 'string' ? customerFacingName(user) : undefined,
      );
      this.known.set(userId, name);
    }
    return name;
  }
}
