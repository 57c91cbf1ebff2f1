import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { ZipFile } from 'yazl';
import { EXPORT_FILES_FOLDER, EXPORT_JSON_NAME, keyOf } from '@atende/protocol';
import type { StoredDoc } from '../store/index.js';
import { toWire } from '../store/wire.js';

/**
 * The ZIP handed to the data subject (R-PRIV-02): `dados.json` with everything the organisation
 * holds about them — the contact's fields, their conversations (protocol, times, transfers,
 * rating…), every message and the notes, in wire form and NOT masked (the export is for the
 * person themself) — and `arquivos/<media key>-<name>` with the bytes of each file. Files are
 * read and compressed one at a time, so memory holds one file and the ZIP built so far.
 */
export interface ExportContent {
  exportedAt: number;
  contact: StoredDoc;
  conversations: readonly StoredDoc[];
  messages: readonly StoredDoc[];
  notes: readonly StoredDoc[];
  media: readonly StoredDoc[];
}

/** The bytes of a stored file; undefined when they are missing (metadata written, bytes never). */
export type ReadMediaFile = (mediaId: string) => Promise<Buffer | undefined>;

/** One file's line in dados.json: `path` is where it is inside the ZIP, null when its bytes were missing. */
export interface ExportedFile {
  id: string;
  name: string;
  mimeType: string;
  size: number;
  kind: string;
  path: string | null;
}

const NAME_MAX = 120;

/** A file name safe in any unzip tool: no folders, no control or reserved characters, no leading dots. */
export function safeFileName(name: string): string {
  const cleaned = name.normalize('NFC').replace(/[\p{Cc}/\\:*?"<>|]/gu, '_').replace(/^[.\s]+/, '').trim();
  return [...(cleaned || 'arquivo')].slice(0, NAME_MAX).join('');
}

export const filePathOf = (media: StoredDoc) => `${EXPORT_FILES_FOLDER}/${keyOf(media._id)}-${safeFileName(String(media.name ?? ''))}`;

/** Creation order, then id: what a reader expects of a history. */
function chronological<T extends { createdAt?: unknown; id: string }>(docs: T[]): T[] {
  const at = (d: T) => (typeof d.createdAt === 'number' ? d.createdAt : 0);
  return docs.sort((a, b) => at(a) - at(b) || a.id.localeCompare(b.id));
}

const wire = (docs: readonly StoredDoc[]) => chronological(docs.map((d) => toWire<{ id: string; createdAt?: unknown }>(d)));

/** dados.json's content. */
export function exportDocument(content: ExportContent, files: ExportedFile[]) {
  return {
    exportedAt: new Date(content.exportedAt).toISOString(),
    contact: toWire<Record<string, unknown>>(content.contact),
    conversations: wire(content.conversations),
    messages: wire(content.messages),
    notes: wire(content.notes),
    files,
  };
}

/** Builds the ZIP; rejects when the output fails (the job then retries). */
export async function buildExportZip(content: ExportContent, readFile: ReadMediaFile, signal?: AbortSignal): Promise<Buffer> {
  const zip = new ZipFile();
  const chunks: Buffer[] = [];
  const output = zip.outputStream;
  output.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = finished(output);
  const mtime = new Date(content.exportedAt);
  const files: ExportedFile[] = [];
  for (const media of content.media) {
    signal?.throwIfAborted();
    const path = filePathOf(media);
    const line: ExportedFile = {
      id: media._id, name: String(media.name ?? ''), mimeType: String(media.mimeType ?? ''),
      size: Number(media.size ?? 0), kind: String(media.kind ?? ''), path: null,
    };
    files.push(line);
    const bytes = await readFile(media._id);
    if (!bytes) continue;
    const input = Readable.from([bytes], { objectMode: false });
    // Pictures, audio and video are compressed already: deflating them again costs time for nothing.
    zip.addReadStream(input, path, { mtime, size: bytes.length, compress: line.kind === 'document' });
    await finished(input);
    line.path = path;
  }
  const json = JSON.stringify(exportDocument(content, files), null, 2);
  zip.addBuffer(Buffer.from(json, 'utf8'), EXPORT_JSON_NAME, { mtime });
  zip.end();
  await done;
  return Buffer.concat(chunks);
}
