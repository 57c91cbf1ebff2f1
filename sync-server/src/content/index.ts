import type { Router } from 'express';
import type { AuthService } from '../auth/service.js';
import type { MediaService } from '../media/service.js';
import type { DocStore } from '../store/index.js';
import { ArticleService } from './articles.js';
import { DispositionService } from './dispositions.js';
import { PredefinedService } from './predefined.js';
import { contentRoutes, type ContentServices } from './routes.js';
import { TagService } from './tags.js';

export { ArticleService } from './articles.js';
export { DispositionService } from './dispositions.js';
export { PredefinedService } from './predefined.js';
export { TagService } from './tags.js';

export interface ContentSetup extends ContentServices {
  routes: Array<[string, Router]>;
}

/** Wires content (R-RT-05): tags, predefined messages, dispositions and articles, with their admin routes. */
export function setupContent(deps: { store: DocStore; media: MediaService; auth: AuthService }): ContentSetup {
  const services: ContentServices = {
    tags: new TagService(deps.store),
    predefined: new PredefinedService(deps.store, deps.media),
    dispositions: new DispositionService(deps.store),
    articles: new ArticleService(deps.store),
  };
  return { ...services, routes: contentRoutes(services, deps.auth) };
}
