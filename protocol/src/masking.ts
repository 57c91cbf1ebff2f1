/**
 * Masking of personal data in message text (issue 19, R-PRIV-04, LGPD): CPF numbers, payment card
 * numbers, e-mail addresses and phone numbers are shown to users without the permission "ver dados
 * pessoais" with their shape and a little context kept (`***.***.***-09`, `**** **** **** 1234`,
 * `m***@exemplo.com.br`, `(11) *****-4321`). CPF and card numbers are told from other numbers
 * (protocols, order numbers, amounts) by their check digits, not by their look alone.
 */

/**
 * A letter, digit or mask mark right against a match: it is part of a longer word, id or number
 * (`message:01J9X12345678909AB`). A number after a space is not: "parcela 2 529.982.247-25".
 */
const NOT_BEFORE = String.raw`(?<![\p{L}\p{N}_*@+])`;
const NOT_AFTER = String.raw`(?![\p{L}\p{N}_*])`;

const digitsOf = (text: string): number[] => [...text.replace(/\D/g, '')].map(Number);

/** Every digit but the last `keep` as `*`; separators stay where they were. */
function maskDigits(text: string, keep: number): string {
  let left = digitsOf(text).length - keep;
  return text.replace(/\d/g, (d) => (left-- > 0 ? '*' : d));
}

/** A CPF's two check digits (mod 11), and not eleven equal digits (000.000.000-00 passes the sums). */
export function isValidCpf(text: string): boolean {
  const d = digitsOf(text);
  if (d.length !== 11 || d.every((x) => x === d[0])) return false;
  const check = (length: number): number => {
    let sum = 0;
    for (let i = 0; i < length; i++) sum += (d[i] ?? 0) * (length + 1 - i);
    const rest = (sum * 10) % 11;
    return rest === 10 ? 0 : rest;
  };
  return check(9) === d[9] && check(10) === d[10];
}

/** The Luhn check of a card number's digits. */
export function passesLuhn(text: string): boolean {
  const d = digitsOf(text);
  if (d.length === 0) return false;
  let sum = 0;
  for (let i = 0; i < d.length; i++) {
    const digit = d[d.length - 1 - i] ?? 0;
    const doubled = i % 2 === 1 ? digit * 2 : digit;
    sum += doubled > 9 ? doubled - 9 : doubled;
  }
  return sum % 10 === 0;
}

/**
 * The lengths a card of this issuer prefix has (Visa, Mastercard, Amex, Diners, JCB, Discover, Elo,
 * Hipercard): Brazilian phone numbers (55…, 13 digits) and protocol numbers (2026…) are not cards
 * even when their digits happen to pass Luhn (one in ten does).
 */
function cardLengthsOf(digits: string): readonly number[] {
  const first = digits[0];
  const four = Number(digits.slice(0, 4));
  if (first === '4') return [13, 16, 19];
  if (first === '5') return [16];
  if (first === '2') return four >= 2221 && four <= 2720 ? [16] : [];
  if (first === '3') return [14, 15, 16, 17, 18, 19];
  if (first === '6') return [16, 17, 18, 19];
  return [];
}

/**
 * Groups as cards are printed: one kind of separator, four digits first, then groups of four (or
 * six, Amex and Diners: 4-6-5, 4-6-4), the last one shorter or not.
 */
function groupedAsCard(text: string): boolean {
  const separators = new Set(text.match(/[ -]/g) ?? []);
  if (separators.size === 0) return true;
  if (separators.size > 1) return false;
  const groups = text.split(/[ -]/).map((g) => g.length);
  const middle = groups.slice(1, -1);
  return groups[0] === 4 && middle.every((n) => n === 4 || n === 6) && (groups.at(-1) ?? 0) <= 6;
}

/** 13–19 digits, bare or grouped as printed, of an issuer's prefix and length, passing Luhn. */
export function isCardNumber(text: string): boolean {
  const digits = text.replace(/\D/g, '');
  if (digits.length < 13 || digits.length > 19 || !groupedAsCard(text)) return false;
  return cardLengthsOf(digits).includes(digits.length) && passesLuhn(digits);
}

interface Group {
  start: number;
  end: number;
  digits: number;
}

/** The widest run of whole groups from `first` on (at most 19 digits) that is a card, as group indexes. */
function widestCardFrom(run: string, groups: readonly Group[], first: number): number | undefined {
  let found: number | undefined;
  let digits = 0;
  for (let last = first; last < groups.length; last++) {
    digits += groups[last]?.digits ?? 0;
    // Too long, or a group before the last that no card has (groupedAsCard): no wider window is one either.
    const inner = groups[last - 1]?.digits ?? 0;
    if (digits > 19 || (last > first && inner !== 4 && inner !== 6)) break;
    if (digits >= 13 && isCardNumber(run.slice(groups[first]?.start ?? 0, groups[last]?.end ?? 0))) found = last;
  }
  return found;
}

/**
 * The card numbers within a run of digit groups ("em 2 4111 1111 1111 1111 3 vezes" holds one):
 * from each group on, the widest card. A window whose last group goes on with another separator
 * into a card ("… 0006 4637-0000-0000-0003") leaves that group to it. A run without separators is
 * a card whole or not at all.
 */
