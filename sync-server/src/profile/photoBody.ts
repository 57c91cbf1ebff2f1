import type { IncomingMessage } from 'node:http';
import { DomainError } from '@atende/protocol';

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
