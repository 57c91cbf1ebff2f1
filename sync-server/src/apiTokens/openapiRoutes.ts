import { Router } from 'express';
import { API, openApiDocument } from '@atende/protocol';
import { implement } from '../http/contract.js';

/** The document changes only with a new build: caches may keep it a while. */
const MAX_AGE_S = 300;

/**
 * `GET /api/openapi.json` (R-RT-05, issue 15 point 1): public and cacheable; built once per process
 * from the protocol's contract, so it always describes exactly the endpoints this server serves.
 */
export function openApiRoutes(version: string): Router {
  const router = Router();
  let document: Record<string, unknown> | undefined;
  implement(router, '/api', API.openApi, () => (document ??= openApiDocument(API, { title: 'Atende API', version })), [
    (_req, res, next) => {
      res.setHeader('Cache-Control', `public, max-age=${MAX_AGE_S}`);
      next();
    },
  ]);
  return router;
}
