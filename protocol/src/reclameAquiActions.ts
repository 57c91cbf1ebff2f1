import { z } from 'zod';
import { ClientId, Id } from './documents.js';
import { docId } from './ids.js';
import { overseesAll, type Actor } from './permissions.js';
import { RA_META, RA_EVALUATED_STATUS_IDS } from './reclameAqui.js';

/**
 * What an agent asks of Reclame Aqui about a complaint besides answering it (issue 12): a
 * moderation request (R-CH-09) and an evaluation request (R-CH-10); and what comes back: the
 * consumer's evaluation and the company's reputation (R-CH-08). Codes are data (CHANNELS.md).
 */

/** Moderation reasons as HugMe numbers them; reason 1 must name the company the complaint is meant for. */
export const RA_MODERATION_REASONS: ReadonlyArray<{ code: string; name: string; needsTargetCompany: boolean }> = [
  { code: '1', name: 'Reclamação de outra empresa', needsTargetCompany: true },
  { code: '4', name: 'Reclamação duplicada', needsTargetCompany: false },
  { code: '5', name: 'Conteúdo impróprio ou ofensivo', needsTargetCompany: false },
  { code: '15', name: 'Reclamação de terceiros', needsTargetCompany: false },
  { code: '16', name: 'Caso trabalhista', needsTargetCompany: false },
  { code: '17', name: 'Não violou o direito do consumidor', needsTargetCompany: false },
  { code: '19', name: 'Fraude', needsTargetCompany: false },
];

/** Reason 1 ("Reclamação de outra empresa") must name the company the complaint is meant for. */
export function raReasonNeedsTargetCompany(code: string): boolean {
  return RA_MODERATION_REASONS.find((r) => r.code === code)?.needsTargetCompany ?? false;
}

/** The pt-BR name of a moderation reason; an unknown code is shown as such. */
export function raModerationReasonName(code: string): string {
  return RA_MODERATION_REASONS.find((r) => r.code === code)?.name ?? `Motivo ${code}`;
}

export const RA_MODERATION_MESSAGE_MAX = 4000;
export const RA_TARGET_COMPANY_MAX = 200;

/**
 * `POST /api/conversations/:id/reclameaqui/moderation`. `id` is the command id (a retry with
 * the same id is applied once; it becomes the event message's id). At most one file
 * (`POST /api/media` first), of the types and size MEDIA_LIMITS.reclameaqui allows.
 */
export const RaModerationBody = z
  .strictObject({
    id: ClientId,
    reason: z.string().refine((c) => RA_MODERATION_REASONS.some((r) => r.code === c), 'unknown moderation reason'),
    message: z.string().trim().min(1, 'message must not be empty').max(RA_MODERATION_MESSAGE_MAX),
    targetCompany: z.string().trim().min(1).max(RA_TARGET_COMPANY_MAX).optional(),
    mediaIds: z.array(Id).max(1, 'Reclame Aqui takes one file per moderation request').optional(),
  })
  .refine((b) => !raReasonNeedsTargetCompany(b.reason) || !!b.targetCompany, {
    message: 'this reason needs the company the complaint is meant for', path: ['targetCompany'],
  });
export type RaModerationBody = z.infer<typeof RaModerationBody>;

/** `POST /api/conversations/:id/reclameaqui/evaluation`: "Solicitar avaliação". */
export const RaEvaluationBody = z.strictObject({ id: ClientId });
export type RaEvaluationBody = z.infer<typeof RaEvaluationBody>;

/** Moderation as the complaint's header keeps it (channelMeta RA_META.moderationStatus). */
export const RA_MODERATION_STATUSES = ['pending', 'accepted', 'refused'] as const;
export type RaModerationStatus = (typeof RA_MODERATION_STATUSES)[number];

