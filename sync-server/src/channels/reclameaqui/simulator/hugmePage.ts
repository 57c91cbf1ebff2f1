import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { serveSimulatorCommon } from '../../simulators/nav.js';
import { json, pageAssets, readJson, refuseForeignRequest, sendFile } from '../../simulators/http.js';
import { MESSAGE_MAX } from './hugmeContract.js';
import type { ComplaintView, HugMeSimulator } from './hugmeSimulator.js';

/**
 * The Reclame Aqui consumer's page and its small JSON API, on the simulator's own loopback server
 * (beside the fake HugMe API, whose routes start with /auth/, /ticket/ or /companies/):
 *   GET  /                                        the page (page/hugme.html, hugme.js, hugme.css; shared files under /simulators/)
 *   GET  /empresa/<company>/<slug>_<id>/          the same page, that complaint marked (its public_url)
 *   GET  /hugme/api/complaints                    every complaint, newest first, with its interactions
 *   POST /hugme/api/complaints                    {name, email, title, content, city, state}: the consumer files one
 *   POST /hugme/api/complaints/:id/replies        {message}: the consumer writes again (private, type 6)
 *   POST /hugme/api/complaints/:id/evaluation     {rating, resolved, backDoingBusiness, comment?}
 *   POST /hugme/api/complaints/:id/moderation     {accepted}: Reclame Aqui decides the company's pending request
 *   GET  /hugme/files/:id                         a file the company attached
 * The fake's own refusals (already evaluated, no pending moderation) answer 409 with its sentence.
 */
const serveAsset = pageAssets(path.join(path.dirname(fileURLToPath(import.meta.url)), 'page'), {
  '/': 'hugme.html', '/hugme/hugme.js': 'hugme.js', '/hugme/hugme.css': 'hugme.css',
}, { head: { title: 'Simulador do Reclame Aqui', current: 'reclameaqui', styles: ['/hugme/hugme.css'], script: '/hugme/hugme.js' } });

const Line = (max: number) => z.string().trim().min(1).max(max);
const Text = z.string().trim().min(1).max(MESSAGE_MAX);
const NewComplaint = z.strictObject({
  name: Line(80), email: z.email().max(200), title: Line(120), content: Text, city: Line(80),
  state: z.string().trim().toUpperCase().regex(/^[A-Z]{2}$/, 'state is the two-letter UF (e.g. SP)'),
});
const Reply = z.strictObject({ message: Text });
const Evaluation = z.strictObject({
  rating: z.number().int().min(0).max(10), resolved: z.boolean(), backDoingBusiness: z.boolean(), comment: z.string().trim().max(MESSAGE_MAX).optional(),
});
const Decision = z.strictObject({ accepted: z.boolean() });

const ACTION = /^\/hugme\/api\/complaints\/(\d{1,15})\/(replies|evaluation|moderation)$/;
const PUBLIC_PAGE = /^\/empresa\/[^/]+\/[^/]+_\d+\/?$/;

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function customerPage(simulator: HugMeSimulator) {
  /** A consumer or Reclame Aqui action on complaint `id`: 404 when unknown, 409 with the fake's reason when refused. */
  const act = (res: ServerResponse, id: number, action: () => ComplaintView) => {
    if (!simulator.complaint(id)) return json(res, 404, { error: `no complaint ${id}` });
    try {
      json(res, 200, { complaint: action() });
    } catch (error) {
      json(res, 409, { error: messageOf(error) });
    }
  };

  return async (req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<boolean> => {
    if (refuseForeignRequest(req, res) || serveSimulatorCommon(req, res)) return true;
    const route = new URL(req.url ?? '/', 'http://simulator').pathname;
    if (serveAsset(req, res, PUBLIC_PAGE.test(route) ? '/' : route)) return true;
    if (req.method === 'GET' && route === '/hugme/api/complaints') {
      json(res, 200, { complaints: simulator.complaints() });
      return true;
    }
    const file = /^\/hugme\/files\/([^/]+)$/.exec(route);
    if (req.method === 'GET' && file?.[1]) {
      sendFile(res, simulator.file(decodeURIComponent(file[1])));
      return true;
    }
    if (req.method !== 'POST') return false;
    if (route === '/hugme/api/complaints') {
      const input = readJson(req, res, body, NewComplaint);
      if (input) {
        const { name, email, ...complaint } = input;
        json(res, 201, { complaint: simulator.fileComplaint({ customer: { name, email }, ...complaint }) });
      }
      return true;
    }
    const action = ACTION.exec(route);
    if (!action) return false;
    const id = Number(action[1]);
    if (action[2] === 'replies') {
      const input = readJson(req, res, body, Reply);
      if (input) act(res, id, () => simulator.consumerReplies(id, input.message));
    } else if (action[2] === 'evaluation') {
      const input = readJson(req, res, body, Evaluation);
      if (input) {
        const { comment, ...answers } = input;
        act(res, id, () => simulator.consumerEvaluates(id, { ...answers, ...(comment ? { comment } : {}) }));
      }
    } else {
      const input = readJson(req, res, body, Decision);
      if (input) act(res, id, () => simulator.decideModeration(id, input.accepted));
    }
    return true;
  };
}
