/**
 * Brazilian phone entry (R-CT-02, R-WA-02..04). Agents type area code + number; the country
 * code 55 is added by the system and numbers are stored as E.164 digits only.
 */
export const INVALID_NUMBER_MESSAGE = 'Número inválido, corrija e tente novamente';

/** `userId`: a business-scoped WhatsApp id, no phone number (isWhatsAppUserId). */
export type PhoneKind = 'mobile' | 'landline' | 'userId';
export type PhoneCheck =
  | { status: 'valid'; e164: string; kind: PhoneKind }
  /** Not wrong yet, just short: the UI keeps "Criar conversa" disabled (R-WA-04). */
  | { status: 'incomplete'; kind?: PhoneKind }
  | { status: 'invalid'; message: string };

const BRAZIL = '55';
// Anatel's area codes (DDD): both digits 1-9, and only these tens have codes assigned.
const AREA_CODES = new Set([
  11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 22, 24, 27, 28, 31, 32, 33, 34, 35, 37, 38, 41, 42, 43,
  44, 45, 46, 47, 48, 49, 51, 53, 54, 55, 61, 62, 63, 64, 65, 66, 67, 68, 69, 71, 73, 74, 75, 77,
  79, 81, 82, 83, 84, 85, 86, 87, 88, 89, 91, 92, 93, 94, 95, 96, 97, 98, 99,
]);

const invalid = (): PhoneCheck => ({ status: 'invalid', message: INVALID_NUMBER_MESSAGE });

export function checkBrazilianPhone(input: string): PhoneCheck {
  const trimmed = input.trim();
  // The manuals write numbers as "(11)999999999"; punctuation is tolerated, letters are not.
  if (/[^\d()+\-.\s]/.test(trimmed)) return invalid();
  let digits = trimmed.replace(/\D/g, '');
  if (digits.startsWith(BRAZIL) && digits.length >= 12) digits = digits.slice(2);
  if (digits.length < 3) return { status: 'incomplete' };
  if (!AREA_CODES.has(Number(digits.slice(0, 2)))) return invalid();
  const first = digits[2];
  if (first === '9' || first === '8') {
    return digits.length === 11
      ? { status: 'valid', e164: BRAZIL + digits, kind: 'mobile' }
      : invalid();
  }
  if (first !== undefined && '2345'.includes(first)) {
    if (digits.length < 10) return { status: 'incomplete', kind: 'landline' };
    return digits.length === 10
      ? { status: 'valid', e164: BRAZIL + digits, kind: 'landline' }
      : invalid();
  }
  return invalid();
}

/** E.164 digits for a valid Brazilian number, or undefined. */
export function normaliseBrazilianPhone(input: string): string | undefined {
  const check = checkBrazilianPhone(input);
  return check.status === 'valid' ? check.e164 : undefined;
}

/**
 * A WhatsApp business-scoped user id (BSUID, e.g. `BR.13491208655302741918`): Meta's id for a
 * user who hides their phone behind a username. Some customers arrive with only this address;
 * it is stored and sent back exactly as received.
 */
export const WHATSAPP_USER_ID = /^[A-Z]{2}\.[A-Za-z0-9]{1,128}$/;
export const isWhatsAppUserId = (value: string) => WHATSAPP_USER_ID.test(value);

/** Whether a stored WhatsApp address is E.164 digits only (country code first, 8–15 digits). */
export function isE164Digits(value: string): boolean {
  return /^[1-9]\d{7,14}$/.test(value);
}

/**
 * A WhatsApp number as an agent types it (R-CT-02): Brazilian input (area code + number, with or
 * without 55) goes through the Brazilian rules; a number written with `+` and another country
 * code is kept as its E.164 digits (8–15), since only Brazil's plan is checked here.
 */
export function checkWhatsAppNumber(input: string): PhoneCheck {
  const trimmed = input.trim();
  // A contact known only by its business-scoped id keeps it through an edit of the form.
  if (isWhatsAppUserId(trimmed)) return { status: 'valid', e164: trimmed, kind: 'userId' };
  if (trimmed.startsWith('+') && !/^\+\s*55/.test(trimmed)) {
    if (/[^\d()+\-.\s]/.test(trimmed)) return invalid();
    const digits = trimmed.replace(/\D/g, '');
    if (digits.length < 8) return { status: 'incomplete' };
    return isE164Digits(digits) ? { status: 'valid', e164: digits, kind: 'mobile' } : invalid();
  }
  return checkBrazilianPhone(trimmed);
}

/**
 * How a stored WhatsApp number reads on screen (origin numbers, cards, headers): Brazilian E.164
 * digits as `+55 11 91234-5678` / `+55 11 3123-4567`; anything else as `+<digits>`.
 */
export function formatPhoneNumber(e164: string): string {
  if (isWhatsAppUserId(e164)) return e164;
  const digits = e164.replace(/\D/g, '');
  const brazil = /^55(\d{2})(\d{4,5})(\d{4})$/.exec(digits);
  if (brazil) return `+55 ${brazil[1]} ${brazil[2]}-${brazil[3]}`;
  return digits ? `+${digits}` : e164;
}

/** A stored Brazilian number in the form agents type it (area code + number, no 55), else as stored. */
export function nationalPhoneNumber(e164: string): string {
  if (isWhatsAppUserId(e164)) return e164;
  const digits = e164.replace(/\D/g, '');
  if (/^55\d{10,11}$/.test(digits)) return digits.slice(2);
  // Another country: typed with its `+`, which is how checkWhatsAppNumber tells it apart.
  return digits ? `+${digits}` : e164;
}

/**
 * The other form of a Brazilian mobile on WhatsApp. Mobiles gained a leading 9 in 2012–2016, and
 * WhatsApp still reports many older accounts without it: an agent starts `5531988887777` and the
 * reply comes from `553188887777`. Both name one customer. Landlines (first digit 2–5) have one form.
 */
export function brazilianMobileVariant(e164: string): string | undefined {
  const withNine = /^55(\d{2})9([6-9]\d{7})$/.exec(e164);
  if (withNine) return `55${withNine[1]}${withNine[2]}`;
  const withoutNine = /^55(\d{2})([6-9]\d{7})$/.exec(e164);
  if (withoutNine) return `55${withoutNine[1]}9${withoutNine[2]}`;
  return undefined;
}
