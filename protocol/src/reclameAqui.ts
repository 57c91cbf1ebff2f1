/**
 * Reclame Aqui (HugMe API) as data (issue 12, CHANNELS.md "Reclame Aqui"). The API has no public
 * documentation: status and interaction codes come from client codebases, so they are tables, not
 * enums — a code we do not know is shown by the name the upstream sent with it.
 */

/** How often the server asks HugMe for changed complaints (no webhooks; ~10 calls/min allowed). */
export const RECLAME_AQUI_POLL = { defaultSeconds: 30, minSeconds: 10, maxSeconds: 3600 } as const;
/** HugMe answers at most this many tickets per page (`page[size]`). */
export const RECLAME_AQUI_PAGE_SIZE = 50;
/** Calls per minute HugMe tolerates per company before answering 429. */
export const RECLAME_AQUI_CALLS_PER_MINUTE = 10;

/** Complaint statuses (`ra_status.id`) in pt-BR, as the manual names them. */
export const RA_STATUS_NAMES: Readonly<Record<string, string>> = {
  '5': 'Não respondida',
  '6': 'Respondida',
  '7': 'Réplica do consumidor',
  '8': 'Réplica da empresa',
  '9': 'Avaliada',
  '10': 'Congelada',
  '18': 'Resolvida',
  '19': 'Não resolvida',
};

/** Interaction types (`ticket_interaction_type_id`) in pt-BR. */
export const RA_INTERACTION_TYPE_NAMES: Readonly<Record<string, string>> = {
  '1': 'Reclamação',
  '2': 'Resposta pública',
  '3': 'Mensagem privada da empresa',
  '6': 'Mensagem privada do consumidor',
  '11': 'Avaliação',
};

/** Interactions written by the consumer after the complaint: each becomes an inbound message. */
export const RA_CONSUMER_INTERACTION_TYPES: readonly string[] = ['6', '11'];
/** Interactions written by the company (here or on the site): imported as the company's answers. */
export const RA_COMPANY_INTERACTION_TYPES: readonly string[] = ['2', '3'];
/**
 * Who wrote each interaction type and whether the site shows it publicly. CHANNELS.md names the
 * types (1 complaint, 2 public answer, 3 private from company, 6 private from consumer, 11
 * evaluation). Model assumption: the `public` flags of types 1 and 11 are not in CHANNELS.md; an
 * interaction's own `privacy` field, when HugMe sends it, wins over this table (raInteractionVisibility).
 */
export const RA_INTERACTION_TYPES: Readonly<Record<string, { by: 'consumer' | 'company'; public: boolean }>> = {
  '1': { by: 'consumer', public: true },
  '2': { by: 'company', public: true },
  '3': { by: 'company', public: false },
  '6': { by: 'consumer', public: false },
  '11': { by: 'consumer', public: true },
};
/** The evaluation interaction: it arrives as one message built from the ticket's evaluation fields. */
export const RA_EVALUATION_INTERACTION_TYPE = '11';
/**
 * Statuses after the consumer evaluated: no evaluation request any more (R-CH-10). Model
 * assumption: CHANNELS.md lists 18 "resolved" and 19 "not resolved" as statuses, not that only an
 * evaluation leads to them.
 */
export const RA_EVALUATED_STATUS_IDS: readonly string[] = ['9', '18', '19'];

/**
 * Who sees an interaction on the site: its `privacy` field when HugMe sends one (true: only the
 * consumer and the company), else its type's entry in RA_INTERACTION_TYPES; unknown: private.
 */
export function raInteractionVisibility(type: string, privacy?: boolean | null): 'public' | 'private' {
  if (typeof privacy === 'boolean') return privacy ? 'private' : 'public';
  return raInteractionTypeOf(type)?.public ? 'public' : 'private';
}

/**
 * A code table's own entry: upstream codes are untrusted, and `constructor` or `__proto__` would
 * otherwise find Object's inherited members instead of "unknown".
 */
