import { hasWebhook, webhookPathOf, type ChannelAccountView, type ChannelKind } from '@atende/protocol';

/**
 * Where an upstream service posts a channel's events. The server answers it only when it knows
 * its public address (ATENDE_PUBLIC_URL); without one the admin still sees the address this
 * server has here (the app's own origin), marked as not reachable by Meta, instead of nothing.
 */
export interface WebhookAddress {
  url: string;
  /** false: built from the app's origin, which Meta cannot reach (no ATENDE_PUBLIC_URL). */
  public: boolean;
}

export function webhookAddress(account: Pick<ChannelAccountView, 'id' | 'kind' | 'webhookUrl'>, origin: string): WebhookAddress | null {
  if (!hasWebhook(account.kind)) return null;
  if (account.webhookUrl) return { url: account.webhookUrl, public: true };
  // The server's path, on the address the app talks to.
  return { url: origin.replace(/\/+$/, '') + webhookPathOf(account.kind, account.id), public: false };
}

/** The title over what to do upstream after saving: Meta's webhook, Telegram's bot, or Reclame Aqui's account (nothing to paste). */
export function setupTitleOf(t: (key: string) => string, kind: ChannelKind | undefined): string {
  if (kind === 'telegram') return t('admin.setup.telegramTitle');
  if (kind === 'reclameaqui') return t('admin.setup.reclameaquiTitle');
  return t('admin.setup.title');
}
