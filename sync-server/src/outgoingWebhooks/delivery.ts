import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { ulid, WEBHOOK_SIGNATURE_HEADER, WEBHOOK_USER_AGENT, type WebhookEnvelope } from '@atende/protocol';
import { PermanentFailure, RetryLater, type JobContext, type JobDoc, type JobHandler } from '../jobs/types.js';
import type { DocStore } from '../store/index.js';
import { payloadOf } from './deliveryJobs.js';
import type { DeliveryLog } from './deliveryLog.js';
import type { TargetGuard } from './targetGuard.js';
import { isLiveWebhook } from './types.js';

export const DELIVERY_TIMEOUT_MS = 10_000;
/** What of the receiver's answer is read: its status says it all, the body only has to be drained. */
const ANSWER_BYTES_READ = 64 * 1024;

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`: the receiver recomputes it with the secret (README). */
export function signature(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

interface Answer {
  status: number | null;
  error: string | null;
}

/** One POST, no redirects followed (a 3xx is no delivery), bounded in time. */
function post(url: string, body: string, headers: Record<string, string>, guard: TargetGuard, signal: AbortSignal): Promise<Answer> {
  return new Promise((resolve) => {
    const target = new URL(url);
    const client = target.protocol === 'https:' ? https : http;
    const request = client.request(
      target,
      { method: 'POST', headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) }, signal, ...(guard.lookup ? { lookup: guard.lookup } : {}) },
      (res) => {
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > ANSWER_BYTES_READ) res.destroy();
        });
        res.on('close', () => resolve({ status: res.statusCode ?? null, error: null }));
        res.on('error', () => resolve({ status: res.statusCode ?? null, error: null }));
      },
    );
    request.on('error', (error) => resolve({ status: null, error: signal.aborted ? `no answer within ${DELIVERY_TIMEOUT_MS / 1000} s` : error.message }));
    request.end(body);
  });
}

/**
 * The delivery job (R-RT-05): POSTs the event to the webhook's current address, signed with its
 * current secret, and logs the attempt. A 2xx is delivered; anything else is retried by the job
 * policy with growing waits, carrying the same event id. A webhook removed or switched off
 * meanwhile receives nothing more.
 */
export function deliveryHandler(deps: { store: DocStore; log: DeliveryLog; guard: TargetGuard; timeoutMs?: number }): JobHandler {
  return async (job: JobDoc, context: JobContext) => {
    const p = payloadOf(job);
    const webhook = await deps.store.get(p.webhookId, { fresh: true });
    if (!isLiveWebhook(webhook) || !webhook.enabled) return;
    const envelope: WebhookEnvelope = { id: p.eventId, event: p.event, createdAt: p.createdAt, data: p.data };
    const body = JSON.stringify(envelope);
    const started = Date.now();
    const headers = {
      'Content-Type': 'application/json',
      'User-Agent': WEBHOOK_USER_AGENT,
      [WEBHOOK_SIGNATURE_HEADER]: signature(webhook.secret, body, Math.floor(started / 1000)),
    };
    // Saved while private targets were allowed, or an address literal no lookup would judge: checked again before each attempt.
    try {
      deps.guard.assertAllowed(webhook.url);
    } catch (refusal) {
      const error = refusal instanceof Error ? refusal.message : String(refusal);
      await deps.log.record(webhook._id, {
        id: ulid(), jobId: job._id, eventId: p.eventId, event: p.event, at: started, attempt: context.attempt,
        status: null, error, durationMs: 0, ok: false, resent: p.resent,
      });
      throw new PermanentFailure(error);
    }
    const signal = AbortSignal.any([context.signal, AbortSignal.timeout(deps.timeoutMs ?? DELIVERY_TIMEOUT_MS)]);
    const answer = await post(webhook.url, body, headers, deps.guard, signal);
    const ok = answer.status !== null && answer.status >= 200 && answer.status < 300;
    await deps.log.record(webhook._id, {
      id: ulid(), jobId: job._id, eventId: p.eventId, event: p.event, at: started, attempt: context.attempt,
      status: answer.status, error: answer.error, durationMs: Date.now() - started, ok, resent: p.resent,
    });
    if (!ok) throw new RetryLater(answer.error ?? `the receiver answered HTTP ${answer.status ?? '?'}`);
  };
}
