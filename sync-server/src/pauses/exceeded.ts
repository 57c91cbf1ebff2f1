import type { UserDoc } from '@atende/protocol';
import { publishTopic, type Bus } from '../bus/index.js';
import type { JobHandler } from '../jobs/types.js';
import type { DocStore } from '../store/index.js';
import { toWire } from '../store/wire.js';

/** Who hears that a pause went past its maximum: whoever supervises. */
const SUPERVISING_ROLES: UserDoc['role'][] = ['supervisor', 'admin'];

/**
 * Runs at the moment a pause passes its maximum (R-WS-09) and tells the supervisors signed in on
 * any node, once: the job is keyed by the pause's start. A pause that ended, or a later one, is
 * not this job's pause, so it does nothing.
 */
export function pauseExceededJob(store: DocStore, bus: Bus): JobHandler {
  return async (job) => {
    const { userId, typeId, since } = job.payload;
    if (typeof userId !== 'string') return;
    const stored = await store.get(userId, { fresh: true });
    if (!stored || stored._deleted) return;
    const user = toWire<UserDoc>(stored);
    const pause = user.pause;
    if (!pause || pause.typeId !== typeId || pause.since !== since || pause.maxMinutes === null) return;
    await publishTopic(bus, 'notify.roles', {
      roles: SUPERVISING_ROLES,
      title: 'Pausa excedida',
      body: `${user.name} passou do limite da pausa "${pause.name}" (${pause.maxMinutes} min).`,
    });
  };
}
