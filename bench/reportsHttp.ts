import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { ReportResponse } from '@atende/protocol';
import { loadConfig } from '../sync-server/src/config/config.js';
import { AuthService } from '../sync-server/src/auth/service.js';
import { randomToken, TokenSigner } from '../sync-server/src/auth/tokens.js';
import { buildApp, PUBLIC_DIR } from '../sync-server/src/http/app.js';
import { ReportQueries } from '../sync-server/src/reports/index.js';
import { reportRoutes } from '../sync-server/src/reports/routes.js';
import type { DocStore } from '../sync-server/src/store/index.js';

/**
 * `GET /api/reports/conversations` over loopback: the server's own app (buildApp) with the real
 * report routes and authentication (a signed token of the bench's admin, a session document), on
 * the bench's store. Not the whole startServer: its start-up builds every index over the million
 * documents first (the scope bench: ~4 min per 200,000), which says nothing about reports.
 */
export interface HttpReports {
  url: string;
  get(query: Record<string, string>): Promise<{ ms: number; report: ReportResponse }>;
  close(): Promise<void>;
}

export async function startReportsHttp(store: DocStore, timeZone: string): Promise<HttpReports> {
  const secret = randomToken(48);
  const config = loadConfig({ PORT: '0', ATENDE_LOG_LEVEL: 'silent', ATENDE_SECRET: secret, ATENDE_TIMEZONE: timeZone });
  const signer = new TokenSigner(secret);
  const auth = new AuthService(store, signer, config);
  const now = Date.now();
  const sid = `session:rb-admin-${now}`;
  const [written] = await store.bulkWrite([{ _id: sid, type: 'session', userId: 'user:rb-admin', refreshHash: 'bench', createdAt: now, expiresAt: now + 86_400_000, revokedAt: null }]);
  if (!written?.ok) throw new Error('reports bench: the admin session could not be written');
  const token = signer.sign({ kind: 'access', sub: 'user:rb-admin', sid, exp: Math.floor(now / 1000) + 86_400 });
  const app = buildApp({
    api: [['/api/reports', reportRoutes(new ReportQueries(store, timeZone), auth, timeZone)]],
    webDir: PUBLIC_DIR, health: () => ({}), log: () => undefined,
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    async get(query) {
      const started = performance.now();
      const res = await fetch(`${url}/api/reports/conversations?${new URLSearchParams(query)}`, { headers: { authorization: `Bearer ${token}` } });
      const body = await res.text();
      const ms = performance.now() - started;
      if (!res.ok) throw new Error(`reports bench: GET /api/reports/conversations ${res.status} ${body}`);
      return { ms, report: JSON.parse(body) as ReportResponse };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
