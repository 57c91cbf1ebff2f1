import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { CHANNEL_TEXT_MAX } from '@atende/protocol';
import { serveSimulatorCommon } from '../../simulators/nav.js';
import { contentTypeOf, json, pageAssets, problem, readJson, refuseForeignRequest, sendFile } from '../../simulators/http.js';
import { TEXT_MAX } from './metaContract.js';
import type { MetaSimulator } from './simulator.js';

/**
 * The Messenger | Instagram customer page and its small JSON API, on the simulator's own
 * loopback server (beside the fake Graph API under /v21.0/ and its CDN under /cdn/):
 *   GET  /                                         the page (tabs; #messenger or #instagram)
 *   GET  /customer/config.json                     the page's settings: each platform's text limit
 *   GET  /customer/api/thread?platform=…&id=…      that customer's conversation with the business
 *   POST /customer/api/messages                    {platform, id, name, text}: the customer writes
 *   POST /customer/api/images?platform=…&id=…&name=…&caption=…  (raw JPEG/PNG/GIF/WebP body)
 *   POST /customer/api/story                       {id, name, kind: mention|reply, text?} (Instagram)
 *   POST /customer/api/read                        {platform, id, ids}: the page showed these business messages
 *   POST /customer/api/quick-reply                 {platform, id, name, messageId, payload}: the customer taps a quick reply
 *   GET  /customer/media/:mid                      a file the business sent
 */
const serveAsset = pageAssets(path.join(path.dirname(fileURLToPath(import.meta.url)), 'page'), {
  '/': 'meta.html', '/customer/meta.js': 'meta.js', '/customer/meta.css': 'meta.css',
}, { head: { title: 'Simulador do Messenger e do Instagram', current: 'meta', styles: ['/customer/meta.css'], script: '/customer/meta.js' } });
/** What the page reads before drawing its panels: the limits come from the protocol, never typed twice. */
const PAGE_CONFIG = { textMax: { messenger: CHANNEL_TEXT_MAX.messenger, instagram: CHANNEL_TEXT_MAX.instagram } };
const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

const Platform = z.enum(['messenger', 'instagram']);
/** A page-scoped id (PSID / IGSID): digits. */
const CustomerId = z.string().trim().regex(/^[1-9]\d{5,24}$/, 'id must be the page-scoped id, 6–25 digits (e.g. 7012345678901234)');
const Name = z.string().trim().min(1).max(80);
const Text = z.string().trim().min(1).max(2000);
const Write = z.strictObject({ platform: Platform, id: CustomerId, name: Name, text: Text });
const Story = z.strictObject({ id: CustomerId, name: Name, kind: z.enum(['mention', 'reply']), text: Text.optional() })
  .refine((s) => s.kind === 'mention' || s.text !== undefined, { message: 'a reply to a story needs text', path: ['text'] });
const Read = z.strictObject({ platform: Platform, id: CustomerId, ids: z.array(z.string().max(200)).max(200) });
const QuickReplyTap = z.strictObject({ platform: Platform, id: CustomerId, name: Name, messageId: z.string().min(1).max(200), payload: z.string().min(1).max(1000) });
const ImageQuery = z.object({ platform: Platform, id: CustomerId, name: Name, caption: z.string().max(1000).default('') });

/** What a customer's app lets them send as a photo (protocol MEDIA_LIMITS: Instagram 8 MB, Messenger 25 MB). */
const IMAGE_MAX_MB = { messenger: 25, instagram: 8 } as const;
const imageMax = (platform: 'messenger' | 'instagram') => IMAGE_MAX_MB[platform] * 1024 * 1024;

export function customerPage(simulator: MetaSimulator) {
  return async (req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<boolean> => {
    if (refuseForeignRequest(req, res) || serveSimulatorCommon(req, res)) return true;
    const url = new URL(req.url ?? '/', 'http://simulator');
    const route = url.pathname;
    if (serveAsset(req, res, route)) return true;
    if (req.method === 'GET' && route === '/customer/config.json') {
      json(res, 200, PAGE_CONFIG);
      return true;
    }
    /** Ids are per platform: one id on both tabs would mix two people. */
    const clash = (platform: 'messenger' | 'instagram', id: string) => {
      const other = simulator.otherPlatformOf(platform, id);
      if (other) json(res, 409, { error: `id ${id} is already a ${other} customer here; pick another id` });
      return Boolean(other);
    };

    if (req.method === 'GET' && route === '/customer/api/thread') {
      const query = z.object({ platform: Platform, id: CustomerId }).safeParse(Object.fromEntries(url.searchParams));
      if (!query.success) json(res, 400, { error: problem(query.error) });
      else json(res, 200, simulator.thread(query.data.platform, query.data.id));
      return true;
    }
    const media = /^\/customer\/media\/([^/]+)$/.exec(route);
    if (req.method === 'GET' && media?.[1]) {
      sendFile(res, simulator.businessFile(decodeURIComponent(media[1])));
      return true;
    }
    if (req.method !== 'POST') return false;
    if (route === '/customer/api/messages') {
      const input = readJson(req, res, body, Write);
      if (input && !clash(input.platform, input.id)) {
        const { platform, id, name, text } = input;
        if ([...text].length > TEXT_MAX[platform]) json(res, 400, { error: `text: at most ${TEXT_MAX[platform]} characters on ${platform}` });
        else json(res, 200, { message: await simulator.customerWrites(platform, { id, name }, text) });
      }
      return true;
    }
    if (route === '/customer/api/images') {
      const query = ImageQuery.safeParse(Object.fromEntries(url.searchParams));
      const type = contentTypeOf(req);
      if (!query.success) json(res, 400, { error: problem(query.error) });
      else if (!IMAGE_TYPES.has(type)) json(res, 415, { error: 'photos are JPEG, PNG, GIF or WebP' });
      else if (body.length === 0) json(res, 400, { error: 'the image is empty' });
      else if (body.length > imageMax(query.data.platform)) json(res, 413, { error: `${query.data.platform} images are at most ${IMAGE_MAX_MB[query.data.platform]} MB` });
      else if (!clash(query.data.platform, query.data.id)) {
        const { platform, id, name, caption } = query.data;
        json(res, 200, { message: await simulator.customerSendsImage(platform, { id, name }, body, type, caption) });
      }
      return true;
    }
    if (route === '/customer/api/story') {
      const input = readJson(req, res, body, Story);
      if (input && !clash('instagram', input.id)) {
        const customer = { id: input.id, name: input.name };
        const message = input.kind === 'mention'
          ? await simulator.customerMentionsInStory(customer)
          : await simulator.customerRepliesToStory(customer, input.text ?? '');
        json(res, 200, { message });
      }
      return true;
    }
    if (route === '/customer/api/quick-reply') {
      const input = readJson(req, res, body, QuickReplyTap);
      if (input) {
        const tapped = simulator.customerTapsQuickReply(input.platform, { id: input.id, name: input.name }, input.messageId, input.payload);
        if (!tapped) json(res, 404, { error: 'this customer has no such message or quick reply' });
        else json(res, 200, { message: await tapped });
      }
      return true;
    }
    if (route === '/customer/api/read') {
      const input = readJson(req, res, body, Read);
      if (input) {
        simulator.customerRead(input.platform, input.id, input.ids);
        json(res, 200, { ok: true });
      }
      return true;
    }
    return false;
  };
}
