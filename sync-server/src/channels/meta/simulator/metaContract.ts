import { createHmac, timingSafeEqual } from 'node:crypto';
import type { GraphFailure } from '../../whatsapp/simulator/graphContract.js';
import { checkQuickReplies, type QuickReply } from './metaQuickReplies.js';

/**
 * What the fake Send API accepts and how it refuses (CHANNELS.md, Meta's Send API reference),
 * apart from its HTTP plumbing: the body of `POST /{page-id}/messages` for Messenger and for
 * Instagram (same endpoint, the recipient's platform decides the limits), and its refusals in
 * Graph's `{error: {message, type, code, error_subcode, fbtrace_id}}` shape (graphErrorBody).
 */

export type MetaPlatform = 'messenger' | 'instagram';
export type { GraphFailure } from '../../whatsapp/simulator/graphContract.js';

export const INVALID_TOKEN: GraphFailure = { status: 400, code: 190, message: 'Invalid OAuth access token - Cannot parse access token' };
/** Page-level throttling (code 613 "Calls to this api have exceeded the rate limit"). */
export const RATE_LIMITED: GraphFailure = { status: 429, code: 613, message: 'Calls to this api have exceeded the rate limit.', retryAfterS: 1 };
/** The same throttling as Meta usually answers it: HTTP 400, code 613, no Retry-After header. */
export const RATE_LIMITED_400: GraphFailure = { status: 400, code: 613, message: 'Calls to this api have exceeded the rate limit.' };
export const SERVER_ERROR: GraphFailure = { status: 500, code: 2, message: 'An unexpected error has occurred. Please retry your request later.' };
/** The person is not reachable (blocked the page, deactivated). */
export const USER_UNAVAILABLE: GraphFailure = { status: 400, code: 551, message: 'This person isn\'t available right now.' };
/** Meta's refusal of a message outside the window its `messaging_type`/`tag` allows. */
export const OUTSIDE_WINDOW: GraphFailure = { status: 400, code: 10, subcode: 2018278, message: '(#10) This message is sent outside of allowed window.' };
/** Instagram's subcodes for the same two refusals. */
export const IG_OUTSIDE_WINDOW: GraphFailure = { status: 400, code: 10, subcode: 2534022, message: '(#10) This message is sent outside of allowed window.' };
export const IG_NO_USER: GraphFailure = { status: 400, code: 100, subcode: 2534014, message: '(#100) No matching user found' };
/** Graph's answers about `appsecret_proof` (an app set to "Require App Secret" demands it; a wrong one is always refused). */
export const PROOF_MISSING: GraphFailure = { status: 400, code: 100, message: 'API calls from the server require an appsecret_proof argument' };
export const PROOF_INVALID: GraphFailure = { status: 400, code: 100, message: 'Invalid appsecret_proof provided in the API argument' };
const NO_USER: GraphFailure = { status: 400, code: 100, subcode: 2018001, message: '(#100) No matching user found' };
export const FETCH_FAILED: GraphFailure = { status: 400, code: 100, subcode: 2018008, message: '(#100) Failed to fetch the file from the url' };
export const TOO_LARGE: GraphFailure = { status: 400, code: 100, subcode: 2018294, message: '(#100) Attachment size exceeds allowable limit' };

const invalid = (message: string): GraphFailure => ({ status: 400, code: 100, message: `(#100) ${message}` });

export const TEXT_MAX: Record<MetaPlatform, number> = { messenger: 2000, instagram: 1000 };
export const ATTACHMENT_MAX_BYTES = 25 * 1024 * 1024;
/** Images sent by URL: 8 MB; video, audio and files 25 MB. */
export const IMAGE_MAX_BYTES = 8 * 1024 * 1024;
export const attachmentMaxBytes = (type: string) => (type === 'image' ? IMAGE_MAX_BYTES : ATTACHMENT_MAX_BYTES);

/** Why a Graph call's `appsecret_proof` (HMAC-SHA256 of the token keyed with the app secret, hex) is refused, if it is. */
export function proofProblem(proof: string | null, token: string, appSecret: string, required: boolean): GraphFailure | undefined {
  if (proof === null) return required ? PROOF_MISSING : undefined;
  const expected = Buffer.from(createHmac('sha256', appSecret).update(token).digest('hex'));
  const given = Buffer.from(proof);
  return given.length === expected.length && timingSafeEqual(given, expected) ? undefined : PROOF_INVALID;
}
/**
 * Meta's own windows, as Meta enforces them on a send. Deliberately not protocol's
 * replyWindow.ts constants: the fake plays Meta, so a mistake in our rules must show up as Meta's
 * refusal in tests, not be shared by both sides.
 */
const META_STANDARD_WINDOW_MS = 24 * 60 * 60_000;
const META_HUMAN_AGENT_WINDOW_MS = 7 * META_STANDARD_WINDOW_MS;
const MESSAGING_TYPES = ['RESPONSE', 'UPDATE', 'MESSAGE_TAG'];
/** Tags Messenger still takes; Instagram takes HUMAN_AGENT only. */
const MESSENGER_TAGS = ['HUMAN_AGENT', 'CONFIRMED_EVENT_UPDATE', 'POST_PURCHASE_UPDATE', 'ACCOUNT_UPDATE'];
const SENDER_ACTIONS = ['typing_on', 'typing_off', 'mark_seen'];
const ATTACHMENT_TYPES: Record<MetaPlatform, string[]> = { messenger: ['image', 'video', 'audio', 'file'], instagram: ['image', 'video', 'audio'] };

