import { randomBytes } from 'node:crypto';
import { BoundedFiles } from '../../simulators/http.js';
import { badRequest, type BotFailure } from './botApiContract.js';

/**
 * The files a fake bot can see: the customers' (for updates' `file_id`s) and those the bot
 * uploaded, each with the `file_path` getFile answers and the download serves. Bounded: past
 * the bound the oldest are forgotten, and their file_id is then refused as an unknown one.
 */

/** A file as updates and send answers describe it. */
export interface TgFile { file_id: string; file_unique_id: string; file_size: number; mime_type: string; file_name?: string }

interface StoredFile extends TgFile { bytes: Buffer | null; file_path: string }

const view = ({ bytes: _bytes, file_path: _path, ...file }: StoredFile): TgFile => file;

export class BotFiles {
  private readonly files = new BoundedFiles<StoredFile>();
  private sequence = 0;

  /** `declaredSize`: a file that claims that size without holding the bytes (the 20 MB limit, cheaply). */
  add(bytes: Buffer, mimeType: string, name?: string, declaredSize?: number): TgFile {
    const n = ++this.sequence;
    const folder = mimeType.startsWith('image/') ? 'photos' : mimeType.startsWith('audio/ogg') ? 'voice' : mimeType.startsWith('video/') ? 'videos' : 'documents';
    const extension = /\.([A-Za-z0-9]{1,8})$/.exec(name ?? '')?.[1] ?? mimeType.split('/')[1]?.replace(/[^a-z0-9]/g, '') ?? 'bin';
    const file: StoredFile = {
      file_id: `AgAC${randomBytes(12).toString('base64url')}${n}`, file_unique_id: `AQAD${n}`,
      file_size: declaredSize ?? bytes.length, mime_type: mimeType, ...(name ? { file_name: name } : {}),
      bytes: declaredSize === undefined ? bytes : null, file_path: `${folder}/file_${n}.${extension}`,
    };
    this.files.set(file.file_id, file);
    return view(file);
  }

  bytes(fileId: string): Buffer | undefined {
    return this.files.get(fileId)?.bytes ?? undefined;
  }

  /** getFile's answer: the file with its path (the caller checks the size limit). */
  info(fileId: string): (TgFile & { file_path: string }) | undefined {
    const file = this.files.get(fileId);
    return file && { ...view(file), file_path: file.file_path };
  }

  byPath(filePath: string): Buffer | undefined {
    return [...this.files.values()].find((f) => f.file_path === filePath)?.bytes ?? undefined;
  }

  /** A send's file parameter: an upload (multipart) or the file_id of a known file; this fake fetches no URLs. */
  async fromParam(value: unknown, max: number): Promise<TgFile | BotFailure> {
    if (value instanceof Blob) {
      if (value.size === 0) return badRequest('file must be non-empty');
      if (value.size > max) return badRequest('file is too big');
      return this.add(Buffer.from(await value.arrayBuffer()), value.type || 'application/octet-stream', value instanceof File ? value.name : undefined);
    }
    const known = typeof value === 'string' ? this.files.get(value) : undefined;
    return known ? view(known) : badRequest('wrong file identifier/HTTP URL specified');
  }
}
