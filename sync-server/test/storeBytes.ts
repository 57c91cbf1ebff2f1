import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface ByteHit {
  file: string;
  needle: string;
}

/** Every regular file under `dir`, subfolders included (LevelDB keeps a store in several folders). */
export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

/** A file's bytes, or undefined when it is gone: a LevelDB may delete an obsolete table between the listing and the read, and gone is as good as clean. */
export async function readIfPresent(file: string): Promise<Buffer | undefined> {
  try {
    return await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Where the needles still sit in the raw bytes of the files under `dir` (issue 19, R-PRIV-03: "no byte left").
 * Searches UTF-8 and UTF-16LE encodings: a store or a log may hold either; JSON escapes are not decoded on
 * purpose — the needles the tests use are plain ASCII/Latin text, so a hit in any encoding is a real leftover.
 * Reads each file whole: the store folders under test are small.
 */
export async function findBytes(dir: string, needles: string[]): Promise<ByteHit[]> {
  const patterns = needles.map((needle) => ({
    needle,
    encodings: [Buffer.from(needle, 'utf8'), Buffer.from(needle, 'utf16le')],
  }));
  const hits: ByteHit[] = [];
  for (const file of await filesUnder(dir)) {
    const bytes = await readIfPresent(file);
    if (!bytes) continue;
    for (const { needle, encodings } of patterns) {
      if (encodings.some((encoded) => bytes.includes(encoded))) hits.push({ file, needle });
    }
  }
  return hits;
}
