import { WebhookSender } from '../../whatsapp/simulator/webhookSender.js';
import { updateTypeOf, type WebhookSettings } from './botApiContract.js';

/**
 * The fake Bot API's webhook side: how Telegram pushes updates to the URL a bot registered with
 * setWebhook — with the secret header, retried with growing waits a bounded number of times,
 * only the update types the bot allowed. Every update delivered marks its chat as one that wrote
 * to the bot (a bot may only message users who started it).
 */
export interface WebhookBot {
  readonly webhook: WebhookSettings | null;
  knowChat(chatId: string): void;
}

const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

export class BotWebhook {
  private senders: WebhookSender[] = [];

  constructor(private readonly bot: WebhookBot, private readonly backoffMs?: readonly number[]) {}

  /** False when no webhook is set, the update's type is not among allowed_updates, or our server never accepted it. */
  async deliver(update: object): Promise<boolean> {
    const webhook = this.bot.webhook;
    if (!webhook) return false;
    const type = updateTypeOf(update);
    if (!type || (webhook.allowedUpdates.length > 0 && !webhook.allowedUpdates.includes(type))) return false;
    this.rememberChat(update);
    const sender = new WebhookSender({
      url: webhook.url, label: 'Telegram simulator',
      headers: (): Record<string, string> => (webhook.secretToken ? { [SECRET_HEADER]: webhook.secretToken } : {}),
      ...(this.backoffMs ? { backoffMs: this.backoffMs } : {}),
    });
    this.senders.push(sender);
    try {
      return await sender.deliver(update);
    } finally {
      this.senders = this.senders.filter((s) => s !== sender);
    }
  }

  /** One POST of an update with the given secret header (null/undefined: none), for tests of refusals. */
  deliverOnce(update: object, secretToken: string | null | undefined): Promise<Response> {
    const webhook = this.bot.webhook;
    if (!webhook) throw new Error('no webhook is set');
    this.rememberChat(update);
    return fetch(webhook.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(secretToken ? { [SECRET_HEADER]: secretToken } : {}) },
      body: JSON.stringify(update),
    });
  }

  /** Stops the retries still waiting (the fake is stopping). */
  stop(): void {
    for (const sender of this.senders) sender.stop();
    this.senders = [];
  }

  private rememberChat(update: object): void {
    const message = Object.values(update).find((v): v is { chat?: { id?: unknown } } => typeof v === 'object' && v !== null);
    if (message?.chat?.id !== undefined) this.bot.knowChat(String(message.chat.id));
  }
}
