import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import {
  API, isParticipant, seesQueue, ulid, type AnswerVisibility, type ContactDoc, type ConversationDoc, type DispositionDoc, type PredefinedDoc, type RaModerationBody, type TeamDoc,
  type UserDoc,
} from '@atende/protocol';
import { liveQuery } from '../db/live';
import { CommandOutbox, webLock, type Command, type Outcome } from '../db/outbox';
import { httpTransport } from '../db/outboxTransport';
import { i18n } from '../i18n';
import { ApiError } from '../net/api';
import { call } from '../net/client';
import { connectionState } from '../net/connection';
import { contactLabel } from './contactLabel';
import { useSessionStore } from './session';

export type Tab = 'waiting' | 'active';
/** The contact panel's tabs; the conversation's "Opções" menu asks for one (e.g. "Histórico"). */
export type ContactTab = 'details' | 'notes' | 'history' | 'gallery';

/**
 * A conversation shown read-only (R-WS-18 "Espiar", a search result): its id, and what a search
 * hit told about it for when it is not in the local replica (finished, another team's).
 */
export interface Peek {
  id: string;
  hint?: { protocol: string; contactName: string; status: ConversationDoc['status'] };
}

const VIEW_KEY = 'atende.view';
interface SavedView {
  userId: string;
  tab: Tab;
  selectedId?: string;
}

function savedView(userId: string | undefined): SavedView | undefined {
  try {
    const view = JSON.parse(sessionStorage.getItem(VIEW_KEY) ?? 'null') as SavedView | null;
    return view && view.userId === userId && (view.tab === 'waiting' || view.tab === 'active') ? view : undefined;
  } catch {
    return undefined;
  }
}

function saveView(userId: string | undefined, tab: Tab, selectedId: string | undefined): void {
  if (!userId) return;
  const view: SavedView = { userId, tab, ...(selectedId ? { selectedId } : {}) };
  try {
    sessionStorage.setItem(VIEW_KEY, JSON.stringify(view));
  } catch {
    // Storage full or denied: the view is a convenience.
  }
}
/** `paused`: the agent is in a pause (R-WS-09) and takes no conversation until it ends. */
export type Notice = 'already_taken' | 'max_concurrent' | 'paused' | 'failed';

const byId = <T extends { id: string }>(docs: T[]) => new Map(docs.map((d) => [d.id, d]));

