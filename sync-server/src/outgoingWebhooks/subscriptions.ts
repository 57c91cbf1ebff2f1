import { notFound, ulid, WEBHOOK_PREFIX, type CreateWebhookBody, type UpdateWebhookBody } from '@atende/protocol';
import { updateDoc, type DocStore } from '../store/index.js';
import type { TargetGuard } from './targetGuard.js';
import { isLiveWebhook, WEBHOOK_DOC_TYPE, type WebhookDoc } from './types.js';

const LIST_LIMIT = 200;
/**
 * Webhooks by type: the event feed lists them for every page it reads, so the query must not scan
 * the store. Only webhook documents have `activeSince`, so the index holds nothing else.
 */
export const WEBHOOK_INDEX = 'idx-outgoing-webhook';

/** A new webhook's document (the demo seed may call `Subscriptions.create` with the same body). */
export function webhookDoc(body: CreateWebhookBody, now: number, key: string = ulid(now)): WebhookDoc {
  return {
    _id: `${WEBHOOK_PREFIX}${key}`, type: WEBHOOK_DOC_TYPE, url: body.url, events: body.events, secret: body.secret,
    enabled: body.enabled, activeSince: now, createdAt: now, updatedAt: now,
  };
}

/** The admin's subscriptions (R-RT-05): every address checked against the target guard before it is stored. */
export class Subscriptions {
  constructor(
    private readonly store: DocStore,
    private readonly guard: TargetGuard,
  ) {}

  async prepare(): Promise<void> {
    await this.store.ensureIndex(WEBHOOK_INDEX, ['type', 'activeSince']);
  }

  /** Every webhook not removed, oldest first. */
  async list(): Promise<WebhookDoc[]> {
    const selector = { type: WEBHOOK_DOC_TYPE, activeSince: { $gte: 0 } };
    const found = await this.store.find({ selector, limit: LIST_LIMIT, useIndex: WEBHOOK_INDEX });
    return found.filter(isLiveWebhook).sort((a, b) => a.createdAt - b.createdAt || a._id.localeCompare(b._id));
  }

  async find(id: string): Promise<WebhookDoc | undefined> {
    if (!id.startsWith(WEBHOOK_PREFIX)) return undefined;
    const doc = await this.store.get(id, { fresh: true });
    return isLiveWebhook(doc) ? doc : undefined;
  }

  async create(body: CreateWebhookBody): Promise<WebhookDoc> {
    this.guard.assertAllowed(body.url);
    const doc = webhookDoc(body, Date.now());
    const [result] = await this.store.bulkWrite([doc]);
    if (!result?.ok) throw new Error(`write ${doc._id}: ${result?.reason ?? 'no result'}`);
    return { ...doc, _rev: result.rev };
  }

  async update(id: string, body: UpdateWebhookBody): Promise<WebhookDoc> {
    if (body.url !== undefined) this.guard.assertAllowed(body.url);
    if (!(await this.find(id))) throw notFound('webhook');
    const { doc } = await updateDoc<WebhookDoc>(this.store, id, (current) => {
      if (!isLiveWebhook(current)) throw notFound('webhook');
      const now = Date.now();
      const next: WebhookDoc = { ...current, updatedAt: now };
      if (body.url !== undefined) next.url = body.url;
      if (body.events !== undefined) next.events = body.events;
      if (body.secret !== undefined) next.secret = body.secret;
      if (body.enabled !== undefined) {
        // Events that happened while it was off are not sent afterwards.
        if (body.enabled && !current.enabled) next.activeSince = now;
        next.enabled = body.enabled;
      }
      return next;
    });
    if (!isLiveWebhook(doc)) throw notFound('webhook');
    return doc;
  }

  /** Kept as removed (its pending deliveries find it gone and stop). */
  async remove(id: string): Promise<void> {
    const { written } = await updateDoc<WebhookDoc>(this.store, id, (current) =>
      isLiveWebhook(current) ? { ...current, enabled: false, removed: true, updatedAt: Date.now() } : undefined,
    );
    if (!written) throw notFound('webhook');
  }
}
