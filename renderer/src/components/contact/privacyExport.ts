import { reactive } from 'vue';
import { API } from '@atende/protocol';
import { serverUrl } from '../../net/api';
import { call } from '../../net/client';
import type { ExportView } from './privacy';
import { runExport, type ExportPoll } from './privacyPoll';

/**
 * "Exportar dados do cliente" (R-PRIV-02): the job the server runs, followed by polling its status
 * until the ZIP is ready (or failed). Kept per contact outside any component, so switching the
 * contact panel's tab or closing the dialog does not lose a job still running.
 */

const realPoll: ExportPoll = {
  start: async (contactId) => (await call(API.privacyExport, { params: { id: contactId } })).jobId,
  status: (jobId) => call(API.privacyExportStatus, { params: { jobId } }),
  wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  // The page's origin on the web; the configured server in the desktop shell.
  server: serverUrl,
  now: () => Date.now(),
};

/**
 * The latest export of each contact, as shown, with who started it: a link is a capability, so on
 * a shared workstation the next user to sign in never sees the previous one's (nor its progress).
 * `generation` tells a replaced run to stop.
 */
const exports = reactive(new Map<string, { owner: string; view: ExportView; generation: number }>());
let generations = 0;

export function exportOf(contactId: string, userId: string | undefined): ExportView | undefined {
  const current = exports.get(contactId);
  return current && current.owner === userId ? current.view : undefined;
}

export function startExport(contactId: string, userId: string): Promise<void> {
  const generation = ++generations;
  const mine = () => exports.get(contactId)?.generation === generation;
  const show = (view: ExportView) => exports.set(contactId, { owner: userId, view, generation });
  show({ kind: 'starting' });
  return runExport(contactId, realPoll, (view) => mine() && show(view), () => !mine());
}

/** The one-time link was followed: it will not work again, so it is not offered again. */
export function exportDownloaded(contactId: string): void {
  const current = exports.get(contactId);
  if (current) exports.set(contactId, { ...current, view: { kind: 'downloaded' } });
}

/** Erasure: nothing of the contact's export stays on screen (a running poll stops). */
export function forgetExport(contactId: string): void {
  exports.delete(contactId);
}
