import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import type { z } from 'zod';

/**
 * The plumbing of the issue-11 simulator pages' small JSON APIs: answers, zod problems as one
 * line, the page's own files with a strict CSP (no inline script or style, nothing from elsewhere).
 */
export const PAGE_CSP = "default-src 'self'; img-src 'self' data:; media-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

export function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(JSON.stringify(body));
}

export function problem(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
}

export function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** The request's media type, without parameters. */
export const contentTypeOf = (req: IncomingMessage) => (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

/** Serves `files` (route → file in `dir`), read once; returns whether it answered. */
export function pageAssets(dir: string, files: Record<string, string>) {
  const assets = new Map(Object.entries(files).map(([route, file]) => [route, { body: readFileSync(path.join(dir, file)), type: TYPES[path.extname(file)] ?? 'application/octet-stream' }]));
  return (req: IncomingMessage, res: ServerResponse, route: string): boolean => {
    if (req.method !== 'GET') return false;
    if (route === '/favicon.ico') {
      res.writeHead(204).end();
      return true;
    }
    const asset = assets.get(route);
    if (!asset) return false;
    res.writeHead(200, { 'content-type': asset.type, 'content-security-policy': PAGE_CSP, 'cache-control': 'no-cache' }).end(asset.body);
    return true;
  };
}

/** A file the page shows, served from the simulator itself. */
export function sendFile(res: ServerResponse, file: { bytes: Buffer; mimeType: string } | undefined): void {
  if (!file) json(res, 404, { error: 'no such file' });
  else res.writeHead(200, { 'content-type': file.mimeType, 'cache-control': 'private, max-age=3600', 'x-content-type-options': 'nosniff' }).end(file.bytes);
}
