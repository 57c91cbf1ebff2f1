import type { DeepLinkTarget } from '@atende/protocol';

/**
 * `atende://conversation/<id>` and `atende://contact/<id>` (R-DT-02). Parsed from the raw text
 * with one anchored pattern rather than with `URL`, whose dot-segment and percent handling would
 * accept more than we mean to: no query, no fragment, no user info, no encoded characters.
 * `<id>` is the document key (`01HX…`) or the whole document id (`conversation:01HX…`); the
 * target always carries the whole id, as the renderer stores documents by it.
 */
export const DEEP_LINK_SCHEME = 'atende';
const LINK = /^atende:\/\/(conversation|contact)\/(?:(conversation|contact):)?([A-Za-z0-9_.@-]{1,90})\/?$/i;
const MAX_LENGTH = 256;

export function parseDeepLink(raw: string): DeepLinkTarget | undefined {
  if (raw.length > MAX_LENGTH) return undefined;
  const match = LINK.exec(raw);
  if (!match) return undefined;
  const kind = match[1]?.toLowerCase();
  const prefix = match[2];
  const key = match[3] ?? '';
  if (kind !== 'conversation' && kind !== 'contact') return undefined;
  // `atende://conversation/contact:x` names two different things: refuse rather than guess.
  if (prefix !== undefined && prefix.toLowerCase() !== kind) return undefined;
  // `.` and `..` are path segments, never ids (a link must not look like a traversal).
  if (/^\.+$/.test(key)) return undefined;
  return { kind, id: `${kind}:${key}` };
}

/**
 * The first deep link among command-line arguments: Windows and Linux pass the link as an argument
 * to the launched (or second) instance, among switches Chromium may have added or reordered.
 */
export function findDeepLink(argv: readonly string[]): DeepLinkTarget | undefined {
  for (const arg of argv) {
    if (!arg.toLowerCase().startsWith(`${DEEP_LINK_SCHEME}:`)) continue;
    const target = parseDeepLink(arg);
    if (target) return target;
  }
  return undefined;
}
