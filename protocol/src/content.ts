import { z } from 'zod';
import { DispositionDoc, Id, MESSAGE_TEXT_MAX, PredefinedDoc, TagDoc } from './documents.js';
import { endpoint } from './endpoint.js';
import { DomainError } from './errors.js';
import type { Actor } from './permissions.js';

/**
 * Content (R-RT-05, R-WS-04/05/06): the admins' tags, predefined messages per team (with files and
 * variables), articles shown in the website chat, and dispositions per team. Tags, predefined
 * messages and dispositions are the replicated documents agents already read; articles are
 * server-only documents the widget config serves. Admins change everything; supervisors the
 * predefined messages and dispositions of their own teams.
 */

const Millis = z.number().int().nonnegative();
const nonEmpty = { message: 'nothing to change' };
const hasChanges = (b: object) => Object.keys(b).length > 0;

// --- Predefined message variables -------------------------------------------------------------

/** The variables a predefined text may carry, filled when an agent inserts it (R-WS-04). */
export const PREDEFINED_VARIABLES = ['cliente', 'agente', 'protocolo'] as const;
export type PredefinedVariable = (typeof PREDEFINED_VARIABLES)[number];
export type PredefinedValues = Partial<Record<PredefinedVariable, string>>;

const VARIABLE = /\{([^{}\s]{1,40})\}/g;
const isVariable = (name: string): name is PredefinedVariable => (PREDEFINED_VARIABLES as readonly string[]).includes(name);

/**
 * The text with `{cliente}`, `{agente}` and `{protocolo}` replaced by their values. A variable
 * without a value, or a name that is no variable (`{pedido}`), stays as typed, so the agent sees
 * what is missing before sending.
 */
export function fillPredefined(text: string, values: PredefinedValues): string {
  return text.replace(VARIABLE, (whole, name: string) => {
    const value = isVariable(name) ? values[name] : undefined;
    return value === undefined || value === '' ? whole : value;
  });
}

/** Names written between braces that are no variable, each once, for the form's warning. */
export function unknownVariables(text: string): string[] {
  const names = [...text.matchAll(VARIABLE)].map((m) => m[1] ?? '').filter((n) => !isVariable(n));
  return [...new Set(names)];
}

// --- Who may change what ------------------------------------------------------------------------

/** Predefined messages of one team: its supervisors and admins; for every team (`null`): admins only. */
export const mayWritePredefined = (actor: Pick<Actor, 'role' | 'teamIds'>, teamId: string | null): boolean =>
  actor.role === 'admin' || (actor.role === 'supervisor' && teamId !== null && actor.teamIds.includes(teamId));

// --- Tags ---------------------------------------------------------------------------------------

export const TAG_NAME_MAX = 60;
const TagName = z.string().trim().min(1, 'give the tag a name').max(TAG_NAME_MAX);
const TagColor = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'use a colour as #rrggbb');
export const CreateTagBody = z.strictObject({ name: TagName, color: TagColor });
export type CreateTagBody = z.infer<typeof CreateTagBody>;
export const UpdateTagBody = CreateTagBody.partial().refine(hasChanges, nonEmpty);
export type UpdateTagBody = z.infer<typeof UpdateTagBody>;
export const TagsResponse = z.object({ tags: z.array(TagDoc) });

// --- Predefined messages ------------------------------------------------------------------------

export const PREDEFINED_FILES_MAX = 10;
const PredefinedTitle = z.string().trim().min(1, 'give the message a title').max(200);
const PredefinedText = z.string().trim().min(1, 'write the message').max(MESSAGE_TEXT_MAX);
/** Files already uploaded with `POST /api/media`; they become the organisation's (shared with every agent). */
const MediaIds = z.array(Id).max(PREDEFINED_FILES_MAX, `at most ${PREDEFINED_FILES_MAX} files`);
export const CreatePredefinedBody = z.strictObject({
  /** null: offered to every team (admins only). */
  teamId: Id.nullable(),
  title: PredefinedTitle,
  text: PredefinedText,
  mediaIds: MediaIds.default([]),
});
export type CreatePredefinedBody = z.infer<typeof CreatePredefinedBody>;
export const UpdatePredefinedBody = z
  .strictObject({ teamId: Id.nullable(), title: PredefinedTitle, text: PredefinedText, mediaIds: MediaIds })
  .partial()
  .refine(hasChanges, nonEmpty);
export type UpdatePredefinedBody = z.infer<typeof UpdatePredefinedBody>;
export const PredefinedListQuery = z.strictObject({ teamId: Id.optional() });
export const PredefinedResponse = z.object({ predefined: z.array(PredefinedDoc) });

// --- Dispositions -------------------------------------------------------------------------------

const DispositionName = z.string().trim().min(1, 'give the disposition a name').max(200);
export const CreateDispositionBody = z.strictObject({ teamId: Id, name: DispositionName });
export type CreateDispositionBody = z.infer<typeof CreateDispositionBody>;
export const UpdateDispositionBody = z.strictObject({ name: DispositionName });
export type UpdateDispositionBody = z.infer<typeof UpdateDispositionBody>;
export const DispositionListQuery = z.strictObject({ teamId: Id.optional() });
export const DispositionsResponse = z.object({ dispositions: z.array(DispositionDoc) });

// --- Articles -----------------------------------------------------------------------------------

