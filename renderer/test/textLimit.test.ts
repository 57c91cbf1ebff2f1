import { describe, expect, it } from 'vitest';
import { MESSAGE_TEXT_MAX, SendMessageBody, ulid } from '@atende/protocol';
import { COUNTER_FROM, refusalReason, textLimit } from '../src/components/composer/textLimit';

/** Issue 10 QA defect 1: a reply over the server's limit is stopped in the composer, and a refusal says why. */
describe('R-WS-04 the composer’s text limit', () => {
  it('R-WS-04 counts the text as sent (trimmed): no counter for a normal reply, a counter near the limit', () => {
    expect(textLimit('Bom dia!')).toMatchObject({ length: 8, showCounter: false, over: false });
    expect(textLimit(`  ${'a'.repeat(COUNTER_FROM)}  `)).toMatchObject({ length: COUNTER_FROM, max: MESSAGE_TEXT_MAX, showCounter: true, over: false });
  });

  it('R-WS-04 is over exactly where the server refuses the text', () => {
    const atLimit = 'o'.repeat(MESSAGE_TEXT_MAX);
    const past = `${atLimit}o`;
    expect(textLimit(atLimit).over).toBe(false);
    expect(SendMessageBody.safeParse({ id: ulid(), text: atLimit }).success).toBe(true);
    expect(textLimit(past).over).toBe(true);
    expect(SendMessageBody.safeParse({ id: ulid(), text: past }).success).toBe(false);
  });

  it('R-WS-04 a refused reply says why: too long in the agent’s language, else the server’s message', () => {
    const refusal = { status: 400, code: 'invalid_input', message: 'text: Too big <=4096' };
    expect(refusalReason({ body: { text: 'o'.repeat(MESSAGE_TEXT_MAX + 1) }, error: refusal })).toEqual({ key: 'tooLong', max: MESSAGE_TEXT_MAX });
    const closed = { status: 409, code: 'whatsapp_window_closed', message: 'A janela de 24 h está fechada.' };
    expect(refusalReason({ body: { text: 'Olá' }, error: closed })).toEqual({ message: 'A janela de 24 h está fechada.' });
    expect(refusalReason({ body: { text: 'Olá' }, error: null })).toBeNull();
  });
});
