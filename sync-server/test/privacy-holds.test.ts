import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, login, newVisitor, pullAll, startTestServer, visitorSays, type TestServer } from './helpers.js';

/**
 * Legal holds (issue 19 point 1, R-PRIV-03): set on a contact or a conversation by supervisors and
 * admins (agents 403), audited, replicated with the document, and never written by a client's push.
 */
let server: TestServer;
let ana: string;
let carla: string;
let admin: string;
let contactId: string;
let conversationId: string;

beforeAll(async () => {
  server = await startTestServer();
  [ana, carla, admin] = await Promise.all(['ana', 'carla', 'admin'].map(async (n) => (await login(server, `${n}@demo.local`)).accessToken)) as [string, string, string];
  const visitor = await newVisitor(server, 'demo-site', 'Cliente Retido');
  conversationId = (await visitorSays(server, visitor, 'quero meus dados')).conversationId;
  contactId = String((await server.store.get(conversationId))?.contactId);
  expect((await call(server, 'POST', `/api/conversations/${conversationId}/claim`, { token: ana })).status).toBe(200);
}, 60_000);
afterAll(() => server.close());

const hold = (kind: 'contacts' | 'conversations', id: string, body: unknown, token?: string) =>
  call<{ id?: string; legalHold?: boolean; error?: string }>(server, 'PUT', `/api/privacy/${kind}/${id}/legal-hold`, { ...(token ? { token } : {}), body });

describe('R-PRIV-03 legal holds', () => {
  it('R-PRIV-03 an agent is refused (403); a bad body is 400; an unknown or a mismatched id 404', async () => {
    expect((await hold('contacts', contactId, { legalHold: true }, ana)).status).toBe(403);
    expect((await hold('conversations', conversationId, { legalHold: true }, ana)).status).toBe(403);
    expect((await hold('contacts', contactId, { legalHold: true })).status).toBe(401);
    expect((await hold('contacts', contactId, { legalHold: 'yes' }, carla)).status).toBe(400);
    expect((await hold('contacts', contactId, { legalHold: true, extra: 1 }, carla)).status).toBe(400);
    expect((await hold('contacts', 'contact:nobody', { legalHold: true }, carla)).status).toBe(404);
    expect((await hold('contacts', conversationId, { legalHold: true }, carla)).status).toBe(404);
    expect((await server.store.get(contactId))?.legalHold).toBeUndefined();
    expect(await server.store.find({ selector: { type: 'audit', action: 'legal_hold' }, limit: 10 })).toEqual([]);
  });

  it('R-PRIV-03 a supervisor sets it on the contact, an admin on the conversation; each change is audited once, a repeat is no change', async () => {
    expect((await hold('contacts', contactId, { legalHold: true }, carla)).body).toEqual({ id: contactId, legalHold: true });
    expect((await hold('contacts', contactId, { legalHold: true }, carla)).body).toEqual({ id: contactId, legalHold: true });
    expect((await hold('conversations', conversationId, { legalHold: true }, admin)).body).toEqual({ id: conversationId, legalHold: true });
    expect((await server.store.get(contactId))?.legalHold).toBe(true);
    expect((await server.store.get(conversationId))?.legalHold).toBe(true);
    const audit = await server.store.find({ selector: { type: 'audit', action: 'legal_hold' }, limit: 10 });
    expect(audit.map((a) => [a.subjectId, a.detail]).sort()).toEqual([[contactId, 'on'], [conversationId, 'on']].sort());
  });

  it('R-PRIV-03 the flag replicates with the documents; a push cannot lift it', async () => {
    const contacts = await pullAll(server, ana, 'contacts');
    const pulled = contacts.documents.find((d) => d.id === contactId);
    expect(pulled?.legalHold).toBe(true);
    const conversations = await pullAll(server, ana, 'conversations');
    expect(conversations.documents.find((d) => d.id === conversationId)?.legalHold).toBe(true);
    const { _deleted: _, ...edited }: Record<string, unknown> = { ...pulled, name: 'Nome Editado', legalHold: false };
    const pushed = await call<unknown[]>(server, 'POST', '/api/sync/contacts/push', { token: ana, body: [{ newDocumentState: edited, assumedMasterState: pulled }] });
    expect(pushed.status).toBe(200);
    const stored = await server.store.get(contactId, { fresh: true });
    expect([stored?.name, stored?.legalHold]).toEqual(['Nome Editado', true]);
  });

  it('R-PRIV-03 lifting it is audited as off', async () => {
    expect((await hold('contacts', contactId, { legalHold: false }, admin)).body).toEqual({ id: contactId, legalHold: false });
    expect((await server.store.get(contactId, { fresh: true }))?.legalHold).toBe(false);
    const audit = await server.store.find({ selector: { type: 'audit', action: 'legal_hold', detail: 'off' }, limit: 10 });
    expect(audit.map((a) => a.subjectId)).toEqual([contactId]);
  });
});
