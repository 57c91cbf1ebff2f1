import { RA_META, RECLAME_AQUI_POLL, type ChannelTestResponse } from '@atende/protocol';
import { isEnabled, type ChannelAccountDoc, type ChannelAccounts } from '../../channelAccounts/service.js';
import { PermanentFailure } from '../../jobs/types.js';
import type { ChannelAdapter, ChannelRegistry, OutboundRequest, SendResult } from '../adapter.js';
import { ReclameAquiClient, type ReclameAquiClientOptions } from './client.js';
import { interactionExternalId } from './tickets.js';

export const NOT_A_COMPLAINT = 'Esta conversa não tem uma reclamação do Reclame Aqui para responder.';
export const NO_CONSUMER_EMAIL = 'O consumidor não tem e-mail no Reclame Aqui: a mensagem privada não pode ser enviada. Responda publicamente.';

/**
 * One Reclame Aqui company (`kind: "reclameaqui"`, issue 12). HugMe has no webhooks: complaints
 * come in through the poll job (poller.ts), which finds this adapter through the registry and
 * uses its client; a scripted adapter registered in its place (tests) is simply not polled.
 */
export class ReclameAquiAdapter implements ChannelAdapter {
  readonly kind = 'reclameaqui' as const;
  readonly idempotentSends = false;
  readonly client: ReclameAquiClient;
  /** Seconds between polls, as the account's settings say (validated on save). */
  readonly pollSeconds: number;

  constructor(account: ChannelAccountDoc, options: ReclameAquiClientOptions = {}) {
    const settings = account.settings ?? {};
    this.client = new ReclameAquiClient({
      apiBaseUrl: settings.apiBaseUrl ?? '', clientId: settings.clientId ?? '', clientSecret: settings.clientSecret ?? '',
    }, options);
    const seconds = Number(settings.pollSeconds);
    this.pollSeconds = Number.isInteger(seconds) && seconds >= RECLAME_AQUI_POLL.minSeconds
      ? Math.min(seconds, RECLAME_AQUI_POLL.maxSeconds)
      : RECLAME_AQUI_POLL.defaultSeconds;
  }

  /**
   * An agent's answer (R-CH-07): public on the complaint's page, or a private message to the
   * consumer's e-mail with at most one file (the core refused anything else at queue time).
   */
  async send(request: OutboundRequest): Promise<SendResult> {
    const { conversation, message, contact } = request;
    const ticketId = conversation.channelMeta[RA_META.complaintId];
    if (!ticketId) throw new PermanentFailure(NOT_A_COMPLAINT);
    if (message.visibility === 'public') {
      const sent = await this.client.answerPublicly(ticketId, message.text);
      // "Solicitar avaliação" may follow at once, without waiting for the next poll to see this answer.
      const channelMeta = { [RA_META.lastPublicBy]: 'company', [RA_META.lastPublicAt]: new Date().toISOString(), [RA_META.answeredPublicly]: 'true' };
      return { externalId: sent.interactionId && interactionExternalId(sent.interactionId), status: 'sent', channelMeta };
    }
    if (!contact.email) throw new PermanentFailure(NO_CONSUMER_EMAIL);
    const attachment = message.attachments[0];
    const file = attachment && {
      bytes: await request.readMedia(attachment), mimeType: attachment.mimeType, name: attachment.name || 'arquivo',
    };
    const sent = await this.client.messagePrivately(ticketId, message.text, contact.email, file);
    return { externalId: sent.interactionId && interactionExternalId(sent.interactionId), status: 'sent' };
  }

  testConnection(): Promise<ChannelTestResponse> {
    return this.client.testConnection();
  }
}

/**
 * An enabled Reclame Aqui account and its HugMe adapter, for the work that calls HugMe outside a
 * send (polling, commands, reputation); undefined for any other account, a disabled one, or a
 * test's scripted stand-in registered in the adapter's place.
 */
export async function reclameAquiAccount(
  accounts: Pick<ChannelAccounts, 'find'>, registry: ChannelRegistry, accountId: string,
): Promise<{ account: ChannelAccountDoc; adapter: ReclameAquiAdapter } | undefined> {
  const account = await accounts.find(accountId);
  if (!account || account.kind !== 'reclameaqui' || !isEnabled(account)) return undefined;
  const adapter = registry.forAccount(account);
  return adapter instanceof ReclameAquiAdapter ? { account, adapter } : undefined;
}
