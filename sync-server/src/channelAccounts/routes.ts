import { Router } from 'express';
import { CreateChannelBody, UpdateChannelBody } from '@atende/protocol';
import { requireUser } from '../auth/middleware.js';
import type { AuthService } from '../auth/service.js';
import { parse } from '../http/errors.js';
import type { ChannelAccounts } from './service.js';

/** `/api/admin/channels` (issue 7 point 3): admins only; secrets are write-only. */
export function channelAccountRoutes(accounts: ChannelAccounts, auth: AuthService): Router {
  const router = Router();
  router.use(requireUser(auth, ['admin']));
  router.post('/', async (req, res) => {
    const account = await accounts.create(parse(CreateChannelBody, req.body));
    res.status(201).json(accounts.view(account));
  });
  router.get('/', async (_req, res) => {
    res.json({ channels: (await accounts.list()).map((a) => accounts.view(a)) });
  });
  router.get('/:id', async (req, res) => {
    res.json(accounts.view(await accounts.get(String(req.params.id))));
  });
  router.patch('/:id', async (req, res) => {
    res.json(accounts.view(await accounts.update(String(req.params.id), parse(UpdateChannelBody, req.body))));
  });
  router.delete('/:id', async (req, res) => {
    await accounts.remove(String(req.params.id));
    res.status(204).end();
  });
  return router;
}
