import { Router } from 'express';
import { API, Id } from '@atende/protocol';
import { principalOf, requireUser } from '../auth/middleware.js';
import type { AuthService } from '../auth/service.js';
import { created, implement } from '../http/contract.js';
import { parse } from '../http/errors.js';
import { auditOriginOf, recordOtherTeamReads } from '../privacy/auditReads.js';
import { searchContacts } from '../search/contacts.js';
import type { DocStore } from '../store/index.js';
import { ContactCommands } from './commands.js';
import { contactHistory, contactMedia } from './history.js';
import { mergeContacts } from './merge.js';

const MOUNT = '/api/contacts';

/** Contacts (R-CT-01…04): commands keyed by the client's contact id, history, gallery and search. */
export function contactRoutes(store: DocStore, auth: AuthService, commands = new ContactCommands(store)): Router {
  const router = Router();
  router.use(requireUser(auth));
  const idParam = (value: string) => parse(Id, value, 'contact id');

  implement(router, MOUNT, API.createContact, async ({ body, req }) => {
    const { contact, created: isNew } = await commands.create(principalOf(req).user, body);
    return isNew ? created({ contact }) : { contact };
  });
  // Before the `:id` routes, so "search" is never read as an id.
  implement(router, MOUNT, API.searchContacts, async ({ query }) => ({ contacts: await searchContacts(store, query.q) }));
  implement(router, MOUNT, API.updateContact, async ({ params, body, req }) => ({
    contact: await commands.update(principalOf(req).user, idParam(params.id), body),
  }));
  implement(router, MOUNT, API.mergeContacts, async ({ params, body, req }) => ({
    contact: await mergeContacts(store, principalOf(req).user, idParam(params.id), body.sourceId),
  }));
  // Issue 19 (R-PRIV-05): a history or gallery holding another team's conversations is audited, once per conversation and hour.
  implement(router, MOUNT, API.contactHistory, async ({ params, req }) => {
    const user = principalOf(req).user;
    const conversations = await contactHistory(store, user, idParam(params.id));
    await recordOtherTeamReads(store, user, conversations.map((c) => c.id), auditOriginOf(req), 'history');
    return { conversations };
  });
  implement(router, MOUNT, API.contactMedia, async ({ params, query, req }) => {
    const user = principalOf(req).user;
    const page = await contactMedia(store, user, idParam(params.id), query);
    await recordOtherTeamReads(store, user, page.items.map((i) => i.conversationId), auditOriginOf(req), 'media');
    return page;
  });
  return router;
}
