/**
 * The webhooks Meta sends for a Facebook page (`object: "page"`) and its Instagram account
 * (`object: "instagram"`), as the fake Graph server, the simulator and tests build them
 * (CHANNELS.md; Meta's messages, message_deliveries, message_reads and Instagram story
 * references): `entry[] {id, time, messaging[] {sender, recipient, timestamp, …}}`. Each builder
 * returns the body and, for messages, the `mid` a send or dedupe test looks for.
 */

export type MetaObject = 'page' | 'instagram';

export interface MetaEventOptions {
  mid?: string;
  /** The event's upstream time (ms); default now. */
  timestamp?: number;
}

let sequence = 0;
const newMid = (prefix: string) => `${prefix}.${Date.now().toString(36)}${(++sequence).toString(36)}`;

/** One envelope around `messaging` events for `entryId` (page id or Instagram account id). */
export function metaEnvelope(object: MetaObject, entryId: string, messaging: Array<Record<string, unknown>>) {
  return { object, entry: [{ id: entryId, time: Date.now(), messaging }] };
}

/** A customer's message event; `message` is what Meta puts under `message` (without its mid). */
function customerMessage(object: MetaObject, entryId: string, customerId: string, message: Record<string, unknown>, options: MetaEventOptions) {
  const mid = options.mid ?? newMid(object === 'page' ? 'm_fb' : 'm_ig');
  const timestamp = options.timestamp ?? Date.now();
  return {
    mid,
    body: metaEnvelope(object, entryId, [{ sender: { id: customerId }, recipient: { id: entryId }, timestamp, message: { mid, ...message } }]),
  };
}

export type MetaAttachment = { type: 'image' | 'video' | 'audio' | 'file' | 'fallback' | 'story_mention' | 'share'; url: string };
const attachmentsOf = (list: MetaAttachment[]) => list.map((a) => ({ type: a.type, payload: { url: a.url } }));

export const messengerText = (pageId: string, psid: string, text: string, options: MetaEventOptions = {}) =>
  customerMessage('page', pageId, psid, { text }, options);

export const instagramText = (igUserId: string, igsid: string, text: string, options: MetaEventOptions = {}) =>
  customerMessage('instagram', igUserId, igsid, { text }, options);

/** The customer tapped one of our quick replies: its title as the text, its payload under `quick_reply`. */
export const quickReplyTap = (object: MetaObject, entryId: string, customerId: string, reply: { title: string; payload: string }, options: MetaEventOptions = {}) =>
  customerMessage(object, entryId, customerId, { text: reply.title, quick_reply: { payload: reply.payload } }, options);

/** Files (with an optional text, which Messenger sends beside them in the same message). */
export const messengerAttachment = (pageId: string, psid: string, attachments: MetaAttachment[], options: MetaEventOptions & { text?: string } = {}) =>
  customerMessage('page', pageId, psid, { ...(options.text ? { text: options.text } : {}), attachments: attachmentsOf(attachments) }, options);

export const instagramAttachment = (igUserId: string, igsid: string, attachments: MetaAttachment[], options: MetaEventOptions & { text?: string } = {}) =>
  customerMessage('instagram', igUserId, igsid, { ...(options.text ? { text: options.text } : {}), attachments: attachmentsOf(attachments) }, options);

/** The customer mentioned the account in their story: an attachment `story_mention` with the story's CDN URL. */
export const storyMention = (igUserId: string, igsid: string, storyUrl: string, options: MetaEventOptions = {}) =>
  customerMessage('instagram', igUserId, igsid, { attachments: [{ type: 'story_mention', payload: { url: storyUrl } }] }, options);

/** The customer answered one of the account's stories: their text with `reply_to.story {url, id}`. */
export const storyReply = (igUserId: string, igsid: string, text: string, story: { url: string; id: string }, options: MetaEventOptions = {}) =>
  customerMessage('instagram', igUserId, igsid, { text, reply_to: { story } }, options);

/** A message Meta could not describe (`is_unsupported`), e.g. a type the platform does not hand to apps. */
export const messengerUnsupported = (pageId: string, psid: string, options: MetaEventOptions = {}) =>
  customerMessage('page', pageId, psid, { is_unsupported: true }, options);

/** Our own send coming back (`is_echo`): sender is the page/account, recipient the customer. */
function echo(object: MetaObject, entryId: string, customerId: string, text: string, options: MetaEventOptions) {
  const mid = options.mid ?? newMid('m_echo');
  return {
    mid,
    body: metaEnvelope(object, entryId, [{
      sender: { id: entryId }, recipient: { id: customerId }, timestamp: options.timestamp ?? Date.now(),
      message: { mid, text, is_echo: true, app_id: 1517776481860111 },
    }]),
  };
}
export const messengerEcho = (pageId: string, psid: string, text: string, options: MetaEventOptions = {}) => echo('page', pageId, psid, text, options);
export const instagramEcho = (igUserId: string, igsid: string, text: string, options: MetaEventOptions = {}) => echo('instagram', igUserId, igsid, text, options);

/** Messenger `message_deliveries`: every message to `psid` up to `watermark` (ms) was delivered. */
export const messengerDelivery = (pageId: string, psid: string, watermark: number, mids?: string[]) =>
  metaEnvelope('page', pageId, [{ sender: { id: psid }, recipient: { id: pageId }, timestamp: watermark, delivery: { ...(mids ? { mids } : {}), watermark } }]);

/** Messenger `message_reads`: every message to `psid` up to `watermark` (ms) was read. */
export const messengerRead = (pageId: string, psid: string, watermark: number) =>
  metaEnvelope('page', pageId, [{ sender: { id: psid }, recipient: { id: pageId }, timestamp: watermark, read: { watermark } }]);

/** Instagram `messaging_seen`: the customer saw our message `mid` at `timestamp` (and so every earlier one). */
export const instagramRead = (igUserId: string, igsid: string, mid: string, timestamp = Date.now()) =>
  metaEnvelope('instagram', igUserId, [{ sender: { id: igsid }, recipient: { id: igUserId }, timestamp, read: { mid } }]);

/** Messenger `message_edits`: the customer changed message `mid` to `text` (`num_edit`: how many times so far). */
export const messengerEdit = (pageId: string, psid: string, mid: string, text: string, options: { timestamp?: number; numEdit?: number } = {}) =>
  metaEnvelope('page', pageId, [{
    sender: { id: psid }, recipient: { id: pageId }, timestamp: options.timestamp ?? Date.now(),
    message_edit: { mid, text, num_edit: options.numEdit ?? 1 },
  }]);

/** Instagram's unsend: the customer took back message `mid` (`message.is_deleted`). */
export const instagramUnsend = (igUserId: string, igsid: string, mid: string, timestamp = Date.now()) =>
  metaEnvelope('instagram', igUserId, [{ sender: { id: igsid }, recipient: { id: igUserId }, timestamp, message: { mid, is_deleted: true } }]);

/**
 * The same webhook as Meta sends it while another app holds the conversation (handover
 * protocol, conversation routing): its events under `standby[]` instead of `messaging[]`.
 */
export function asStandby(body: ReturnType<typeof metaEnvelope>) {
  return { ...body, entry: body.entry.map(({ messaging, ...entry }) => ({ ...entry, standby: messaging })) };
}
