import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers.js';

/** A browser's preflight: OPTIONS with the origin, method and headers it is about to use. */
function preflight(server: TestServer, route: string, origin: string, method = 'POST'): Promise<Response> {
  return fetch(server.url + route, {
    method: 'OPTIONS',
    headers: { Origin: origin, 'Access-Control-Request-Method': method, 'Access-Control-Request-Headers': 'authorization,content-type' },
  });
}

const CRM = 'https://crm.example.com';

describe('R-OPS-05 security headers and CORS policy', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ ATENDE_CORS_ORIGINS: `${CRM}, https://intranet.example.org:8443` });
  });
  afterAll(() => server.close());

  it('R-OPS-05 helmet headers are on every answer: the app page, API answers and errors', async () => {
    for (const route of ['/', '/api/health', '/api/nowhere']) {
      const reply = await fetch(server.url + route);
      const headers = reply.headers;
      expect(headers.get('x-content-type-options'), route).toBe('nosniff');
      expect(headers.get('referrer-policy'), route).toBe('no-referrer');
      expect(headers.get('x-frame-options'), route).toBe('SAMEORIGIN');
      // HSTS is the TLS-terminating proxy's to send (this server answers plain http).
      expect(headers.get('strict-transport-security'), route).toBeNull();
      expect(headers.get('cross-origin-resource-policy'), route).toBe('same-origin');
      expect(headers.get('x-powered-by'), route).toBeNull();
      const csp = headers.get('content-security-policy') ?? '';
      expect(csp, route).toContain("script-src 'self'");
      expect(csp, route).toContain("object-src 'none'");
      // The served web build shows fetched attachments as blob: URLs; the demo page runs on plain http.
      expect(csp, route).toContain('blob:');
      expect(csp, route).not.toContain('upgrade-insecure-requests');
      expect(headers.get('x-request-id'), route).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('R-CH-02 /widget.js may be loaded by any site with a plain <script> tag (Cross-Origin-Resource-Policy: cross-origin)', async () => {
    const reply = await fetch(`${server.url}/widget.js`);
    expect(reply.status).toBe(200);
    expect(reply.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(reply.headers.get('content-type')).toContain('javascript');
  });

  it('R-CH-02 the widget\'s routes answer a preflight from any site, without credentials', async () => {
    for (const route of ['/api/webchat/messages', '/api/webchat/demo-site/visitors', '/api/webchat/media']) {
      const reply = await preflight(server, route, 'https://shop.example.net');
      expect(reply.status, route).toBe(204);
      expect(reply.headers.get('access-control-allow-origin'), route).toBe('*');
      expect(reply.headers.get('access-control-allow-headers')?.toLowerCase(), route).toContain('authorization');
      expect(reply.headers.get('access-control-allow-credentials'), route).toBeNull();
    }
    const created = await fetch(`${server.url}/api/webchat/demo-site/visitors`, {
      method: 'POST', headers: { Origin: 'https://shop.example.net', 'Content-Type': 'application/json' }, body: '{}',
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('R-OPS-05 the agents\' API refuses a foreign site: its preflight gets no Access-Control-Allow-Origin', async () => {
    for (const route of ['/api/auth/login', '/api/conversations', '/api/sync/pull/messages']) {
      const reply = await preflight(server, route, 'https://evil.example.net');
      expect(reply.status, route).toBe(204);
      expect(reply.headers.get('access-control-allow-origin'), route).toBeNull();
    }
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST', headers: { Origin: 'https://evil.example.net', 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'ana@demo.local', password: 'atende123' }),
    });
    // Answered (CORS is the browser's check), but the browser will not hand it to the foreign page.
    expect(login.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('R-OPS-05 the agents\' API answers the desktop app, its own origin and ATENDE_CORS_ORIGINS', async () => {
    const own = new URL(server.url).origin;
    for (const origin of ['app://atende', own, CRM, 'https://intranet.example.org:8443']) {
      const reply = await preflight(server, '/api/conversations', origin);
      expect(reply.status, origin).toBe(204);
      expect(reply.headers.get('access-control-allow-origin'), origin).toBe(origin);
      expect(reply.headers.get('vary'), origin).toContain('Origin');
    }
    // Near misses are someone else.
    for (const origin of ['http://crm.example.com', 'https://crm.example.com.evil.net', 'app://atende:1']) {
      expect((await preflight(server, '/api/conversations', origin)).headers.get('access-control-allow-origin'), origin).toBeNull();
    }
  });
});
