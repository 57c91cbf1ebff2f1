import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { formatRatingAnswer, RATING_LABELS, RATING_QUESTION, type ContactDoc, type ConversationDoc, type MessageDoc } from '@atende/protocol';
import type { ChannelAccountDoc } from '../src/channelAccounts/service.js';
import type { OutboundRequest } from '../src/channels/adapter.js';
import { RATING_LIST_BUTTON, WhatsAppAdapter } from '../src/channels/whatsapp/adapter.js';
import { parseWhatsAppWebhook } from '../src/channels/whatsapp/inbound.js';
import { FakeGraph, waInteractiveReply } from '../src/channels/whatsapp/simulator/graph.js';
import { PermanentFailure } from '../src/jobs/types.js';

/**
 * R-RT-06 / issue 18 on WhatsApp, adapter against the fake Graph server: the rating question goes
 * as an interactive list (the fake holds it to Meta's documented limits), and the customer's pick
 * comes back as `list_reply` parsed into `ratingAnswer`.
 */
const PHONE_NUMBER_ID = '106540352242999';
const ACCESS_TOKEN = 'EAAG-rating-test-token';
const KEY = 'AbCdEf0123456789';

let graph: FakeGraph;
let adapter: WhatsAppAdapter;

beforeAll(async () => {
  graph = await new FakeGraph({ phoneNumberId: PHONE_NUMBER_ID, accessToken: ACCESS_TOKEN, appSecret: 'secret' }).start();
  const account = { _id: 'channel:wa-rating', kind: 'whatsapp', settings: { phoneNumberId: PHONE_NUMBER_ID, accessToken: ACCESS_TOKEN, baseUrl: graph.baseUrl } } as unknown as ChannelAccountDoc;
  adapter = new WhatsAppAdapter(account);
});
afterAll(async () => {
  await graph.stop();
});
beforeEach(() => graph.reset());

function request(text: string, payload: MessageDoc['payload']): OutboundRequest {
  return {
    conversation: { id: 'conversation:r1', channelMeta: {} } as unknown as ConversationDoc,
    contact: { id: 'contact:r1', addresses: { whatsapp: '5511988887777' } } as unknown as ContactDoc,
    message: { id: 'message:r1', kind: 'text', text, attachments: [], payload } as unknown as MessageDoc,
    idempotencyKey: 'k', readMedia: () => Promise.reject(new Error('no media')), publicMediaUrl: () => null,
  };
}

/** Graph's send, straight to the fake (what a broken adapter could send). */
const rawSend = (interactive: unknown) => fetch(`${graph.baseUrl}/${PHONE_NUMBER_ID}/messages`, {
  method: 'POST', headers: { authorization: `Bearer ${ACCESS_TOKEN}`, 'content-type': 'application/json' },
  body: JSON.stringify({ messaging_product: 'whatsapp', recipient_type: 'individual', to: '5511988887777', type: 'interactive', interactive }),
});
const rows = (n: number, title = (i: number) => `Opção ${i}`, id = (i: number) => `row-${i}`) =>
  Array.from({ length: n }, (_, i) => ({ id: id(i), title: title(i) }));
const list = (sectionRows: unknown[], extra: Record<string, unknown> = {}) =>
  ({ type: 'list', body: { text: 'Escolha' }, action: { button: 'Ver', sections: [{ rows: sectionRows }] }, ...extra });