/** A customer the page may write to: who they are on which platform, and when they last wrote (null: unknown). */
export interface MetaCustomer { platform: MetaPlatform; lastWroteAt: number | null }

/** An accepted send body, before the fake fetches its attachment. */
export type CheckedSend =
  | { kind: 'action'; recipientId: string; action: 'typing_on' | 'typing_off' | 'mark_seen' }
  | {
    kind: 'message'; recipientId: string; platform: MetaPlatform; messagingType: string; tag?: string; text?: string;
    attachment?: { type: string; url: string }; quickReplies?: QuickReply[];
  };

/**
 * The send contract: the recipient must be a customer of this page, a sender action goes alone,
 * a message has a `messaging_type` (and a `tag` for MESSAGE_TAG) and exactly one of text or
 * attachment, within the platform's limits and the customer's window at `now`.
 */
export function checkSend(body: unknown, customerOf: (id: string) => MetaCustomer | undefined, now: number): CheckedSend | GraphFailure {
  if (typeof body !== 'object' || body === null) return invalid('param recipient must be non-empty.');
  const b = body as { recipient?: { id?: unknown }; sender_action?: unknown; messaging_type?: unknown; tag?: unknown; message?: unknown };
  const recipientId = b.recipient?.id;
  if (typeof recipientId !== 'string' || !recipientId) return invalid('param recipient must be non-empty.');
  const customer = customerOf(recipientId);
  if (!customer) return NO_USER;
  if (b.sender_action !== undefined) {
    if (b.message !== undefined) return invalid('sender_action cannot be sent with message.');
    if (typeof b.sender_action !== 'string' || !SENDER_ACTIONS.includes(b.sender_action)) return invalid('param sender_action must be one of {typing_on, typing_off, mark_seen}');
    return { kind: 'action', recipientId, action: b.sender_action as 'typing_on' };
  }
  const type = b.messaging_type;
  if (typeof type !== 'string' || !MESSAGING_TYPES.includes(type)) return invalid('param messaging_type must be one of {RESPONSE, UPDATE, MESSAGE_TAG}');
  const tags = customer.platform === 'instagram' ? ['HUMAN_AGENT'] : MESSENGER_TAGS;
  if (type === 'MESSAGE_TAG' && (typeof b.tag !== 'string' || !tags.includes(b.tag))) return invalid('param tag must be a valid message tag for MESSAGE_TAG');
  if (type !== 'MESSAGE_TAG' && b.tag !== undefined) return invalid('param tag is only allowed with messaging_type MESSAGE_TAG');
  const problem = windowProblem(customer, type, b.tag, now);
  if (problem) return problem;
  const message = b.message as { text?: unknown; attachment?: { type?: unknown; payload?: { url?: unknown } }; quick_replies?: unknown } | undefined;
  if (typeof message !== 'object' || message === null) return invalid('param message must be non-empty.');
  if ((message.text === undefined) === (message.attachment === undefined)) return invalid('message must have exactly one of text or attachment');
  const quickReplies = checkQuickReplies(message.quick_replies, customer.platform);
  if (quickReplies && 'code' in quickReplies) return quickReplies;
  const base = {
    kind: 'message' as const, recipientId, platform: customer.platform, messagingType: type,
    ...(typeof b.tag === 'string' ? { tag: b.tag } : {}), ...(quickReplies?.length ? { quickReplies } : {}),
  };
  if (message.text !== undefined) {
    const max = TEXT_MAX[customer.platform];
    if (typeof message.text !== 'string' || !message.text) return invalid('param message[text] must be non-empty.');
    if ([...message.text].length > max) return invalid(`Length of param message[text] must be less than or equal to ${max}`);
    return { ...base, text: message.text };
  }
  const attachment = message.attachment;
  const url = attachment?.payload?.url;
  if (typeof attachment?.type !== 'string' || !ATTACHMENT_TYPES[customer.platform].includes(attachment.type)) {
    return invalid(`param message[attachment][type] must be one of {${ATTACHMENT_TYPES[customer.platform].join(', ')}}`);
  }
  if (typeof url !== 'string' || !/^https?:\/\//.test(url)) return invalid('param message[attachment][payload][url] must be a valid URL');
  return { ...base, attachment: { type: attachment.type, url } };
}

/** RESPONSE/UPDATE within 24 h of the customer's last message; HUMAN_AGENT within 7 days. Unknown time: not enforced. */
function windowProblem(customer: MetaCustomer, type: string, tag: unknown, now: number): GraphFailure | undefined {
  // Other tags (event or purchase updates) have no window; we never send them.
  if (customer.lastWroteAt === null || (type === 'MESSAGE_TAG' && tag !== 'HUMAN_AGENT')) return undefined;
  const allowed = type === 'MESSAGE_TAG' ? META_HUMAN_AGENT_WINDOW_MS : META_STANDARD_WINDOW_MS;
  if (now - customer.lastWroteAt <= allowed) return undefined;
  return customer.platform === 'instagram' ? IG_OUTSIDE_WINDOW : OUTSIDE_WINDOW;
}
