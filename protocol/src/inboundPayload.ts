import type { MessageDoc } from './documents.js';

/**
 * Keys of `MessageDoc.payload` that inbound channels fill (issue 11), read by the server and the
 * app from here. Payloads are flat (strings, numbers, booleans), so lists are numbered keys.
 */
type Payload = MessageDoc['payload'];

/** Telegram `/start <parameter>`: the deep link's payload (`t.me/<bot>?start=<parameter>`). */
export const START_PARAMETER = 'startParameter';
/** Instagram: `mention` (the customer mentioned us in their story) or `reply` (answered our story). */
export const STORY = 'story';
export const STORY_URL = 'storyUrl';
/**
 * Why an inbound file will not arrive: `too_large` (over what the upstream lets a bot or page
 * download, e.g. Telegram's 20 MB) or `unavailable` (the upstream refused it for good).
 */
export const MEDIA_ERROR = 'mediaError';
export type MediaError = 'too_large' | 'unavailable';
/** The customer edited the message (Telegram `edited_message`): when, last. */
export const EDITED_AT = 'editedAt';
const PREVIOUS = 'previous.';
/**
 * When the customer wrote the message by the upstream's clock (ms; Telegram `date`, Meta
 * `timestamp`): the reply window counts from it (`customerWroteAtOf`), not from the arrival.
 */
export const SENT_AT = 'sentAt';
/** The upstream id of the message this one answers (a quoted reply), as the message's `externalId`. */
export const REPLY_TO = 'replyTo';
/** Instagram: the id of our story the customer answered (with `story: 'reply'`). */
export const STORY_ID = 'storyId';
/** `true`: a message of a type the upstream does not hand to integrations (Meta `is_unsupported`). */
export const UNSUPPORTED = 'unsupported';
/** `true`: the customer took the message back (Instagram unsend); its text stays in the edit history. */
export const DELETED = 'deleted';

export type StoryKind = 'mention' | 'reply';

export function storyOf(payload: Payload): { kind: StoryKind; url: string | null } | null {
  const kind = payload[STORY];
  if (kind !== 'mention' && kind !== 'reply') return null;
  const url = payload[STORY_URL];
  return { kind, url: typeof url === 'string' ? url : null };
}

export function mediaErrorOf(payload: Payload): MediaError | null {
  const error = payload[MEDIA_ERROR];
  return error === 'too_large' || error === 'unavailable' ? error : null;
}

export function startParameterOf(payload: Payload): string | null {
  const value = payload[START_PARAMETER];
  return typeof value === 'string' && value ? value : null;
}

/** Earlier versions of an edited message, oldest first, each with when it was replaced. */
export function previousTextsOf(payload: Payload): Array<{ text: string; replacedAt: number | null }> {
  const versions: Array<{ n: number; text: string; replacedAt: number | null }> = [];
  for (const [key, value] of Object.entries(payload)) {
    const match = /^previous\.(\d+)$/.exec(key);
    if (!match || typeof value !== 'string') continue;
    const at = payload[`${key}.at`];
    versions.push({ n: Number(match[1]), text: value, replacedAt: typeof at === 'number' ? at : null });
  }
  return versions.sort((a, b) => a.n - b.n).map(({ text, replacedAt }) => ({ text, replacedAt }));
}

/**
 * The message after an edit written at `at` (upstream time): the new text, the old one kept as
 * the next `previous.<n>`. An edit not newer than the last one applied is a redelivery: null.
 */
export function withEdit(message: Pick<MessageDoc, 'text' | 'payload'>, text: string, at: number): Pick<MessageDoc, 'text' | 'payload'> | null {
  const last = message.payload[EDITED_AT];
  if (typeof last === 'number' && at <= last) return null;
  if (text === message.text) return null;
  const n = previousTextsOf(message.payload).length + 1;
  return { text, payload: { ...message.payload, [`${PREVIOUS}${n}`]: message.text, [`${PREVIOUS}${n}.at`]: at, [EDITED_AT]: at } };
}