/** The 409 codes of refused Reclame Aqui commands: clients switch on them. */
export const RA_REFUSAL = {
  notAComplaint: 'ra_not_a_complaint',
  moderationPending: 'ra_moderation_pending',
  alreadyEvaluated: 'ra_already_evaluated',
  lastPublicNotCompany: 'ra_last_public_not_company',
  moderationInFlight: 'ra_moderation_in_flight',
  evaluationInFlight: 'ra_evaluation_in_flight',
} as const;

export const RA_NOT_A_COMPLAINT = 'Esta conversa não é uma reclamação do Reclame Aqui.';
export const RA_MODERATION_PENDING = 'Já há uma moderação pendente para esta reclamação: aguarde a decisão do Reclame Aqui.';
export const RA_ALREADY_EVALUATED = 'O consumidor já avaliou esta reclamação: não é possível solicitar outra avaliação.';
export const RA_LAST_PUBLIC_NOT_COMPANY = 'Responda publicamente antes: o Reclame Aqui só permite solicitar avaliação quando a última interação pública é da empresa.';
export const RA_MODERATION_IN_FLIGHT = 'Uma solicitação de moderação desta reclamação ainda está sendo enviada ao Reclame Aqui: aguarde o resultado.';
export const RA_EVALUATION_IN_FLIGHT = 'Uma solicitação de avaliação desta reclamação ainda está sendo enviada ao Reclame Aqui: aguarde o resultado.';

/** The conversation events of the two commands (conversationEvents.ts): one of each kind is on its way at a time. */
export type RaCommandEventName = 'raModerationRequested' | 'raEvaluationRequested';

/**
 * Why another request of this kind must wait, or null: one is still on its way to the Reclame Aqui
 * (its event message `queued`, not yet accepted or refused there). Pass the conversation's event
 * messages (any others are ignored). The server arbitrates it at write time (commands.ts).
 */
export function raInFlightRefusal(
  event: RaCommandEventName,
  messages: ReadonlyArray<{ status: string; payload: Record<string, unknown> }>,
): { code: string; message: string } | null {
  if (!messages.some((m) => m.status === 'queued' && m.payload.event === event)) return null;
  return event === 'raModerationRequested'
    ? { code: RA_REFUSAL.moderationInFlight, message: RA_MODERATION_IN_FLIGHT }
    : { code: RA_REFUSAL.evaluationInFlight, message: RA_EVALUATION_IN_FLIGHT };
}

/**
 * The id of a command's event message: `message:ra.<command id>`. A dot never occurs in a
 * ClientId, so neither an agent's message (`message:<client id>`) nor an imported one
 * (`message:in-<hash>`) can take it, and a command id cannot take theirs (R-CH-09, R-CH-10).
 */
export function raCommandMessageId(commandId: string): string {
  return docId('message', `ra.${commandId}`);
}

/**
 * Why "Solicitar avaliação" is not possible now (code and pt-BR sentence), or null: the complaint
 * is not evaluated and its last public interaction is the company's (CHANNELS.md). The button is
 * disabled with this sentence; the server refuses with it; HugMe has the last word.
 */
export function raEvaluationRefusal(conversation: { channel: string; channelMeta: Record<string, string> }): { code: string; message: string } | null {
  const meta = conversation.channelMeta;
  if (conversation.channel !== 'reclameaqui' || !meta[RA_META.complaintId]) return { code: RA_REFUSAL.notAComplaint, message: RA_NOT_A_COMPLAINT };
  if (meta[RA_META.evaluated] === 'true' || RA_EVALUATED_STATUS_IDS.includes(meta[RA_META.statusId] ?? '')) {
    return { code: RA_REFUSAL.alreadyEvaluated, message: RA_ALREADY_EVALUATED };
  }
  if (meta[RA_META.lastPublicBy] !== 'company') return { code: RA_REFUSAL.lastPublicNotCompany, message: RA_LAST_PUBLIC_NOT_COMPANY };
  return null;
}

