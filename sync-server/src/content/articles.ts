import {
  ARTICLE_PREFIX, ARTICLES_MAX, byArticleOrder, contentErrors, DomainError, notFound, ulid,
  type Article, type CreateArticleBody, type UpdateArticleBody, type WebchatArticle,
} from '@atende/protocol';
import type { ChannelAccountDoc } from '../channelAccounts/service.js';
import { updateDoc, type DocStore, type StoredDoc } from '../store/index.js';
import { isLive } from './docs.js';

/**
 * Articles (FAQ, R-RT-05) shown to website visitors before they chat. Server-only documents
 * (`article:<ulid>`, no replicated type): no replica holds them and no client pushes them; the
 * widget reads them through its public config (`forAccount`), each article on the website chats
 * it names, or on all of them.
 */
interface ArticleDoc extends StoredDoc {
  type: 'article';
  title: string;
  body: string;
  order: number;
  accountIds: string[] | null;
  createdAt: number;
  updatedAt: number;
}

function viewOf(doc: ArticleDoc): Article {
  const { _id, title, body, order, accountIds, createdAt, updatedAt } = doc;
  return { id: _id, title, body, order, accountIds, createdAt, updatedAt };
}

export class ArticleService {
  constructor(private readonly store: DocStore) {}

  async list(): Promise<Article[]> {
    const found = (await this.store.find({ selector: { type: 'article' }, limit: ARTICLES_MAX * 2 })) as ArticleDoc[];
    return found.filter((doc) => isLive(doc, 'article')).map(viewOf).sort(byArticleOrder);
  }

  /** What the widget of one website chat (`channel:<key>`) shows, in the admins' order. */
  async forAccount(accountId: string): Promise<WebchatArticle[]> {
    return (await this.list())
      .filter((a) => a.accountIds === null || a.accountIds.includes(accountId))
      .map((a) => ({ id: a.id.slice(ARTICLE_PREFIX.length), title: a.title, body: a.body }));
  }

  /** `key`: a fixed id key (`article:<key>`, also the widget's article id), for the demo seed. */
  async create(body: CreateArticleBody, key?: string): Promise<Article> {
    if (body.accountIds) await this.assertAccounts(body.accountIds);
    if ((await this.list()).length >= ARTICLES_MAX) {
      throw new DomainError('unprocessable', 'too_many_articles', `Há no máximo ${ARTICLES_MAX} artigos. Remova algum antes de criar outro.`);
    }
    const now = Date.now();
    const doc: ArticleDoc = {
      _id: `${ARTICLE_PREFIX}${key ?? ulid(now)}`, type: 'article', title: body.title.trim(), body: body.body.trim(), order: body.order,
      accountIds: body.accountIds ? [...new Set(body.accountIds)] : null, createdAt: now, updatedAt: now,
    };
    const [result] = await this.store.bulkWrite([doc]);
    if (!result?.ok) throw new Error(`write ${doc._id}: ${result?.reason ?? 'no result'}`);
    return viewOf(doc);
  }

  async update(id: string, body: UpdateArticleBody): Promise<Article> {
    if (body.accountIds) await this.assertAccounts(body.accountIds);
    const { doc } = await updateDoc<ArticleDoc>(this.store, id, (current) => {
      if (!id.startsWith(ARTICLE_PREFIX) || !isLive(current, 'article')) throw notFound('Article');
      const next: ArticleDoc = { ...current, updatedAt: Date.now() };
      if (body.title !== undefined) next.title = body.title.trim();
      if (body.body !== undefined) next.body = body.body.trim();
      if (body.order !== undefined) next.order = body.order;
      if (body.accountIds !== undefined) next.accountIds = body.accountIds ? [...new Set(body.accountIds)] : null;
      return next;
    });
    if (!doc) throw notFound('Article');
    return viewOf(doc);
  }

  /** Server-only, so a removal is a plain deletion: no replica needs a tombstone. */
  async remove(id: string): Promise<void> {
    const { written } = await updateDoc<ArticleDoc>(this.store, id, (current) =>
      id.startsWith(ARTICLE_PREFIX) && isLive(current, 'article') ? { ...current, _deleted: true } : undefined,
    );
    if (!written) throw notFound('Article');
  }

  /** Every account named is an existing website chat (removed ones included: an article may wait for one to return). */
  private async assertAccounts(accountIds: readonly string[]): Promise<void> {
    for (const accountId of new Set(accountIds)) {
      const account = (await this.store.get(accountId)) as ChannelAccountDoc | undefined;
      if (!account || account._deleted || account.type !== 'channel' || account.kind !== 'webchat') throw contentErrors.unknownAccount(accountId);
    }
  }
}
