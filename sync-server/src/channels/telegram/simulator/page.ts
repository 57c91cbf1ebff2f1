import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { serveSimulatorCommon } from '../../simulators/nav.js';
import { contentTypeOf, json, pageAssets, problem, readJson, refuseForeignRequest, sendFile } from '../../simulators/http.js';
import { PHOTO_MAX, UPLOAD_MAX } from './botApiContract.js';
import type { CustomerSent, TelegramSimulator } from './simulator.js';

/**
 * The Telegram customer's page and its small JSON API, on the simulator's own loopback server
 * (beside the fake Bot API, whose routes all start with /bot or /file/bot):
 *   GET  /                              the page (page/chat.html, chat.js, telegram.css; shared files under /simulators/)
 *   GET  /chat/api/thread?user=…        that user's private chat with the bot
 *   POST /chat/api/messages             {user, name, text}: the customer writes
 *   POST /chat/api/start                {user, name, parameter}: "/start <parameter>" (a deep link)
 *   POST /chat/api/edit                 {user, name, text}: the customer edits their last message
 *   POST /chat/api/press                {user, name, messageId, data}: the customer presses an inline button (callback_query)
 *   POST /chat/api/files?user=…&name=…&kind=photo|document&filename=…&caption=…  (raw body)
 *   GET  /chat/files/:fileId            a file the chat shows
 */
const serveAsset = pageAssets(path.join(path.dirname(fileURLToPath(import.meta.url)), 'page'), {
  '/': 'chat.html', '/chat/chat.js': 'chat.js', '/chat/telegram.css': 'telegram.css',
}, {
  head: {
    title: 'Simulador do Telegram', current: 'telegram', styles: ['/chat/telegram.css'], script: '/chat/chat.js',
    customer: {
      id: 'user', idLabel: 'ID do usuário no Telegram', nameHint: 'Nome e sobrenome como no perfil do Telegram.',
      idHint: 'Só dígitos (ex.: 100200300). A conversa privada com o bot tem o mesmo número.',
    },
    thread: { title: 'Conversa com o bot', empty: 'Nenhuma mensagem com este usuário ainda.' },
  },
});
const PHOTO_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp']);

/** A Telegram user id: a positive integer (private chats share it). */
const User = z.string().trim().regex(/^[1-9]\d{0,14}$/, 'user must be the Telegram user id, digits only (e.g. 100200300)');
const Name = z.string().trim().min(1).max(80);
const Write = z.strictObject({ user: User, name: Name, text: z.string().trim().min(1).max(4096) });
const Start = z.strictObject({ user: User, name: Name, parameter: z.string().trim().regex(/^[A-Za-z0-9_-]{0,64}$/, 'a deep-link parameter is 0–64 of A-Z a-z 0-9 _ -').default('') });
const Press = z.strictObject({ user: User, name: Name, messageId: z.string().regex(/^\d{1,12}$/), data: z.string().min(1).max(64) });
const FileQuery = z.object({
  user: User, name: Name, kind: z.enum(['photo', 'document']), filename: z.string().trim().min(1).max(200).default('arquivo'), caption: z.string().max(1024).default(''),
});

const answer = (res: ServerResponse, sent: CustomerSent) => json(res, 200, sent);

export function customerPage(simulator: TelegramSimulator) {
  return async (req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<boolean> => {
    if (refuseForeignRequest(req, res) || serveSimulatorCommon(req, res)) return true;
    const url = new URL(req.url ?? '/', 'http://simulator');
    const route = url.pathname === '/chat' || url.pathname === '/chat/' ? '/' : url.pathname;
    if (serveAsset(req, res, route)) return true;
    const customer = (input: { user: string; name: string }) => ({ id: input.user, name: input.name });

    if (req.method === 'GET' && route === '/chat/api/thread') {
      const user = User.safeParse(url.searchParams.get('user') ?? '');
      if (!user.success) json(res, 400, { error: problem(user.error) });
      else json(res, 200, simulator.thread(user.data));
      return true;
    }
    const file = /^\/chat\/files\/([^/]+)$/.exec(route);
    if (req.method === 'GET' && file?.[1]) {
      sendFile(res, simulator.chatFile(decodeURIComponent(file[1])));
      return true;
    }
    if (req.method !== 'POST') return false;
    if (route === '/chat/api/messages') {
      const input = readJson(req, res, body, Write);
      if (input) answer(res, await simulator.customerWrites(customer(input), input.text));
      return true;
    }
    if (route === '/chat/api/start') {
      const input = readJson(req, res, body, Start);
      if (input) answer(res, await simulator.customerStarts(customer(input), input.parameter));
      return true;
    }
    if (route === '/chat/api/edit') {
      const input = readJson(req, res, body, Write);
      if (input) {
        const edited = await simulator.customerEdits(customer(input), input.text);
        if (!edited) json(res, 409, { error: 'this user has sent no message to edit yet' });
        else answer(res, edited);
      }
      return true;
    }
    if (route === '/chat/api/press') {
      const input = readJson(req, res, body, Press);
      if (input) {
        const pressed = await simulator.customerPresses(customer(input), input.messageId, input.data);
        if (!pressed) json(res, 404, { error: 'this chat has no such message or button' });
        else answer(res, pressed);
      }
      return true;
    }
    if (route === '/chat/api/files') {
      const query = FileQuery.safeParse(Object.fromEntries(url.searchParams));
      const type = contentTypeOf(req) || 'application/octet-stream';
      if (!query.success) json(res, 400, { error: problem(query.error) });
      else if (body.length === 0) json(res, 400, { error: 'the file is empty' });
      else if (query.data.kind === 'photo' && !PHOTO_TYPES.has(type)) json(res, 415, { error: 'Telegram photos are JPEG, PNG or WebP (send other files as a document)' });
      else if (body.length > (query.data.kind === 'photo' ? PHOTO_MAX : UPLOAD_MAX)) json(res, 413, { error: query.data.kind === 'photo' ? 'photos are at most 10 MB' : 'files are at most 50 MB here' });
      else {
        const { kind, filename, caption } = query.data;
        answer(res, await simulator.customerSendsFile(customer(query.data), kind, { bytes: body, mimeType: type, name: filename }, caption));
      }
      return true;
    }
    return false;
  };
}
