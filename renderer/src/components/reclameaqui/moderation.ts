import {
  checkFileForChannel, MEDIA_LIMITS, RA_MODERATION_MESSAGE_MAX, RA_MODERATION_REASONS, RA_TARGET_COMPANY_MAX, raModerationRefusal,
  type ConversationDoc, type RaModerationBody,
} from '@atende/protocol';

/**
 * "Solicitar moderação" (R-CH-09) as pure rules: which fields the chosen reason needs, what the
 * agent must fix before sending, which file may go with it, and whether a request is possible
 * now. The limits and the pending rule are the protocol's, the ones the server enforces.
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

/** Reason 1 ("Reclamação de outra empresa") must name the company the complaint is meant for. */
export function needsTargetCompany(reason: string): boolean {
  return RA_MODERATION_REASONS.find((r) => r.code === reason)?.needsTargetCompany ?? false;
}

/** What is wrong with each field, by field; empty when the draft may be sent. */
export function moderationProblems(draft: ModerationDraft): Partial<Record<ModerationField, ModerationProblem>> {
  const problems: Partial<Record<ModerationField, ModerationProblem>> = {};
  if (!RA_MODERATION_REASONS.some((r) => r.code === draft.reason)) problems.reason = 'reasonMissing';
  if (needsTargetCompany(draft.reason)) {
    const company = draft.targetCompany.trim();
    if (!company) problems.targetCompany = 'companyMissing';
    else if (company.length > RA_TARGET_COMPANY_MAX) problems.targetCompany = 'companyTooLong';
  }
  const message = draft.message.trim();
  if (!message) problems.message = 'messageMissing';
  else if (message.length > RA_MODERATION_MESSAGE_MAX) problems.message = 'messageTooLong';
  return problems;
}

/**
 * The request to send, or null while a field needs fixing. The company goes only with a reason
 * that asks for it (a name typed before switching reasons is left out).
 */
export function moderationRequest(draft: ModerationDraft): ModerationRequest | null {
  if (Object.keys(moderationProblems(draft)).length) return null;
  return {
    reason: draft.reason,
    message: draft.message.trim(),
    ...(needsTargetCompany(draft.reason) ? { targetCompany: draft.targetCompany.trim() } : {}),
    ...(draft.mediaId ? { mediaIds: [draft.mediaId] } : {}),
  };
}

/** Why the chosen files cannot go with the request: an i18n key under `reclameaqui.moderation.file` and its values. */
export interface FileRefusal {
  key: 'oneFile' | 'unsupported' | 'tooLarge';
  values: Record<string, string | number>;
}

const MB = 1024 * 1024;
/** "JPEG, PNG, PDF": the types the channel takes, as the agent knows them. */
export const FILE_TYPES = MEDIA_LIMITS.reclameaqui.mimeTypes.map((type) => (type.split('/')[1] ?? type).toUpperCase()).join(', ');
export const FILE_MAX = `${Math.round((MEDIA_LIMITS.reclameaqui.maxBytes / MB) * 10) / 10} MB`;

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
    return { key: 'tooLarge', values: { name: file.name, max: `${Math.round((maxBytes / MB) * 10) / 10} MB` } };
  }
  return { key: 'unsupported', values: { name: file.name, types: FILE_TYPES } };
}

/**
 * Why a moderation request is not possible now (a code of RA_REFUSAL, shown through i18n under
 * `reclameaqui.moderation.refusal`), or null. Pending: the Reclame Aqui has not decided the last one.
 */
export function moderationRefusalCode(conversation: Pick<ConversationDoc, 'channel' | 'channelMeta'>): string | null {
  return raModerationRefusal(conversation)?.code ?? null;
}

/** The header button and the menu item: a Reclame Aqui complaint the user may answer (the reply rule). */
export function offersRaCommands(conversation: Pick<ConversationDoc, 'channel'>, mayReply: boolean): boolean {
  return conversation.channel === 'reclameaqui' && mayReply;
}
