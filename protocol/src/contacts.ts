import { z } from 'zod';
import {
  Attachment, ContactAddresses, ContactDoc, ConversationRating, ConversationStatus, Id, MessageDirection, MessageDoc, TicketLink,
} from './documents.js';
import { checkWhatsAppNumber } from './phone.js';

/**
 * The contact form's rules (R-CT-01/02), written once for the renderer's "Adicionar contato" /
 * edit dialog and the server's contact commands: which fields are required, how the WhatsApp
 * number is normalised, and when a name deserves a warning.
 */

/** The standard fields; custom fields are named by their key. */
export const CONTACT_FORM_FIELDS = ['name', 'email', 'whatsapp'] as const;
export type ContactFormField = (typeof CONTACT_FORM_FIELDS)[number];

/** R-CT-01: name, e-mail and WhatsApp by default; an admin may add other fields (custom keys). */
export const DEFAULT_REQUIRED_CONTACT_FIELDS: readonly string[] = ['name', 'email', 'whatsapp'];

export const CONTACT_NAME_MAX = 200;
const CustomFields = z.record(z.string().min(1).max(64), z.string().max(1000));
const OtherAddresses = ContactAddresses.omit({ whatsapp: true });

/** What the form sends: the WhatsApp number as typed, the rest as stored. */
export const ContactForm = z.strictObject({
  name: z.string().trim().max(CONTACT_NAME_MAX),
  email: z.string().trim().max(254),
  whatsapp: z.string().max(40).optional(),
  /** Addresses on other channels (rarely typed; channels fill them in). */
  addresses: OtherAddresses.optional(),
  customFields: CustomFields.optional(),
});
export type ContactForm = z.infer<typeof ContactForm>;

/** "Adicionar contato": the client chooses the id, so a queued retry is recognised (idempotent). */
export const CreateContactBody = ContactForm.extend({
  id: Id.refine((id) => id.startsWith('contact:'), 'must be a contact: id'),
});
export type CreateContactBody = z.infer<typeof CreateContactBody>;

/** Edit: only the fields sent change. */
export const UpdateContactBody = ContactForm.partial();
export type UpdateContactBody = z.infer<typeof UpdateContactBody>;

export const MergeContactsBody = z.strictObject({ sourceId: Id });
export type MergeContactsBody = z.infer<typeof MergeContactsBody>;

export type ContactFieldError = 'required' | 'invalid_email' | 'invalid_number' | 'incomplete_number';

