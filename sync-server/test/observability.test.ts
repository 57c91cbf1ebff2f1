import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newJob, PermanentFailure } from '../src/jobs/index.js';
import { createLogger, lineLogger } from '../src/observability/logger.js';
import { readiness } from '../src/observability/health.js';
import { DelegatingStore } from '../src/store/delegate.js';
import { openStore, type DocStore, type GetOptions, type StoredDoc } from '../src/store/index.js';
import { call, clientId, FrameClient, login, newVisitor, startTestServer, visitorSays, type TestServer } from './helpers.js';

/** What a logger wrote, one parsed JSON object per line (a line that is not JSON fails the test). */
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

const PASSWORD = 'atende123';
const SECRET_TEXT = 'meu cartão é 4111 1111 1111 1111';

describe('R-OPS-05 structured logs', () => {
  it('R-OPS-05 the logger writes JSON lines and masks credentials and what people wrote, in objects and in sentences', () => {
    const capture = new LogCapture();
    const logger = createLogger({ level: 'info', nodeId: 'node-a', destination: capture });
    logger.info({ password: PASSWORD, user: { token: 'tok-123456', accessToken: 'acc-123456' }, req: { headers: { authorization: 'Bearer abc.def' } }, message: { text: SECRET_TEXT } }, 'login');
    const log = lineLogger(logger);
    log('telegram: call to https://api.example/bot?token=bot-987654 failed with {"text":"olá cliente","password":"pw-555"} Bearer eyJ.abc.def');
    log('index warmer: 3 indexes built');

    const [object, failure, news] = capture.lines;
    expect(object).toMatchObject({ level: 'info', node: 'node-a', msg: 'login', password: '[Redacted]' });
    expect(object?.user).toEqual({ token: '[Redacted]', accessToken: '[Redacted]' });
    expect(failure?.level).toBe('warn');
    expect(news?.level).toBe('info');
    for (const secret of [PASSWORD, 'tok-123456', 'acc-123456', 'abc.def', SECRET_TEXT, 'bot-987654', 'olá cliente', 'pw-555', 'eyJ.abc.def']) {
      expect(capture.text).not.toContain(secret);
    }
  });

  it('R-OPS-05 at debug level an operator chasing a problem sees message text, never credentials', () => {
    const capture = new LogCapture();
    createLogger({ level: 'debug', nodeId: 'n', destination: capture }).debug({ text: 'olá', token: 'tok-123456' }, 'frame');
    expect(capture.lines[0]).toMatchObject({ text: 'olá', token: '[Redacted]' });
  });

  it('R-OPS-05 every request is one JSON line with method, route pattern, status, duration and request id; no password, token or message text', async () => {
    const capture = new LogCapture();
    const server = await startTestServer({ ATENDE_LOG_LEVEL: 'info' }, { log: undefined, logDestination: capture });
    try {
      const session = await login(server, 'ana@demo.local', PASSWORD);
      const visitor = await newVisitor(server);
      await visitorSays(server, visitor, SECRET_TEXT);
      const transcript = await call(server, 'GET', `/api/webchat/messages?token=${visitor.token}`, { token: visitor.token });
      expect(transcript.status).toBe(200);
      const reply = await call(server, 'GET', `/api/conversations/conversation:nope-${clientId()}/messages`, { token: session.accessToken });
      expect(reply.status).toBe(404);

      const requests = capture.lines.filter((line) => line.req !== undefined);
      const loginLine = requests.find((line) => line.route === '/api/auth/login');
      expect(loginLine).toMatchObject({ level: 'info', req: { method: 'POST', url: '/api/auth/login' }, res: { status: 200 } });
      expect(typeof loginLine?.ms).toBe('number');
      expect(String((loginLine?.req as { id?: unknown }).id)).toMatch(/^[0-9a-f-]{36}$/);
      // The pattern, not the id: one series and one log shape per route.
      expect(requests.find((line) => (line.res as { status?: number }).status === 404)?.route).toBe('/api/conversations/:id/messages');
      const transcriptLine = requests.find((line) => String((line.req as { url?: string }).url).startsWith('/api/webchat/messages?'));
      expect((transcriptLine?.req as { url?: string }).url).toBe('/api/webchat/messages?token=[Redacted]');
      for (const secret of [PASSWORD, session.accessToken, session.refreshToken, visitor.token, SECRET_TEXT]) {
        expect(capture.text).not.toContain(secret);
      }
    } finally {
      await server.close();
    }
  });
});

