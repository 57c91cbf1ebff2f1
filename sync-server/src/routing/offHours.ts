import { isOpenAt, type ConversationDoc, type TeamDoc } from '@atende/protocol';
import type { DocStore } from '../store/index.js';
import { getWire } from '../store/wire.js';
import { storeSystemMessage, systemMessage } from './systemMessages.js';

/** The reason in the off-hours message's id: one per conversation. */
export const OFF_HOURS_REASON = 'offhours';

/**
 * R-RT-03: a conversation that enters the queue of a team outside its business hours (or on a
 * holiday) gets the team's off-hours message, once per conversation (its id is fixed: a second
 * entry, a retried job, another node all find it stored). Called from the queued job, so it acts
 * on waiting conversations only (a bot's conversation is not queued yet). True when it sent one.
 */
export async function sendOffHoursMessage(store: DocStore, conversationId: string, now: number): Promise<boolean> {
  const c = await getWire<ConversationDoc>(store, conversationId);
  if (!c || c.status !== 'waiting') return false;
  const hours = (await getWire<TeamDoc>(store, c.teamId))?.businessHours;
  if (!hours || !hours.offHoursMessage.trim() || isOpenAt(hours, now)) return false;
  const sys = await systemMessage(store, c, OFF_HOURS_REASON, hours.offHoursMessage, now);
  // The card's preview and last-message time follow it, as they follow an agent's reply.
  return !!sys && (await storeSystemMessage(store, sys));
}
