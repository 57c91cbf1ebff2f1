import {
  checkFileForChannel, MEDIA_LIMITS, megabytes, raReasonNeedsTargetCompany, RaModerationBody, ulid, type ConversationDoc,
} from '@atende/protocol';

/**
 * "Solicitar moderação" (R-CH-09) as pure rules: what the agent must fix before sending and which
 * file may go with it. The rules are the protocol's (RaModerationBody, MEDIA_LIMITS.reclameaqui),
 * the ones the server enforces; whether a request is possible now is raModerationRefusal's.
 */

/** What the agent filled in; `mediaId` is the uploaded file's (at most one). */
export interface ModerationDraft {
  reason: string;
  targetCompany: string;
  message: string;
  mediaId?: string;
}

/** The request as the store sends it (the command id is added by the outbox). */
export type ModerationRequest = Omit<RaModerationBody, 'id'>;

/** Each is an i18n key under `reclameaqui.moderation.invalid`. */
export type ModerationProblem = 'reasonMissing' | 'companyMissing' | 'companyTooLong' | 'messageMissing' | 'messageTooLong';
export type ModerationField = 'reason' | 'targetCompany' | 'message';

/** A field's problem from a RaModerationBody issue: too long, or else missing (empty, blank, unknown reason). */
const PROBLEM_OF: Record<ModerationField, { missing: ModerationProblem; tooLong?: ModerationProblem }> = {
  reason: { missing: 'reasonMissing' },
  targetCompany: { missing: 'companyMissing', tooLong: 'companyTooLong' },
  message: { missing: 'messageMissing', tooLong: 'messageTooLong' },
};
const isField = (key: PropertyKey | undefined): key is ModerationField => typeof key === 'string' && key in PROBLEM_OF;

// The schema wants a command id; the outbox adds the real one when the request is sent.
const DRAFT_ID = ulid();

/**
 * What is wrong with each field, by field; empty when the draft may be sent. The server's own
 * schema (RaModerationBody) judges the draft, so the dialog and the server cannot disagree.
 */
export function moderationProblems(draft: ModerationDraft): Partial<Record<ModerationField, ModerationProblem>> {
  const parsed = RaModerationBody.safeParse({ id: DRAFT_ID, ...bodyOf(draft) });
  const problems: Partial<Record<ModerationField, ModerationProblem>> = {};
  for (const issue of parsed.error?.issues ?? []) {
    const field = issue.path[0];
    if (!isField(field) || problems[field]) continue;
    const problem = PROBLEM_OF[field];
    problems[field] = issue.code === 'too_big' && problem.tooLong ? problem.tooLong : problem.missing;
  }
  return problems;
}

/** The company goes only with a reason that asks for it (a name typed before switching reasons is left out). */
function bodyOf(draft: ModerationDraft): ModerationRequest {
  return {
    reason: draft.reason,
    message: draft.message.trim(),
    ...(raReasonNeedsTargetCompany(draft.reason) ? { targetCompany: draft.targetCompany.trim() } : {}),
    ...(draft.mediaId ? { mediaIds: [draft.mediaId] } : {}),
  };
}

/** The fields in the dialog's order: the first with a problem takes the focus after a failed send. */
export const MODERATION_FIELDS: readonly ModerationField[] = ['reason', 'targetCompany', 'message'];

/**
 * The problems the dialog shows: only of fields the agent is done with — left (blur) or present
 * at a send attempt — so a field is not called wrong while it is still being filled in, nor the
 * moment it appears (the correct company, once reason 1 is chosen).
 */
export function shownProblems(
  problems: Partial<Record<ModerationField, ModerationProblem>>,
  checked: ReadonlySet<ModerationField>,
): Partial<Record<ModerationField, ModerationProblem>> {
  return Object.fromEntries(MODERATION_FIELDS.flatMap((field) => {
    const problem = problems[field];
    return problem && checked.has(field) ? [[field, problem]] : [];
  }));
}

/** The first field, in the dialog's order, with a problem; undefined when none has. */
export function firstInvalidField(problems: Partial<Record<ModerationField, ModerationProblem>>): ModerationField | undefined {
  return MODERATION_FIELDS.find((field) => problems[field] !== undefined);
}

/** The request to send, or null while a field needs fixing. */
export function moderationRequest(draft: ModerationDraft): ModerationRequest | null {
  return Object.keys(moderationProblems(draft)).length ? null : bodyOf(draft);
}

/** Why the chosen files cannot go with the request: an i18n key under `reclameaqui.moderation.file` and its values. */
export interface FileRefusal {
  key: 'oneFile' | 'unsupported' | 'tooLarge';
  values: Record<string, string | number>;
}

/** "JPEG, PNG, PDF": the types the channel takes, as the agent knows them. */
export const FILE_TYPES = MEDIA_LIMITS.reclameaqui.mimeTypes.map((type) => (type.split('/')[1] ?? type).toUpperCase()).join(', ');
export const FILE_MAX = megabytes(MEDIA_LIMITS.reclameaqui.maxBytes);

/**
 * Reclame Aqui takes one file per moderation request, of the channel's types and size
 * (MEDIA_LIMITS.reclameaqui: JPEG, PNG, PDF up to 10 MB); checked before any byte is sent.
 */
export function moderationFileRefusal(files: ReadonlyArray<{ name: string; type: string; size: number }>): FileRefusal | null {
  if (files.length > 1) return { key: 'oneFile', values: {} };
  const file = files[0];
  if (!file) return null;
  const refused = checkFileForChannel('reclameaqui', file);
  if (!refused) return null;
  if (refused.kind === 'too_large') {
    const maxBytes = typeof refused.extra.maxBytes === 'number' ? refused.extra.maxBytes : 0;
    return { key: 'tooLarge', values: { name: file.name, max: megabytes(maxBytes) } };
  }
  return { key: 'unsupported', values: { name: file.name, types: FILE_TYPES } };
}

/** The header button and the menu item: a Reclame Aqui complaint the user may answer (the reply rule). */
export function offersRaCommands(conversation: Pick<ConversationDoc, 'channel'>, mayReply: boolean): boolean {
  return conversation.channel === 'reclameaqui' && mayReply;
}
