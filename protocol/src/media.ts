import { z } from 'zod';
import { MediaKind, type ChannelKind } from './documents.js';
import { DomainError } from './errors.js';

/**
 * What each channel accepts as a file (CHANNELS.md). The server sniffs the real type from the
 * bytes and checks it here before storing; the renderer uses the same table to refuse a file
 * before uploading it. Types are base MIME types, without parameters.
 */
const KB = 1024;
const MB = 1024 * KB;

const JPEG = 'image/jpeg';
const PNG = 'image/png';
const GIF = 'image/gif';
const WEBP = 'image/webp';
const PDF = 'application/pdf';
const TEXT = 'text/plain';
const CSV = 'text/csv';
const OFFICE = [
  'application/msword',
  'application/vnd.ms-excel',
  'application/vnd.ms-powerpoint',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
] as const;

/** One class of file a channel takes, with its own cap (WhatsApp caps images and documents apart). */
export interface MediaRule {
  mimeTypes: readonly string[];
  maxBytes: number;
}

export interface ChannelMediaLimits {
  /** The largest file of any type this channel takes: uploads are cut off past it. */
  maxBytes: number;
  mimeTypes: readonly string[];
  rules: readonly MediaRule[];
}

function limits(...rules: MediaRule[]): ChannelMediaLimits {
  return {
    maxBytes: Math.max(...rules.map((r) => r.maxBytes)),
    mimeTypes: [...new Set(rules.flatMap((r) => r.mimeTypes))],
    rules,
  };
}

export const MEDIA_LIMITS: Readonly<Record<ChannelKind, ChannelMediaLimits>> = {
  // Cloud API media limits. No WebP: Meta's `type: image` takes JPEG and PNG only, and WebP goes
  // only as a sticker (512×512 px, 100 KB static / 500 KB animated, no caption), which an agent's
  // picture is not. Customers' stickers still arrive (inbound media is not checked against this).
  whatsapp: limits(
    { mimeTypes: [JPEG, PNG], maxBytes: 5 * MB },
    { mimeTypes: ['audio/aac', 'audio/mp4', 'audio/mpeg', 'audio/amr', 'audio/ogg'], maxBytes: 16 * MB },
    { mimeTypes: ['video/mp4', 'video/3gpp'], maxBytes: 16 * MB },
    { mimeTypes: [PDF, ...OFFICE, TEXT], maxBytes: 100 * MB },
  ),
  // sendPhoto takes 10 MB; everything else goes as sendDocument/sendAudio/sendVideo (50 MB).
  telegram: limits(
    { mimeTypes: [JPEG, PNG, WEBP], maxBytes: 10 * MB },
    {
      mimeTypes: [GIF, 'audio/mpeg', 'audio/mp4', 'audio/ogg', 'video/mp4', PDF, ...OFFICE, TEXT, CSV],
      maxBytes: 50 * MB,
    },
  ),
  // Our attachments go by URL (a public media link), and Meta caps images uploaded by URL at 8 MB
  // ("Saving assets"); other attachments at 25 MB.
  messenger: limits(
    { mimeTypes: [JPEG, PNG, GIF], maxBytes: 8 * MB },
    { mimeTypes: ['audio/mpeg', 'audio/mp4', 'audio/aac', 'audio/wav', 'video/mp4', PDF, ...OFFICE, TEXT], maxBytes: 25 * MB },
  ),
  // Instagram messaging takes images (PNG, JPEG: 8 MB), audio as aac/m4a/wav/mp4 and video (25 MB),
  // no MP3 and no generic files.
  instagram: limits(
    { mimeTypes: [JPEG, PNG], maxBytes: 8 * MB },
    { mimeTypes: ['audio/mp4', 'audio/aac', 'audio/wav', 'video/mp4'], maxBytes: 25 * MB },
  ),
  // Uncertain (no public API documentation): the complaint site accepts pictures and PDF; 10 MB assumed.
  reclameaqui: limits({ mimeTypes: [JPEG, PNG, PDF], maxBytes: 10 * MB }),
  // Our own widget, so our own choice: what a browser shows or a customer typically sends, 20 MB
  // (a voice note recorded by Chrome is WebM, which sniffs as video/webm).
  webchat: limits({
    mimeTypes: [
      JPEG, PNG, GIF, WEBP, PDF, ...OFFICE, TEXT, CSV,
      'audio/mpeg', 'audio/mp4', 'audio/aac', 'audio/ogg', 'audio/wav', 'video/mp4', 'video/webm',
    ],
    maxBytes: 20 * MB,
  }),
};

/** No upload may exceed this, whatever the channel: the largest of all channel limits. */
export const MEDIA_MAX_BYTES = Math.max(...Object.values(MEDIA_LIMITS).map((l) => l.maxBytes));

/** A message carries at most this many files: the composer stops there, the server refuses more. */
export const ATTACHMENTS_MAX = 10;

/**
 * Channels whose upstream carries one file per message (a Send API attachment, a Telegram
 * sendPhoto/sendDocument, a Cloud API media message): the composer attaches one file at a time and
 * the server refuses more at queue time.
 */
export const ONE_FILE_PER_MESSAGE: ReadonlySet<ChannelKind> = new Set<ChannelKind>(['whatsapp', 'telegram', 'messenger', 'instagram', 'reclameaqui']);
/** The server's 422 code for a reply with more files than its channel takes per message: clients switch on it. */
export const TOO_MANY_FILES = 'too_many_files';

/** Longest kept file name, as most file systems allow. */
export const MEDIA_NAME_MAX = 255;

