import { afterEach, describe, expect, it } from 'vitest';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { openDatabase, type AtendeDatabase } from '../src/db/database';
import { forgetUnmaskedText } from '../src/db/maskedReplica';

/** Issue 19, R-PRIV-04: a replica filled with text as written does not keep it once its user reads masked. */
const open: AtendeDatabase[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.close();
});

let counter = 0;
async function filledReplica(): Promise<AtendeDatabase> {
  const db = await openDatabase(`user:masked-${counter++}`, { storage: getRxStorageMemory(), multiInstance: false });
  open.push(db);
  await db.conversations.insert({
    id: 'conversation:c1', type: 'conversation', teamId: 'team:suporte', formerTeamIds: [], status: 'active', createdAt: 1, updatedAt: 1,
    lastPreview: 'CPF 529.982.247-25', contactId: 'contact:k1',
  } as never);
  await db.messages.insert({
    id: 'message:m1', type: 'message', conversationId: 'conversation:c1', teamId: 'team:suporte', formerTeamIds: [], createdAt: 1, updatedAt: 1,
    text: 'CPF 529.982.247-25',
  } as never);
  await db.users.insert({
    id: 'user:ana', type: 'user', name: 'Ana', email: 'ana@demo.local', role: 'agent', teamIds: [], maxConcurrent: 5, createdAt: 1, updatedAt: 1,
  } as never);
  return db;
}

const texts = async (db: AtendeDatabase) => JSON.stringify([
  ...(await db.messages.find().exec()).map((d) => d.toJSON()),
  ...(await db.conversations.find().exec()).map((d) => d.toJSON()),
]);

describe('R-PRIV-04 the desk\'s replica when its user reads personal data masked', () => {
  it('R-PRIV-04 a replica filled before masking (or with the permission) loses its messages and previews once masked, other collections stay', async () => {
    const db = await filledReplica();
    expect(await forgetUnmaskedText(db, { role: 'agent', permissions: { personalData: true } })).toBe(0);
    expect(await texts(db)).toContain('529.982.247-25');
    expect(await forgetUnmaskedText(db, { role: 'agent' })).toBe(2);
    expect(await texts(db)).not.toContain('529.982.247-25');
    expect(await db.users.count().exec()).toBe(1);
  });

  it('R-PRIV-04 a replica already filled masked is left alone on later restarts (a change of teams)', async () => {
    const db = await filledReplica();
    expect(await forgetUnmaskedText(db, { role: 'agent' })).toBe(2);
    await db.messages.insert({
      id: 'message:m2', type: 'message', conversationId: 'conversation:c1', teamId: 'team:suporte', formerTeamIds: [], createdAt: 2, updatedAt: 2,
      text: 'CPF ***.***.***-25',
    } as never);
    expect(await forgetUnmaskedText(db, { role: 'agent', permissions: {} })).toBe(0);
    expect(await db.messages.count().exec()).toBe(1);
  });

  it('R-PRIV-04 supervisors never lose their replica to masking', async () => {
    const db = await filledReplica();
    expect(await forgetUnmaskedText(db, { role: 'supervisor' })).toBe(0);
    expect(await db.messages.count().exec()).toBe(1);
  });
});
