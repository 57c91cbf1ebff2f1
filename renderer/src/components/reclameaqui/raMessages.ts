import {
  raInteractionTypeOf, RA_META, raEvaluationOf, type AnswerVisibility, type ChannelKind, type MessageDoc, type RaEvaluation,
} from '@atende/protocol';
import { shortDateTime } from '../contact/format';

/**
 * What the Reclame Aqui screen reads off messages and the complaint (R-CH-06, R-CH-07): who sees
 * a message on the site, whether the company already answered publicly, and the complaint's
 * place and date as the agent reads them.
 */

/**
 * Who sees a message on the site, or null when the question does not apply (another channel, a
 * trace line). Every Reclame Aqui message stores it: the agent's answers the visibility they were
 * sent with, imported interactions the server's reading of HugMe (raInteractionVisibility: the
 * interaction's `privacy`, else its type).
 */
export function raVisibilityOf(message: Pick<MessageDoc, 'direction' | 'visibility' | 'payload'>, channel: ChannelKind | undefined): AnswerVisibility | null {
  if (channel !== 'reclameaqui' || message.direction === 'system') return null;
  return storedBeforeVisibility(message) ? 'private' : message.visibility;
}

/**
 * A consumer's private message stored before inbound messages carried their visibility (issue 12's
 * first session): the core stored every one as "public", so its type (RA_INTERACTION_TYPES) says.
 * Such messages stay in existing databases. The price: a consumer interaction of a private type
 * that HugMe marks public (`privacy: false`) shows as private — the model knows no such case.
 */
function storedBeforeVisibility(message: Pick<MessageDoc, 'direction' | 'visibility' | 'payload'>): boolean {
  if (message.direction !== 'in' || message.visibility !== 'public') return false;
  const type = message.payload?.raInteractionType;
  return typeof type === 'string' && raInteractionTypeOf(type)?.public === false;
}

/**
 * The company answered publicly already: the server says so (channelMeta `answeredPublicly` or
 * `lastPublicBy`, which a public answer also sets at once), or the history holds a public answer
 * not refused. The history covers the moments before the server's next write.
 */
export function companyAnsweredPublicly(
  conversation: { channelMeta: Record<string, string> } | undefined,
  messages: ReadonlyArray<Pick<MessageDoc, 'direction' | 'visibility' | 'payload' | 'status'>>,
): boolean {
  // answeredPublicly survives the consumer's later public word (an evaluation) and a new conversation of the complaint.
  if (conversation?.channelMeta[RA_META.answeredPublicly] === 'true' || conversation?.channelMeta[RA_META.lastPublicBy] === 'company') return true;
  return messages.some((m) => m.direction === 'out' && m.status !== 'failed' && raVisibilityOf(m, 'reclameaqui') === 'public');
}

/** The consumer's evaluation a message carries, shown as a card (R-CH-10); only the consumer's messages carry one. */
export function evaluationCardOf(message: Pick<MessageDoc, 'direction' | 'payload'>): RaEvaluation | null {
  return message.direction === 'in' ? raEvaluationOf(message) : null;
}

/** "Cidade/UF", "Cidade" or "UF"; empty when the consumer gave neither. */
export function complaintPlace(header: { city: string | null; state: string | null }): string {
  return [header.city, header.state].filter((part): part is string => !!part).join('/');
}

/** The complaint's date and time in the user's language; empty for a date the upstream garbled. */
export function complaintDateTime(iso: string | null, locale: string): string {
  const at = iso ? Date.parse(iso) : NaN;
  return Number.isFinite(at) ? shortDateTime(at, locale) : '';
}

/** Only a web page opens from the header: the server checks the link, and the screen does not rely on that. */
export function safePageUrl(url: string | null): string | null {
  return url && /^https?:\/\/[^\s]+$/i.test(url) ? url : null;
}
