import { callRefusal, callUri, contactPhone, type CallRefusalCode, type ContactDoc, type TelephonySettings } from '@atende/protocol';

/** What the button does for this contact now: dial a URI, ask the server, or nothing and why. */
export type CallAction =
  | { kind: 'uri'; href: string; number: string }
  | { kind: 'http'; number: string }
  | { kind: 'refused'; reason: CallRefusalCode };

export function callAction(
  settings: TelephonySettings,
  agent: { extension?: string | null | undefined } | undefined,
  contact: Pick<ContactDoc, 'addresses'> | undefined,
): CallAction {
  const refused = callRefusal(settings.mode, agent ?? {}, contact);
  const number = contactPhone(contact);
  if (refused || !number) return { kind: 'refused', reason: refused ?? 'contact_without_phone' };
  if (settings.mode === 'http') return { kind: 'http', number };
  const href = callUri(number, settings);
  return href ? { kind: 'uri', href, number } : { kind: 'refused', reason: 'telephony_off' };
}

/** The reasons under i18n `call.reason.*`, by the protocol's codes (the server's messages are pt-BR only). */
export const CALL_REASONS: Record<CallRefusalCode, 'off' | 'noPhone' | 'noExtension'> = {
  telephony_off: 'off',
  contact_without_phone: 'noPhone',
  agent_without_extension: 'noExtension',
  telephony_not_http: 'off',
};
export const callReasonOf = (code: string): 'off' | 'noPhone' | 'noExtension' | undefined =>
  Object.hasOwn(CALL_REASONS, code) ? CALL_REASONS[code as CallRefusalCode] : undefined;