describe('R-RT-06 issue 18 WhatsApp rating question (adapter ↔ fake Graph)', () => {
  it('R-RT-06 a message asking for the rating goes as an interactive list: body = the question, button "Avaliar", 5 rows rate:<n>:<key> with the pt-BR labels', async () => {
    const sent = await adapter.send(request(RATING_QUESTION, { ratingRequest: KEY }));
    expect(sent.externalId).toMatch(/^wamid\./);
    expect(graph.sent).toHaveLength(1);
    const body = graph.sent[0]!.body;
    expect(body).toMatchObject({ messaging_product: 'whatsapp', to: '5511988887777', type: 'interactive' });
    expect(body.text).toBeUndefined();
    expect(body.interactive).toEqual({
      type: 'list', body: { text: RATING_QUESTION },
      action: { button: RATING_LIST_BUTTON, sections: [{ title: 'Nota', rows: [1, 2, 3, 4, 5].map((n) => ({ id: formatRatingAnswer(KEY, n), title: RATING_LABELS[n] })) }] },
    });
  });

  it('R-RT-06 a plain message (no ratingRequest, or one that is not a key) still goes as text', async () => {
    await adapter.send(request('Olá', {}));
    await adapter.send(request('Olá de novo', { ratingRequest: true }));
    expect(graph.sent.map((s) => [s.type, s.body.text])).toEqual([['text', { body: 'Olá', preview_url: false }], ['text', { body: 'Olá de novo', preview_url: false }]]);
  });

  it('issue 18 the fake refuses lists Meta refuses (code 131009): 11 rows, a row title over 24, an id over 200, a button over 20, duplicate ids, no body', async () => {
    const refused = [
      list(rows(11)),
      list(rows(1, () => 'x'.repeat(25))),
      list(rows(1, undefined, () => 'i'.repeat(201))),
      { ...list(rows(2)), action: { button: 'b'.repeat(21), sections: [{ rows: rows(2) }] } },
      list([{ id: 'same', title: 'A' }, { id: 'same', title: 'B' }]),
      { ...list(rows(2)), body: { text: '' } },
      { type: 'list', body: { text: 'x' }, action: { button: 'Ver', sections: [{ rows: rows(1) }, { rows: rows(1, undefined, (i) => `b${i}`) }] } },
    ];
    for (const interactive of refused) {
      const res = await rawSend(interactive);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: number } }).error.code).toBe(131009);
    }
    // The limits themselves are accepted: 10 rows, titles of 24, ids of 200.
    expect((await rawSend(list(rows(10, (i) => `${i}`.padEnd(24, 'x'), (i) => `${i}`.padEnd(200, 'y'))))).status).toBe(200);
    expect(graph.sent).toHaveLength(1);
  });

  it('issue 18 a refused list is a permanent failure for the agent, nothing sent', async () => {
    graph.failNext({ status: 400, code: 131009, message: '(#131009) Parameter value is not valid' });
    const error = await adapter.send(request(RATING_QUESTION, { ratingRequest: KEY })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentFailure);
    expect(graph.sent).toHaveLength(0);
  });
});

describe('R-RT-06 issue 18 WhatsApp rating answers (webhook → InboundMessage)', () => {
  const parse = (body: unknown) => parseWhatsAppWebhook(Buffer.from(JSON.stringify(body)), PHONE_NUMBER_ID);

  it('R-RT-06 a list_reply carrying rate:<n>:<key> parses into ratingAnswer {key, score}; the text is the row title', () => {
    const reply = waInteractiveReply(PHONE_NUMBER_ID, '5511988887777', 'wamid.q1', { id: formatRatingAnswer(KEY, 4), title: RATING_LABELS[4]! });
    const [event] = parse(reply.body);
    expect(event?.type).toBe('message');
    if (event?.type !== 'message') return;
    expect(event.message).toMatchObject({ externalId: reply.id, address: '5511988887777', kind: 'text', text: '4 - Bom', ratingAnswer: { key: KEY, score: 4 } });
    expect(event.message.payload).toMatchObject({ replyId: formatRatingAnswer(KEY, 4), interactive: 'list_reply', replyTo: 'wamid.q1' });
  });

  it('R-RT-06 a button_reply with a rating id counts the same; other picks and malformed ids carry no ratingAnswer', () => {
    const button = waInteractiveReply(PHONE_NUMBER_ID, '5511988887777', 'wamid.q2', { id: formatRatingAnswer(KEY, 1), title: 'Péssimo' }, { kind: 'button_reply' });
    const other = waInteractiveReply(PHONE_NUMBER_ID, '5511988887777', 'wamid.q3', { id: 'menu:vendas', title: 'Vendas' });
    const outOfRange = waInteractiveReply(PHONE_NUMBER_ID, '5511988887777', 'wamid.q4', { id: `rate:9:${KEY}`, title: '9' });
    const [b, o, x] = [button, other, outOfRange].map((r) => parse(r.body)[0]);
    expect(b?.type === 'message' && b.message.ratingAnswer).toEqual({ key: KEY, score: 1 });
    expect(o?.type === 'message' && o.message.text).toBe('Vendas');
    expect(o?.type === 'message' && 'ratingAnswer' in o.message).toBe(false);
    expect(x?.type === 'message' && 'ratingAnswer' in x.message).toBe(false);
  });
});
