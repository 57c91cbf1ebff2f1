import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { QUEUED_EVENT_JOB } from '../src/conversations/events.js';
import { newJob } from '../src/jobs/index.js';
import { createLogger, lineLogger } from '../src/observability/logger.js';
import { redactedUrl } from '../src/observability/requests.js';
import { DelegatingStore } from '../src/store/delegate.js';
import { openStore, type FindQuery, type StoredDoc } from '../src/store/index.js';
import { startEntryPoint } from './entryPoint.js';
import { startTestServer } from './helpers.js';

/**
 * Issue 14 review of R-OPS-05: what the access log, /metrics and its door still got wrong.
 */

/** What a logger wrote, one parsed JSON object per line. */
class LogCapture {
  readonly raw: string[] = [];
  write(line: string): void {
    this.raw.push(line);
  }
  get lines(): Array<Record<string, unknown>> {
    return this.raw.join('').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
  }
  get text(): string {
    return this.raw.join('');
  }
}

/** The value of one sample line of the Prometheus text. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** Shaped like a signed media link's token (payload.signature), so a leak would be visible. */
const MEDIA_TOKEN = 'eyJtZWRpYSI6Im1lZGlhOmFiYyIsImV4cCI6OTk5OTk5OTk5OX0.c2lnbmF0dXJlLW9mLXRoZS1saW5r';

describe('R-OPS-05 access log: credentials in the path', () => {
  it('R-OPS-05 a signed media link (/channels/media/:token) is logged with its token masked, the route pattern beside it', async () => {
    const capture = new LogCapture();
    const server = await startTestServer({ ATENDE_LOG_LEVEL: 'info' }, { log: undefined, logDestination: capture });
    try {
      expect((await fetch(`${server.url}/channels/media/${MEDIA_TOKEN}`)).status).toBe(404);
      expect((await fetch(`${server.url}/channels/media/${MEDIA_TOKEN}?download=1`)).status).toBe(404);
      // A trailing slash still matches the route, but the path no longer lines up with the pattern segment by segment.
      expect((await fetch(`${server.url}/channels/media/${MEDIA_TOKEN}/`)).status).toBe(404);
      const media = capture.lines.filter((line) => line.route === '/channels/media/:token');
      expect(media.map((line) => (line.req as { url?: string }).url)).toEqual([
        '/channels/media/[Redacted]',
        '/channels/media/[Redacted]?download=1',
        '/channels/media/:token',
      ]);
      expect(capture.text).not.toContain(MEDIA_TOKEN);
      expect(capture.text).not.toContain('c2lnbmF0dXJl');
    } finally {
      await server.close();
    }
  });

  it('R-OPS-05 only route parameters named like credentials are masked; ids and other paths are logged as they are', () => {
    expect(redactedUrl('/api/conversations/conversation:1/messages', '/api/conversations/:id/messages')).toBe('/api/conversations/conversation:1/messages');
    expect(redactedUrl('/channels/media/abc.def', '/channels/media/:token')).toBe('/channels/media/[Redacted]');
    expect(redactedUrl('/x/abc/y/def', '/x/:apiKey/y/:id')).toBe('/x/[Redacted]/y/def');
    expect(redactedUrl('/files/a/b/c', '/files/*secret')).toBe('/files/*secret');
    expect(redactedUrl('/api/webchat/messages?token=t0k3n&x=1')).toBe('/api/webchat/messages?token=[Redacted]&x=1');
    expect(redactedUrl('/demo/index.html', undefined)).toBe('/demo/index.html');
  });

  it('R-OPS-05 a path under /channels/media/<token> that matches no route is logged with the token masked all the same', () => {
    // Before the fix a path no route serves was logged as typed, the signed link's token with it.
    expect(redactedUrl(`/channels/media/${MEDIA_TOKEN}/x`, undefined)).toBe('/channels/media/[Redacted]/x');
    expect(redactedUrl(`/channels/media/${MEDIA_TOKEN}/x?download=1`, 'unmatched')).toBe('/channels/media/[Redacted]/x?download=1');
  });

  it('R-OPS-05 a sentence quoting a signed media link (a Graph API error in a job\'s lastError) is logged with the token masked', () => {
    const capture = new LogCapture();
    const log = lineLogger(createLogger({ level: 'info', nodeId: 'n1', destination: capture }));
    log(`jobs: job:send.m1 attempt 1 failed, retry at 2026-01-01T00:00:00.000Z: (#100) Failed to fetch https://atende.example/channels/media/${MEDIA_TOKEN}, check the URL`);
    expect(capture.text).not.toContain(MEDIA_TOKEN);
    expect(capture.lines[0]?.msg).toContain('https://atende.example/channels/media/[Redacted], check the URL');
  });
});

describe('R-OPS-05 log levels', () => {
  it('R-OPS-05 a module\'s sentence is info, a failure or a forced shutdown warn, a route\'s unexpected exception error', () => {
    const capture = new LogCapture();
    const log = lineLogger(createLogger({ level: 'info', nodeId: 'n', destination: capture }));
    log('shutdown: drained');
    log('telegram: send failed: 502');
    log('shutdown: not drained within 500 ms (1 request(s) in flight, 0 socket(s) open); forcing');
    log('internal error: TypeError: x is undefined');
    expect(capture.lines.map((line) => line.level)).toEqual(['info', 'warn', 'warn', 'error']);
  });
});

