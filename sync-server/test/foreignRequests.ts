import { request } from 'node:http';

/**
 * What a web page elsewhere can make a demo user's browser send to a simulator on loopback
 * (issue 11, security L3): a body without a CORS preflight (text/plain), a request from another
 * Origin, and — after DNS rebinding — one whose Host is the hostile name. Each simulator test
 * checks all are refused.
 */

/** A request with the headers exactly as given (fetch sets Host from the URL): its status. */
export function statusOf(url: string, method: string, headers: Record<string, string>, body?: string | Buffer): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * The statuses of the hostile variants of a page's JSON write (`write`), raw upload (`upload`)
 * and read (`read`, a GET): a caller expects 415 for the first and 403 for the rest.
 */
export async function foreignAttempts(base: string, write: { route: string; body: unknown }, upload: { route: string; type: string; bytes: Buffer }, read: string): Promise<number[]> {
  const port = new URL(base).port;
  const json = JSON.stringify(write.body);
  const post = (headers: Record<string, string>) => statusOf(base + write.route, 'POST', headers, json);
  const jsonType = { 'content-type': 'application/json' };
  return [
    await post({ 'content-type': 'text/plain' }),
    await post({ ...jsonType, origin: 'https://evil.example' }),
    await post({ ...jsonType, origin: 'null' }),
    await post({ ...jsonType, host: 'evil.example' }),
    await post({ ...jsonType, host: `evil.example:${port}` }),
    await post({ 'content-type': 'text/plain', origin: 'https://evil.example', host: 'evil.example' }),
    await statusOf(base + upload.route, 'POST', { 'content-type': upload.type, origin: 'https://evil.example' }, upload.bytes),
    await statusOf(base + upload.route, 'POST', { 'content-type': upload.type, host: `evil.example:${port}` }, upload.bytes),
    await statusOf(base + read, 'GET', { host: `evil.example:${port}` }),
  ];
}

export const REFUSED = [415, 403, 403, 403, 403, 403, 403, 403, 403];
