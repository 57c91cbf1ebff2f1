import type { Attachment, MediaKind, MessageDoc } from '@atende/protocol';

/**
 * What a message shows, read from its kind and flat payload (the keys the channel adapters write,
 * e.g. sync-server/src/channels/whatsapp/inbound.ts). One pure choice, so the transcript never
 * drops a kind it does not know: anything unrecognised falls back to its text (R-CH-03, R-WS-02).
 */
export type MessageContent =
  | { kind: 'text' }
  | { kind: 'media'; media: MediaKind }
  | { kind: 'location'; latitude: number | undefined; longitude: number | undefined; name: string; address: string }
  | { kind: 'contacts'; lines: string[] }
  | { kind: 'reaction'; emoji: string; targetExternalId: string | undefined }
  | { kind: 'interactive'; reply: InteractiveReply }
  | { kind: 'unsupported'; upstreamType: string; errorCode: number | undefined }
  | { kind: 'template'; name: string };

/** Which of the customer's taps an interactive answer came from. */
export type InteractiveReply = 'button' | 'list' | 'other';

type Payload = MessageDoc['payload'];
const text = (payload: Payload, key: string): string => {
  const value = payload[key];
  return typeof value === 'string' ? value : '';
};
const numberOf = (payload: Payload, key: string): number | undefined => {
  const value = payload[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
};

/** WhatsApp's `interactive.type` (button_reply, list_reply, …) or `button` for a template's quick reply. */
export function interactiveReplyOf(type: string): InteractiveReply {
  if (type === 'button' || type === 'button_reply') return 'button';
  if (type === 'list_reply') return 'list';
  return 'other';
}

export function messageContent(message: Pick<MessageDoc, 'kind' | 'text' | 'payload'>): MessageContent {
  // Messages stored before `payload` existed (issue 7) replicate without one.
  const payload: Payload = message.payload ?? {};
  // An upstream type the channel cannot deliver is a text message marked so (shown, never dropped).
  if (payload.unsupported === true) {
    return { kind: 'unsupported', upstreamType: text(payload, 'upstreamType') || '?', errorCode: numberOf(payload, 'errorCode') };
  }
  switch (message.kind) {
    case 'image': case 'audio': case 'video': case 'document': case 'sticker':
      return { kind: 'media', media: message.kind };
    case 'location':
      return {
        kind: 'location', latitude: numberOf(payload, 'latitude'), longitude: numberOf(payload, 'longitude'),
        name: text(payload, 'name'), address: text(payload, 'address'),
      };
    case 'contacts':
      return { kind: 'contacts', lines: message.text.split('\n').map((line) => line.trim()).filter(Boolean) };
    case 'reaction':
      return { kind: 'reaction', emoji: text(payload, 'emoji') || message.text, targetExternalId: text(payload, 'targetExternalId') || undefined };
    case 'template':
      return { kind: 'template', name: text(payload, 'template') };
    default:
      // `interactive` is null when WhatsApp gave no type; the key's presence still marks the reply.
      if ('interactive' in payload) return { kind: 'interactive', reply: interactiveReplyOf(text(payload, 'interactive')) };
      return { kind: 'text' };
  }
}

/** How one file shows: a sticker message's picture is a sticker whatever type the file sniffed as. */
export type AttachmentView = 'picture' | 'sticker' | 'audio' | 'video' | 'document';
export function attachmentView(messageKind: MessageDoc['kind'] | undefined, attachment: Pick<Attachment, 'kind'>): AttachmentView {
  if (attachment.kind === 'sticker' || (messageKind === 'sticker' && attachment.kind === 'image')) return 'sticker';
  if (attachment.kind === 'image') return 'picture';
  return attachment.kind;
}

/** A latitude or longitude in the user's language (pt-BR: "-23,550520"), to the ~10 cm WhatsApp gives. */
export function formatCoordinate(value: number, locale: string): string {
  return new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 6 }).format(value);
}

/** OpenStreetMap centred on the point with a marker; undefined without valid coordinates. */
export function mapLink(latitude: number | undefined, longitude: number | undefined): string | undefined {
  if (latitude === undefined || longitude === undefined) return undefined;
  if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180) return undefined;
  // Dot decimals whatever the locale (a URL, not text for people), never an exponent.
  const plain = (n: number): string => n.toFixed(6).replace(/\.?0+$/, '');
  const lat = plain(latitude);
  const lon = plain(longitude);
  return `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=16/${lat}/${lon}`;
}

/** The start of a reacted-to message, to quote it on one line. */
export const QUOTE_MAX = 60;
export function quoteOf(textOfTarget: string): string {
  const line = textOfTarget.replace(/\s+/g, ' ').trim();
  return line.length > QUOTE_MAX ? `${line.slice(0, QUOTE_MAX - 1)}…` : line;
}
