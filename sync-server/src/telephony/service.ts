import {
  CALL_REFUSAL_MESSAGES, CALL_REFUSALS, callRefusal, contactPhone, DomainError, keyOf, notFound, ulid, type CallBody,
  type ContactDoc, type TelephonySettings, type UserDoc,
} from '@atende/protocol';
import { viewerOf, visibilityOf } from '../access/scope.js';
import { isGone } from '../contacts/live.js';
import { getWire, toWire } from '../store/wire.js';
import { newJob } from '../jobs/types.js';
import type { DocStore } from '../store/index.js';
import type { TelephonyConfig } from '../config/telephony.js';

/** The outbox job that asks the click-to-call service to ring the agent's extension (job.ts). */
export const CALL_JOB = 'telephony-call';

/**
 * Click-to-call (R-WS-16). In `uri` mode the workstation dials by itself (the settings tell it
 * the scheme); in `http` mode a call is a job the server runs against the click-to-call service.
 * The refusals are the protocol's (`callRefusal`), the same the button shows.
 */
export class TelephonyService {
  constructor(
    private readonly store: DocStore,
    private readonly config: TelephonyConfig,
    private readonly now: () => number = Date.now,
  ) {}

  settings(): TelephonySettings {
    return { mode: this.config.mode, scheme: this.config.scheme, sipDomain: this.config.sipDomain };
  }

  /** Queues the call; the job carries the time so a call that could not go out at once is dropped, not placed late. */
  async place(user: UserDoc, body: CallBody): Promise<void> {
    if (this.config.mode === 'uri') throw refusal(CALL_REFUSALS.notHttp);
    const contact = body.contactId.startsWith('contact:') ? await this.visibleContact(user, body.contactId) : undefined;
    if (!contact) throw notFound('contact');
    // The extension as stored now: the session's copy of the user may predate a profile edit.
    const agent = (await getWire<UserDoc>(this.store, user.id)) ?? user;
    const refused = callRefusal(this.config.mode, agent, contact);
    if (refused) throw refusal(refused);
    const number = contactPhone(contact);
    const key = `${keyOf(user.id)}.${body.id ?? ulid()}`;
    const job = newJob(CALL_JOB, key, { extension: agent.extension ?? '', number: number ?? '', agentId: user.id, at: this.now() });
    // A repeat of the same command id conflicts on the job's fixed id: the call is placed once.
    await this.store.bulkWrite([job]);
  }

  /**
   * The contact the agent may see, following merges (a replica may still hold a merged-away id),
   * else undefined: another team's contact answers like an unknown one, so the command neither
   * dials a number the agent may not see nor tells which ids exist.
   */
  private async visibleContact(user: UserDoc, id: string): Promise<ContactDoc | undefined> {
    let stored = await this.store.get(id);
    for (let hops = 0; hops < MERGE_HOPS && stored?.removed === true && typeof stored.mergedInto === 'string'; hops++) {
      stored = await this.store.get(stored.mergedInto);
    }
    if (!stored || isGone(stored) || stored.type !== 'contact') return undefined;
    return visibilityOf(viewerOf(user), stored) === 'visible' ? toWire<ContactDoc>(stored) : undefined;
  }
}

/** Merge chains are short (each merge points at a live contact); the bound only guards a loop. */
const MERGE_HOPS = 5;

const refusal = (code: keyof typeof CALL_REFUSAL_MESSAGES) => new DomainError('unprocessable', code, CALL_REFUSAL_MESSAGES[code]);
