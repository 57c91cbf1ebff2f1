import { describe, expect, it } from 'vitest';
import {
  ClientFrame, collectionOfType, COLLECTION_NAMES, COLLECTIONS, ContactDoc, docId, LoginBody, SendMessageBody,
  ServerFrame, TransferBody, typeOfId, ulid,
} from '../src/index.js';

describe('protocol schemas', () => {
  it('ids are <type>:<ulid> and ULIDs sort by time', () => {
    const a = ulid(1_000);
    const b = ulid(2_000);
    expect(a).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(a < b).toBe(true);
    expect(typeOfId(docId('message'))).toBe('message');
  });

  it('R-CT-02 a contact’s WhatsApp address must be E.164 digits', () => {
    const contact = { id: 'contact:x1', type: 'contact', createdAt: 1, updatedAt: 1, name: 'Maria', email: '', addresses: { whatsapp: '5511999999999' }, customFields: {} };
    expect(ContactDoc.safeParse(contact).success).toBe(true);
    expect(ContactDoc.safeParse({ ...contact, addresses: { whatsapp: '(11) 99999-9999' } }).success).toBe(false);
  });

  it('command bodies are strict: unknown keys and empty text are refused', () => {
    expect(SendMessageBody.safeParse({ id: 'abcdefgh12', text: 'oi' }).success).toBe(true);
    expect(SendMessageBody.safeParse({ id: 'abcdefgh12', text: '   ' }).success).toBe(false);
    expect(SendMessageBody.safeParse({ id: 'abcdefgh12', text: 'oi', admin: true }).success).toBe(false);
    expect(LoginBody.safeParse({ email: 'not-an-email', password: 'x' }).success).toBe(false);
  });

  it('R-WS-05 transfer names exactly one target', () => {
    expect(TransferBody.safeParse({ toTeamId: 'team:suporte' }).success).toBe(true);
    expect(TransferBody.safeParse({}).success).toBe(false);
    expect(TransferBody.safeParse({ toTeamId: 'team:a', toAgentId: 'user:b' }).success).toBe(false);
  });

  it('frames are a closed set: unknown types fail validation', () => {
    expect(ClientFrame.safeParse({ type: 'hello', token: 't' }).success).toBe(true);
    expect(ClientFrame.safeParse({ type: 'shutdown' }).success).toBe(false);
    expect(ServerFrame.safeParse({ type: 'sync.changed', collections: ['messages'] }).success).toBe(true);
    expect(ServerFrame.safeParse({ type: 'sync.changed', collections: ['secrets'] }).success).toBe(false);
  });

  it('every replicated collection maps to one document type', () => {
    for (const name of COLLECTION_NAMES) expect(collectionOfType(COLLECTIONS[name])).toBe(name);
    expect(collectionOfType('credential')).toBeUndefined();
  });
});