export const ARTICLE_PREFIX = 'article:';
export const ARTICLES_MAX = 200;
const ArticleTitle = z.string().trim().min(1, 'give the article a title').max(200);
const ArticleBody = z.string().trim().min(1, 'write the article').max(5000);
const ArticleOrder = z.number().int().min(0).max(9999);
/** Website-chat accounts (`channel:<key>`) the article shows on; null: every one. */
const ArticleAccounts = z.array(Id).min(1, 'choose at least one website chat, or all').max(50).nullable();
/** An article (FAQ) shown to website visitors before they chat (R-RT-05): plain text, never HTML. */
export const Article = z.object({
  id: Id,
  title: ArticleTitle,
  body: ArticleBody,
  order: ArticleOrder,
  accountIds: ArticleAccounts,
  createdAt: Millis,
  updatedAt: Millis,
});
export type Article = z.infer<typeof Article>;
export const CreateArticleBody = z.strictObject({
  title: ArticleTitle,
  body: ArticleBody,
  order: ArticleOrder.default(0),
  accountIds: ArticleAccounts.default(null),
});
export type CreateArticleBody = z.infer<typeof CreateArticleBody>;
export const UpdateArticleBody = z
  .strictObject({ title: ArticleTitle, body: ArticleBody, order: ArticleOrder, accountIds: ArticleAccounts })
  .partial()
  .refine(hasChanges, nonEmpty);
export type UpdateArticleBody = z.infer<typeof UpdateArticleBody>;
export const ArticlesResponse = z.object({ articles: z.array(Article) });

/** The widget's order: by `order`, then by title. */
export const byArticleOrder = (a: Pick<Article, 'order' | 'title'>, b: Pick<Article, 'order' | 'title'>): number =>
  a.order - b.order || a.title.localeCompare(b.title, 'pt-BR');

// --- Refusals -----------------------------------------------------------------------------------

export const contentErrors = {
  duplicateTag: (name: string) => new DomainError('conflict', 'duplicate_tag', `Já existe uma etiqueta chamada "${name}".`),
  duplicateDisposition: (name: string) => new DomainError('conflict', 'duplicate_disposition', `Já existe uma tabulação "${name}" nesta equipe.`),
  allTeamsAdminOnly: () => new DomainError('forbidden', 'all_teams_admin_only', 'Somente administradores criam mensagens para todas as equipes.'),
  unknownMedia: (mediaId: string) => new DomainError('unprocessable', 'unknown_media', `O arquivo ${mediaId} não existe ou não é seu. Envie-o de novo.`),
  unknownAccount: (accountId: string) => new DomainError('unprocessable', 'unknown_account', `O chat do site ${accountId} não existe.`),
} as const;

// --- Endpoints ----------------------------------------------------------------------------------

export const CONTENT_API = {
  adminListTags: endpoint({ method: 'GET', path: '/api/admin/tags', auth: 'user', response: TagsResponse }),
  adminCreateTag: endpoint({ method: 'POST', path: '/api/admin/tags', auth: 'user', body: CreateTagBody, response: TagDoc }),
  adminUpdateTag: endpoint({ method: 'PATCH', path: '/api/admin/tags/:id', auth: 'user', body: UpdateTagBody, response: TagDoc }),
  adminRemoveTag: endpoint({ method: 'DELETE', path: '/api/admin/tags/:id', auth: 'user', response: null }),
  adminListPredefined: endpoint({ method: 'GET', path: '/api/admin/predefined', auth: 'user', query: PredefinedListQuery, response: PredefinedResponse }),
  adminCreatePredefined: endpoint({ method: 'POST', path: '/api/admin/predefined', auth: 'user', body: CreatePredefinedBody, response: PredefinedDoc }),
  adminUpdatePredefined: endpoint({
    method: 'PATCH', path: '/api/admin/predefined/:id', auth: 'user', body: UpdatePredefinedBody, response: PredefinedDoc,
  }),
  adminRemovePredefined: endpoint({ method: 'DELETE', path: '/api/admin/predefined/:id', auth: 'user', response: null }),
  adminListDispositions: endpoint({
    method: 'GET', path: '/api/admin/dispositions', auth: 'user', query: DispositionListQuery, response: DispositionsResponse,
  }),
  adminCreateDisposition: endpoint({ method: 'POST', path: '/api/admin/dispositions', auth: 'user', body: CreateDispositionBody, response: DispositionDoc }),
  adminUpdateDisposition: endpoint({
    method: 'PATCH', path: '/api/admin/dispositions/:id', auth: 'user', body: UpdateDispositionBody, response: DispositionDoc,
  }),
  adminRemoveDisposition: endpoint({ method: 'DELETE', path: '/api/admin/dispositions/:id', auth: 'user', response: null }),
  adminListArticles: endpoint({ method: 'GET', path: '/api/admin/articles', auth: 'user', response: ArticlesResponse }),
  adminCreateArticle: endpoint({ method: 'POST', path: '/api/admin/articles', auth: 'user', body: CreateArticleBody, response: Article }),
  adminUpdateArticle: endpoint({ method: 'PATCH', path: '/api/admin/articles/:id', auth: 'user', body: UpdateArticleBody, response: Article }),
  adminRemoveArticle: endpoint({ method: 'DELETE', path: '/api/admin/articles/:id', auth: 'user', response: null }),
} as const;
