import {
  assertAccepted, DomainError, missingTemplateValues, needsHeaderImage, renderTemplate, sendableTemplateValue, TEMPLATE_APPROVED,
  TEMPLATE_HEADER_IMAGE_TYPES, templateSlots,
  type Attachment, type ConversationDoc, type MessageDoc, type SendTemplateBody, type UserDoc, type WhatsAppTemplate,
} from '@atende/protocol';
import type { MessageService, OutgoingContent } from './messages.js';

/** Where templates come from (the WhatsApp template service; channels sit above this layer). */
export interface TemplateCatalog {
  /** A template by id, with whether Atende can fill it; undefined when unknown. */
  template(templateId: string): Promise<{ template: WhatsAppTemplate; supported: boolean } | undefined>;
}

const unprocessable = (code: string, message: string, extra: Record<string, unknown> = {}) =>
  new DomainError('unprocessable', code, message, extra);

/**
 * An agent sends an approved WhatsApp template (R-WA-05, R-WA-08): allowed whatever the 24-hour
 * window, since that is how a closed window reopens. Stored and queued like text (MessageService),
 * as kind `template` with the rendered text the conversation shows and a flat payload the adapter
 * turns into Meta's components (`templateOf`): `template`, `language`, and each value by slot key.
 */
export class TemplateMessages {
  constructor(
    private readonly messages: MessageService,
    private readonly catalog: TemplateCatalog,
  ) {}

  send(user: UserDoc, conversationId: string, body: SendTemplateBody): Promise<{ message: MessageDoc; created: boolean }> {
    return this.messages.queue(user, conversationId, body.id, (conversation) => this.contentOf(user, conversation, body));
  }

  private async contentOf(user: UserDoc, conversation: ConversationDoc, body: SendTemplateBody): Promise<OutgoingContent> {
    if (conversation.channel !== 'whatsapp') throw unprocessable('template_wrong_channel', 'Templates são enviados apenas pelo WhatsApp.');
    const found = await this.catalog.template(body.templateId);
    if (!found || found.template.channelAccountId !== conversation.channelAccountId) {
      throw unprocessable('template_unknown', 'Este template não existe no número de WhatsApp desta conversa.');
    }
    const { template } = found;
    if (template.status !== TEMPLATE_APPROVED || !found.supported) {
      throw unprocessable('template_not_approved', 'Este template não está aprovado para envio.', { status: template.status });
    }
    const missing = missingTemplateValues(template, body.values);
    if (missing.length > 0) {
      throw unprocessable('template_values_missing', `Preencha todas as variáveis do template: ${missing.join(', ')}.`, { missing });
    }
    const refused = templateSlots(template).map((slot) => slot.key).filter((key) => !sendableTemplateValue(body.values[key] ?? ''));
    if (refused.length > 0) {
      throw unprocessable('template_value_invalid', `O WhatsApp não aceita quebras de linha, tabulações nem mais de 4 espaços seguidos nas variáveis: ${refused.join(', ')}.`, { invalid: refused });
    }
    const attachments = await this.headerImage(user, conversation, template, body.headerMediaId);
    // Only the template's own slots go upstream: Meta refuses a parameter count that does not match.
    const payload: MessageDoc['payload'] = { template: template.name, language: template.language };
    for (const slot of templateSlots(template)) payload[slot.key] = (body.values[slot.key] ?? '').trim();
    return { kind: 'template', text: renderTemplate(template, body.values), attachments, payload, outsideWindow: true };
  }

  /** An IMAGE header's picture: an image the agent may use, within WhatsApp's limits. */
  private async headerImage(user: UserDoc, conversation: ConversationDoc, template: WhatsAppTemplate, mediaId: string | undefined): Promise<Attachment[]> {
    if (!needsHeaderImage(template)) {
      if (mediaId) throw unprocessable('template_image_unexpected', 'Este template não tem imagem no cabeçalho.');
      return [];
    }
    if (!mediaId) throw unprocessable('template_image_missing', 'Este template precisa de uma imagem no cabeçalho.', { missing: ['header.image'] });
    const attachments = await this.messages.attachable([mediaId], user);
    // Meta takes JPEG and PNG as template header images; a WebP (a sticker) is refused upstream.
    const image = attachments[0];
    if (image?.kind !== 'image' || !TEMPLATE_HEADER_IMAGE_TYPES.includes(image.mimeType)) {
      throw unprocessable('template_image_invalid', 'O cabeçalho deste template precisa de uma imagem JPEG ou PNG.');
    }
    assertAccepted(conversation.channel, attachments);
    return attachments;
  }
}
