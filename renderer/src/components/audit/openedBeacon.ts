import { API, type ConversationDoc, type UserDoc } from '@atende/protocol';
import { call } from '../../net/client';
import { useSessionStore } from '../../stores/session';

/**
 * The desk's word to the access audit (issue 19 point 8, R-PRIV-05): a supervisor or admin has
 * opened a conversation of a team they are not in (the desk, a peek, a pop-out, the supervisor's
 * window). Once per conversation and hour per window — the server keeps one entry per user,
 * conversation and hour whatever it is told. Offline or refused, the word is dropped: the server
 * itself records the reads of another team's conversation that go through it (messages, history).
 */
const WINDOW_MS = 60 * 60 * 1000;
const told = new Map<string, number>();

/** Whether opening this conversation is one the audit wants to hear of. */
export function isOtherTeamOpening(
  user: { readonly role: UserDoc['role']; readonly teamIds: readonly string[] } | undefined,
  conversation: Pick<ConversationDoc, 'teamId'> | undefined | null,
): boolean {
  if (!user || !conversation || (user.role !== 'supervisor' && user.role !== 'admin')) return false;
  return typeof conversation.teamId === 'string' && !user.teamIds.includes(conversation.teamId);
}

export async function reportOpened(conversationId: string | undefined, now = Date.now()): Promise<void> {
  if (!conversationId) return;
  try {
    const session = useSessionStore();
    const user = session.user;
    const conversation = await session.db?.conversations.findOne(conversationId).exec();
    if (!user || !isOtherTeamOpening(user, conversation?.toJSON())) return;
    const key = `${user.id}\n${conversationId}`;
    if (now - (told.get(key) ?? -Infinity) < WINDOW_MS) return;
    told.set(key, now);
    await call(API.privacyOpened, { body: { conversationId } }).catch(() => told.delete(key));
  } catch {
    // The audit's word never gets in the way of opening a conversation.
  }
}
