import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { isE164Digits } from '@atende/protocol';
import { contentTypeOf, json, PAGE_CSP, pageAssets, problem, readJson, refuseForeignRequest, sendFile } from '../../simulators/http.js';
import { serveSimulatorCommon } from '../../simulators/nav.js';
import type { WhatsAppSimulator } from './simulator.js';

/**
 * The customer's phone page and its small JSON API, on the simulator's own loopback server:
 *   GET  /                           the page (page/phone.html, phone.js; shared files under /simulators/)
 *   GET  /phone/api/thread?phone=…   that number's conversation with the business
 *   POST /phone/api/messages         {phone, name, text}: the customer writes
 *   POST /phone/api/images?phone=…&name=…&caption=…  (raw JPEG/PNG body): the customer sends a photo
 *   POST /phone/api/read             {phone, ids}: the page has shown these business messages
 *   POST /phone/api/pick             {phone, name, messageId, choiceId}: the customer picks a list row / reply button
 *   GET  /phone/media/:id            a file the phone holds
 */
// The page's own files only; images may also come from the business's https links.
const CSP = PAGE_CSP.replace("img-src 'self' data:", "img-src 'self' https: data:").replace("media-src 'self'", "media-src 'self' https:");
const serveAsset = pageAssets(path.join(path.dirname(fileURLToPath(import.meta.url)), 'page'), {
  '/': 'phone.html', '/phone/phone.js': 'phone.js',
}, {
  head: {
    title: 'Simulador do WhatsApp', current: 'whatsapp', styles: [], script: '/phone/phone.js',
    customer: {
      id: 'phone', idLabel: 'Número do cliente', nameHint: 'Cada número guarda o último nome usado com ele.',
      idHint: 'Código do país, DDD e número, só dígitos (ex.: 5511998765432).',
    },
    thread: { title: 'Conversa com a empresa', empty: 'Nenhuma mensagem com este número ainda.' },
  },
  csp: CSP,
});
/** WhatsApp's limit for images (CHANNELS.md), and the types it takes. */
const IMAGE_MAX_BYTES = 5 * 1024 * 1024;
const IMAGE_TYPES = new Set(['image/jpeg', 'image/png']);

const Phone = z.string().trim().refine(isE164Digits, 'phone must be the number with country code, digits only (e.g. 5511998765432)');
const Name = z.string().trim().min(1).max(80);
const Write = z.strictObject({ phone: Phone, name: Name, text: z.string().trim().min(1).max(4096) });
const Read = z.strictObject({ phone: Phone, ids: z.array(z.string().max(200)).max(200) });
const Pick = z.strictObject({ phone: Phone, name: Name, messageId: z.string().min(1).max(200), choiceId: z.string().min(1).max(256) });
const ImageQuery = z.object({ phone: Phone, name: Name, caption: z.string().max(1024).default('') });

export function customerPage(simulator: WhatsAppSimulator) {
  return async (req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<boolean> => {
    if (refuseForeignRequest(req, res) || serveSimulatorCommon(req, res)) return true;
    const url = new URL(req.url ?? '/', 'http://simulator');
    const route = url.pathname === '/phone' || url.pathname === '/phone/' ? '/' : url.pathname;
    if (serveAsset(req, res, route)) return true;
    if (req.method === 'GET' && route === '/phone/api/thread') {
      const phone = Phone.safeParse(url.searchParams.get('phone') ?? '');
      if (!phone.success) json(res, 400, { error: problem(phone.error) });
      else json(res, 200, simulator.thread(phone.data));
      return true;
    }
    const media = /^\/phone\/media\/([^/]+)$/.exec(route);
    if (req.method === 'GET' && media?.[1]) {
      sendFile(res, simulator.graph.mediaFile(decodeURIComponent(media[1])));
      return true;
    }
    if (req.method === 'POST' && route === '/phone/api/messages') {
      const input = readJson(req, res, body, Write);
      if (input) json(res, 200, { message: await simulator.customerWrites(input.phone, input.name, input.text) });
      return true;
    }
    if (req.method === 'POST' && route === '/phone/api/images') {
      const query = ImageQuery.safeParse(Object.fromEntries(url.searchParams));
      const type = contentTypeOf(req);
      if (!query.success) json(res, 400, { error: problem(query.error) });
      else if (!IMAGE_TYPES.has(type)) json(res, 415, { error: 'WhatsApp images are JPEG or PNG' });
      else if (body.length === 0) json(res, 400, { error: 'the image is empty' });
      else if (body.length > IMAGE_MAX_BYTES) json(res, 413, { error: 'WhatsApp images are at most 5 MB' });
      else json(res, 200, { message: await simulator.customerSendsImage(query.data.phone, query.data.name, body, type, query.data.caption) });
      return true;
    }
    if (req.method === 'POST' && route === '/phone/api/pick') {
      const input = readJson(req, res, body, Pick);
      if (!input) return true;
      const message = await simulator.customerPicks(input.phone, input.name, input.messageId, input.choiceId);
      if (message) json(res, 200, { message });
      else json(res, 404, { error: 'this number has no such message or choice' });
      return true;
    }
    if (req.method === 'POST' && route === '/phone/api/read') {
      const input = readJson(req, res, body, Read);
      if (input) {
        simulator.customerRead(input.phone, input.ids);
        json(res, 200, { ok: true });
      }
      return true;
    }
    return false;
  };
}
