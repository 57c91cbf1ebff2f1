import { describe, expect, it } from 'vitest';
import { webhookAddress } from '../src/components/admin/webhookAddress';

/** Issue 10 QA defect 2: without ATENDE_PUBLIC_URL the admin still sees the webhook address, marked local. */
describe('R-CH-03 the webhook address shown to the admin', () => {
  const account = { id: 'channel:01WA', kind: 'whatsapp' as const };

  it('R-CH-03 is the server’s public URL when it has one', () => {
    const url = 'https://atende.example.com/channels/whatsapp/01WA/webhook';
    expect(webhookAddress({ ...account, webhookUrl: url }, 'http://127.0.0.1:3000')).toEqual({ url, public: true });
  });

  it('R-CH-03 without a public URL is this server’s own address on the same path, not public', () => {
    expect(webhookAddress({ ...account, webhookUrl: null }, 'http://127.0.0.1:3000/')).toEqual({
      url: 'http://127.0.0.1:3000/channels/whatsapp/01WA/webhook', public: false,
    });
    expect(webhookAddress({ id: 'channel:demo-whatsapp', kind: 'whatsapp', webhookUrl: null }, 'http://localhost:8080')?.url)
      .toBe('http://localhost:8080/channels/whatsapp/demo-whatsapp/webhook');
  });

  it('R-CH-03 the website chat has no webhook', () => {
    expect(webhookAddress({ id: 'channel:site', kind: 'webchat', webhookUrl: null }, 'http://127.0.0.1:3000')).toBeNull();
  });
});
