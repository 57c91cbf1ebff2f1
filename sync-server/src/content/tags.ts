import { byName, contentErrors, docId, nameKey, notFound, type CreateTagBody, type TagDoc, type UpdateTagBody } from '@atende/protocol';
import { updateDoc, type DocStore } from '../store/index.js';
import { toStored, toWire } from '../store/wire.js';
import { isLive, liveById, liveOf, removedForm, writeNew } from './docs.js';
import type { NameClaims } from '../store/claims.js';
import { contentNameClaims } from './names.js';

const SCOPE = 'tag';

/**
 * The organisation's internal tags (R-WS-05, R-RT-05), the admins' list. Replicated to every
 * user; a removed tag becomes a tombstone, and conversations keep its id, which the app shows as
 * nothing (ConversationChips finds no such tag).
 */
export class TagService {
  private readonly names: NameClaims;

  constructor(private readonly store: DocStore) {
    this.names = contentNameClaims(store, {
      currentName: async (id) => (await this.find(id))?.name,
      duplicate: contentErrors.duplicateTag,
    });
  }

  async list(): Promise<TagDoc[]> {
    return (await liveOf<TagDoc>(this.store, 'tag')).sort(byName);
  }

  async find(id: string): Promise<TagDoc | undefined> {
    const doc = await liveById(this.store, id, 'tag');
    return doc ? toWire<TagDoc>(doc) : undefined;
  }

  /**
   * The name is checked against the list (tags seeded or pushed without a claim) and claimed
   * (parallel creates). `key`: a fixed id key (`tag:<key>`), for the demo seed.
   */
  async create(body: CreateTagBody, key?: string): Promise<TagDoc> {
    await this.assertNameFree(body.name);
    const now = Date.now();
    const tag: TagDoc = { id: docId('tag', key), type: 'tag', name: body.name.trim(), color: body.color, createdAt: now, updatedAt: now };
    await this.names.claim(tag.name, tag.id, { scope: SCOPE });
    try {
      return await writeNew(this.store, tag);
    } catch (error) {
      await this.names.release(tag.name, tag.id, SCOPE);
      throw error;
    }
  }

  async update(id: string, body: UpdateTagBody): Promise<TagDoc> {
    const before = await this.find(id);
    if (!before) throw notFound('Tag');
    if (body.name !== undefined) await this.assertNameFree(body.name, id);
    const renamed = body.name !== undefined && nameKey(body.name) !== nameKey(before.name) ? body.name.trim() : undefined;
    if (renamed !== undefined) await this.names.claim(renamed, id, { scope: SCOPE });
    let written: TagDoc | undefined;
    try {
      const { doc } = await updateDoc(this.store, id, (current) => {
        if (!isLive(current, 'tag')) throw notFound('Tag');
        const next: TagDoc = { ...toWire<TagDoc>(current), updatedAt: Date.now() };
        if (body.name !== undefined) next.name = body.name.trim();
        if (body.color !== undefined) next.color = body.color;
        return toStored(next, current._rev);
      });
      written = doc ? toWire<TagDoc>(doc) : undefined;
    } catch (error) {
      if (renamed !== undefined) await this.names.release(renamed, id, SCOPE);
      throw error;
    }
    if (renamed !== undefined) await this.names.release(before.name, id, SCOPE);
    if (!written) throw notFound('Tag');
    return written;
  }

  async remove(id: string): Promise<void> {
    const before = await this.find(id);
    if (!before) throw notFound('Tag');
    const { written } = await updateDoc(this.store, id, (current) => (isLive(current, 'tag') ? removedForm(current, Date.now()) : undefined));
    if (!written) throw notFound('Tag');
    await this.names.release(before.name, id, SCOPE);
  }

  private async assertNameFree(name: string, except?: string): Promise<void> {
    const key = nameKey(name);
    const taken = (await this.list()).find((t) => t.id !== except && nameKey(t.name) === key);
    if (taken) throw contentErrors.duplicateTag(taken.name);
  }
}
