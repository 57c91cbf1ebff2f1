import type { ExportStatusResponse } from '@atende/protocol';
import { exportInProgress, exportViewOf, exportViewOfError, type ExportView } from './privacy';

/**
 * Following an export job (R-PRIV-02) until it settles, with its edges passed in (the calls, the
 * clock, the wait), so the sequence of views is tested without a server or real time.
 */
export interface ExportPoll {
  start: (contactId: string) => Promise<string>;
  status: (jobId: string) => Promise<ExportStatusResponse>;
  wait: (ms: number) => Promise<void>;
  server: () => string;
  now: () => number;
}

/** Between two status questions: quick at first (small exports take a second), then calmer. */
export const pollDelay = (attempt: number): number => Math.min(500 * 2 ** Math.min(attempt, 3), 4000);

/**
 * Starts an export and reports each view until it settles: starting → queued/running (or
 * retrying while the server is unreachable) → ready | failed | refused. `stopped` ends the loop
 * early (the user signed out, a new export replaced it).
 */
export async function runExport(contactId: string, poll: ExportPoll, show: (view: ExportView) => void, stopped: () => boolean = () => false): Promise<void> {
  show({ kind: 'starting' });
  let jobId: string;
  try {
    jobId = await poll.start(contactId);
  } catch (error) {
    const view = exportViewOfError(error);
    // Unlike a status question, a start that did not reach the server is not retried: it would start twice.
    show(view.kind === 'retrying' ? { kind: 'notStarted' } : view);
    return;
  }
  for (let attempt = 0; !stopped(); attempt++) {
    let view: ExportView;
    try {
      view = exportViewOf(await poll.status(jobId), poll.server(), poll.now());
    } catch (error) {
      view = exportViewOfError(error);
    }
    if (stopped()) return;
    show(view);
    if (!exportInProgress(view)) return;
    await poll.wait(pollDelay(attempt));
  }
}

