import { RetryLater } from '../jobs/types.js';
import { UncertainSend } from './adapter.js';

const REQUEST_TIMEOUT_MS = 20_000;
/** Errors of a request that never left this machine: nothing reached the upstream. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/** The upstream could not be reached at all (refused, unresolved): nothing was sent, try again later. */
export class UpstreamUnreachable extends RetryLater {}

export interface UpstreamFetchOptions {
  /** Who the upstream is, as error messages name it ("WhatsApp", "Telegram sendMessage"). */
  label: string;
  fetcher?: typeof fetch;
  /**
   * The URL holds a credential (Telegram's bot token is in its path): the error then quotes only
   * the network error's code, as a failed fetch's message or cause may repeat the URL.
   */
  redactUrl?: boolean;
  timeoutMs?: number;
}

/**
 * One request to a channel's upstream with a time limit, its network errors turned into the job
 * queue's classes: unreachable (connection refused, host unknown) → `UpstreamUnreachable`
 * (a RetryLater: nothing went out); anything else (timeout, reset) → `UncertainSend`, as the
 * request may have reached the upstream. An HTTP answer of any status is returned as is.
 */
export async function upstreamFetch(url: string, init: RequestInit, options: UpstreamFetchOptions): Promise<Response> {
  const fetcher = options.fetcher ?? fetch;
  try {
    return await fetcher(url, { ...init, signal: AbortSignal.timeout(options.timeoutMs ?? REQUEST_TIMEOUT_MS) });
  } catch (error) {
    const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
    const known = typeof cause?.code === 'string' ? cause.code : undefined;
    if (known && NOT_SENT.has(known)) throw new UpstreamUnreachable(`${options.label} unreachable: ${known}`);
    // fetch refuses ports browsers block (e.g. 9, 25) before connecting: nothing was sent either.
    if (cause?.message === 'bad port') throw new UpstreamUnreachable(`${options.label} unreachable: bad port`);
    const detail = options.redactUrl ? (known ?? (error instanceof Error ? error.name : 'error')) : String(error);
    throw new UncertainSend(`${options.label} request interrupted: ${detail}`);
  }
}
