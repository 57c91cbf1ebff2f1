import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { protocol, resetElectron } from './fakes/electron';
import {
  contentSecurityPolicy,
  createAppFileHandler,
  findRendererDir,
  registerAppScheme,
  rendererDirCandidates,
  serveAppScheme,
} from '../src/main/appScheme';

vi.mock('electron', async () => (await import('./fakes/electron')).electron);

let base: string;
let root: string;
let serve: (request: Request) => Promise<Response>;
const get = (url: string, method = 'GET') => serve(new Request(url, { method }));

beforeAll(() => {
  base = mkdtempSync(path.join(tmpdir(), 'atende-scheme-'));
  root = path.join(base, 'renderer');
  mkdirSync(path.join(root, 'assets'), { recursive: true });
  writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>Atende</title>');
  writeFileSync(path.join(root, 'assets', 'index-abc.js'), 'console.log(1)');
  writeFileSync(path.join(root, 'assets', 'index-abc.css'), 'body{}');
  writeFileSync(path.join(base, 'secret.txt'), 'outside');
  symlinkSync(path.join(base, 'secret.txt'), path.join(root, 'assets', 'link.txt'));
  serve = createAppFileHandler({ root, serverUrl: () => 'https://atende.example.com:8443/base' });
});
afterAll(() => rmSync(base, { recursive: true, force: true }));
beforeEach(resetElectron);

describe('R-DT-01 app:// scheme', () => {
  it('is registered privileged (standard, secure, fetch) and never bypasses CSP', () => {
    registerAppScheme();
    const [schemes] = protocol.registerSchemesAsPrivileged.mock.calls[0] as unknown as [Array<{ scheme: string; privileges: Record<string, boolean> }>];
    expect(schemes[0]?.scheme).toBe('app');
    expect(schemes[0]?.privileges).toMatchObject({ standard: true, secure: true, supportFetchAPI: true });
    expect(schemes[0]?.privileges.bypassCSP).toBeUndefined();
    expect(schemes[0]?.privileges.allowServiceWorkers).toBeUndefined();
  });
  it('is served with protocol.handle', () => {
    serveAppScheme({ root, serverUrl: () => 'http://127.0.0.1:8080' });
    expect(protocol.handle).toHaveBeenCalledWith('app', expect.any(Function));
  });
  it('serves the built files with their content types', async () => {
    const page = await get('app://atende/index.html');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('<title>Atende</title>');
    expect((await get('app://atende/assets/index-abc.js')).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await get('app://atende/assets/index-abc.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect((await get('app://atende/assets/index-abc.js')).headers.get('x-content-type-options')).toBe('nosniff');
  });
  it('falls back to index.html for app routes, but not for missing assets', async () => {
    expect(await (await get('app://atende/supervisor/agents')).text()).toContain('Atende');
    expect((await get('app://atende/')).status).toBe(200);
    expect((await get('app://atende/assets/missing.js')).status).toBe(404);
  });
  it.each([
    'app://atende/..%2f..%2fsecret.txt',
    'app://atende/assets/..%2f..%2fsecret.txt',
    'app://atende/%2e%2e%2fsecret.txt',
    'app://atende/..%5csecret.txt',
    'app://atende/assets%2f..%2f..%2fsecret.txt',
    'app://atende/index.html%00.js',
    'app://atende/%E0%A4%A',
  ])('refuses path traversal: %s', async (url) => {
    const response = await get(url);
    expect(response.status).toBe(403);
    expect(await response.text()).not.toContain('outside');
  });
  it('resolves dot segments inside the URL before they reach the disk', async () => {
    // The URL parser folds `/../` itself, so this names /secret.txt inside the folder: absent.
    const response = await get('app://atende/../../secret.txt');
    expect(response.status).toBe(404);
  });
  it('refuses a symbolic link that leads out of the folder', async () => {
    const response = await get('app://atende/assets/link.txt');
    expect(response.status).toBe(403);
  });
  it('answers only its own host and only GET/HEAD', async () => {
    expect((await get('app://other/index.html')).status).toBe(404);
    expect((await get('app://atende/index.html', 'POST')).status).toBe(405);
    const head = await get('app://atende/index.html', 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });
  it('puts the CSP header on every response, errors included', async () => {
    for (const url of ['app://atende/index.html', 'app://atende/assets/missing.js', 'app://atende/..%2fx', 'app://other/']) {
      expect((await get(url)).headers.get('content-security-policy')).toBe(contentSecurityPolicy('https://atende.example.com:8443/base'));
    }
  });
});

describe('R-DT-01 Content-Security-Policy', () => {
  const csp = contentSecurityPolicy('http://127.0.0.1:8080');
  const directive = (name: string) => csp.split('; ').find((part) => part.startsWith(`${name} `));

  it('allows only the app own scripts: no inline, no eval', () => {
    expect(directive('script-src')).toBe("script-src 'self'");
    // The one inline allowance is style attributes (the emoji picker writes some); never scripts or style elements.
    expect(csp.split('; ').filter((part) => part.includes('unsafe-inline'))).toEqual(["style-src-attr 'unsafe-inline'"]);
    expect(csp).not.toContain('unsafe-eval');
  });
  it('connects only to the app and the configured server (HTTP and WebSocket)', () => {
    expect(directive('connect-src')).toBe("connect-src 'self' http://127.0.0.1:8080 ws://127.0.0.1:8080");
    expect(contentSecurityPolicy('https://atende.example.com/x')).toContain("connect-src 'self' https://atende.example.com wss://atende.example.com;");
  });
  it('locks everything else down', () => {
    expect(directive('default-src')).toBe("default-src 'self'");
    expect(directive('style-src')).toBe("style-src 'self'");
    expect(directive('object-src')).toBe("object-src 'none'");
    expect(directive('base-uri')).toBe("base-uri 'none'");
    expect(directive('frame-ancestors')).toBe("frame-ancestors 'none'");
    expect(directive('frame-src')).toBe("frame-src 'none'");
    expect(directive('form-action')).toBe("form-action 'none'");
    expect(directive('img-src')).toBe("img-src 'self' data: blob: http://127.0.0.1:8080");
  });
  it('ignores a server URL that is not http(s)', () => {
    expect(contentSecurityPolicy('javascript:alert(1)')).toContain("connect-src 'self';");
  });
});

describe('renderer folder', () => {
  it('is renderer/dist next to electron/ in development', () => {
    expect(rendererDirCandidates({ isPackaged: false, appPath: '/x', resourcesPath: '/r', mainDir: '/repo/electron/dist' })).toEqual([
      path.resolve('/repo/renderer/dist'),
    ]);
  });
  it('is inside the app archive when packaged, with resources/renderer accepted too', () => {
    expect(rendererDirCandidates({ isPackaged: true, appPath: '/opt/Atende/resources/app.asar', resourcesPath: '/opt/Atende/resources', mainDir: '' })).toEqual([
      path.join('/opt/Atende/resources/app.asar', 'renderer'),
      path.join('/opt/Atende/resources', 'renderer'),
    ]);
  });
  it('is the first candidate that holds an index.html', () => {
    expect(findRendererDir([path.join(base, 'nowhere'), root])).toBe(root);
    expect(findRendererDir([path.join(base, 'nowhere')])).toBeUndefined();
  });
});
