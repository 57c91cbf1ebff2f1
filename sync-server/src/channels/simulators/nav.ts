import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The strip on top of every simulator page (issue 11) linking the others: WhatsApp | Telegram |
 * Messenger | Instagram | Reclame Aqui (issue 12). Simulators run on their own loopback ports, chosen at start, so each page
 * asks its own server for the current addresses (`GET /simulators/links`) and nav.js draws them.
 * The addresses live here, in the process that runs the simulators.
 */
export type SimulatorPage = 'whatsapp' | 'telegram' | 'messenger' | 'instagram' | 'reclameaqui';
const ORDER: readonly SimulatorPage[] = ['whatsapp', 'telegram', 'messenger', 'instagram', 'reclameaqui'];
const LABELS: Record<SimulatorPage, string> = { whatsapp: 'WhatsApp', telegram: 'Telegram', messenger: 'Messenger', instagram: 'Instagram', reclameaqui: 'Reclame Aqui' };

const pages = new Map<SimulatorPage, string>();

/** A simulator page is up at `url`; the returned function takes it off the strip (on stop). */
export function announceSimulatorPage(page: SimulatorPage, url: string): () => void {
  pages.set(page, url);
  return () => {
    if (pages.get(page) === url) pages.delete(page);
  };
}

export function simulatorLinks(): Array<{ page: SimulatorPage; label: string; url: string }> {
  return ORDER.flatMap((page) => {
    const url = pages.get(page);
    return url ? [{ page, label: LABELS[page], url }] : [];
  });
}

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'assets');
/** Files every simulator page may load: the strip, and the thread view, customer fields and style all the customer pages share. */
const ASSETS: Record<string, string> = {
  'nav.js': 'text/javascript; charset=utf-8',
  'nav.css': 'text/css; charset=utf-8',
  'thread.js': 'text/javascript; charset=utf-8',
  'who.js': 'text/javascript; charset=utf-8',
  'customer.css': 'text/css; charset=utf-8',
};
let loaded: Map<string, { body: Buffer; type: string }> | undefined;

/** Serves `/simulators/links` and `/simulators/<shared file>` on a simulator's server; false for any other request. */
export function serveSimulatorCommon(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method !== 'GET') return false;
  const route = new URL(req.url ?? '/', 'http://simulator').pathname;
  if (route === '/simulators/links') {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(JSON.stringify({ links: simulatorLinks() }));
    return true;
  }
  loaded ??= new Map(Object.entries(ASSETS).map(([file, type]) => [`/simulators/${file}`, { body: readFileSync(path.join(DIR, file)), type }]));
  const asset = loaded.get(route);
  if (!asset) return false;
  res.writeHead(200, { 'content-type': asset.type, 'cache-control': 'no-cache' }).end(asset.body);
  return true;
}
