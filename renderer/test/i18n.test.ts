import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MESSAGES } from '../src/i18n/messages';
import { LOCALES } from '../src/stores/preferences';

/**
 * The check for missing and unused translation keys (issue 9 point 1): every language has
 * exactly pt-BR's keys, every key the code asks for exists, and every key is asked for somewhere
 * (literally, or under a prefix the code completes at run time, e.g. `notice.${code}`).
 */
type Messages = { [key: string]: string | Messages };
const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src');

function keysOf(messages: Messages, prefix = ''): string[] {
  return Object.entries(messages).flatMap(([key, value]) => (typeof value === 'string' ? [prefix + key] : keysOf(value, `${prefix}${key}.`)));
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return sources(file);
    return /\.(ts|vue)$/.test(name) ? [readFileSync(file, 'utf8')] : [];
  });
}

const code = sources(SRC).join('\n');
const literal = new Set([...code.matchAll(/\bt\(\s*['"]([\w.]+)['"]/g)].map((m) => m[1] as string));
const prefixes = [...code.matchAll(/\bt\(\s*`([\w.]+\.)\$\{/g)].map((m) => m[1] as string);
const { 'pt-BR': ptBR, en, es } = MESSAGES;
const reference = keysOf(ptBR as Messages).sort();

describe('issue 9: translations (pt-BR, en, es)', () => {
  it('the languages offered are exactly the locale files', () => {
    expect([...LOCALES].sort()).toEqual(['en', 'es', 'pt-BR']);
  });

  it.each([['en', en], ['es', es]] as const)('%s has exactly pt-BR’s keys (none missing, none extra)', (_name, messages) => {
    expect(keysOf(messages as Messages).sort()).toEqual(reference);
  });

  it('every key the code asks for exists', () => {
    expect([...literal].filter((key) => !reference.includes(key))).toEqual([]);
  });

  it('every key is used by the code', () => {
    const unused = reference.filter((key) => !literal.has(key) && !prefixes.some((prefix) => key.startsWith(prefix)));
    expect(unused).toEqual([]);
  });
});
