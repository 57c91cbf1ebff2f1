import { Router } from 'express';
import { API } from '@atende/protocol';
import { principalOf, requireUser } from '../auth/middleware.js';
import type { AuthService } from '../auth/service.js';
import { created, implement } from '../http/contract.js';
import type { ArticleService } from './articles.js';
import type { DispositionService } from './dispositions.js';
import type { PredefinedService } from './predefined.js';
import type { TagService } from './tags.js';

export interface ContentServices {
  tags: TagService;
  predefined: PredefinedService;
  dispositions: DispositionService;
  articles: ArticleService;
}

const TAGS = '/api/admin/tags';
const PREDEFINED = '/api/admin/predefined';
const DISPOSITIONS = '/api/admin/dispositions';
const ARTICLES = '/api/admin/articles';

/**
 * The content screens' routes (R-RT-05): tags and articles are the admins'; predefined messages
 * and dispositions also their teams' supervisors' (the services narrow to their teams). Bodies
 * are parsed with the protocol schemas before anything runs.
 */
export function contentRoutes(services: ContentServices, auth: AuthService): Array<[string, Router]> {
  const { tags, predefined, dispositions, articles } = services;
  const actor = (req: Parameters<typeof principalOf>[0]) => principalOf(req).user;

  const tagRouter = Router();
  tagRouter.use(requireUser(auth, ['admin']));
  implement(tagRouter, TAGS, API.adminListTags, async () => ({ tags: await tags.list() }));
  implement(tagRouter, TAGS, API.adminCreateTag, async ({ body }) => created(await tags.create(body)));
  implement(tagRouter, TAGS, API.adminUpdateTag, ({ params, body }) => tags.update(params.id, body));
  implement(tagRouter, TAGS, API.adminRemoveTag, ({ params }) => tags.remove(params.id));

  const predefinedRouter = Router();
  predefinedRouter.use(requireUser(auth, ['admin', 'supervisor']));
  implement(predefinedRouter, PREDEFINED, API.adminListPredefined, async ({ req, query }) => ({ predefined: await predefined.list(actor(req), query.teamId) }));
  implement(predefinedRouter, PREDEFINED, API.adminCreatePredefined, async ({ req, body }) => created(await predefined.create(actor(req), body)));
  implement(predefinedRouter, PREDEFINED, API.adminUpdatePredefined, ({ req, params, body }) => predefined.update(actor(req), params.id, body));
  implement(predefinedRouter, PREDEFINED, API.adminRemovePredefined, ({ req, params }) => predefined.remove(actor(req), params.id));

  const dispositionRouter = Router();
  dispositionRouter.use(requireUser(auth, ['admin', 'supervisor']));
  implement(dispositionRouter, DISPOSITIONS, API.adminListDispositions, async ({ req, query }) => ({
    dispositions: await dispositions.list(actor(req), query.teamId),
  }));
  implement(dispositionRouter, DISPOSITIONS, API.adminCreateDisposition, async ({ req, body }) => created(await dispositions.create(actor(req), body)));
  implement(dispositionRouter, DISPOSITIONS, API.adminUpdateDisposition, ({ req, params, body }) => dispositions.update(actor(req), params.id, body));
  implement(dispositionRouter, DISPOSITIONS, API.adminRemoveDisposition, ({ req, params }) => dispositions.remove(actor(req), params.id));

  const articleRouter = Router();
  articleRouter.use(requireUser(auth, ['admin']));
  implement(articleRouter, ARTICLES, API.adminListArticles, async () => ({ articles: await articles.list() }));
  implement(articleRouter, ARTICLES, API.adminCreateArticle, async ({ body }) => created(await articles.create(body)));
  implement(articleRouter, ARTICLES, API.adminUpdateArticle, ({ params, body }) => articles.update(params.id, body));
  implement(articleRouter, ARTICLES, API.adminRemoveArticle, ({ params }) => articles.remove(params.id));

  return [[TAGS, tagRouter], [PREDEFINED, predefinedRouter], [DISPOSITIONS, dispositionRouter], [ARTICLES, articleRouter]];
}
