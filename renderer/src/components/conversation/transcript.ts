import { ref, watch } from 'vue';
import { conversationEventOf, type ConversationEventPayload, type MessageDoc } from '@atende/protocol';

/**
 * What the transcript shows between messages (issue 9): a separator at each new day ("Hoje",
 * "Ontem", then the date) and the lifecycle events as trace lines (R-WS-15 forwarding history:
 * from, to, by whom, when), which the agent may hide.
 */
export type TranscriptRow =
  | { kind: 'day'; key: string; at: number }
  | { kind: 'message'; key: string; message: MessageDoc; event: ConversationEventPayload | undefined };

/** The local calendar day of a time, as a sortable key. */
function dayKey(at: number): string {
  const d = new Date(at);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** Messages (in the server's order) with a day row before the first message of each day; events left out when hidden. */
export function transcriptRows(messages: readonly MessageDoc[], hideEvents: boolean): TranscriptRow[] {
  const rows: TranscriptRow[] = [];
  let day = '';
  for (const message of messages) {
    const event = conversationEventOf(message);
    if (event && hideEvents) continue;
    const key = dayKey(message.createdAt);
    if (key !== day) {
      day = key;
      rows.push({ kind: 'day', key: `day:${key}`, at: message.createdAt });
    }
    rows.push({ kind: 'message', key: message.id, message, event });
  }
  return rows;
}

type Translate = (key: string, params?: Record<string, unknown>) => string;

/** "Hoje", "Ontem" or the date in the user's language. */
export function dayLabel(at: number, now: number, locale: string, t: Translate): string {
  const yesterday = new Date(now);
  yesterday.setDate(yesterday.getDate() - 1);
  if (dayKey(at) === dayKey(now)) return t('context.today');
  if (dayKey(at) === dayKey(yesterday.getTime())) return t('context.yesterday');
  return new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'long', year: 'numeric' }).format(at);
}

/** The full date and time of a message, for its hover/focus hint. */
export function fullDateTime(at: number, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeStyle: 'medium' }).format(at);
}

/** Who the workspace knows by id (users and teams replicate to the agent). */
export interface TraceNames {
  user: (id: string) => string | undefined;
  team: (id: string) => string | undefined;
}

/** Names from the replicated users and teams, read when a line is written (so they follow the replica). */
export function namesFrom(known: {
  users: ReadonlyMap<string, { name: string }>;
  teams: ReadonlyMap<string, { name: string }>;
}): TraceNames {
  return { user: (id) => known.users.get(id)?.name, team: (id) => known.teams.get(id)?.name };
}

/** The sentence of a trace line, with names; `t` is vue-i18n's. */
export function traceLine(event: ConversationEventPayload, names: TraceNames, t: Translate): string {
  const someone = t('context.event.someone');
  const user = (id: string | null) => (id ? names.user(id) ?? someone : null);
  const place = (teamId: string, agentId: string | null) => {
    const team = names.team(teamId) ?? someone;
    return agentId ? t('context.event.agentInTeam', { agent: user(agentId), team }) : team;
  };
  switch (event.event) {
    case 'queued':
      return t('context.event.queued', { position: event.position });
    case 'joined':
      return t('context.event.joined', { agent: event.agentName });
    case 'transferred': {
      const params = { from: place(event.fromTeamId, event.fromAgentId), to: place(event.toTeamId, event.toAgentId), by: user(event.byUserId) };
      return withNote(event.byUserId ? t('context.event.transferredBy', params) : t('context.event.transferred', params), event.note, t);
    }
    case 'returned':
      return withNote(event.byUserId ? t('context.event.returnedBy', { by: user(event.byUserId) }) : t('context.event.returned'), event.note, t);
    // Invited collaborators (R-WS-05).
    case 'invited':
      return t('invite.event.invited', { agent: event.agentName, by: user(event.byUserId) ?? someone });
    case 'left':
      return t('invite.event.left', { agent: event.agentName });
    case 'finished':
      return event.byUserId ? t('context.event.finishedBy', { by: user(event.byUserId) }) : t('context.event.finished');
    case 'raModerationRequested':
      return t('context.event.raModerationRequested', { reason: t(`reclameaqui.moderationReason.${event.reason}`), by: user(event.byUserId) ?? someone });
    case 'raModerationDecided':
      return event.accepted ? t('context.event.raModerationAccepted') : t('context.event.raModerationRefused');
    case 'raEvaluationRequested':
      return t('context.event.raEvaluationRequested', { by: user(event.byUserId) ?? someone });
    // Tickets (R-WS-14).
    case 'ticketLinked':
      return t('ticket.event.linked', { number: event.number, by: user(event.byUserId) ?? someone });
  }
}

/** The forwarding history keeps a transfer's note for the receiver (R-WS-19). */
function withNote(line: string, note: string | undefined, t: Translate): string {
  return note ? t('returnQueue.traceNote', { line, note }) : line;
}

/** "Ocultar histórico de encaminhamento": a per-machine preference, shared by every transcript. */
const HIDE_KEY = 'atende.hideTrace';
export const hideTrace = ref(typeof localStorage !== 'undefined' && localStorage.getItem(HIDE_KEY) === 'true');
watch(hideTrace, (hidden) => {
  try {
    localStorage.setItem(HIDE_KEY, String(hidden));
  } catch {
    // Storage denied: the choice lasts for this session.
  }
});
