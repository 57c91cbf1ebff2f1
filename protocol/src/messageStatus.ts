import type { MessageStatus } from './documents.js';
import { preferLater, unreachable } from './lifecycle.js';

/**
 * Outbound message status (R-WS-04): queued → sent → delivered → read, or failed. Upstream reports
 * arrive late, twice and out of order, and cluster nodes can store conflicting revisions, so the
 * furthest status always wins.
 */

/** queued 0 < failed 1 < sent 2 < delivered 3 < read 4: a send that reached the customer outranks a failed attempt. */
export function statusRank(status: MessageStatus): number {
  switch (status) {
    case 'queued':
      return 0;
    case 'failed':
      return 1;
    case 'sent':
      return 2;
    case 'delivered':
      return 3;
    case 'read':
      return 4;
    default:
      return unreachable(status);
  }
}

/** The status after an upstream report; it never moves backwards. */
export function advanceStatus(current: MessageStatus, reported: MessageStatus): MessageStatus {
  return statusRank(reported) > statusRank(current) ? reported : current;
}

/**
 * The status after an upstream's delivery report: as `advanceStatus`, except that `failed` after
 * `sent` is applied — the upstream accepted the message and then could not deliver it (WhatsApp
 * 131026, an expired window…), which the agent must see with "Reenviar". After `delivered` or
 * `read` a failure is late and ignored.
 */
export function applyUpstreamReport(current: MessageStatus, reported: MessageStatus): MessageStatus {
  return reported === 'failed' && current === 'sent' ? 'failed' : advanceStatus(current, reported);
}

/** Winner between two revisions of one message: furthest status, then later `updatedAt`, then a stable order. */
export function preferMessage<T extends { status: MessageStatus; updatedAt: number; id: string }>(a: T, b: T): T {
  const byRank = statusRank(a.status) - statusRank(b.status);
  if (byRank !== 0) return byRank > 0 ? a : b;
  return preferLater(a, b);
}

/** Only a dead-lettered send offers "Reenviar"; the resend re-queues it as an explicit command. */
export const canResend = (status: MessageStatus): boolean => status === 'failed';
