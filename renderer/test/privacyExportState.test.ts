import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ExportStatusResponse } from '@atende/protocol';

/**
 * Issue 19 (R-PRIV-02): the desk keeps each contact's export while it is polled, so the panel's
 * tabs and the dialog can come and go; the link is a capability, so it is shown only to the user
 * who started the export, and an erased contact's export stops and disappears.
 */
const statuses: ExportStatusResponse[] = [];
const asked: string[] = [];
vi.mock('../src/net/api', () => ({ serverUrl: () => 'http://10.0.0.5:3000' }));
vi.mock('../src/net/client', () => ({
  call: async (endpoint: { path: string }, request: { params: Record<string, string> }) => {
    asked.push(`${endpoint.path} ${Object.values(request.params).join(',')}`);
    if (endpoint.path.endsWith('/export')) return { jobId: 'job1' };
    return statuses.length > 1 ? statuses.shift() : statuses[0];
  },
}));

const { exportDownloaded, exportOf, forgetExport, startExport } = await import('../src/components/contact/privacyExport');

afterEach(() => {
  statuses.length = 0;
  asked.length = 0;
  vi.useRealTimers();
});

describe('issue 19: an export followed on the desk (R-PRIV-02)', () => {
  it('R-PRIV-02 the ready link is the starter’s alone, absolute against the server, and not offered again once followed', async () => {
    statuses.push({ status: 'ready', downloadUrl: '/api/privacy/exports/job1/download?token=abcdefghijklmnopqrstuvwxyz', expiresAt: Date.now() + 3_600_000, size: 10 });
    await startExport('contact:maria', 'user:carla');
    expect(asked).toEqual(['/api/privacy/contacts/:id/export contact:maria', '/api/privacy/exports/:jobId job1']);
    expect(exportOf('contact:maria', 'user:carla')).toMatchObject({ kind: 'ready', url: 'http://10.0.0.5:3000/api/privacy/exports/job1/download?token=abcdefghijklmnopqrstuvwxyz' });
    // Someone else signed in at the same workstation: no link, no progress.
    expect(exportOf('contact:maria', 'user:admin')).toBeUndefined();
    expect(exportOf('contact:maria', undefined)).toBeUndefined();
    exportDownloaded('contact:maria');
    expect(exportOf('contact:maria', 'user:carla')).toEqual({ kind: 'downloaded' });
  });

  it('R-PRIV-03 an erased contact’s export in progress stops polling and is gone', async () => {
    vi.useFakeTimers();
    statuses.push({ status: 'queued' });
    const running = startExport('contact:lucia', 'user:carla');
    await vi.waitFor(() => expect(exportOf('contact:lucia', 'user:carla')).toEqual({ kind: 'working', status: 'queued' }));
    await vi.advanceTimersByTimeAsync(600);
    const polled = asked.length;
    expect(polled).toBeGreaterThanOrEqual(3);
    forgetExport('contact:lucia');
    await vi.advanceTimersByTimeAsync(20_000);
    await running;
    expect(exportOf('contact:lucia', 'user:carla')).toBeUndefined();
    // At most the question already on its way when it was forgotten.
    expect(asked.length).toBeLessThanOrEqual(polled + 1);
  });
});
