import { describe, expect, it, vi } from 'vitest';

/** The composer's send (R-WS-04, issue 11's one file per message): what goes to the outbox, in which order, and a refusal. */
const outbox = vi.hoisted(() => ({ sent: [] as Array<{ conversationId: string; text: string; mediaIds: string[] }>, failAt: -1 }));
vi.mock('../src/stores/workspace', () => ({
  useWorkspaceStore: () => ({
    sendMessage: (conversationId: string, text: string, mediaIds: string[]) => {
      if (outbox.sent.length === outbox.failAt) return Promise.reject(new Error('store closed'));
      outbox.sent.push({ conversationId, text, mediaIds });
      return Promise.resolve();
    },
  }),
}));
const { useReplySend } = await import('../src/components/composer/replySend');

describe('the composer’s send (R-WS-04)', () => {
  it('R-CH-04 on Messenger two files go as two messages, the text with the first; the website chat takes both in one', async () => {
    outbox.sent = [];
    outbox.failAt = -1;
    expect(await useReplySend(() => 'c:1', () => 'messenger').send('Segue', ['media:a', 'media:b'])).toBe(true);
    expect(outbox.sent).toEqual([
      { conversationId: 'c:1', text: 'Segue', mediaIds: ['media:a'] },
      { conversationId: 'c:1', text: '', mediaIds: ['media:b'] },
    ]);
    outbox.sent = [];
    expect(await useReplySend(() => 'c:2', () => 'webchat').send('Segue', ['media:a', 'media:b'])).toBe(true);
    expect(outbox.sent).toEqual([{ conversationId: 'c:2', text: 'Segue', mediaIds: ['media:a', 'media:b'] }]);
  });

  it('R-NET-04 a send the local store refuses says so (failed) and answers false, so the composer keeps the text', async () => {
    outbox.sent = [];
    outbox.failAt = 0;
    const sender = useReplySend(() => 'c:1', () => 'telegram');
    expect(await sender.send('Oi', [])).toBe(false);
    expect(sender.failed.value).toBe(true);
    expect(sender.sending.value).toBe(false);
    outbox.failAt = -1;
    expect(await sender.send('Oi', [])).toBe(true);
    expect(sender.failed.value).toBe(false);
  });

  it('R-WS-04 a second press while the first send is under way sends nothing more', async () => {
    outbox.sent = [];
    outbox.failAt = -1;
    const sender = useReplySend(() => 'c:1', () => 'webchat');
    const [first, second] = await Promise.all([sender.send('Oi', []), sender.send('Oi', [])]);
    expect([first, second]).toEqual([true, false]);
    expect(outbox.sent).toHaveLength(1);
  });
});
