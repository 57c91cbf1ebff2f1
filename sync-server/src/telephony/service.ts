import {
  CALL_REFUSAL_MESSAGES, CALL_REFUSALS, callRefusal, contactPhone, DomainError, keyOf, notFound, ulid, type CallBody,
  type TelephonySettings, type UserDoc,
} from '@atende/protocol';
import { liveContact } from '../contacts/live.js';
import { getWire } from '../store/wire.js';
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
    const contact = body.contactId.startsWith('contact:') ? await liveContact(this.store, body.contactId) : undefined;
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
}

const refusal = (code: keyof typeof CALL_REFUSAL_MESSAGES) => new DomainError('unprocessable', code, CALL_REFUSAL_MESSAGES[code]);