function entryOf<T>(table: Readonly<Record<string, T>>, code: string): T | undefined {
  return Object.hasOwn(table, code) ? table[code] : undefined;
}

/** Who wrote an interaction type and whether it is public (RA_INTERACTION_TYPES), or undefined for an unknown type. */
export function raInteractionTypeOf(type: string): { by: 'consumer' | 'company'; public: boolean } | undefined {
  return entryOf(RA_INTERACTION_TYPES, type);
}

/**
 * HugMe's `moderation.status` values as the header keeps them (channelMeta RA_META.moderationStatus).
 * Model assumption: CHANNELS.md names `moderation {status, reason}`, not the status values; these
 * are the fake's (simulator/tickets.ts). A value not in this table is kept as RA_MODERATION_UNKNOWN
 * (the poller logs it once): it is not "pending", so it never blocks a new request for good.
 */
export const RA_UPSTREAM_MODERATION_STATUSES: Readonly<Record<string, 'pending' | 'accepted' | 'refused'>> = {
  pending: 'pending',
  accepted: 'accepted',
  refused: 'refused',
};
export const RA_MODERATION_UNKNOWN = 'unknown';

/** The header's moderation status of an upstream one: RA_UPSTREAM_MODERATION_STATUSES, else RA_MODERATION_UNKNOWN. */
export function raModerationStatusOf(upstream: string): 'pending' | 'accepted' | 'refused' | typeof RA_MODERATION_UNKNOWN {
  return entryOf(RA_UPSTREAM_MODERATION_STATUSES, upstream.trim().toLowerCase()) ?? RA_MODERATION_UNKNOWN;
}

/** The pt-BR name of a complaint status; an unknown id keeps the upstream's own name. */
export function raStatusName(id: string, upstreamName?: string | null): string {
  return entryOf(RA_STATUS_NAMES, id) ?? (upstreamName?.trim() || `Status ${id}`);
}

/** The pt-BR name of an interaction type; an unknown id keeps the upstream's own name. */
export function raInteractionTypeName(id: string, upstreamName?: string | null): string {
  return entryOf(RA_INTERACTION_TYPE_NAMES, id) ?? (upstreamName?.trim() || `Tipo ${id}`);
}

/**
 * The conversation's `channelMeta` keys of a complaint, for its header (R-CH-06). Values are
 * strings, as every channelMeta value is; `createdAt` is the upstream's ISO date.
 */
export const RA_META = {
  complaintId: 'raComplaintId',
  title: 'raTitle',
  city: 'raCity',
  state: 'raState',
  createdAt: 'raCreatedAt',
  pageUrl: 'raPageUrl',
  statusId: 'raStatusId',
  statusName: 'raStatusName',
  /** 'company' | 'consumer': who wrote the last public interaction (R-CH-10 rule). */
  lastPublicBy: 'raLastPublicBy',
  /**
   * ISO time of that last public interaction (HugMe's date; our own answer's send time until the
   * poller sees it): a poll that reads the ticket before HugMe publishes our answer (25–30 s) does
   * not turn `lastPublicBy` back to the consumer's older word.
   */
  lastPublicAt: 'raLastPublicAt',
  /** 'true' once the company answered publicly (here or on the site): the "first answer public" tip is done. */
  answeredPublicly: 'raAnsweredPublicly',
  /** 'true' once the consumer evaluated. */
  evaluated: 'raEvaluated',
  /** ISO time of the last "Solicitar avaliação" the upstream accepted. */
  evaluationRequestedAt: 'raEvaluationRequestedAt',
  /** RA_MODERATION_STATUSES: 'pending' | 'accepted' | 'refused'; RA_MODERATION_UNKNOWN for a value HugMe sent that we do not know. */
  moderationStatus: 'raModerationStatus',
  /** The moderation reason code (RA_MODERATION_REASONS). */
  moderationReason: 'raModerationReason',
} as const;

export interface ReclameAquiHeader {
  complaintId: string;
  title: string;
  city: string | null;
  state: string | null;
  /** ISO date the consumer filed the complaint. */
  createdAt: string | null;
  pageUrl: string | null;
  status: { id: string; name: string } | null;
}