/** Why a moderation request is not possible now, or null. */
export function raModerationRefusal(conversation: { channel: string; channelMeta: Record<string, string> }): { code: string; message: string } | null {
  const meta = conversation.channelMeta;
  if (conversation.channel !== 'reclameaqui' || !meta[RA_META.complaintId]) return { code: RA_REFUSAL.notAComplaint, message: RA_NOT_A_COMPLAINT };
  if (meta[RA_META.moderationStatus] === 'pending') return { code: RA_REFUSAL.moderationPending, message: RA_MODERATION_PENDING };
  return null;
}

/**
 * The consumer's evaluation, arrived as ONE inbound message (R-CH-10): its text is
 * raEvaluationText(), its payload these flat keys so the screen can show a card.
 * Model assumption: the rating goes from 0 to 10 (the site's scale).
 */
export const RA_EVALUATION_PAYLOAD = {
  rating: 'raRating',
  resolved: 'raResolved',
  backDoingBusiness: 'raBackDoingBusiness',
  comment: 'raComment',
} as const;
export const RA_RATING_MAX = 10;

export interface RaEvaluation {
  rating: number | null;
  resolved: boolean | null;
  backDoingBusiness: boolean | null;
  comment: string | null;
}

const yesNo = (b: boolean | null) => (b === null ? 'não informado' : b ? 'sim' : 'não');

const COMMENT_LINE = 'Comentário: ';

function evaluationLines(e: RaEvaluation): string[] {
  return [
    'Avaliação do consumidor no Reclame Aqui',
    `Nota: ${e.rating === null ? 'não informada' : `${e.rating}/${RA_RATING_MAX}`}`,
    `Problema resolvido: ${yesNo(e.resolved)}`,
    `Voltaria a fazer negócio: ${yesNo(e.backDoingBusiness)}`,
  ];
}

/**
 * The evaluation with its comment trimmed and, when the text would pass `max` characters, cut
 * (ending in "…") so that raEvaluationText fits: the message's text and its card's payload agree.
 */
export function raEvaluationFitting(e: RaEvaluation, max = Number.POSITIVE_INFINITY): RaEvaluation {
  const comment = e.comment?.trim() || null;
  const room = max - evaluationLines(e).join('\n').length - `\n${COMMENT_LINE}`.length;
  if (!comment || comment.length <= room) return { ...e, comment };
  return { ...e, comment: room > 1 ? `${comment.slice(0, room - 1)}…` : null };
}

/** The evaluation as one pt-BR message text of at most `max` characters (a long comment is cut). */
export function raEvaluationText(e: RaEvaluation, max?: number): string {
  const fitting = raEvaluationFitting(e, max);
  const lines = evaluationLines(fitting);
  if (fitting.comment) lines.push(`${COMMENT_LINE}${fitting.comment}`);
  return lines.join('\n');
}

/** The evaluation a message carries, or null (any other message). */
export function raEvaluationOf(message: { payload?: Record<string, string | number | boolean | null> }): RaEvaluation | null {
  // Replicas written before payload existed hold messages without one.
  const p = message.payload ?? {};
  if (!(RA_EVALUATION_PAYLOAD.rating in p) && !(RA_EVALUATION_PAYLOAD.resolved in p)) return null;
  const rating = p[RA_EVALUATION_PAYLOAD.rating];
  const bool = (v: unknown) => (typeof v === 'boolean' ? v : null);
  const comment = p[RA_EVALUATION_PAYLOAD.comment];
  return {
    rating: typeof rating === 'number' ? rating : null,
    resolved: bool(p[RA_EVALUATION_PAYLOAD.resolved]),
    backDoingBusiness: bool(p[RA_EVALUATION_PAYLOAD.backDoingBusiness]),
    comment: typeof comment === 'string' && comment ? comment : null,
  };
}

