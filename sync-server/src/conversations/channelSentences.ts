import type { ChannelKind, ReplyPolicy } from '@atende/protocol';

/**
 * Sentences about a channel that agents read (pt-BR), written once for the core's refusals and
 * the adapters' failures. Here, in the domain layer, because channels may import conversations
 * but not the other way round (eslint/layers.js).
 */

/** A channel's name as agents read it; every one takes the article "o" ("O Messenger", "pelo Telegram"). */
const NAMES: Record<ChannelKind, string> = {
  webchat: 'chat do site', whatsapp: 'WhatsApp', telegram: 'Telegram', messenger: 'Messenger', instagram: 'Instagram', reclameaqui: 'Reclame Aqui',
};

export const channelName = (kind: ChannelKind): string => NAMES[kind];

/**
 * Why a reply may not go now (R-CH-05, R-WA-05): WhatsApp's 24 hours (templates still go);
 * Messenger/Instagram 24 hours, or 7 days when the account sends with the HUMAN_AGENT tag.
 */
export function replyWindowRefusal(kind: ChannelKind, policy: ReplyPolicy): string {
  if (kind === 'whatsapp') {
    return 'A janela de 24 horas do WhatsApp está fechada: só é possível enviar um template aprovado até o cliente responder.';
  }
  const name = channelName(kind);
  return policy.humanAgentTag
    ? `A janela de resposta do ${name} fechou: o cliente escreveu há mais de 7 dias. Aguarde uma nova mensagem dele.`
    : `A janela de resposta do ${name} fechou: o cliente escreveu há mais de 24 horas. Aguarde uma nova mensagem dele (ou peça a um administrador para ativar a etiqueta de atendimento humano, que estende o prazo para 7 dias).`;
}

/** A reply longer than the channel takes (CHANNEL_TEXT_MAX), refused before it is queued. */
export const textTooLongRefusal = (kind: ChannelKind, max: number): string =>
  `O ${channelName(kind)} aceita até ${max.toLocaleString('pt-BR')} caracteres por mensagem.`;