/** The complaint header of a Reclame Aqui conversation, or null when it holds none. */
export function reclameAquiHeaderOf(conversation: { channelMeta: Record<string, string> }): ReclameAquiHeader | null {
  const meta = conversation.channelMeta;
  const complaintId = meta[RA_META.complaintId];
  if (!complaintId) return null;
  const statusId = meta[RA_META.statusId];
  return {
    complaintId,
    title: meta[RA_META.title] ?? '',
    city: meta[RA_META.city] || null,
    state: meta[RA_META.state] || null,
    createdAt: meta[RA_META.createdAt] || null,
    pageUrl: meta[RA_META.pageUrl] || null,
    status: statusId ? { id: statusId, name: meta[RA_META.statusName] || raStatusName(statusId) } : null,
  };
}

/** The header as channelMeta entries (empty values left out). */
export function reclameAquiMetaOf(header: ReclameAquiHeader): Record<string, string> {
  const entries: Array<[string, string | null | undefined]> = [
    [RA_META.complaintId, header.complaintId], [RA_META.title, header.title], [RA_META.city, header.city],
    [RA_META.state, header.state], [RA_META.createdAt, header.createdAt], [RA_META.pageUrl, header.pageUrl],
    [RA_META.statusId, header.status?.id], [RA_META.statusName, header.status?.name],
  ];
  return Object.fromEntries(entries.filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''));
}

/**
 * Who reads an agent's answer (R-CH-07): Reclame Aqui has public answers (on the complaint's page)
 * and private messages (to the consumer only); every other channel's replies are "public".
 */
export type AnswerVisibility = 'public' | 'private';

/** Channels whose answers may be private; their answers are private unless the agent says otherwise. */
export const PRIVATE_ANSWER_CHANNELS: readonly string[] = ['reclameaqui'];

/** The 422 codes of refused answers: clients switch on them. */
export const PRIVATE_NOT_SUPPORTED = 'private_not_supported';
export const FILES_ONLY_PRIVATE = 'files_only_private';
export const AUDIO_NOT_SUPPORTED = 'audio_not_supported';

export const RA_FILES_ONLY_PRIVATE = 'Arquivos só podem ir em respostas privadas no Reclame Aqui.';
export const RA_NO_AUDIO = 'O Reclame Aqui não aceita áudio: escreva a resposta ou anexe uma imagem ou PDF.';
export const RA_ONE_FILE = 'O Reclame Aqui envia um arquivo por mensagem privada: envie os arquivos separadamente.';
export const PRIVATE_NOT_ON_CHANNEL = 'Respostas privadas só existem no Reclame Aqui: neste canal toda resposta vai ao cliente.';

/** The visibility an answer gets when the agent names none. */
export function defaultVisibility(channel: string): AnswerVisibility {
  return PRIVATE_ANSWER_CHANNELS.includes(channel) ? 'private' : 'public';
}

/**
 * Why an answer may not go as asked (a pt-BR sentence and its code), or null. File types and sizes
 * are MEDIA_LIMITS' business; this is what the visibility and the Reclame Aqui decide.
 */
export function answerRefusal(
  channel: string, visibility: AnswerVisibility, files: ReadonlyArray<{ kind: string }>,
): { code: string; message: string } | null {
  if (visibility === 'private' && !PRIVATE_ANSWER_CHANNELS.includes(channel)) return { code: PRIVATE_NOT_SUPPORTED, message: PRIVATE_NOT_ON_CHANNEL };
  if (channel !== 'reclameaqui') return null;
  if (files.some((f) => f.kind === 'audio')) return { code: AUDIO_NOT_SUPPORTED, message: RA_NO_AUDIO };
  if (files.length > 0 && visibility === 'public') return { code: FILES_ONLY_PRIVATE, message: RA_FILES_ONLY_PRIVATE };
  if (files.length > 1) return { code: 'too_many_files', message: RA_ONE_FILE };
  return null;
}
