import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { dmRoomId, mayChat, parseRoomId, teamAllowsChat, teamRoomId, ulid, type MessageDoc, type TeamDoc } from '@atende/protocol';
import { messagesByRoom, stillSending, totalUnread, unreadByRoom } from '../components/chat/chatRules';
import { chatSinceOf } from '../components/chat/chatSince';
import { readMarkOf } from '../components/conversation/readMarks';
import { liveQuery } from '../db/live';
import type { OutboxDoc } from '../db/outboxSchema';
import { useColleaguesStore } from './colleagues';
import { useSessionStore } from './session';
import { useWorkspaceStore } from './workspace';

export interface ChatRoomEntry {
  id: string;
  kind: 'team' | 'dm';
  /** The team's name, or the colleague's. */
  title: string;
  /** The colleague of a one-to-one room. */
  userId?: string;
}

/**
 * The internal chat panel (R-WS-12): its rooms, their messages read live from the local replica
 * (messages of direction 'internal', so the chat reads offline), unread counts from the read marks
 * this machine keeps per user (`conversation/readMarks.ts`), and sending through the durable outbox.
 */
export const useChatStore = defineStore('chat', () => {
  const session = useSessionStore();
  const workspace = useWorkspaceStore();
  const db = computed(() => session.db);
  const me = computed(() => session.user);

  const panelOpen = ref(false);
  const openRoomId = ref<string | undefined>();

  const messages = liveQuery<MessageDoc>(
    () => db.value?.messages.find({ selector: { direction: 'internal' }, sort: [{ direction: 'asc' }, { createdAt: 'asc' }] }).$,
    db,
  );
  const queued = liveQuery<OutboxDoc>(() => db.value?.outbox.find({ selector: { kind: 'chat' } }).$, db);

  const teamOf = (id: string): TeamDoc | undefined => workspace.teams.get(id);
  const allowed = computed(() => (me.value ? mayChat(me.value, teamOf) : false));

  /** The rooms of my teams that allow the chat. */
  const teamRooms = computed<ChatRoomEntry[]>(() =>
    (me.value?.teamIds ?? [])
      .map((id) => teamOf(id))
      .filter((team): team is TeamDoc => team !== undefined && teamAllowsChat(team))
      .map((team) => ({ id: teamRoomId(team.id), kind: 'team' as const, title: team.name })),
  );

  function roomOf(id: string): ChatRoomEntry | undefined {
    const room = parseRoomId(id);
    if (!room || !me.value) return undefined;
    if (room.kind === 'team') return { id, kind: 'team', title: teamOf(room.teamId)?.name ?? room.teamId };
    const other = room.userIds.find((u) => u !== me.value?.id);
    return other ? { id, kind: 'dm', title: workspace.users.get(other)?.name ?? other, userId: other } : undefined;
  }

  const byRoom = computed(() => messagesByRoom(messages.value));

  /**
   * Rooms with messages that neither my teams' rooms nor my colleagues' list lead to (a supervisor
   * of another team wrote to me, I left the team of a room): still reachable, and their unread too.
   */
  const colleagues = useColleaguesStore();
  const otherRooms = computed<ChatRoomEntry[]>(() => {
    const listed = new Set([...teamRooms.value.map((r) => r.id), ...colleagues.colleagues.map((c) => roomWith(c.user.id))]);
    return [...byRoom.value.keys()]
      .filter((id) => !listed.has(id))
      .map((id) => roomOf(id))
      .filter((room): room is ChatRoomEntry => room !== undefined);
  });

  // Read once per user: on a fresh machine the replicated history is not news (chatSince.ts).
  const since = computed(() => (me.value ? chatSinceOf(me.value.id) : 0));
  const unread = computed(() => {
    const user = me.value?.id;
    return user ? unreadByRoom(messages.value, user, (room) => readMarkOf(user, room), since.value) : new Map<string, number>();
  });
  const unreadTotal = computed(() => totalUnread(unread.value));

  const openRoom = computed(() => (openRoomId.value ? roomOf(openRoomId.value) : undefined));
  const openMessages = computed(() => (openRoomId.value ? byRoom.value.get(openRoomId.value) ?? [] : []));
  /** My queued messages of the open room not yet stored (offline, or on their way). */
  const openQueued = computed(() => {
    const stored = new Set(openMessages.value.map((m) => m.id));
    return stillSending(queued.value.filter((q) => q.conversationId === openRoomId.value && q.state !== 'done'), stored, me.value?.id ?? '');
  });

  function roomWith(userId: string): string | undefined {
    return me.value ? dmRoomId(me.value.id, userId) : undefined;
  }

  function open(roomId: string): void {
    panelOpen.value = true;
    openRoomId.value = roomId;
  }

  function back(): void {
    openRoomId.value = undefined;
  }

  function toggle(): void {
    panelOpen.value = !panelOpen.value;
  }

  /** Stored in the outbox first: sent when online, repeated with the same id until the server answers. */
  async function send(roomId: string, text: string): Promise<void> {
    const trimmed = text.trim();
    if (!trimmed) return;
    await workspace.commands().enqueue({ kind: 'chat', conversationId: roomId, body: { room: roomId, text: trimmed } }, ulid());
  }

  /** A refused message leaves the outbox once seen; its text goes back to the composer. */
  async function dismiss(id: string): Promise<void> {
    await workspace.commands().dismiss(id);
  }

  return {
    panelOpen, openRoomId, openRoom, openMessages, openQueued, teamRooms, otherRooms, unread, unreadTotal, allowed, byRoom,
    roomOf, roomWith, open, back, toggle, send, dismiss,
  };
});
