import { describe, expect, it } from 'vitest';
import type { MessageStatus } from '../src/index.js';
import { advanceStatus, applyUpstreamReport, canResend, MessageStatus as MessageStatusSchema, preferMessage, statusRank } from '../src/index.js';

const ORDER: MessageStatus[] = ['queued', 'failed', 'sent', 'delivered', 'read'];
const pairs = ORDER.flatMap((a) => ORDER.map((b) => [a, b] as const));

const message = (status: MessageStatus, updatedAt = 100, extra: Record<string, string> = {}) =>
  ({ id: 'message:m1', status, updatedAt, error: null as string | null, ...extra });

describe('message status', () => {
  it('R-WS-04 ranks queued < failed < sent < delivered < read, covering every status', () => {
    expect(ORDER.map(statusRank)).toEqual([0, 1, 2, 3, 4]);
    expect([...MessageStatusSchema.options].sort()).toEqual([...ORDER].sort());
  });

  it.each<[MessageStatus, MessageStatus, MessageStatus]>([
    ['queued', 'sent', 'sent'],
    ['sent', 'delivered', 'delivered'],
    ['delivered', 'read', 'read'],
    ['queued', 'read', 'read'], // a read receipt may arrive before the send is acknowledged
    ['read', 'sent', 'read'], // late 'sent' after 'read'
    ['delivered', 'failed', 'delivered'], // late 'failed' after 'delivered'
    ['queued', 'failed', 'failed'],
    ['failed', 'sent', 'sent'], // a retry that got through
    ['sent', 'queued', 'sent'],
    ['read', 'read', 'read'],
  ])('R-WS-04 %s + report %s → %s', (current, reported, want) => {
    expect(advanceStatus(current, reported)).toBe(want);
  });

  it.each(pairs)('R-WS-04 %s + %s never moves backwards', (current, reported) => {
    const after = advanceStatus(current, reported);
    expect(statusRank(after)).toBe(Math.max(statusRank(current), statusRank(reported)));
  });

  it('R-WS-04 applying reports in any order ends at the furthest status', () => {
    const reports: MessageStatus[] = ['read', 'sent', 'failed', 'delivered'];
    const orders = [reports, [...reports].reverse(), ['sent', 'read', 'delivered', 'failed'] as MessageStatus[]];
    for (const order of orders) expect(order.reduce(advanceStatus, 'queued' as MessageStatus)).toBe('read');
  });

  it.each<[MessageStatus, MessageStatus]>([
    ['sent', 'failed'], // accepted upstream, then undeliverable
    ['delivered', 'delivered'],
    ['read', 'read'],
    ['queued', 'failed'],
  ])('R-CH-03 an upstream failure report after %s gives %s', (current, want) => {
    expect(applyUpstreamReport(current, 'failed')).toBe(want);
  });

  it('R-CH-03 other upstream reports never move backwards', () => {
    for (const [current, reported] of pairs.filter(([, r]) => r !== 'failed')) {
      expect(applyUpstreamReport(current, reported)).toBe(advanceStatus(current, reported));
    }
  });

  it('R-OPS-02 only a failed message offers "Reenviar"', () => {
    expect(ORDER.filter(canResend)).toEqual(['failed']);
  });
});

describe('message conflict precedence', () => {
  it.each(pairs)('R-OPS-01 %s vs %s: the furthest status wins in either order', (a, b) => {
    const ma = message(a, 200);
    const mb = message(b, 100);
    const winner = preferMessage(ma, mb);
    expect(preferMessage(mb, ma)).toBe(winner);
    if (a !== b) expect(winner.status).toBe(statusRank(a) > statusRank(b) ? a : b);
    else expect(winner).toBe(ma); // same status: the later revision
  });

  it('R-OPS-01 the status outranks a later timestamp', () => {
    const delivered = message('delivered', 100);
    const lateFailure = message('failed', 900);
    expect(preferMessage(lateFailure, delivered)).toBe(delivered);
  });

  it('R-OPS-01 full ties resolve to one revision whatever the argument order', () => {
    const a = message('failed', 100, { error: 'rate limited' });
    const b = message('failed', 100, { error: 'timeout' });
    const winner = preferMessage(a, b);
    expect(preferMessage(b, a)).toBe(winner);
    expect(winner.error).toBe('timeout'); // the canonical order decides
  });
});