export interface ContactFormCheck {
  /** Field → what is wrong; empty when the form may be saved. */
  errors: Record<string, ContactFieldError>;
  /** Field → the message to show (pt-BR for the number, as R-WA-03 words it). */
  messages: Record<string, string>;
  /** The WhatsApp number in E.164 digits when one was given and is valid. */
  whatsapp?: string;
  /** A warning that does not block saving (R-CT-01). */
  nameWarning?: NameWarning;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MESSAGES: Record<ContactFieldError, string> = {
  required: 'Campo obrigatório',
  invalid_email: 'E-mail inválido',
  invalid_number: 'Número inválido, corrija e tente novamente',
  incomplete_number: 'Número incompleto',
};

function valueOf(form: Partial<ContactForm>, field: string): string | undefined {
  if (field === 'name' || field === 'email' || field === 'whatsapp') return form[field];
  return form.customFields?.[field];
}

/**
 * Checks a form. `partial`: an edit, where only the fields sent are checked (a required field
 * may not be emptied, but one the contact never had need not be added to change its name).
 */
export function checkContactForm(
  form: Partial<ContactForm>,
  options: { required?: readonly string[]; partial?: boolean } = {},
): ContactFormCheck {
  const required = options.required ?? DEFAULT_REQUIRED_CONTACT_FIELDS;
  const errors: Record<string, ContactFieldError> = {};
  for (const field of required) {
    const value = valueOf(form, field);
    if (options.partial && value === undefined) continue;
    if (!value?.trim()) errors[field] = 'required';
  }
  const email = form.email?.trim();
  if (email && !errors.email && !EMAIL.test(email)) errors.email = 'invalid_email';
  let whatsapp: string | undefined;
  if (form.whatsapp?.trim() && !errors.whatsapp) {
    const check = checkWhatsAppNumber(form.whatsapp);
    if (check.status === 'valid') whatsapp = check.e164;
    else errors.whatsapp = check.status === 'invalid' ? 'invalid_number' : 'incomplete_number';
  }
  const messages = Object.fromEntries(Object.entries(errors).map(([field, error]) => [field, MESSAGES[error]]));
  const warning = form.name === undefined ? undefined : nameWarning(form.name);
  return { errors, messages, ...(whatsapp ? { whatsapp } : {}), ...(warning ? { nameWarning: warning } : {}) };
}

export type NameWarning = 'emoji_or_symbols';

// Letters (any script), combining marks, digits, spaces and the punctuation of real names and
// company names ("Maria D'Ávila (ACME Ltda.)", "Silva & Filhos", "Nº 2").
const PLAIN_NAME = /^[\p{L}\p{M}\p{N}\s.'’\-(),&/ªº]*$/u;

/** R-CT-01: emoji and symbols in a name are warned against, never refused. */
export function nameWarning(name: string): NameWarning | undefined {
  return PLAIN_NAME.test(name) ? undefined : 'emoji_or_symbols';
}

/** A finished conversation of a contact, as the history lists it (R-CT-04, R-WS-05). */
export const HistoryEntry = z.object({
  id: Id,
  protocol: z.string(),
  channel: z.string(),
  teamId: Id,
  teamName: z.string(),
  agentId: Id.nullable(),
  agentName: z.string().nullable(),
  disposition: z.string().nullable(),
  finishNote: z.string(),
  createdAt: z.number(),
  finishedAt: z.number().nullable(),
  /** The tickets linked to it (R-WS-14); absent from servers before issue 13. */
  ticketLinks: z.array(TicketLink).optional(),
  /**
   * The customer's rating (issue 18), for supervisors and the conversation's own agent only
   * (sync-server access/ratings.ts); absent for anyone else and from servers before issue 18.
   */
  rating: ConversationRating.nullable().optional(),
});
export type HistoryEntry = z.infer<typeof HistoryEntry>;

export const ContactResponse = z.object({ contact: ContactDoc });

/** Contact search (R-WS-13): digits search numbers (preferred), anything else names. */
export const ContactSearchQuery = z.object({ q: z.string().trim().min(1).max(100) });
export const CONTACT_SEARCH_LIMIT = 20;
export const ContactsResponse = z.object({ contacts: z.array(ContactDoc) });
export const HistoryResponse = z.object({ conversations: z.array(HistoryEntry) });

/** The gallery (R-WS-03): newest first, `cursor` from the previous page's `next`. */
export const ContactMediaQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
export const ContactMediaItem = z.object({
  attachment: Attachment,
  messageId: Id,
  conversationId: Id,
  createdAt: z.number(),
  direction: MessageDirection,
});
export type ContactMediaItem = z.infer<typeof ContactMediaItem>;
export const ContactMediaResponse = z.object({ items: z.array(ContactMediaItem), next: z.string().nullable() });

/** Shorter queries match nearly everything: the renderer waits for this many characters, the server refuses fewer. */
export const MESSAGE_QUERY_MIN = 2;
/** Message search (R-WS-13): by words, scoped to what the caller may read. */
export const MessageSearchQuery = z.object({ q: z.string().trim().min(MESSAGE_QUERY_MIN).max(200) });
export const MESSAGE_SEARCH_LIMIT = 50;
export const MessageSearchHit = z.object({
  message: MessageDoc,
  conversation: z.object({
    id: Id,
    protocol: z.string(),
    contactId: Id,
    contactName: z.string(),
    status: ConversationStatus,
    teamId: Id,
  }),
});
export type MessageSearchHit = z.infer<typeof MessageSearchHit>;
export const MessageSearchResponse = z.object({ hits: z.array(MessageSearchHit) });