describe('R-OPS-05 the entry point\'s lines', () => {
  it('R-OPS-05 the drain\'s lines are JSON in the server\'s log stream; the start-up banner stays plain', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'atende-entry-'));
    try {
      const server = await startEntryPoint({ dataDir, env: { ATENDE_SIMULATORS: '0', ATENDE_WHATSAPP_SIMULATOR: '0' } });
      expect(await server.stop()).toBe(0);
      const lines = server.output.split('\n').filter(Boolean);
      // Plain banner lines, for people starting the server by hand.
      expect(lines).toContain(`Ready: ${server.url}`);
      expect(lines.some((line) => line.startsWith('Atende sync server on '))).toBe(true);
      const shutdown = lines.slice(lines.indexOf(`Ready: ${server.url}`) + 1).filter((line) => /SIGTERM|shutdown/.test(line));
      expect(shutdown.length).toBeGreaterThanOrEqual(2);
      // The shutdown's lines are in the JSON log a shipper reads, not plain text in the middle of it.
      const json = shutdown.map((line) => JSON.parse(line) as { level?: string; msg?: string });
      expect(json.map((line) => line.msg)).toEqual(expect.arrayContaining([expect.stringMatching(/^SIGTERM: draining/), 'shutdown: drained']));
      expect(json.find((line) => line.msg === 'shutdown: drained')?.level).toBe('info');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('R-OPS-05 /metrics behind a reverse proxy', () => {
  it('R-OPS-05 with ATENDE_TRUST_PROXY and no ATENDE_METRICS_TOKEN /metrics is closed even to a local caller, and the start-up log says why', async () => {
    const capture = new LogCapture();
    // nginx's plain proxy_pass adds no X-Forwarded-For: its requests look exactly like this local one.
    const server = await startTestServer({ ATENDE_LOG_LEVEL: 'warn', ATENDE_TRUST_PROXY: '127.0.0.1' }, { log: undefined, logDestination: capture });
    try {
      const reply = await fetch(`${server.url}/metrics`);
      expect(reply.status).toBe(404);
      expect(await reply.text()).not.toContain('atende_');
      const warning = capture.lines.find((line) => String(line.msg).includes('/metrics is closed'));
      expect(warning?.level).toBe('warn');
      expect(String(warning?.msg)).toContain('ATENDE_METRICS_TOKEN');
    } finally {
      await server.close();
    }
  });

  it('R-OPS-05 with ATENDE_TRUST_PROXY and ATENDE_METRICS_TOKEN the token opens /metrics', async () => {
    const token = 'metrics-token-behind-proxy';
    const server = await startTestServer({ ATENDE_TRUST_PROXY: '127.0.0.1', ATENDE_METRICS_TOKEN: token });
    try {
      expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
      const allowed = await fetch(`${server.url}/metrics`, { headers: { Authorization: `Bearer ${token}`, 'X-Forwarded-For': '203.0.113.9' } });
      expect(allowed.status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

/** Adds up how many bytes of documents `find` handed over while `counting`. */
class MeasuredStore extends DelegatingStore {
  counting = false;
  bytes = 0;
  override async find(query: FindQuery): Promise<StoredDoc[]> {
    const docs = await super.find(query);
    if (this.counting) this.bytes += JSON.stringify(docs).length;
    return docs;
  }
}

describe('R-OPS-05 /metrics series', () => {
  it('R-OPS-05 job failure series exist at 0 for every registered kind before any failure', async () => {
    const server = await startTestServer();
    try {
      server.jobs.register('obs-never-fails', async () => {});
      const text = await (await fetch(`${server.url}/metrics`)).text();
      for (const kind of [QUEUED_EVENT_JOB, 'obs-never-fails']) {
        expect(sample(text, `atende_job_failures_total{kind="${kind}",outcome="retry"}`), kind).toBe(0);
        expect(sample(text, `atende_job_failures_total{kind="${kind}",outcome="dead"}`), kind).toBe(0);
      }
    } finally {
      await server.close();
    }
  });

  it('R-OPS-05 a scrape counts dead jobs without reading their payloads', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'atende-metrics-'));
    const store = new MeasuredStore(await openStore({ driver: 'embedded', dataDir }));
    const server = await startTestServer({ ATENDE_DATA_DIR: dataDir }, { store });
    try {
      const dead = 30;
      const payload = { upstreamAnswer: 'x'.repeat(20_000) };
      await server.store.bulkWrite(Array.from({ length: dead }, (_, i) => ({ ...newJob('obs-heavy', `k${i}`, payload), state: 'dead' as const })));
      store.counting = true;
      const text = await (await fetch(`${server.url}/metrics`)).text();
      store.counting = false;
      expect(sample(text, 'atende_job_queue_depth{state="dead"}')).toBe(dead);
      // Ids only: a few kilobytes, where the documents themselves are 600 kB.
      expect(store.bytes).toBeLessThan(dead * 1_000);
    } finally {
      await server.close();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
