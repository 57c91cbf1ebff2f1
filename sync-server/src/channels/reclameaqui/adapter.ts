import { RECLAME_AQUI_POLL, type ChannelTestResponse } from '@atende/protocol';
import type { ChannelAccountDoc } from '../../channelAccounts/service.js';
import { PermanentFailure } from '../../jobs/types.js';
import type { ChannelAdapter, SendResult } from '../adapter.js';
import { ReclameAquiClient, type ReclameAquiClientOptions } from './client.js';

export const ANSWERS_NOT_YET = 'O Atende ainda não envia respostas ao Reclame Aqui.';

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

  /** Public answers and private messages come with the next part of issue 12. */
  send(): Promise<SendResult> {
    return Promise.reject(new PermanentFailure(ANSWERS_NOT_YET));
  }

  testConnection(): Promise<ChannelTestResponse> {
    return this.client.testConnection();
  }
}
