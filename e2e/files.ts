import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { test } from './fixtures';

/** A 1×1 transparent PNG. */
export const PIXEL_PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
export const PIXEL_PNG = Buffer.from(PIXEL_PNG_BASE64, 'base64');

/**
 * A temp folder for the files a spec picks, made before its tests and removed after them
 * (call at the top level of the spec). Returns the writer: `tempFile(name, bytes)` writes the
 * bytes to that folder and returns the file's path.
 */
export function useTempFiles(prefix: string): (name: string, bytes: Buffer) => string {
  let folder = '';
  test.beforeAll(() => {
    folder = mkdtempSync(path.join(tmpdir(), prefix));
  });
  test.afterAll(() => rmSync(folder, { recursive: true, force: true }));
  return (name, bytes) => {
    const file = path.join(folder, name);
    writeFileSync(file, bytes);
    return file;
  };
}

/** Picks a file the way a person does: the paperclip ("Anexar arquivo", in the widget and the composer) opens the browser's file chooser. */
export async function attachByChooser(page: Page, file: string): Promise<void> {
  const [chooser] = await Promise.all([
    page.waitForEvent('filechooser'),
    page.getByRole('button', { name: 'Anexar arquivo' }).click(),
  ]);
  await chooser.setFiles(file);
}
