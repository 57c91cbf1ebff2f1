import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { RequestHandler } from 'express';
import { DomainError } from './errors.js';

/**
 * Spelling dictionaries for the desktop app (issue 17 point 5): Chromium's Hunspell files (.bdic),
 * which the shell downloads from here instead of Google's CDN (`setSpellCheckerDictionaryDownloadURL`).
 * Only names shaped like Chromium's (`pt-BR-3-0.bdic`, `en-US-10-1.bdic`, `es-ES-3-0.bdic`) are
 * answered, so no path can leave the folder. Chromium may ask for the name in lower case
 * (electron/electron#22482): the match ignores case.
 */
export const DICTIONARY_NAME = /^[a-z]{2,3}(?:-[a-z0-9]{2,4})?-\d{1,3}-\d{1,3}\.bdic$/i;

/** A dictionary only changes with a new Chromium release, under a new name: a day is plenty. */
const MAX_AGE_MS = 86_400_000;

export function dictionaryFile(dir: string | undefined): RequestHandler {
  return (req, res, next) => {
    const name = String(req.params.file ?? '');
    if (!dir) {
      next(new DomainError('not_found', 'dictionaries_not_configured', 'This server hosts no spelling dictionaries (ATENDE_DICTIONARIES_DIR is not set)'));
      return;
    }
    if (!DICTIONARY_NAME.test(name)) {
      next(new DomainError('not_found', 'dictionary_not_found', `"${name.slice(0, 60)}" is not a dictionary file name (like pt-BR-3-0.bdic)`));
      return;
    }
    const wanted = name.toLowerCase();
    readdir(dir)
      .then((entries) => {
        const found = entries.find((entry) => entry.toLowerCase() === wanted && DICTIONARY_NAME.test(entry));
        if (!found) throw new DomainError('not_found', 'dictionary_not_found', `No dictionary ${name} in ATENDE_DICTIONARIES_DIR`);
        res.type('application/octet-stream');
        res.sendFile(path.join(dir, found), { maxAge: MAX_AGE_MS }, (error) => {
          if (error && !res.headersSent) next(error);
        });
      })
      .catch(next);
  };
}
