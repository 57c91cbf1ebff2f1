import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http, { type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { configureRequestOptions, configureRequestUrl, HttpExecutor, type DownloadOptions } from 'builder-util-runtime';

/**
 * A real update feed for tests (issue 17): a folder served over HTTP on 127.0.0.1, an Ed25519 key
 * pair, and helpers to publish an installer with its `latest.yml` and detached signature the way
 * `npm run dist` does. Only Electron's network stack is replaced (NodeHttpExecutor below).
 */
export interface Feed {
  url: string;
  dir: string;
  publicKey: string;
  privateKey: string;
  /** Paths the server was asked for, in order. */
  requests: string[];
  /** Their query strings, in the same order. */
  queries: string[];
  close(): Promise<void>;
}

export async function startFeed(): Promise<Feed> {
  const dir = mkdtempSync(path.join(tmpdir(), 'atende-feed-'));
  const keys = generateKeyPairSync('ed25519');
  const requests: string[] = [];
  const queries: string[] = [];
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://feed');
    const name = decodeURIComponent(url.pathname).replace(/^\/updates\//, '');
    requests.push(name);
    queries.push(url.search.slice(1));
    let body: Buffer;
    try {
      if (name.includes('/') || name.includes('..')) throw new Error('outside the feed');
      body = readFileSync(path.join(dir, name));
    } catch {
      response.writeHead(404).end('not found');
      return;
    }
    response.writeHead(200, { 'content-length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/updates/`,
    dir,
    publicKey: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKey: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    requests,
    queries,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const sha512Of = (data: Buffer | string): string => createHash('sha512').update(data).digest('base64');

/** Writes an installer and the `latest.yml` electron-builder would write for it; returns both. */
export function publish(feed: Feed, options: { version?: string; channelFile?: string; installer?: string } = {}) {
  const version = options.version ?? '2.0.0';
  const file = `Atende-Setup-${version}.exe`;
  const installer = Buffer.from(options.installer ?? `installer ${version}`);
  writeFileSync(path.join(feed.dir, file), installer);
  const sha512 = sha512Of(installer);
  const yml = [
    `version: ${version}`,
    'files:',
    `  - url: ${file}`,
    `    sha512: ${sha512}`,
    `    size: ${installer.length}`,
    `path: ${file}`,
    `sha512: ${sha512}`,
    "releaseDate: '2026-11-29T09:00:00.000Z'",
    '',
  ].join('\n');
  const channelFile = options.channelFile ?? 'latest.yml';
  writeFileSync(path.join(feed.dir, channelFile), yml);
  return { file, sha512, yml, channelFile, installer };
}

/** Signs a feed file the way build/updateSigning.ts does: `<file>.sig`, base64 Ed25519. */
export function signFile(feed: Feed, name: string, privateKeyPem = feed.privateKey): void {
  const signature = sign(null, readFileSync(path.join(feed.dir, name)), privateKeyPem).toString('base64');
  writeFileSync(path.join(feed.dir, `${name}.sig`), `${signature}\n`);
}

/**
 * electron-updater's executor over Node's http instead of Electron's `net` (absent in tests):
 * `download` is ElectronHttpExecutor's, so the sha512 check on the downloaded file is the library's own.
 */
export class NodeHttpExecutor extends HttpExecutor<ClientRequest> {
  createRequest(options: RequestOptions, callback: (response: IncomingMessage) => void): ClientRequest {
    return http.request(options, callback);
  }

  download(url: URL, destination: string, options: DownloadOptions): Promise<string> {
    return options.cancellationToken.createPromise((resolve, reject, onCancel) => {
      const requestOptions: RequestOptions = { headers: options.headers ?? undefined };
      configureRequestUrl(url, requestOptions);
      configureRequestOptions(requestOptions);
      this.doDownload(requestOptions, { destination, options, onCancel, responseHandler: null, callback: (error) => (error ? reject(error) : resolve(destination)) }, 0);
    });
  }
}
