import { createHash } from 'node:crypto';
import { sendableTemplateValue, variablesOf } from '@atende/protocol';
import type { GraphProblem } from './graphContract.js';

/**
 * The fake Graph server's message templates: `GET /{waba-id}/message_templates` (Meta's shape,
 * paged with cursors and `paging.next`), the template send contract (the approved template's
 * parameter counts and header type), and Meta's `message_template_status_update` webhook.
 */

/** A component as Meta lists it (HEADER with a format, BODY, FOOTER, BUTTONS). */
export interface FakeTemplateComponent {
  type: string;
  format?: string;
  text?: string;
  example?: unknown;
  buttons?: Array<{ type: string; text: string; url?: string; phone_number?: string }>;
}

/**
 * A template of the fake WABA. `params` (text parameters per component) is what a send is checked
 * against; derived from `components` when absent. `status` defaults to APPROVED; only approved
 * templates can be sent. Without components, the list shows a body with `params.body` variables.
 */
export interface FakeTemplate {
  name: string;
  language: string;
  params?: Partial<Record<'header' | 'body' | 'button', number>>;
  id?: string;
  status?: string;
  category?: string;
  rejected_reason?: string;
  components?: FakeTemplateComponent[];
}

const headerOf = (t: FakeTemplate) => t.components?.find((c) => c.type === 'HEADER');

/** The parameters a send of `t` must carry, per component. */
export function paramsOf(t: FakeTemplate): Partial<Record<'header' | 'body' | 'button', number>> {
  if (t.params) return t.params;
  const params: Partial<Record<'header' | 'body' | 'button', number>> = {};
  for (const c of t.components ?? []) {
    if (c.type === 'HEADER') params.header = c.format === 'TEXT' || !c.format ? variablesOf(c.text).length : 1;
    else if (c.type === 'BODY') params.body = variablesOf(c.text).length;
    else if (c.type === 'BUTTONS') params.button = (c.buttons ?? []).filter((b) => variablesOf(b.url).length > 0).length;
  }
  return params;
}

/** Meta's numeric template id: the given one, else one derived from name and language (stable across pages and webhooks). */
export const templateIdOf = (t: FakeTemplate): string =>
  t.id ?? String(parseInt(createHash('sha256').update(`${t.name}|${t.language}`).digest('hex').slice(0, 12), 16));

/** `t` as Meta lists it. */
export function listedTemplate(t: FakeTemplate): Record<string, unknown> {
  const body = Array.from({ length: t.params?.body ?? 0 }, (_, i) => `{{${i + 1}}}`).join(' ');
  return {
    name: t.name,
    parameter_format: 'POSITIONAL',
    components: t.components ?? [{ type: 'BODY', text: body || t.name }],
    language: t.language,
    status: t.status ?? 'APPROVED',
    category: t.category ?? 'UTILITY',
    ...(t.rejected_reason ? { rejected_reason: t.rejected_reason } : {}),
    id: templateIdOf(t),
  };
}

/** One page of `GET /{waba-id}/message_templates?limit=&after=`: cursors are list positions. */
export function templatesPage(templates: readonly FakeTemplate[], query: URLSearchParams, selfUrl: string): Record<string, unknown> {
  const limit = Math.min(Math.max(Number(query.get('limit')) || 25, 1), 100);
  const after = query.get('after');
  const start = after ? Number(Buffer.from(after, 'base64url').toString('utf8')) + 1 : 0;
  const page = templates.slice(start, start + limit).map(listedTemplate);
  const cursor = (n: number) => Buffer.from(String(n)).toString('base64url');
  const paging: Record<string, unknown> = page.length ? { cursors: { before: cursor(start), after: cursor(start + page.length - 1) } } : { cursors: {} };
  if (start + page.length < templates.length) {
    const next = new URL(selfUrl);
    next.searchParams.set('limit', String(limit));
    next.searchParams.set('after', cursor(start + page.length - 1));
    paging.next = next.toString();
  }
  return { data: page, paging };
}

/** Cloud API's answer (v23+) to a template text parameter it will not take. */
export const TEMPLATE_PARAMETERS_REFUSED: GraphProblem = { code: 132018, message: '(#132018) There was an issue with the parameters in your template' };

/** The template send contract; undefined when acceptable. `mediaExists` checks an image header's id. */
export function checkTemplateSend(templates: readonly FakeTemplate[], value: unknown, mediaExists: (id: string) => boolean): GraphProblem | undefined {
  const t = value as { name?: unknown; language?: { code?: unknown }; components?: unknown } | undefined;
  if (typeof t?.name !== 'string' || typeof t.language?.code !== 'string') return { code: 100, message: '(#100) Param template[\'name\'] and template[\'language\'][\'code\'] are required' };
  const known = templates.find((x) => x.name === t.name && x.language === t.language?.code);
  const status = known?.status ?? 'APPROVED';
  if (!known || !['APPROVED', 'PAUSED', 'DISABLED'].includes(status)) return { code: 132001, message: '(#132001) Template name does not exist in the translation' };
  if (status === 'PAUSED') return { code: 132015, message: '(#132015) Template is paused' };
  if (status === 'DISABLED') return { code: 132016, message: '(#132016) Template is disabled' };
  const components = Array.isArray(t.components) ? (t.components as Array<{ type?: string; parameters?: Array<{ type?: string; text?: unknown; image?: { id?: string; link?: string } }> }>) : [];
  const params = paramsOf(known);
  for (const part of ['header', 'body', 'button'] as const) {
    const given = components.filter((c) => c.type === part).reduce((n, c) => n + (c.parameters?.length ?? 0), 0);
    if (given !== (params[part] ?? 0)) {
      return { code: 132000, message: `(#132000) Number of parameters does not match the expected number of params (${part})` };
    }
  }
  // Meta refuses a text parameter with a new line, a tab or more than 4 spaces in a row (the protocol's rule).
  const texts = components.flatMap((c) => c.parameters ?? []).filter((p) => p.type === 'text');
  if (texts.some((p) => typeof p.text !== 'string' || !sendableTemplateValue(p.text))) return TEMPLATE_PARAMETERS_REFUSED;
  if (headerOf(known)?.format === 'IMAGE') {
    const image = components.find((c) => c.type === 'header')?.parameters?.[0];
    if (image?.type !== 'image' || !(image.image?.link || (image.image?.id && mediaExists(image.image.id)))) {
      return { code: 132012, message: '(#132012) Parameter format does not match format in the created template (header image)' };
    }
  }
  return undefined;
}

/** Meta's `message_template_status_update` webhook for one template of a WABA. */
export function waTemplateStatus(wabaId: string, t: { id: string; name: string; language: string; event: string; reason?: string; category?: string }) {
  return {
    object: 'whatsapp_business_account',
    entry: [{
      id: wabaId,
      time: Math.floor(Date.now() / 1000),
      changes: [{
        field: 'message_template_status_update',
        value: {
          event: t.event, message_template_id: Number(t.id), message_template_name: t.name,
          message_template_language: t.language, reason: t.reason ?? 'NONE',
          ...(t.category ? { message_template_category: t.category } : {}),
        },
      }],
    }],
  };
}
