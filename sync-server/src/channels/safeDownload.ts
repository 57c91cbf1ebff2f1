import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { ADDRESS_NOT_ALLOWED, isPrivateAddress, publicOnlyLookup } from '../egress/publicAddress.js';
import { PermanentFailure, RetryLater } from '../jobs/types.js';
import { MediaTooLarge } from './adapter.js';

/**
 * Downloads of URLs an upstream's webhook names (Meta's attachment and profile-picture links):
 * whoever can sign a webhook chooses them, so the server must not become a way into its own
 * network (SSRF). Only https, only public addresses — checked on the address each connection
 * really uses (egress/publicAddress.ts), so a name that resolves differently the second time gains
 * nothing —, redirects followed by hand and each hop checked again, a time limit for the whole
 * download and a byte cap counted while reading. The one exception is the account's own API
 * origin (a simulator or fake on loopback, over http), which the admin chose.
 */

const MAX_REDIRECTS = 3;
const DOWNLOAD_TIMEOUT_MS = 30_000;

export interface SafeDownloadOptions {
  /** The upstream as sentences name it ("Messenger"). */
  label: string;
  maxBytes: number;
  /** The account's API base URL: its origin (scheme, host and port) may be http and on loopback. */
  trustedBase?: string;
  timeoutMs?: number;
}

export interface Downloaded { bytes: Buffer; mimeType?: string }

const originOf = (url: string | undefined): string | null => {
  try {
    return url ? new URL(url).origin : null;
  } catch {
    return null;
  }
};

/**
 * The file at `url`, no credential sent. Refused addresses and links are final (PermanentFailure);
 * network trouble, 429 and 5xx retry later; over `maxBytes` (declared or counted) → MediaTooLarge.
 */
export async function safeDownload(url: string, options: SafeDownloadOptions): Promise<Downloaded> {
  const signal = AbortSignal.timeout(options.timeoutMs ?? DOWNLOAD_TIMEOUT_MS);
  const trusted = originOf(options.trustedBase);
  let current = url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const target = checkedUrl(current, trusted, options.label);
    const answer = await get(target, trusted !== null && target.origin === trusted, options, signal);
    if (answer.redirect === undefined) return answer.file;
    current = new URL(answer.redirect, target).toString();
  }
  throw new PermanentFailure(`O endereço do arquivo do ${options.label} redireciona demais.`);
}

function checkedUrl(raw: string, trusted: string | null, label: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new PermanentFailure(`O ${label} informou um endereço de arquivo inválido.`);
  }
  if (trusted !== null && url.origin === trusted) return url;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  // An address written as an IP is never looked up: it is judged here.
  if (url.protocol !== 'https:' || url.username || url.password || (isIP(host) && isPrivateAddress(host))) {
    throw new PermanentFailure(`O ${label} informou um endereço de arquivo não permitido.`);
  }
  return url;
}

type Answer = { redirect: string; file?: undefined } | { redirect?: undefined; file: Downloaded };

function get(url: URL, trusted: boolean, options: SafeDownloadOptions, signal: AbortSignal): Promise<Answer> {
  const { label, maxBytes } = options;
  return new Promise<Answer>((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    const request = client.get(url, { signal, headers: { accept: '*/*' }, ...(trusted ? {} : { lookup: publicOnlyLookup }) }, (res) => {
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (status >= 300 && status < 400 && location) {
        res.resume();
        return resolve({ redirect: location });
      }
      if (status === 429 || status >= 500) {
        res.resume();
        return reject(new RetryLater(`${label} file answered HTTP ${status}`));
      }
      // Meta's CDN links expire (stories after 24 h): gone for good.
      if (status < 200 || status >= 300) {
        res.resume();
        return reject(new PermanentFailure(`O arquivo não está mais disponível no ${label} (HTTP ${status}).`));
      }
      const tooLarge = () => new MediaTooLarge(`${label} file over ${maxBytes} bytes`);
      if (Number(res.headers['content-length'] ?? 0) > maxBytes) {
        res.destroy();
        return reject(tooLarge());
      }
      const chunks: Buffer[] = [];
      let received = 0;
      res.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > maxBytes) {
          res.destroy();
          reject(tooLarge());
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', (error) => reject(networkError(error, label)));
      // Cut off before its end (timeout, reset): a settled promise ignores this.
      res.on('close', () => {
        if (!res.complete) reject(new RetryLater(`${label} file download interrupted`));
      });
      res.on('end', () => {
        const mimeType = res.headers['content-type']?.split(';')[0]?.trim();
        resolve({ file: { bytes: Buffer.concat(chunks), ...(mimeType ? { mimeType } : {}) } });
      });
    });
    request.on('error', (error) => reject(networkError(error, label)));
  });
}

/** A refused address is final; anything else on the way (timeout, reset, unknown host) may pass later. */
function networkError(error: Error, label: string): Error {
  if ((error as { code?: unknown }).code === ADDRESS_NOT_ALLOWED) return new PermanentFailure(`O ${label} informou um endereço de arquivo não permitido.`);
  return new RetryLater(`${label} file unreachable: ${(error as { code?: string }).code ?? error.name}`);
}

/**
 * A fetch Response's body read with a running count, cancelled as soon as it passes `maxBytes`
 * (the upstream's declared length is checked first): a file is never held whole before the cap.
 */
export async function readCapped(res: Response, maxBytes: number, label: string): Promise<Buffer> {
  const tooLarge = () => new MediaTooLarge(`${label} file over ${maxBytes} bytes`);
  if (!res.body) return Buffer.alloc(0);
  if (Number(res.headers.get('content-length') ?? 0) > maxBytes) {
    await res.body.cancel();
    throw tooLarge();
  }
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.length;
    if (received > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
