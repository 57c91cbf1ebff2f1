import type { IncomingMessage } from 'node:http';
import { DomainError } from '@atende/protocol';
import { loadSharp } from '../media/thumbnail.js';

const tooLarge = (maxBytes: number) =>
  new DomainError('too_large', 'too_large', 'A foto pode ter no máximo 2 MB.', { maxBytes });

/**
 * The request body as bytes (a photo is sent raw, with its image type), held in memory only up
 * to `maxBytes`: a declared or actual size past it rejects at once with `too_large`, and the
 * caller lets the rest linger (media/upload.ts `lingerAfterRefusal`) so the client reads the answer.
 */
export function readRawBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      reject(tooLarge(maxBytes));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const onData = (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > maxBytes) {
        settled = true;
        req.off('data', onData);
        reject(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => {
      if (settled) return;
      settled = true;
      resolve(Buffer.concat(chunks, size));
    });
    req.on('error', (error) => {
      if (settled) return;
      settled = true;
      reject(error);
    });
  });
}

/** As the thumbnails (media/thumbnail.ts): a small file can claim more pixels than any camera makes. */
const MAX_PHOTO_PIXELS = 50_000_000;

/** JPEG, PNG and WebP by their first bytes: what the service's sniffing would take for a photo. */
function looksLikePhoto(bytes: Buffer): boolean {
  const jpeg = bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  const png = bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const webp = bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP';
  return jpeg || png || webp;
}

/**
 * Bytes that begin like a JPEG, PNG or WebP but do not decode (corrupt, truncated) would be
 * stored and show every colleague a blank avatar: they are refused with 422 `unreadable_image`.
 * Decoded to a tiny size (JPEG shrinks on load), so a 2 MB photo costs little. Anything else is
 * left to the service's sniffing, which says which types a photo may be (415). Without sharp on
 * this machine (see loadSharp) the photo is taken as before.
 */
export async function refuseUndecodablePhoto(bytes: Buffer): Promise<void> {
  if (!looksLikePhoto(bytes)) return;
  const sharp = await loadSharp();
  if (!sharp) return;
  try {
    await sharp(bytes, { limitInputPixels: MAX_PHOTO_PIXELS, failOn: 'truncated' }).resize(8, 8, { fit: 'inside' }).raw().toBuffer();
  } catch {
    throw new DomainError('unprocessable', 'unreadable_image', 'A imagem está corrompida ou não pôde ser lida. Escolha outra foto.');
  }
}
