import { z } from 'zod';
import { ClientId, Id } from './documents.js';

/**
 * WhatsApp message templates (R-WA-05, R-WA-08): registered by admins in Meta's dashboard, synced
 * from the WhatsApp Business Account, kept current by the `message_template_status_update`
 * webhook. Only approved ones are offered to agents. Statuses are Meta's strings, kept as data
 * (Meta adds new ones: IN_APPEAL, PENDING_DELETION, LIMIT_EXCEEDED…).
 */
export const TEMPLATE_APPROVED = 'APPROVED';

export const TemplateHeader = z.object({
  format: z.enum(['TEXT', 'IMAGE', 'VIDEO', 'DOCUMENT', 'LOCATION']),
  /** TEXT headers: may hold one variable `{{1}}`. */
  text: z.string().optional(),
  /** IMAGE headers: an example image URL from Meta, for the preview when the agent picks none. */
  example: z.string().optional(),
});
export type TemplateHeader = z.infer<typeof TemplateHeader>;

export const TemplateButton = z.object({
  type: z.string(),
  text: z.string(),
  /** URL buttons: may end in `{{1}}`, the suffix the agent fills. */
  url: z.string().optional(),
});
export type TemplateButton = z.infer<typeof TemplateButton>;

/** One template of one WhatsApp number, as the server keeps it and the API returns it. */
export const WhatsAppTemplate = z.object({
  /** `wtemplate:<channel key>.<name>.<language>`: one per name and language. */
  id: Id,
  channelAccountId: Id,
  /** Meta's template id, when synced. */
  externalId: z.string().nullable(),
  name: z.string(),
  language: z.string(),
  category: z.string(),
  status: z.string(),
  /** Why Meta rejected or paused it, when it said. */
  reason: z.string().nullable(),
  header: TemplateHeader.nullable(),
  body: z.string(),
  footer: z.string().nullable(),
  buttons: z.array(TemplateButton),
  updatedAt: z.number(),
});
export type WhatsAppTemplate = z.infer<typeof WhatsAppTemplate>;

/** One value the agent fills: its key in the message payload and where it goes. */
export interface TemplateSlot {
  /** `header.1`, `body.1`, `body.2`…, `button.0` (URL suffix of button 0). */
  key: string;
  part: 'header' | 'body' | 'button';
  /** 1-based variable number (`{{n}}`); for buttons the button's index. */
  index: number;
}

const VARIABLE = /\{\{\s*(\d+)\s*\}\}/g;

/** The distinct variable numbers of a text, in ascending order. */
export function variablesOf(text: string | undefined): number[] {
  if (!text) return [];
  const found = new Set<number>();
  for (const match of text.matchAll(VARIABLE)) found.add(Number(match[1]));
  return [...found].sort((a, b) => a - b);
}

/** Every value a template needs, in the order the agent fills them. */
export function templateSlots(template: Pick<WhatsAppTemplate, 'header' | 'body' | 'buttons'>): TemplateSlot[] {
  const slots: TemplateSlot[] = [];
  if (template.header?.format === 'TEXT') {
    for (const n of variablesOf(template.header.text)) slots.push({ key: `header.${n}`, part: 'header', index: n });
  }
  for (const n of variablesOf(template.body)) slots.push({ key: `body.${n}`, part: 'body', index: n });
  template.buttons.forEach((button, i) => {
    if (variablesOf(button.url).length > 0) slots.push({ key: `button.${i}`, part: 'button', index: i });
  });
  return slots;
}

/** Whether the template's header is an image the agent must provide (previewed, R-WA-05). */
export const needsHeaderImage = (template: Pick<WhatsAppTemplate, 'header'>) => template.header?.format === 'IMAGE';
/** The files WhatsApp takes as a template's header image (the channel's image rule in media.ts gives the size). */
export const TEMPLATE_HEADER_IMAGE_TYPES: readonly string[] = ['image/jpeg', 'image/png'];

/** Text with `{{n}}` replaced by the values of `part`; an unfilled one stays visible as `{{n}}`. */
function fill(text: string, part: string, values: Readonly<Record<string, string>>): string {
  return text.replace(VARIABLE, (whole, n: string) => {
    const value = values[`${part}.${Number(n)}`];
    return value !== undefined && value.trim() !== '' ? value : whole;
  });
}

/**
 * The text an agent previews and the conversation keeps for a template message: the header text,
 * the body and the footer, with the variables filled.
 */
export function renderTemplate(
  template: Pick<WhatsAppTemplate, 'header' | 'body' | 'footer'>,
  values: Readonly<Record<string, string>>,
): string {
  const parts: string[] = [];
  if (template.header?.format === 'TEXT' && template.header.text) parts.push(fill(template.header.text, 'header', values));
  parts.push(fill(template.body, 'body', values));
  if (template.footer) parts.push(template.footer);
  return parts.join('\n\n');
}

/** Meta's limit for one parameter's text. */
export const TEMPLATE_VALUE_MAX = 1024;

/**
 * Whether WhatsApp takes a filled value: Meta refuses a template parameter with a new line, a tab
 * or more than 4 spaces in a row ("Param text cannot have new-line/tab characters or more than 4
 * consecutive spaces": code 100, newer API versions 132018).
 */
export const sendableTemplateValue = (value: string) => !/[\n\r\t]| {5}/.test(value);

/** Slot keys the agent left empty, or that the template does not have; empty when it can be sent. */
export function missingTemplateValues(
  template: Pick<WhatsAppTemplate, 'header' | 'body' | 'buttons'>,
  values: Readonly<Record<string, string>>,
): string[] {
  return templateSlots(template).filter((slot) => !(values[slot.key] ?? '').trim()).map((slot) => slot.key);
}

/** `POST /api/conversations/:id/template`: sends an approved template (allowed outside the window). */
export const SendTemplateBody = z.strictObject({
  /** Client message id, as for text: a repeat is answered with the first message. */
  id: ClientId,
  templateId: Id,
  /** By slot key (`header.1`, `body.2`, `button.0`). */
  values: z.record(z.string().regex(/^(header|body|button)\.\d{1,2}$/, 'unknown variable'), z.string().max(TEMPLATE_VALUE_MAX)).default({}),
  /** An uploaded image (`POST /api/media`) for an IMAGE header. */
  headerMediaId: Id.optional(),
});
export type SendTemplateBody = z.infer<typeof SendTemplateBody>;

/**
 * `GET /api/channels/:id/templates`: `conversationId` names an open conversation on that number
 * the agent may see, e.g. one transferred to their team from the number's own team.
 */
export const ChannelTemplatesQuery = z.object({ conversationId: Id.optional() });
export type ChannelTemplatesQuery = z.infer<typeof ChannelTemplatesQuery>;

export const TemplatesResponse = z.object({ templates: z.array(WhatsAppTemplate) });
export type TemplatesResponse = z.infer<typeof TemplatesResponse>;

/** What an admin's "Sincronizar templates" did. */
export const TemplateSyncResponse = TemplatesResponse.extend({
  added: z.number().int(),
  updated: z.number().int(),
  removed: z.number().int(),
  /** False when the WABA's listing was cut short (page limit, a next page elsewhere): nothing was removed. */
  complete: z.boolean(),
  /** Why the listing was incomplete, as a pt-BR sentence for the admin; null when complete. */
  note: z.string().nullable(),
});
export type TemplateSyncResponse = z.infer<typeof TemplateSyncResponse>;