describe('R-OPS-05 readiness', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('R-OPS-05 /api/health is live and /api/ready answers 200 while store and bus answer', async () => {
    expect((await call(server, 'GET', '/api/health')).body).toMatchObject({ ok: true, store: 'embedded' });
    const ready = await call(server, 'GET', '/api/ready');
    expect(ready).toEqual({ status: 200, body: { ready: true } });
  });

  it('R-OPS-05 a draining node is not ready, so the load balancer moves traffic before it stops', async () => {
    expect(await readiness({ store: server.store, bus: server.bus, isDraining: () => true })).toEqual({ ready: false, reasons: ['draining'] });
    expect(await readiness({ store: server.store, bus: server.bus, isDraining: () => false })).toEqual({ ready: true, reasons: [] });
  });

  it('R-OPS-05 /api/ready answers 503 with the reason when the store is closed (reads fail) or hangs', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'atende-ready-'));
    const store = new ClosableStore(await openStore({ driver: 'embedded', dataDir }));
    const borrowing = await startTestServer({ ATENDE_DATA_DIR: dataDir }, { store });
    try {
      expect((await call(borrowing, 'GET', '/api/ready')).status).toBe(200);
      store.closed = true;
      const down = await call(borrowing, 'GET', '/api/ready');
      expect(down).toEqual({ status: 503, body: { ready: false, reasons: ['store_unreachable'] } });
      // Live still: the process serves, it is the store that does not.
      expect((await call(borrowing, 'GET', '/api/health')).status).toBe(200);
      store.closed = false;
      expect((await call(borrowing, 'GET', '/api/ready')).status).toBe(200);
      // A store that never answers (a hung CouchDB) does not hang the probe.
      const hung = { get: () => new Promise<undefined>(() => undefined) };
      expect(await readiness({ store: hung, bus: borrowing.bus, isDraining: () => false, timeoutMs: 20 })).toEqual({ ready: false, reasons: ['store_unreachable'] });
    } finally {
      await borrowing.close();
      await store.underlying().close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

/** A store whose reads fail as a closed PouchDB's do, while `closed` is set. */
class ClosableStore extends DelegatingStore {
  closed = false;
  override get(id: string, options?: GetOptions): Promise<StoredDoc | undefined> {
    return this.closed ? Promise.reject(new Error('database is closed')) : super.get(id, options);
  }
  underlying(): DocStore {
    return this.inner;
  }
}

/** The value of one sample line of the Prometheus text, e.g. `atende_websocket_connections{kind="agent"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('R-OPS-05 Prometheus metrics', () => {
  it('R-OPS-05 /metrics shows request latency by route pattern, open sockets, job queue depth and failures, replication lag and process metrics', async () => {
    const server = await startTestServer();
    try {
      const session = await login(server, 'ana@demo.local');
      const agent = await FrameClient.agent(server, session.accessToken);
      const visitor = await newVisitor(server);
      const visitorSocket = await FrameClient.visitor(server, visitor.token);
      const streamed = agent.next((f) => f.type === 'sync.docs' && f.collection === 'messages');
      await visitorSays(server, visitor, 'olá');
      await streamed;
      await call(server, 'GET', `/api/conversations/conversation:x-${clientId()}/messages`, { token: session.accessToken });

      const reply = await fetch(`${server.url}/metrics`);
      expect(reply.status).toBe(200);
      expect(reply.headers.get('content-type')).toContain('text/plain');
      const text = await reply.text();
      expect(sample(text, 'atende_http_request_duration_seconds_count{method="POST",route="/api/auth/login",status="200"}')).toBe(1);
      expect(sample(text, 'atende_http_request_duration_seconds_count{method="GET",route="/api/conversations/:id/messages",status="404"}')).toBe(1);
      expect(text).not.toMatch(/route="[^"]*conversation:x-/);
      expect(sample(text, 'atende_websocket_connections{kind="agent"}')).toBe(1);
      expect(sample(text, 'atende_websocket_connections{kind="visitor"}')).toBe(1);
      for (const state of ['pending', 'running', 'dead']) {
        expect(sample(text, `atende_job_queue_depth{state="${state}"}`)).toBeGreaterThanOrEqual(0);
      }
      expect(text).toContain('# TYPE atende_job_failures_total counter');
      expect(sample(text, 'atende_replication_lag_seconds_count')).toBeGreaterThanOrEqual(1);
      expect(text).toContain('process_cpu_user_seconds_total');
      expect(text).toContain('nodejs_eventloop_lag_seconds');
      agent.close();
      visitorSocket.close();
    } finally {
      await server.close();
    }
  });

  it('R-OPS-05 a failing job is counted by kind and outcome, and a dead one shows in the queue depth', async () => {
    const server = await startTestServer();
    try {
      let attempts = 0;
      server.jobs.register('obs-flaky', async (_job, { attempt }) => {
        attempts = attempt;
        if (attempt === 1) throw new Error('upstream timed out');
        throw new PermanentFailure('upstream refused the request');
      }, { policy: { baseDelayMs: 1, maxDelayMs: 1 } });
      await server.store.bulkWrite([newJob('obs-flaky', 'one', {})]);
      await server.jobs.idle();
      expect(attempts).toBe(2);
      const text = await (await fetch(`${server.url}/metrics`)).text();
      expect(sample(text, 'atende_job_failures_total{kind="obs-flaky",outcome="retry"}')).toBe(1);
      expect(sample(text, 'atende_job_failures_total{kind="obs-flaky",outcome="dead"}')).toBe(1);
      expect(sample(text, 'atende_job_queue_depth{state="dead"}')).toBeGreaterThanOrEqual(1);
    } finally {
      await server.close();
    }
  });

  it('R-OPS-05 without ATENDE_METRICS_TOKEN only this machine may read /metrics: a request through a proxy gets 404', async () => {
    const server = await startTestServer();
    try {
      const proxied = await fetch(`${server.url}/metrics`, { headers: { 'X-Forwarded-For': '203.0.113.9' } });
      expect(proxied.status).toBe(404);
      expect(await proxied.text()).not.toContain('atende_');
    } finally {
      await server.close();
    }
  });

  it('R-OPS-05 with ATENDE_METRICS_TOKEN /metrics needs that bearer token', async () => {
    const token = 'metrics-token-0123456789';
    const server = await startTestServer({ ATENDE_METRICS_TOKEN: token });
    try {
      expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
      expect((await fetch(`${server.url}/metrics`, { headers: { Authorization: 'Bearer metrics-token-0123456788' } })).status).toBe(401);
      const session = await login(server, 'admin@demo.local');
      // A user's session is not the metrics token.
      expect((await fetch(`${server.url}/metrics`, { headers: { Authorization: `Bearer ${session.accessToken}` } })).status).toBe(401);
      const allowed = await fetch(`${server.url}/metrics`, { headers: { Authorization: `Bearer ${token}` } });
      expect(allowed.status).toBe(200);
      expect(await allowed.text()).toContain('atende_http_request_duration_seconds');
    } finally {
      await server.close();
    }
  });
});
