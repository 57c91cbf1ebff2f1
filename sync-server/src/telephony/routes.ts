import { Router } from 'express';
import { API, CallBody, parse } from '@atende/protocol';
import { principalOf, requireUser } from '../auth/middleware.js';
import type { AuthService } from '../auth/service.js';
import { implement, jsonBody } from '../http/contract.js';
import type { TelephonyService } from './service.js';

/** `GET /api/telephony` (what the call button does) and `POST /api/calls` (http mode: 202, the call is queued). R-WS-16. */
export function telephonyRoutes(telephony: TelephonyService, auth: AuthService): Router {
  const router = Router();
  const user = [requireUser(auth)];
  implement(router, '/api', API.telephony, () => telephony.settings(), user);
  // 202 is outside `implement`'s 200/201: the same contract path and body schema, answered by hand.
  router.post(API.placeCall.path.slice('/api'.length), ...user, async (req, res) => {
    await telephony.place(principalOf(req).user, parse(CallBody, jsonBody(req)));
    res.status(202).json({ queued: true });
  });
  return router;
}
