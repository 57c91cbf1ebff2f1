import { describe, expect, it } from 'vitest';
import {
  ContactDoc, ConversationDoc, DispositionDoc, FavouriteDoc, MessageDoc, NoteDoc, PredefinedDoc, TagDoc, TeamDoc, UserDoc,
} from '@atende/protocol';
import type { RxJsonSchema } from 'rxdb';
import {
  contactSchema, conversationSchema, dispositionSchema, favouriteSchema, messageSchema, noteSchema, predefinedSchema, tagSchema, teamSchema,
  userSchema,
} from '../src/db/schemas';

const pairs = [
  ['conversations', ConversationDoc, conversationSchema],
  ['messages', MessageDoc, messageSchema],
  ['contacts', ContactDoc, contactSchema],
  ['teams', TeamDoc, teamSchema],
  ['users', UserDoc, userSchema],
  ['predefined', PredefinedDoc, predefinedSchema],
  ['dispositions', DispositionDoc, dispositionSchema],
  ['notes', NoteDoc, noteSchema],
  ['tags', TagDoc, tagSchema],
  ['favourites', FavouriteDoc, favouriteSchema],
] as const;

interface Property {
  type?: string | string[];
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  multipleOf?: number;
}

describe('local replica schemas (issue 3: checked against protocol/)', () => {
  it.each(pairs)('%s has exactly the protocol document’s fields', (_name, zodSchema, rxSchema) => {
    const protocolFields = Object.keys(zodSchema.shape).sort();
    const localFields = Object.keys((rxSchema as RxJsonSchema<unknown>).properties).sort();
    expect(localFields).toEqual(protocolFields);
  });

  it.each(pairs)('%s indexes only required, bounded fields (RxDB rule)', (_name, _zod, rxSchema) => {
    const schema = rxSchema as RxJsonSchema<unknown> & { properties: Record<string, Property> };
    for (const index of (schema.indexes ?? []) as Array<string | string[]>) {
      for (const field of ([] as string[]).concat(index)) {
        expect(schema.required).toContain(field);
        const property = schema.properties[field];
        if (property?.type === 'string') expect(property.maxLength).toBeGreaterThan(0);
        if (property?.type === 'number') {
          expect(property.minimum).toBeDefined();
          expect(property.maximum).toBeDefined();
          expect(property.multipleOf).toBeDefined();
        }
      }
    }
  });

  it('stays within the open-source RxDB collection limit (13 open at once)', async () => {
    const { REPLICATED } = await import('../src/db/database');
    // +2 for the local-only drafts and outbox collections; RxDB's NON_PREMIUM_COLLECTION_LIMIT is 13.
    expect(REPLICATED.length + 2).toBeLessThanOrEqual(13);
  });

  it('a replicated document from the server fits its local schema', () => {
    const now = Date.now();
    const message = MessageDoc.parse({
      id: 'message:x1', type: 'message', createdAt: now, updatedAt: now, conversationId: 'conversation:c1', teamId: 'team:suporte',
      formerTeamIds: [], direction: 'in', authorId: null, authorName: 'Maria', kind: 'text', text: 'oi', attachments: [],
      visibility: 'public', status: 'delivered', error: null, externalId: null,
    });
    const properties = (messageSchema as RxJsonSchema<unknown> & { properties: Record<string, Property> }).properties;
    for (const [field, value] of Object.entries(message)) {
      const types = ([] as string[]).concat(properties[field]?.type ?? []);
      const actual = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
      // JSON Schema's `integer` is a number without a fraction.
      const accepted = types.includes(actual) || (actual === 'number' && Number.isInteger(value) && types.includes('integer'));
      expect(accepted, `${field}: ${types.join('|')} vs ${actual}`).toBe(true);
    }
  });
});