/** The evaluation as message payload entries (nulls left out). */
export function raEvaluationPayload(e: RaEvaluation): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  if (e.rating !== null) out[RA_EVALUATION_PAYLOAD.rating] = e.rating;
  if (e.resolved !== null) out[RA_EVALUATION_PAYLOAD.resolved] = e.resolved;
  if (e.backDoingBusiness !== null) out[RA_EVALUATION_PAYLOAD.backDoingBusiness] = e.backDoingBusiness;
  if (e.comment) out[RA_EVALUATION_PAYLOAD.comment] = e.comment;
  return out;
}

/**
 * Reputation periods the panel shows (R-CH-08), in its order. HugMe also answers `two_years_ago`;
 * the panel leaves it out (the issue names these four).
 */
export const RA_REPUTATION_PERIODS = ['six_months', 'twelve_months', 'last_year', 'overall'] as const;
export type RaReputationPeriod = (typeof RA_REPUTATION_PERIODS)[number];

/**
 * One period of the reputation. Model assumption (CHANNELS.md names only the first six): the
 * counts and the would-do-business-again percentage, which the panel needs, come in the same
 * object; a field HugMe leaves out is null and shown as "—".
 */
export const RaReputation = z.object({
  reputation: z.object({ code: z.string(), name: z.string() }),
  finalGrade: z.number().nullable(),
  /** Answered complaints, % (0–100). */
  responseIndex: z.number().nullable(),
  solutionsPercentage: z.number().nullable(),
  backDoingBusinessPercentage: z.number().nullable(),
  /** Average consumer rating, 0–10. */
  avgGrade: z.number().nullable(),
  complaintsCount: z.number().int().nullable(),
  answeredCount: z.number().int().nullable(),
  unansweredCount: z.number().int().nullable(),
  notEvaluatedCount: z.number().int().nullable(),
});
export type RaReputation = z.infer<typeof RaReputation>;

/** One Reclame Aqui account's cached reputation: the server fetches it on a schedule. */
export const RaAccountReputation = z.object({
  accountId: Id,
  /** The account's name, as the admin's channel list shows it: the panel's title for the account. */
  name: z.string(),
  /** The account's description setting, else its name. */
  description: z.string(),
  /** When the cached figures were fetched (epoch ms); null: never yet. */
  fetchedAt: z.number().int().nullable(),
  /** The last fetch's failure as a pt-BR sentence (the figures shown are then the older ones), else null. */
  error: z.string().nullable(),
  periods: z.partialRecord(z.enum(RA_REPUTATION_PERIODS), RaReputation),
});
export type RaAccountReputation = z.infer<typeof RaAccountReputation>;

/** `GET /api/reclameaqui/reputation`: every Reclame Aqui account the caller's teams serve (admins: all). */
export const RaReputationResponse = z.object({ accounts: z.array(RaAccountReputation) });
export type RaReputationResponse = z.infer<typeof RaReputationResponse>;

/** How often the server refreshes a reputation; "Atualizar" may ask sooner, but not more often than the minimum. */
export const RA_REPUTATION_REFRESH = { everyMinutes: 60, minMinutes: 1 } as const;

/** The Reclame Aqui accounts whose reputation a user sees: those their teams serve (the entry team); admins see every one. */
export function seesRaReputation(user: Pick<Actor, 'role' | 'teamIds'>, account: { entryTeamId: string }): boolean {
  return user.role === 'admin' || user.teamIds.includes(account.entryTeamId);
}

/**
 * "Atualizar" on an account's reputation (R-CH-08): supervisors and admins, of an account whose
 * reputation they see. The server weighs the account's entry team; an account of the
 * `GET /api/reclameaqui/reputation` answer is one the user sees already (the answer holds only
 * those), so the screen passes it as it is.
 */
export function mayRefreshReputation(
  user: Pick<Actor, 'role' | 'teamIds'>,
  account: { entryTeamId: string } | RaAccountReputation,
): boolean {
  return overseesAll(user) && ('entryTeamId' in account ? seesRaReputation(user, account) : true);
}
