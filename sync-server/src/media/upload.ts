import type { IncomingMessage, ServerResponse } from 'node:http';
import busboy from 'busboy';
import { DomainError } from '@atende/protocol';

export interface ReceivedFile {
  bytes: Buffer;
  filename: string;
  declaredMime: string;
  /** The other form fields, all of which came before the file. */
  fields: Readonly<Record<string, string>>;
}

export interface UploadRules {
  /** Form fields allowed besides `file`; they must precede it, since they set its limit. */
  fields: readonly string[];
  /** The file's byte limit given the fields read so far; may throw a domain error for a bad field. */
  maxBytes: (fields: Readonly<Record<string, string>>) => number;
  /** No request body may be larger than this (plus the form's own overhead). */
  cap: number;
}

/** Room for boundaries, part headers and the small fields around the file. */
const FORM_OVERHEAD = 64 * 1024;

const invalid = (code: string, message: string) => new DomainError('invalid', code, message);
const tooLarge = (maxBytes: number) =>
  new DomainError('too_large', 'too_large', `The file may have at most ${maxBytes} bytes`, { maxBytes });

/**
 * Reads one multipart upload: exactly one file in the field `file`, after the allowed fields.
 * The file is held in memory only up to its limit: the moment it grows past it, reading stops
 * and the promise rejects with `too_large` (the caller should then close the connection).
 */
export function readUpload(req: IncomingMessage, rules: UploadRules): Promise<ReceivedFile> {
  return new Promise((resolve, reject) => {
    if (!/^multipart\/form-data\b/i.test(req.headers['content-type'] ?? '')) {
      reject(invalid('multipart_required', 'Send the file as multipart/form-data in a field named "file"'));
      return;
    }
    const declaredLength = Number(req.headers['content-length']);
    if (Number.isFinite(declaredLength) && declaredLength > rules.cap + FORM_OVERHEAD) {
      reject(tooLarge(rules.cap));
      return;
    }
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        // Browsers send file names as raw UTF-8; busboy's default would read them as Latin-1.
        defParamCharset: 'utf8',
        limits: { files: 1, fields: rules.fields.length + 1, parts: rules.fields.length + 2, fieldSize: 256, fileSize: rules.cap + 1 },
      });
    } catch {
      reject(invalid('malformed_multipart', 'The multipart body has no boundary'));
      return;
    }

    const fields: Record<string, string> = {};
    let file: Omit<ReceivedFile, 'fields'> | undefined;
    let fileSeen = false;
    let parserDone = false;
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      req.unpipe(parser);
      reject(error);
    };
    const finish = () => {
      if (settled || !parserDone) return;
      if (!fileSeen) return fail(invalid('file_required', 'Send a file in the field "file"'));
      if (!file) return; // still reading it
      settled = true;
      resolve({ ...file, fields });
    };

    parser.on('field', (name, value, info) => {
      if (!rules.fields.includes(name)) return fail(invalid('unknown_field', `Unknown form field "${name.slice(0, 64)}"`));
      if (fileSeen) return fail(invalid('field_order', `Send "${name}" before the file`));
      if (info.valueTruncated) return fail(invalid('invalid_field', `The field "${name}" is too long`));
      fields[name] = value;
    });
    parser.on('file', (name, stream, info) => {
      if (name !== 'file') {
        stream.resume();
        return fail(invalid('unknown_field', `Send the file in the field "file", not "${name.slice(0, 64)}"`));
      }
      fileSeen = true;
      let maxBytes: number;
      try {
        maxBytes = Math.min(rules.maxBytes(fields), rules.cap);
      } catch (error) {
        stream.resume();
        return fail(error instanceof Error ? error : new Error(String(error)));
      }
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        if (settled) return;
        size += chunk.length;
        if (size > maxBytes) return fail(tooLarge(maxBytes));
        chunks.push(chunk);
      });
      stream.on('limit', () => fail(tooLarge(maxBytes)));
      stream.on('end', () => {
        file = { bytes: Buffer.concat(chunks, size), filename: info.filename ?? '', declaredMime: info.mimeType };
        finish();
      });
    });
    parser.on('filesLimit', () => fail(invalid('one_file', 'Send exactly one file')));
    parser.on('fieldsLimit', () => fail(invalid('unknown_field', 'Too many form fields')));
    parser.on('partsLimit', () => fail(invalid('unknown_field', 'Too many form parts')));
    parser.on('error', () => fail(invalid('malformed_multipart', 'The multipart body is malformed')));
    parser.on('close', () => {
      parserDone = true;
      finish();
    });
    req.on('error', (error) => fail(error));
    req.pipe(parser);
  });
}

/** How long, and how much more, a refused upload is read (and dropped) after the answer. */
const LINGER = { ms: 1000, bytes: 8 * 1024 * 1024 };

/**
 * Call before answering an upload refused while its body is still arriving. Closing the
 * connection right after the answer would make the kernel reset it (unread data), and a client
 * still sending would lose the answer; so, like nginx's lingering close, the rest of the body is
 * read and dropped for a moment (bounded in time and bytes) before the connection is closed.
 */
export function lingerAfterRefusal(req: IncomingMessage, res: ServerResponse): void {
  if (req.complete || res.headersSent) return;
  res.setHeader('Connection', 'close');
  const socket = req.socket;
  // Node ends a `Connection: close` response with `destroySoon()`: half-close and keep reading instead.
  socket.destroySoon = () => {
    socket.end();
    let dropped = 0;
    const timer = setTimeout(() => socket.destroy(), LINGER.ms);
    timer.unref();
    socket.on('data', (chunk: Buffer) => {
      dropped += chunk.length;
      if (dropped > LINGER.bytes) socket.destroy();
    });
    socket.once('close', () => clearTimeout(timer));
  };
}
