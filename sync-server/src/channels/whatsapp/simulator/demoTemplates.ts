import type { FakeTemplate } from './graph.js';

/**
 * The demo number's message templates (as Meta's `GET /{waba-id}/message_templates` lists them),
 * and a sent template rendered the way the customer's phone shows it.
 */

/** A template as Meta lists it (the fake Graph's shape). */
export type GraphTemplate = FakeTemplate;

/** The demo number's templates: two approved (body variables; an image header) and one still under review. */
export const DEMO_TEMPLATES: readonly FakeTemplate[] = [
  {
    id: '1189230012450001', name: 'boas_vindas', language: 'pt_BR', status: 'APPROVED', category: 'UTILITY',
    components: [
      { type: 'BODY', text: 'Olá {{1}}, aqui é a {{2}}. Podemos continuar seu atendimento?', example: { body_text: [['Maria', 'Loja Atende']] } },
      { type: 'FOOTER', text: 'Atende — atendimento ao cliente' },
    ],
  },
  {
    id: '1189230012450002', name: 'oferta_do_mes', language: 'pt_BR', status: 'APPROVED', category: 'MARKETING',
    components: [
      { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['https://scontent.whatsapp.net/v/oferta-exemplo.jpg'] } },
      { type: 'BODY', text: 'Olá {{1}}! A oferta do mês chegou: {{2}}. Responda esta mensagem para saber mais.', example: { body_text: [['Maria', '20% de desconto no plano anual']] } },
    ],
  },
  {
    id: '1189230012450003', name: 'lembrete_pagamento', language: 'pt_BR', status: 'PENDING', category: 'UTILITY',
    components: [{ type: 'BODY', text: 'Olá {{1}}, seu boleto vence em {{2}}.', example: { body_text: [['Maria', '10/12']] } }],
  },
];

interface SentParameter { type?: string; text?: string; image?: { id?: string; link?: string } }
interface SentComponent { type?: string; parameters?: SentParameter[] }

/** A sent template as the phone shows it: the header image (media id or link) and the filled text. */
export function renderSentTemplate(
  template: FakeTemplate | undefined,
  sent: { name?: string; components?: SentComponent[] },
): { text: string; image?: { id?: string; link?: string } } {
  const parameters = (part: string) => (sent.components ?? []).filter((c) => c.type === part).flatMap((c) => c.parameters ?? []);
  const fill = (text: string, values: SentParameter[]) =>
    text.replace(/\{\{\s*(\d+)\s*\}\}/g, (whole, n: string) => values[Number(n) - 1]?.text ?? whole);
  // A template the simulator does not hold still shows what it can: its name.
  if (!template) return { text: `[template ${sent.name ?? '?'}]` };
  const lines: string[] = [];
  let image: { id?: string; link?: string } | undefined;
  for (const c of template.components ?? []) {
    if (c.type === 'HEADER' && c.format === 'IMAGE') image = parameters('header')[0]?.image;
    else if (c.type === 'HEADER' && c.text) lines.push(fill(c.text, parameters('header')));
    else if (c.type === 'BODY' && c.text) lines.push(fill(c.text, parameters('body')));
    else if (c.type === 'FOOTER' && c.text) lines.push(c.text);
    else if (c.type === 'BUTTONS' && c.buttons?.length) lines.push(c.buttons.map((b) => `[${b.text}]`).join(' '));
  }
  return { text: lines.join('\n\n'), ...(image ? { image } : {}) };
}
