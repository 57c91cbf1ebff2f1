import {
  EDITED_AT, mediaErrorOf, previousTextsOf, startParameterOf, storyOf,
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
  previous: Array<{ text: string; replacedAt: number | null }>;
}

export function inboundMarks(message: Pick<MessageDoc, 'payload'>): InboundMarks {
  // Messages stored before `payload` existed (issue 7) replicate without one.
  const payload: MessageDoc['payload'] = message.payload ?? {};
  const story = storyOf(payload);
  const previous = previousTextsOf(payload);
  return {
    startParameter: startParameterOf(payload),
    story: story && { kind: story.kind, url: externalLink(story.url) },
    mediaError: mediaErrorOf(payload),
    edited: typeof payload[EDITED_AT] === 'number' || previous.length > 0,
    previous,
  };
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
