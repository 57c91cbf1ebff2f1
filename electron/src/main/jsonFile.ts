import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** What reading a JSON file gave: absent is normal (no file deployed), unreadable is a problem. */
export type JsonRead = { kind: 'missing' } | { kind: 'ok'; value: unknown } | { kind: 'invalid'; reason: string };

function parse(text: string): JsonRead {
  try {
    // Notepad (and PowerShell 5's Set-Content -Encoding UTF8) start UTF-8 files with a byte-order mark.
    return { kind: 'ok', value: JSON.parse(text.replace(/^\uFEFF/, '')) as unknown };
  } catch (error) {
    return { kind: 'invalid', reason: `invalid JSON (${error instanceof Error ? error.message : String(error)})` };
  }
}

function failure(error: unknown): JsonRead {
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
  return { kind: 'invalid', reason: `unreadable (${(error as NodeJS.ErrnoException).code ?? String(error)})` };
}

export async function readJson(file: string): Promise<JsonRead> {
  try {
    return parse(await readFile(file, 'utf8'));
  } catch (error) {
    return failure(error);
  }
}

export function readJsonSync(file: string): JsonRead {
  try {
    return parse(readFileSync(file, 'utf8'));
  } catch (error) {
    return failure(error);
  }
}

/**
 * Write-then-rename, so a crash or power cut mid-write leaves the previous file, never half of
 * one. The synchronous form is for quit time, when an async write may not finish before exit.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, data, { mode });
  await rename(temporary, file);
}

export function writeFileAtomicSync(file: string, data: string, mode = 0o600): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, data, { mode });
  renameSync(temporary, file);
}