export function mediaKindOf(mimeType: string): MediaKind {
  if (mimeType.startsWith('image/')) return 'image';
  if (mimeType.startsWith('audio/')) return 'audio';
  if (mimeType.startsWith('video/')) return 'video';
  return 'document';
}

/** A size as people read it in limits and refusals: "10 MB", "1.5 MB" (one decimal at most). */
export const megabytes = (bytes: number): string => `${Math.round((bytes / MB) * 10) / 10} MB`;

/** Why `channel` refuses a file of this (sniffed) type and size, or undefined when it takes it. */
export function checkMedia(channel: ChannelKind, mimeType: string, size: number): DomainError | undefined {
  const rule = MEDIA_LIMITS[channel].rules.find((r) => r.mimeTypes.includes(mimeType));
  if (!rule) {
    return new DomainError('unsupported_type', 'unsupported_type', `This channel does not accept ${mimeType} files`, {
      mimeType,
      channel,
    });
  }
  if (size > rule.maxBytes) {
    return new DomainError('too_large', 'too_large', `Files of this type may have at most ${megabytes(rule.maxBytes)}`, {
      maxBytes: rule.maxBytes,
      channel,
    });
  }
  return undefined;
}

/** Throws the first refusal among a message's files for this channel (R-WS-04). */
export function assertAccepted(channel: ChannelKind, files: ReadonlyArray<{ mimeType: string; size: number }>): void {
  for (const file of files) {
    const refusal = checkMedia(channel, file.mimeType, file.size);
    if (refusal) throw refusal;
  }
}

/**
 * The renderer's check before an upload (R-WS-04): the browser only knows the type its name
 * suggests (`File.type`, empty for unknown extensions), so an empty type is read from the
 * extension. The server sniffs the bytes and checks again; this only spares a doomed upload.
 */
export function checkFileForChannel(
  channel: ChannelKind,
  file: { name: string; type: string; size: number },
): DomainError | undefined {
  const declared = file.type.split(';')[0]?.trim().toLowerCase() ?? '';
  const mimeType = declared || mimeTypeOfName(file.name) || 'application/octet-stream';
  return checkMedia(channel, mimeType, file.size);
}

/** The type a file name's extension stands for, per MEDIA_EXTENSIONS (first match). */
export function mimeTypeOfName(name: string): string | undefined {
  const dot = name.lastIndexOf('.');
  if (dot < 0) return undefined;
  const ext = name.slice(dot + 1).toLowerCase();
  return Object.entries(MEDIA_EXTENSIONS).find(([, extensions]) => extensions.includes(ext))?.[0];
}

/** The usual file extensions of each accepted type; the first is added to a name that lacks one. */
export const MEDIA_EXTENSIONS: Readonly<Record<string, readonly string[]>> = {
  [JPEG]: ['jpg', 'jpeg', 'jfif'],
  [PNG]: ['png'],
  [GIF]: ['gif'],
  [WEBP]: ['webp'],
  [PDF]: ['pdf'],
  [TEXT]: ['txt', 'text', 'log'],
  [CSV]: ['csv'],
  'application/msword': ['doc'],
  'application/vnd.ms-excel': ['xls'],
  'application/vnd.ms-powerpoint': ['ppt'],
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': ['docx'],
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': ['xlsx'],
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': ['pptx'],
  'audio/aac': ['aac'],
  'audio/mp4': ['m4a', 'mp4'],
  'audio/mpeg': ['mp3', 'mpga'],
  'audio/amr': ['amr'],
  'audio/ogg': ['ogg', 'oga', 'opus'],
  'audio/wav': ['wav'],
  'video/mp4': ['mp4', 'm4v'],
  'video/3gpp': ['3gp'],
  'video/webm': ['webm'],
};

// C0/C1 controls and the bidirectional overrides that make "gpj.exe" display as "exe.jpg";
// matching control characters is the point here.
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * The name a file is kept and offered under: the last path segment, without control or
 * direction-changing characters, with an extension that matches its real type (so the saved file
 * opens with the program its bytes are for), at most 255 characters.
 */
export function sanitizeMediaName(declared: string, mimeType: string): string {
  const base = declared.normalize('NFC').split(/[/\\]/).pop() ?? '';
  let name = base.replace(UNSAFE_CHARS, '').trim().replace(/^\.+/, '');
  if (!name) name = 'arquivo';
  const extensions = MEDIA_EXTENSIONS[mimeType] ?? [];
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  const suffix = extensions.length === 0 || extensions.includes(ext) ? '' : `.${extensions[0]}`;
  const room = MEDIA_NAME_MAX - suffix.length;
  if (name.length > room) {
    // Keep the extension that is already right; cut the stem.
    const kept = suffix || !ext ? '' : `.${ext}`;
    name = truncate(name.slice(0, name.length - kept.length), room - kept.length) + kept;
  }
  return name + suffix;
}

/** At most `max` UTF-16 units (what the schemas count) without splitting a surrogate pair. */
function truncate(text: string, max: number): string {
  let out = '';
  for (const char of text) {
    if (out.length + char.length > max) break;
    out += char;
  }
  return out;
}

/** What `POST /api/media` answers: the attachment metadata a message then carries. */
export const MediaResponse = z.object({
  id: z.string(),
  name: z.string().max(MEDIA_NAME_MAX),
  mimeType: z.string(),
  size: z.number().int().nonnegative(),
  kind: MediaKind,
  thumbnail: z.boolean(),
});
export type MediaResponse = z.infer<typeof MediaResponse>;
