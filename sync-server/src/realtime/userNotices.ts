import { z } from 'zod';
import { AgentNotice, Id } from '@atende/protocol';
import type { Bus } from '../bus/index.js';

/**
 * What a supervisor did to an agent (R-SV-04), carried to every node so the agent's sockets hear
 * it wherever they are connected. Parsed on arrival like every bus topic (bus/topics.ts): another
 * node, possibly of another version, wrote it.
 */
export const USER_NOTICE_TOPIC = 'user.notice';

const UserNoticeMessage = z.object({ userId: Id, notice: AgentNotice, byName: z.string().max(200) });
export type UserNoticeMessage = z.infer<typeof UserNoticeMessage>;

export function publishUserNotice(bus: Bus, message: UserNoticeMessage): Promise<void> {
  return bus.publish(USER_NOTICE_TOPIC, message);
}

export function subscribeUserNotices(bus: Bus, handler: (message: UserNoticeMessage) => void, log: (message: string) => void): () => void {
  return bus.subscribe(USER_NOTICE_TOPIC, (raw) => {
    const parsed = UserNoticeMessage.safeParse(raw);
    if (parsed.success) handler(parsed.data);
    else log(`bus: dropped a malformed ${USER_NOTICE_TOPIC} message: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  });
}
