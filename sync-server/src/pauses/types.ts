import {
  byName, DomainError, nameKey, notFound, PAUSE_TYPE_PREFIX, pauseErrors, ulid,
  type CreatePauseTypeBody, type PauseType, type UpdatePauseTypeBody,
} from '@atende/protocol';
import { updateDoc, type DocStore, type StoredDoc } from '../store/index.js';
import type { NameClaims } from '../store/claims.js';
import { pauseTypeNames } from './typeNames.js';

/**
 * The pause types an admin defines (R-WS-09). Server-only documents: `pauseType` is no replicated
 * type, so no replica holds them and no client may push them; agents read the active ones
 * through `GET /api/pause-types`.
 */
export interface PauseTypeDoc extends StoredDoc {
  type: 'pauseType';
  name: string;
  maxMinutes: number | null;
  window: PauseType['window'];
  active: boolean;
  createdAt: number;
  updatedAt: number;
  /** Removed types are kept (a pause under way carries its own copy) but listed nowhere. */
  removed?: boolean;
}

const LIST_LIMIT = 500;

export function viewOf(doc: PauseTypeDoc): PauseType {
  return {
    id: doc._id, name: doc.name, maxMinutes: doc.maxMinutes, window: doc.window, active: doc.active,
    createdAt: doc.createdAt, updatedAt: doc.updatedAt,
  };
}

/** A new type's document (the demo seeds its own through here too). */
export function pauseTypeDoc(body: CreatePauseTypeBody, now: number, key: string = ulid(now)): PauseTypeDoc {
  return {
    _id: `${PAUSE_TYPE_PREFIX}${key}`, type: 'pauseType', name: body.name.trim(), maxMinutes: body.maxMinutes,
    window: body.window, active: body.active, createdAt: now, updatedAt: now,
  };
}

export class PauseTypes {
  private readonly names: NameClaims;

  constructor(private readonly store: DocStore) {
    this.names = pauseTypeNames(store, async (id) => (await this.find(id))?.name);
  }

  /** Every type not removed, by name. */
  async list(): Promise<PauseTypeDoc[]> {
    const found = (await this.store.find({ selector: { type: 'pauseType' }, limit: LIST_LIMIT })) as PauseTypeDoc[];
    return found.filter((t) => !t._deleted && !t.removed).sort(byName);
  }

  /** A type by id, fresh from the store; undefined when unknown or removed. */
  async find(id: string): Promise<PauseTypeDoc | undefined> {
    if (!id.startsWith(PAUSE_TYPE_PREFIX)) return undefined;
    const doc = (await this.store.get(id, { fresh: true })) as PauseTypeDoc | undefined;
    return doc && !doc._deleted && !doc.removed && doc.type === 'pauseType' ? doc : undefined;
  }

  /** The name is claimed in the store first (typeNames.ts): parallel creates of one name make one type. */
  async create(body: CreatePauseTypeBody): Promise<PauseTypeDoc> {
    await this.assertNameFree(body.name);
    const doc = pauseTypeDoc(body, Date.now());
    await this.names.claim(doc.name, doc._id);
    const [result] = await this.store.bulkWrite([doc]);
    if (!result?.ok) {
      await this.names.release(doc.name, doc._id);
      throw new Error(`write ${doc._id}: ${result?.reason ?? 'no result'}`);
    }
    return { ...doc, _rev: result.rev };
  }

  /** A rename claims the new name before writing and frees the old one after. */
  async update(id: string, body: UpdatePauseTypeBody): Promise<PauseTypeDoc> {
    const before = await this.find(id);
    if (!before) throw notFound('pause type');
    if (body.name !== undefined) await this.assertNameFree(body.name, id);
    // A change of case or accents keeps the name the type already holds.
    const renamed = body.name !== undefined && nameKey(body.name) !== nameKey(before.name) ? body.name : undefined;
    if (renamed !== undefined) await this.names.claim(renamed, id);
    let doc: PauseTypeDoc | undefined;
    try {
      ({ doc } = await updateDoc<PauseTypeDoc>(this.store, id, (current) => {
        if (!current || current._deleted || current.removed) throw notFound('pause type');
        const next: PauseTypeDoc = { ...current, updatedAt: Date.now() };
        if (body.name !== undefined) next.name = body.name.trim();
        if (body.maxMinutes !== undefined) next.maxMinutes = body.maxMinutes;
        if (body.window !== undefined) next.window = body.window;
        if (body.active !== undefined) next.active = body.active;
        return next;
      }));
    } catch (error) {
      if (renamed !== undefined) await this.names.release(renamed, id);
      throw error;
    }
    if (!doc) throw new DomainError('not_found', 'not_found', 'pause type not found');
    if (renamed !== undefined) await this.names.release(before.name, id);
    return doc;
  }

  async remove(id: string): Promise<void> {
    const { doc, written } = await updateDoc<PauseTypeDoc>(this.store, id, (current) =>
      current && !current._deleted && !current.removed && current.type === 'pauseType'
        ? { ...current, active: false, removed: true, updatedAt: Date.now() }
        : undefined,
    );
    if (!written || !doc) throw notFound('pause type');
    await this.names.release(doc.name, id);
  }

  /** Two types with one name would be told apart by nobody in the agent's menu. */
  private async assertNameFree(name: string, except?: string): Promise<void> {
    const key = nameKey(name);
    const taken = (await this.list()).find((t) => t._id !== except && nameKey(t.name) === key);
    if (taken) throw pauseErrors.duplicateName(taken.name);
  }
}
