import { describe, expect, it } from 'vitest';
import { createRxDatabase, type RxJsonSchema } from 'rxdb';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { checkSchema } from 'rxdb/plugins/dev-mode';
import { ConversationDoc, MessageDoc } from '@atende/protocol';
import { rxSchemaOf } from '../src/db/schemaOf';
import * as schemas from '../src/db/schemas';

interface Property {
  type?: string | string[];
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  multipleOf?: number;
  default?: unknown;
}
type Schema = RxJsonSchema<unknown> & { properties: Record<string, Property> };

describe('issue 8 point 7: RxDB schemas generated from the protocol documents', () => {
  const conversation = rxSchemaOf(ConversationDoc, { title: 'conversation', indexes: [['status', 'updatedAt']] }) as Schema;
  const message = rxSchemaOf(MessageDoc, { title: 'message', version: 1, indexes: [['conversationId', 'createdAt']] }) as Schema;

  it('has exactly the protocol document’s fields', () => {
    expect(Object.keys(message.properties).sort()).toEqual(Object.keys(MessageDoc.shape).sort());
    expect(Object.keys(conversation.properties).sort()).toEqual(Object.keys(ConversationDoc.shape).sort());
  });

  it('passes RxDB’s own schema checks (dev mode), indexed fields required and bounded', () => {
    expect(() => checkSchema(conversation)).not.toThrow();
    expect(() => checkSchema(message)).not.toThrow();
    expect(message.required).toEqual(expect.arrayContaining(['conversationId', 'createdAt']));
    expect(message.properties.createdAt).toMatchObject({ type: 'number', minimum: 0, multipleOf: 1 });
    expect(message.properties.conversationId?.maxLength).toBe(100);
  });

  it('a document the protocol accepts is stored and found by its index in a real RxDB collection', async () => {
    const db = await createRxDatabase({ name: `schemaof${Date.now()}`, storage: getRxStorageMemory() });
    try {
      // Version 0 here: a fresh database has nothing to migrate (the migration plugin is the app's concern).
      await db.addCollections({ messages: { schema: { ...message, version: 0 } } });
      const now = Date.now();
      const doc = MessageDoc.parse({
        id: 'message:x1', type: 'message', createdAt: now, updatedAt: now, conversationId: 'conversation:c1',
        teamId: 'team:suporte', formerTeamIds: [], direction: 'in', authorId: null, authorName: 'Maria', kind: 'text',
        text: 'oi', attachments: [], visibility: 'public', status: 'delivered', error: null, externalId: null,
      });
      await db.collections.messages!.insert(doc);
      const found = await db.collections.messages!.find({ selector: { conversationId: 'conversation:c1' }, sort: [{ createdAt: 'asc' }] }).exec();
      expect(found.map((d) => d.get('text'))).toEqual(['oi']);
    } finally {
      await db.remove();
    }
  });

  it.each(['conversationSchema', 'messageSchema', 'contactSchema', 'teamSchema', 'userSchema', 'predefinedSchema', 'dispositionSchema'] as const)(
    'the app’s %s passes RxDB’s dev-mode checks and lets a content-free tombstone fit (only identity, times, indexed fields required)',
    (name) => {
      const schema = schemas[name] as Schema;
      expect(() => checkSchema(schema)).not.toThrow();
      const allowed = new Set(['id', 'type', 'createdAt', 'updatedAt', ...(schema.indexes ?? []).flat()]);
      expect(schema.required?.filter((f) => !allowed.has(String(f)))).toEqual([]);
    },
  );

  it('refuses an index on a string the protocol leaves unbounded', () => {
    expect(() => rxSchemaOf(MessageDoc, { title: 'message', indexes: [['authorName']] })).toThrow(/maximum length/);
  });
});
