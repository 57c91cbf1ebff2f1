import { PermanentFailure, RetryLater, type JobDoc, type JobRunner } from '../jobs/types.js';
import type { TelephonyConfig } from '../config/telephony.js';
import { CALL_JOB } from './service.js';

/** A call the service could not take within this long is dropped: a phone ringing minutes after the click surprises everyone. */
export const CALL_STALE_MS = 30_000;
const REQUEST_TIMEOUT_MS = 5_000;

/**
 * The `telephony-call` job (R-WS-16): POSTs `{extension, number, agentId}` to the click-to-call
 * service (bearer `ATENDE_TELEPHONY_TOKEN`). Retried briefly when the service is unreachable or
 * busy, never past CALL_STALE_MS; a refusal is final.
 */
export function registerTelephonyJobs(jobs: JobRunner, config: TelephonyConfig, options: { fetcher?: typeof fetch; now?: () => number } = {}): void {
  const now = options.now ?? Date.now;
  jobs.register(CALL_JOB, (job) => placeCall(job, config, now, options.fetcher), {
    policy: { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 5_000 },
  });
}

async function placeCall(job: JobDoc, config: TelephonyConfig, now: () => number, fetcher?: typeof fetch): Promise<void> {
  const { extension, number, agentId, at } = job.payload;
  if (now() - Number(at) > CALL_STALE_MS) throw new PermanentFailure('call dropped: too late to ring the extension');
  if (config.mode !== 'http' || !config.url) throw new PermanentFailure('click-to-call is not configured');
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (config.token) headers.authorization = `Bearer ${config.token}`;
  let response: Response;
  try {
    response = await (fetcher ?? fetch)(config.url, {
      method: 'POST', headers, body: JSON.stringify({ extension, number, agentId }), signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    throw new RetryLater(`click-to-call unreachable: ${error instanceof Error ? error.name : 'error'}`);
  }
  await response.body?.cancel();
  if (response.status === 429 || response.status >= 500) throw new RetryLater(`click-to-call answered HTTP ${response.status}`);
  if (!response.ok) throw new PermanentFailure(`click-to-call refused the call (HTTP ${response.status})`);
}
