import {
  DELETED, EDITED_AT, mediaErrorOf, previousTextsOf, startParameterOf, storyOf,
  type MediaError, type MessageDoc, type StoryKind,
} from '@atende/protocol';

/**
 * What Telegram, Messenger and Instagram add to a customer's message (issue 11), read from the
 * payload keys the protocol names (inboundPayload.ts): a `/start` deep link's parameter, an
 * Instagram story mention or reply, why a file will not arrive, and a message's earlier texts.
 */
export interface InboundMarks {
  /** Telegram `/start <parameter>`: shown as a chip instead of the raw command. */
  startParameter: string | null;
  story: { kind: StoryKind; url: string | undefined } | null;
  mediaError: MediaError | null;
  /** The customer edited the message: its earlier texts, oldest first. */
  edited: boolean;
  /** `empty`: that version had no text (a file before its caption): shown as "(sem texto)", not a blank line. */
  previous: EarlierVersion[];
  /** Instagram unsend: the customer took the message back; its text is the last of `previous`. */
  deleted: boolean;
}

export interface EarlierVersion {
  text: string;
  replacedAt: number | null;
  empty: boolean;
}

export function inboundMarks(message: Pick<MessageDoc, 'payload'>): InboundMarks {
  // Messages stored before `payload` existed (issue 7) replicate without one.
  const payload: MessageDoc['payload'] = message.payload ?? {};
  const story = storyOf(payload);
  const previous = previousTextsOf(payload).map((version) => ({ ...version, empty: version.text.trim() === '' }));
  return {
    startParameter: startParameterOf(payload),
    story: story && { kind: story.kind, url: externalLink(story.url) },
    mediaError: mediaErrorOf(payload),
    edited: typeof payload[EDITED_AT] === 'number' || previous.length > 0,
    previous,
    deleted: payload[DELETED] === true,
  };
}

/**
 * What stands for the message's text: its text, "Mensagem apagada pelo cliente" after an unsend,
 * or nothing — a message whose text is empty and says what it is by its parts (a file, a story
 * mention or reply, a `/start` chip, a notice) gets no empty bubble.
 */
export type TextPart = 'text' | 'deleted' | 'none';

export function textPart(
  message: Pick<MessageDoc, 'text'>,
  marks: Pick<InboundMarks, 'deleted' | 'story' | 'startParameter' | 'mediaError'>,
  shown: { ownKind: boolean; files: number; pending: boolean },
): TextPart {
  if (marks.deleted) return 'deleted';
  // Locations, contact cards, reactions and unsupported notices show themselves, not their text.
  if (shown.ownKind || marks.startParameter !== null) return 'none';
  if (message.text !== '') return 'text';
  const saysItself = shown.files > 0 || shown.pending || marks.mediaError !== null || marks.story !== null;
  return saysItself ? 'none' : 'text';
}

/**
 * A link from the customer's side (a story's URL) made safe to open: http(s) only, so a
 * `javascript:` or `file:` URL never becomes a link. Opened in a new window, which the desktop
 * shell denies and hands to the browser, like every external link of the app.
 */
export function externalLink(url: string | null | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}