function maskCardsIn(run: string): string | undefined {
  const groups: Group[] = [...run.matchAll(/\d+/g)].map((m) => ({ start: m.index, end: m.index + m[0].length, digits: m[0].length }));
  let masked = '';
  let copied = 0;
  for (let first = 0; first < groups.length; first++) {
    let last = widestCardFrom(run, groups, first);
    const end = last === undefined ? undefined : groups[last];
    const own = run[(groups[first]?.end ?? 0)];
    const next = end ? run[end.end] : undefined;
    if (last !== undefined && last > first && next !== undefined && next !== own && widestCardFrom(run, groups, last) !== undefined) {
      last = undefined;
    }
    if (last === undefined) continue;
    const start = groups[first]?.start ?? 0;
    const stop = groups[last]?.end ?? 0;
    masked += run.slice(copied, start) + maskDigits(run.slice(start, stop), 4);
    copied = stop;
    first = last;
  }
  return copied === 0 ? undefined : masked + run.slice(copied);
}

interface Detector {
  readonly pattern: RegExp;
  readonly mask: (match: string, groups: Record<string, string | undefined>) => string | undefined;
}

const EMAIL = new RegExp(String.raw`(?<![\p{L}\p{N}._%+-])(?<local>[\p{L}\p{N}._%+-]+)@(?<domain>[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,})`, 'gu');
const CPF = new RegExp(String.raw`${NOT_BEFORE}\d{3}\.?\d{3}\.?\d{3}-?\d{2}${NOT_AFTER}`, 'gu');
const CARD = new RegExp(String.raw`${NOT_BEFORE}\d(?:[ -]?\d){12,}${NOT_AFTER}`, 'gu');
/** E.164 (`+<country><number>`, digits alone or in groups): the plus sign says it is a phone. */
const E164 = new RegExp(String.raw`(?<![\p{L}\p{N}_*+])\+[1-9](?:[ .-]?\(?\d\)?){7,14}${NOT_AFTER}`, 'gu');
/** Brazilian without the country code: a DDD (11–99) and 8 or 9 digits, written as a phone is written. */
const BR_PHONE = new RegExp(String.raw`${NOT_BEFORE}(?:\([1-9][1-9]\)|[1-9][1-9])[ .-]?9?\d{4}[ .-]?\d{4}${NOT_AFTER}`, 'gu');

/** The phone's last four digits and its country code and DDD stay: who it is, not how to reach them. */
function maskPhone(match: string, shown: number): string {
  let index = 0;
  const total = digitsOf(match).length;
  return match.replace(/\d/g, (d) => {
    const at = index++;
    return at < shown || at >= total - 4 ? d : '*';
  });
}

const DETECTORS: readonly Detector[] = [
  {
    pattern: EMAIL,
    mask: (_match, { local = '', domain = '' }) => `${[...local][0] ?? ''}***@${domain}`,
  },
  // Phones before the card check when their writing says so — `+55 11 98765-4321`, `(11) 98765-4321`,
  // `11 3456-7890`: no card is grouped so. Spaces alone (`11 3456 7890`) could be a card's groups
  // after a number: those phones are looked for once the cards are masked.
  { pattern: E164, mask: (match) => maskPhone(match, /^\+\D*5\D*5/.test(match) ? 4 : 0) },
  { pattern: BR_PHONE, mask: (match) => (/[()-]/.test(match) ? maskPhone(match, 2) : undefined) },
  { pattern: CARD, mask: maskCardsIn },
  // Eleven bare digits are a CPF or nothing: a phone is written with its DDD apart or in parentheses.
  { pattern: BR_PHONE, mask: (match) => (/[ .]/.test(match) ? maskPhone(match, 2) : undefined) },
  { pattern: CPF, mask: (match) => (isValidCpf(match) ? maskDigits(match, 2) : undefined) },
];

/**
 * A preview cut short (`…`, conversations' `lastPreview`) may end inside a number or an address
 * the detectors no longer recognise: its last word is masked when it holds an `@` or three digits.
 */
function maskCutTail(text: string): string {
  if (!text.endsWith('…')) return text;
  return text.replace(/(\S+)…$/u, (all, tail: string) => {
    if (!tail.includes('@') && (tail.match(/\d/g) ?? []).length < 3) return all;
    return `${maskDigits(tail.replace(/[\p{L}]/gu, (c, at: number) => (at === 0 ? c : '*')), 0)}…`;
  });
}

/** The text with every CPF, card number, e-mail and phone it holds masked; anything else as written. */
export function maskPersonalData(text: string): string {
  let masked = text;
  for (const { pattern, mask } of DETECTORS) {
    masked = masked.replace(pattern, (...args: unknown[]) => {
      const match = String(args[0]);
      const groups = (typeof args[args.length - 1] === 'object' ? args[args.length - 1] : {}) as Record<string, string | undefined>;
      return mask(match, groups) ?? match;
    });
  }
  return maskCutTail(masked);
}

/**
 * "Ver dados pessoais" (issue 19): supervisors and admins read personal data in messages as
 * written; an agent only when an admin granted it (absent: masked, the default for agents).
 */
export function mayViewPersonalData(user: { readonly role: string; readonly permissions?: { readonly personalData?: boolean | undefined } | null | undefined }): boolean {
  return user.role !== 'agent' || user.permissions?.personalData === true;
}
