import { ref, type Ref } from 'vue';
import { API, callRefusal, callUri, contactPhone, type CallRefusalCode, type ContactDoc, type TelephonySettings } from '@atende/protocol';
import { call } from '../../net/client';

/**
 * The organisation's telephony settings (R-WS-16), asked once per window and shared by every call
 * button. Until they arrive (or when the request failed, e.g. offline) the button reads as the
 * default `tel:` handler, which needs nothing from the server.
 */
const DEFAULT: TelephonySettings = { mode: 'uri', scheme: 'tel', sipDomain: null };
const settings = ref<TelephonySettings>(DEFAULT);
let asked: Promise<void> | undefined;

export function useTelephony(): Readonly<Ref<TelephonySettings>> {
  asked ??= call(API.telephony, {}).then(
    (answer) => {
      settings.value = answer;
    },
    () => {
      // Asked again by the next button that mounts.
      asked = undefined;
    },
  );
  return settings;
}

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
