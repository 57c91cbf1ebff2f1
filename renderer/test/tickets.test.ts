import { afterEach, describe, expect, it } from 'vitest';
import { TicketBody, type TicketLink } from '@atende/protocol';
import { CommandRefused, type Transport } from '../src/db/outbox';
import { linksOf, requestTicket, ticketRefusalKey } from '../src/components/ticket/tickets';
import { selectableForTicket, ticketSelection } from '../src/components/ticket/ticketSelection';
import { closeOutboxes, outboxCollection, startedOutbox } from './outboxFixture';

/** R-WS-14 on the workstation: the selection mode, the outbox command and the links' chips. */
afterEach(closeOutboxes);

const FAST = { timeoutMs: 20, retryMinMs: 1, retryMaxMs: 5 };
const COMMAND_ID = '01JTICKETCOMMAND00000000001';

describe('R-WS-14 ticket selection', () => {
  it('R-WS-14 a conversation in selection mode keeps the checked messages, listed in transcript order', () => {
    const c = 'conversation:sel';
    expect(ticketSelection.selecting(c)).toBe(false);
    ticketSelection.toggle(c, 'message:a', true);
    expect(ticketSelection.isSelected(c, 'message:a')).toBe(false);
    ticketSelection.start(c);
    ticketSelection.toggle(c, 'message:c', true);
    ticketSelection.toggle(c, 'message:a', true);
    ticketSelection.toggle(c, 'message:b', true);
    ticketSelection.toggle(c, 'message:b', false);
    const transcript = [{ id: 'message:a' }, { id: 'message:b' }, { id: 'message:c' }];
    expect(ticketSelection.selected(c, transcript)).toEqual(['message:a', 'message:c']);
    // Other conversations are not in the mode; leaving it forgets the choice.
    expect(ticketSelection.selecting('conversation:other')).toBe(false);
    ticketSelection.stop(c);
    expect(ticketSelection.selected(c, transcript)).toEqual([]);
  });

  it('R-WS-14 only customer and agent messages can be picked, not trace lines or internal chat', () => {
    expect(selectableForTicket({ direction: 'in' })).toBe(true);
    expect(selectableForTicket({ direction: 'out' })).toBe(true);
    expect(selectableForTicket({ direction: 'system' })).toBe(false);
    expect(selectableForTicket({ direction: 'internal' })).toBe(false);
  });
});

describe('R-WS-14 ticket command through the outbox', () => {
  it('R-WS-14 the command carries its id (the link’s), the selection and the number, in the server’s schema', async () => {
    const sent: Array<{ kind: string; conversationId: string; body: Record<string, unknown> }> = [];
    const transport: Transport = (kind, conversationId, body) => {
      sent.push({ kind, conversationId, body });
      return Promise.resolve({});
    };
    const box = startedOutbox(await outboxCollection(), transport, FAST);
    const outcome = await requestTicket(box, 'conversation:c1', { messageIds: ['message:a', 'message:b'], number: '4521' }, COMMAND_ID);
    expect(outcome).toBe('done');
    expect(sent).toEqual([{ kind: 'ticket', conversationId: 'conversation:c1', body: { id: COMMAND_ID, messageIds: ['message:a', 'message:b'], number: '4521' } }]);
    expect(TicketBody.safeParse(sent[0]?.body).success).toBe(true);
  });

  it('R-WS-14 offline the ticket is queued, and sent with the same id once the server answers', async () => {
    let online = false;
    const ids: unknown[] = [];
    const transport: Transport = (_kind, _c, body) => {
      ids.push(body.id);
      return online ? Promise.resolve({}) : Promise.reject(new Error('offline'));
    };
    const box = startedOutbox(await outboxCollection(), transport, FAST);
    expect(await requestTicket(box, 'conversation:c2', { messageIds: [] }, COMMAND_ID)).toBe('queued');
    online = true;
    box.wake();
    await expect.poll(async () => (await box.outcome(COMMAND_ID))).toBe('done');
    expect(new Set(ids)).toEqual(new Set([COMMAND_ID]));
  });

  it('R-WS-14 a refusal the agent can act on reads in their language (no ticket system, foreign messages)', async () => {
    const refusal = { status: 422, code: 'ticket_integration_missing', message: 'Nenhum sistema de tickets está configurado' };
    const transport: Transport = () => Promise.reject(new CommandRefused(refusal));
    const box = startedOutbox(await outboxCollection(), transport, FAST);
    const error = await requestTicket(box, 'conversation:c3', { messageIds: [] }, COMMAND_ID).catch((e: unknown) => e);
    expect(ticketRefusalKey(error)).toBe('integrationMissing');
    expect(ticketRefusalKey(new CommandRefused({ ...refusal, code: 'ticket_messages_foreign' }))).toBe('foreignMessages');
    expect(ticketRefusalKey(new CommandRefused({ ...refusal, code: 'forbidden' }))).toBeUndefined();
    expect(ticketRefusalKey(new Error('network'))).toBeUndefined();
  });
});

describe('R-WS-14 links on the conversation', () => {
  const link = (id: string, at: number, status: TicketLink['status']): TicketLink => ({
    id, number: status === 'linked' ? id.toUpperCase() : null, messageIds: [], status, error: status === 'failed' ? 'fora do ar' : null, url: null, at, byUserId: 'user:ana',
  });

  it('R-WS-14 the chips list the links in the order they were made, whatever their status', () => {
    expect(linksOf([link('b', 20, 'creating'), link('a', 10, 'linked'), link('c', 30, 'failed')]).map((l) => [l.id, l.status])).toEqual([
      ['a', 'linked'], ['b', 'creating'], ['c', 'failed'],
    ]);
    expect(linksOf(undefined)).toEqual([]);
  });
});