/** The agent's working set, read live from the local replica (R-WS-01, R-WS-02). */
export const useWorkspaceStore = defineStore('workspace', () => {
  const session = useSessionStore();
  const db = computed(() => session.db);
  const open = liveQuery<ConversationDoc>(
    () => db.value?.conversations.find({ selector: { status: { $in: ['waiting', 'active'] } } }).$,
    db,
  );
  const users = computed(() => byId(liveUsers.value));
  const liveUsers = liveQuery<UserDoc>(() => db.value?.users.find().$, db);
  const liveTeams = liveQuery<TeamDoc>(() => db.value?.teams.find().$, db);
  const liveContacts = liveQuery<ContactDoc>(() => db.value?.contacts.find().$, db);
  const predefined = liveQuery<PredefinedDoc>(() => db.value?.predefined.find({ sort: [{ id: 'asc' }] }).$, db);
  const dispositions = liveQuery<DispositionDoc>(() => db.value?.dispositions.find().$, db);
  const teams = computed(() => byId(liveTeams.value));
  const contacts = computed(() => byId(liveContacts.value));

  const me = computed(() => session.user);
  const myTeams = computed(() => new Set(me.value?.teamIds ?? []));
  const waiting = computed(() =>
    open.value
      // R-RT-02: a team's queue may be targeted at some of its agents only.
      .filter((c) => c.status === 'waiting' && myTeams.value.has(c.teamId) && me.value !== undefined && seesQueue(me.value, teams.value.get(c.teamId) ?? { id: c.teamId }))
      .sort((a, b) => (a.waitingSince ?? a.createdAt) - (b.waitingSince ?? b.createdAt)),
  );
  // Mine: the ones I hold and the ones I am invited into (R-WS-05), where I write too.
  const active = computed(() =>
    open.value
      .filter((c) => c.status === 'active' && me.value !== undefined && isParticipant(c, me.value.id))
      .sort((a, b) => (b.lastMessageAt ?? b.updatedAt) - (a.lastMessageAt ?? a.updatedAt)),
  );

  // The tab and conversation this window showed come back after a reload, online or not (issue 9
  // point 6); per window (sessionStorage), so two windows keep their own view.
  const saved = savedView(me.value?.id);
  const tab = ref<Tab>(saved?.tab ?? 'waiting');
  const selectedId = ref<string | undefined>(saved?.selectedId);
  watch([tab, selectedId, () => me.value?.id], ([t, id, userId]) => saveView(userId, t, id));
  const selected = computed(() => open.value.find((c) => c.id === selectedId.value));
  const notice = ref<Notice>();

  function contactName(conversation: ConversationDoc): string {
    // Until the contact replicates (a moment after its conversation), a neutral word, not an id.
    return contactLabel(contacts.value.get(conversation.contactId)) ?? i18n.global.t('conversation.unknownContact');
  }

  const peeking = ref<Peek>();
  function select(id: string | undefined): void {
    peeking.value = undefined;
    selectedId.value = id;
  }

  /** R-WS-18: look at a conversation without taking it; `stopPeek` goes back to what was open. */
  function peek(target: Peek): void {
    peeking.value = target;
  }
  /** The conversation looked at, when the replica has it (its contact shows beside it). */
  const peeked = computed(() => (peeking.value ? open.value.find((c) => c.id === peeking.value?.id) : undefined));
  function stopPeek(): void {
    peeking.value = undefined;
  }

  /** Which contact panel tab shows; `contactTabAsked` counts requests so the panel can also expand. */
  const contactTab = ref<ContactTab>('details');
  const contactTabAsked = ref(0);
  function showContactTab(tab: ContactTab): void {
    contactTab.value = tab;
    contactTabAsked.value++;
  }

  /** "Puxar" a waiting conversation: exactly one agent wins a race, the others are told. */
  async function claim(id: string): Promise<boolean> {
    notice.value = undefined;
    try {
      await call(API.claim, { params: { id }, body: { id: ulid() } });
      peeking.value = undefined;
      tab.value = 'active';
      selectedId.value = id;
      return true;
    } catch (error) {
      const known = ['already_taken', 'max_concurrent', 'paused'] as const;
      notice.value = error instanceof ApiError ? known.find((code) => code === error.code) ?? 'failed' : 'failed';
      return false;
    }
  }

  /**
   * The agent's replies, transfers and finishes go through the durable outbox of this user's
   * store (issue 8 point 8): one per open store, sending while the socket is welcomed, one
   * window at a time.
   */
  let outbox: CommandOutbox | undefined;
  watch(db, (database) => {
    outbox?.stop();
    outbox = database
      ? new CommandOutbox(database.outbox, httpTransport, {
          isOnline: () => connectionState.value === 'online',
          exclusive: webLock(`atende-outbox-${database.name}`),
        })
      : undefined;
    outbox?.start();
  }, { immediate: true });
  watch(connectionState, (state) => {
    if (state === 'online') outbox?.wake();
  });

  function commands(): CommandOutbox {
    if (!outbox) throw new Error('No local store open');
    return outbox;
  }

  /** Stored locally and sent when it can be (shown as "enviando…" until then); never sent twice. */
  async function sendMessage(conversationId: string, text: string, mediaIds: string[] = [], visibility?: AnswerVisibility): Promise<void> {
    // Files are already on the server (uploaded by the composer); only their ids wait in the outbox.
    // A visibility only where the channel has private answers (Reclame Aqui, R-CH-07).
    await commands().enqueue({
      kind: 'reply', conversationId, body: { text, ...(mediaIds.length ? { mediaIds } : {}), ...(visibility ? { visibility } : {}) },
    });
  }

  /** A refused reply the agent took back into the composer. */
  async function dismissCommand(id: string): Promise<void> {
    await commands().dismiss(id);
  }

  /**
   * Runs a conversation command under `commandId` (created once per action by the dialog, so a
   * second confirm is the same command): resolves once applied or, when the connection failed,
   * once it is safely queued for the next attempt; throws the server's refusal.
   */
  async function act(command: Command, commandId: string): Promise<void> {
    const box = commands();
    await box.enqueue(command, commandId);
    await box.settled(commandId);
    if (selectedId.value === command.conversationId) selectedId.value = undefined;
  }

  /** "Reenviar" a dead-lettered send: the server queues it again under the same message id. */
  async function resend(conversationId: string, messageId: string): Promise<void> {
    await call(API.resend, { params: { id: conversationId, messageId }, body: {} });
  }

  /** `note`: for the receiver, who is alerted with it (R-WS-19). */
  function transfer(conversationId: string, target: { toAgentId: string } | { toTeamId: string }, commandId = ulid(), note = ''): Promise<void> {
    return act({ kind: 'transfer', conversationId, body: { ...target, ...(note ? { note } : {}) } }, commandId);
  }

  /** "Devolver à fila" (R-WS-19): back to the team's queue, with an optional note for whoever takes it. */
  function returnToQueue(conversationId: string, note: string, commandId = ulid()): Promise<void> {
    return act({ kind: 'returnToQueue', conversationId, body: note ? { note } : {} }, commandId);
  }

  /** Invited collaborators (R-WS-05): inviting keeps the conversation open here; leaving closes it. */
  async function invite(conversationId: string, agentIds: string[], commandId = ulid()): Promise<void> {
    await request({ kind: 'invite', conversationId, body: { agentIds } }, commandId);
  }
  function leave(conversationId: string, commandId = ulid()): Promise<void> {
    return act({ kind: 'leave', conversationId, body: {} }, commandId);
  }

  /** `requestRating: false` skips the customer's rating question for this conversation (issue 18). */
  function finish(conversationId: string, disposition: string | null, note: string, commandId = ulid(), requestRating = true): Promise<void> {
    return act({ kind: 'finish', conversationId, body: { disposition, note, ...(requestRating ? {} : { requestRating: false as const }) } }, commandId);
  }

  /**
   * Reclame Aqui requests (R-CH-09, R-CH-10): commands like `finish`, but the conversation stays
   * open (a public answer may follow). Resolves `queued` when it waits for the connection.
   */
  async function request(command: Command, commandId: string): Promise<Outcome> {
    await commands().enqueue(command, commandId);
    return commands().settled(commandId);
  }

  function requestModeration(conversationId: string, body: Omit<RaModerationBody, 'id'>, commandId = ulid()): Promise<Outcome> {
    return request({ kind: 'raModeration', conversationId, body }, commandId);
  }

  function requestEvaluation(conversationId: string, commandId = ulid()): Promise<Outcome> {
    return request({ kind: 'raEvaluation', conversationId, body: {} }, commandId);
  }

  return {
    waiting, active, tab, selectedId, selected, notice, users, teams, contacts, predefined, dispositions, me,
    peeking, peeked, contactTab, contactTabAsked,
    contactName, select, peek, stopPeek, showContactTab, claim, sendMessage, dismissCommand, resend, transfer, finish,
    returnToQueue, invite, leave,
    requestModeration, requestEvaluation,
    /** The durable outbox of the open store, for other stores' commands (stores/context.ts). */
    commands,
  };
});
