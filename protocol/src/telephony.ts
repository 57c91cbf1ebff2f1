import { z } from 'zod';
import { ClientId, Id, type ContactDoc } from './documents.js';
import { isE164Digits } from './phone.js';

/**
 * Click-to-call (R-WS-16), pluggable: `uri` — the workstation opens a `tel:`/`sip:` address and
 * the machine's softphone dials it (the default, `tel:`); `http` — the server asks a click-to-call
 * service (`ATENDE_TELEPHONY_URL`) to ring the agent's extension and connect it to the number;
 * `none` — no calls.
 */
export const TelephonyMode = z.enum(['none', 'uri', 'http']);
export type TelephonyMode = z.infer<typeof TelephonyMode>;
export const TelephonyScheme = z.enum(['tel', 'sip']);
export type TelephonyScheme = z.infer<typeof TelephonyScheme>;

/** `GET /api/telephony`: what the call button does. `sipDomain` only for `sip:` URIs. */
export const TelephonySettings = z.object({
  mode: TelephonyMode,
  scheme: TelephonyScheme,
  sipDomain: z.string().nullable(),
});
export type TelephonySettings = z.infer<typeof TelephonySettings>;

/** `POST /api/calls` (http mode) → 202: the call is on its way to the click-to-call service. */
export const CallBody = z.strictObject({ id: ClientId.optional(), contactId: Id });
export type CallBody = z.infer<typeof CallBody>;
export const CallResponse = z.object({ queued: z.literal(true) });

/** What the job POSTs to the click-to-call service. */
export const ClickToCallRequest = z.object({ extension: z.string(), number: z.string(), agentId: Id });
export type ClickToCallRequest = z.infer<typeof ClickToCallRequest>;

/** A SIP domain as configured: a host name, optionally with a port. */
export const SIP_DOMAIN = /^[A-Za-z0-9.-]{1,253}(:\d{1,5})?$/;

/**
 * The number a contact is called on: their WhatsApp address when it is a phone number (E.164
 * digits); a WhatsApp user id hides the number, and the other channels carry none.
 */
export function contactPhone(contact: Pick<ContactDoc, 'addresses'> | undefined): string | undefined {
  const whatsapp = contact?.addresses.whatsapp;
  return whatsapp && isE164Digits(whatsapp) ? whatsapp : undefined;
}

/** `tel:+5511912345678` (RFC 3966, global number) or `sip:5511912345678@pbx.example.com`. */
export function callUri(e164: string, settings: Pick<TelephonySettings, 'scheme' | 'sipDomain'>): string | undefined {
  const digits = e164.replace(/\D/g, '');
  if (!isE164Digits(digits)) return undefined;
  if (settings.scheme === 'tel') return `tel:+${digits}`;
  if (!settings.sipDomain || !SIP_DOMAIN.test(settings.sipDomain)) return undefined;
  return `sip:${digits}@${settings.sipDomain}`;
}

export const CALL_REFUSALS = {
  off: 'telephony_off',
  noPhone: 'contact_without_phone',
  noExtension: 'agent_without_extension',
  notHttp: 'telephony_not_http',
} as const;
export type CallRefusalCode = (typeof CALL_REFUSALS)[keyof typeof CALL_REFUSALS];

export const CALL_REFUSAL_MESSAGES: Record<CallRefusalCode, string> = {
  telephony_off: 'Nenhuma integração telefônica está configurada.',
  contact_without_phone: 'Este contato não tem um número de telefone.',
  agent_without_extension: 'Cadastre seu ramal no perfil para fazer ligações.',
  telephony_not_http: 'As ligações são feitas pelo telefone deste computador, não pelo servidor.',
};

/**
 * Why a call cannot be placed now, or undefined when it can: the same rule for the button (which
 * shows the reason) and the server (which answers 422 with it). The extension matters only when
 * the server places the call: a softphone knows its own.
 */
export function callRefusal(
  mode: TelephonyMode,
  agent: { extension?: string | null | undefined },
  contact: Pick<ContactDoc, 'addresses'> | undefined,
): CallRefusalCode | undefined {
  if (mode === 'none') return CALL_REFUSALS.off;
  if (!contactPhone(contact)) return CALL_REFUSALS.noPhone;
  if (mode === 'http' && !agent.extension) return CALL_REFUSALS.noExtension;
  return undefined;
}
