import {
  CHANNEL_TEXT_MAX, DomainError, fitsChannelText, ONE_FILE_PER_MESSAGE, TEXT_TOO_LONG, TOO_MANY_FILES, type ChannelKind,
} from '@atende/protocol';
import { channelName, textTooLongRefusal } from './channelSentences.js';

/**
 * What one reply may carry on its channel, refused at queue time with a 4xx the agent reads, so an
 * adapter never fails for good on something the core could have told at once.
 */

/** A reply longer than its channel takes (CHANNEL_TEXT_MAX), counted as everyone counts (`channelTextLength`). */
export function assertTextFits(channel: ChannelKind, text: string): void {
  if (fitsChannelText(channel, text)) return;
  const max = CHANNEL_TEXT_MAX[channel];
  throw new DomainError('unprocessable', TEXT_TOO_LONG, textTooLongRefusal(channel, max), { max });
}

/** Channels that carry one file per message (ONE_FILE_PER_MESSAGE) refuse a reply with more. */
export function assertFileCount(channel: ChannelKind, files: readonly unknown[]): void {
  if (files.length <= 1 || !ONE_FILE_PER_MESSAGE.has(channel)) return;
  throw new DomainError('unprocessable', TOO_MANY_FILES,
    `O ${channelName(channel)} envia um arquivo por mensagem: envie os arquivos separadamente.`, { max: 1 });
}
