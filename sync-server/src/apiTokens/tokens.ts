import {
  API_TOKEN_ID_PREFIX, API_TOKEN_PREFIX, notFound, ulid,
  type ApiScope, type ApiTokenView, type CreateApiTokenBody, type CreatedApiToken, type UserDoc,
} from '@atende/protocol';
import { randomToken, sameSecret, sha256 } from '../auth/tokens.js';
import { updateDoc, type DocStore, type StoredDoc } from '../store/index.js';

/**
 * API tokens (R-RT-05): server-only documents (`apiToken` is no replicated type). The secret is
 * answered once at creation; the store keeps only its SHA-256, twice: on the token, and as the id
 * of a small lookup document (`apitokenhash:<hash>` → token id), so a request finds its token with
 * one read by id instead of a query. Nothing is cached: a revocation is refused on the very next
 * request, on every node.
 */
export interface ApiTokenDoc extends StoredDoc {
  type: 'apiToken';
  name: string;
  scopes: ApiScope[];
  /** Hex SHA-256 of the secret. */
  hash: string;
  createdAt: number;
  createdBy: string;
  createdByName: string;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

interface TokenHashDoc extends StoredDoc {
  type: 'apiTokenHash';
  tokenId: string;
}

/** The caller of a public route: the token, as read for this request. */
export interface Integration {
  id: string;
  name: string;
  scopes: readonly ApiScope[];
}

const HASH_PREFIX = 'apitokenhash:';
const LIST_LIMIT = 1_000;
/** lastUsedAt is written at most this often per token: a busy integration costs no write per request. */
export const LAST_USED_EVERY_MS = 60_000;
/** 32 random bytes in base64url. */
const SECRET_SHAPE = /^atk_[A-Za-z0-9_-]{43}$/;

export function viewOf(doc: ApiTokenDoc): ApiTokenView {
  return {
    id: doc._id, name: doc.name, scopes: doc.scopes, createdAt: doc.createdAt, createdBy: doc.createdBy,
    createdByName: doc.createdByName, lastUsedAt: doc.lastUsedAt, revokedAt: doc.revokedAt,
  };
}

export class ApiTokens {
  /** Tokens whose lastUsedAt write is under way on this node. */
  private readonly touching = new Set<string>();

  constructor(
    private readonly store: DocStore,
    private readonly now: () => number = Date.now,
    private readonly log: (m: string) => void = () => {},
  ) {}

  /** Every token, revoked ones too (the admin sees what was revoked and when), newest first. */
  async list(): Promise<ApiTokenDoc[]> {
    const found = (await this.store.find({ selector: { type: 'apiToken' }, limit: LIST_LIMIT })) as ApiTokenDoc[];
    return found.filter((t) => !t._deleted).sort((a, b) => b.createdAt - a.createdAt || (a._id < b._id ? 1 : -1));
  }

  /** The lookup document first: a token is never stored without the way to find it. */
  async create(creator: Pick<UserDoc, 'id' | 'name'>, body: CreateApiTokenBody): Promise<CreatedApiToken> {
    const now = this.now();
    const token = `${API_TOKEN_PREFIX}${randomToken(32)}`;
    const hash = sha256(token);
    const id = `${API_TOKEN_ID_PREFIX}${ulid(now)}`;
    const doc: ApiTokenDoc = {
      _id: id, type: 'apiToken', name: body.name.trim(), scopes: [...body.scopes], hash, createdAt: now,
      createdBy: creator.id, createdByName: creator.name, lastUsedAt: null, revokedAt: null,
    };
    const lookup: TokenHashDoc = { _id: `${HASH_PREFIX}${hash}`, type: 'apiTokenHash', tokenId: id };
    for (const written of [lookup, doc]) {
      const [result] = await this.store.bulkWrite([written]);
      if (!result?.ok) throw new Error(`write ${written._id}: ${result?.reason ?? 'no result'}`);
    }
    return { id, token };
  }

  /** Revoking twice answers the same; an unknown id is a 404. */
  async revoke(id: string): Promise<void> {
    if (!id.startsWith(API_TOKEN_ID_PREFIX)) throw notFound('API token');
    const { doc } = await updateDoc<ApiTokenDoc>(this.store, id, (current) =>
      current && !current._deleted && current.type === 'apiToken' && current.revokedAt === null
        ? { ...current, revokedAt: this.now() }
        : undefined,
    );
    if (!doc || doc._deleted || doc.type !== 'apiToken') throw notFound('API token');
  }

  /**
   * The integration behind a presented secret; undefined for anything else (malformed, unknown,
   * revoked). Read fresh each time, past any cache.
   */
  async authenticate(secret: string | undefined): Promise<Integration | undefined> {
    if (!secret || !SECRET_SHAPE.test(secret)) return undefined;
    const hash = sha256(secret);
    const lookup = (await this.store.get(`${HASH_PREFIX}${hash}`, { fresh: true })) as TokenHashDoc | undefined;
    if (!lookup || lookup._deleted) return undefined;
    const doc = (await this.store.get(lookup.tokenId, { fresh: true })) as ApiTokenDoc | undefined;
    if (!doc || doc._deleted || doc.type !== 'apiToken' || doc.revokedAt !== null || !sameSecret(hash, doc.hash)) return undefined;
    this.touch(doc);
    return { id: doc._id, name: doc.name, scopes: doc.scopes };
  }

  /** Records the use, at most once a minute per token; never delays nor fails the request. */
  private touch(doc: ApiTokenDoc): void {
    const now = this.now();
    if (doc.lastUsedAt !== null && now - doc.lastUsedAt < LAST_USED_EVERY_MS) return;
    if (this.touching.has(doc._id)) return;
    this.touching.add(doc._id);
    void updateDoc<ApiTokenDoc>(this.store, doc._id, (current) =>
      current && !current._deleted && (current.lastUsedAt === null || now - current.lastUsedAt >= LAST_USED_EVERY_MS)
        ? { ...current, lastUsedAt: now }
        : undefined,
    )
      .catch((e: unknown) => this.log(`API token last use not recorded: ${String(e)}`))
      .finally(() => this.touching.delete(doc._id));
  }
}
