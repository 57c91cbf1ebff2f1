import { keyOf, notFound, WEBHOOK_LOG_SIZE, type WebhookDelivery } from '@atende/protocol';
import { isJobDoc, jobId } from '../jobs/types.js';
import { updateDoc, type DocStore } from '../store/index.js';
import { deliveryJob, payloadOf } from './deliveryJobs.js';
import { LOG_PREFIX, WEBHOOK_DELIVERY_JOB, type DeliveryLogDoc, type StoredDelivery } from './types.js';

const logId = (webhookId: string) => `${LOG_PREFIX}${keyOf(webhookId)}`;

/**
 * Each webhook's last attempts (R-RT-05 "delivery log"): one document per webhook holding the newest
 * WEBHOOK_LOG_SIZE attempts, so the log never grows past that however many events go out.
 */
export class DeliveryLog {
  constructor(private readonly store: DocStore) {}

  async record(webhookId: string, entry: StoredDelivery): Promise<void> {
    await updateDoc<DeliveryLogDoc>(this.store, logId(webhookId), (current) => ({
      _id: logId(webhookId),
      type: 'outgoingWebhookLog',
      webhookId,
      entries: [entry, ...(current?.entries ?? []).filter((e) => e.id !== entry.id)].slice(0, WEBHOOK_LOG_SIZE),
    }));
  }

  async list(webhookId: string): Promise<WebhookDelivery[]> {
    const doc = (await this.store.get(logId(webhookId), { fresh: true })) as DeliveryLogDoc | undefined;
    if (!doc || doc._deleted) return [];
    return doc.entries.map(({ jobId: _job, ...shown }) => shown);
  }

  /**
   * "Reenviar": a new delivery of the logged attempt's event — same event id and data, a job of its
   * own (retried like any other). The request's own id makes a repeated click a second resend,
   * as the admin asked twice.
   */
  async resend(webhookId: string, deliveryId: string, resendKey: string): Promise<void> {
    const doc = (await this.store.get(logId(webhookId), { fresh: true })) as DeliveryLogDoc | undefined;
    const entry = doc?.entries.find((e) => e.id === deliveryId);
    if (!entry) throw notFound('delivery');
    const original = await this.store.get(entry.jobId);
    if (!isJobDoc(original) || original.kind !== WEBHOOK_DELIVERY_JOB) throw notFound('delivery');
    const p = payloadOf(original);
    const job = deliveryJob({ _id: webhookId }, { id: p.eventId, event: p.event, at: p.createdAt, data: p.data }, resendKey);
    const [result] = await this.store.bulkWrite([job]);
    if (!result?.ok) throw new Error(`write ${jobId(WEBHOOK_DELIVERY_JOB, job.key)}: ${result?.reason ?? 'no result'}`);
  }
}
