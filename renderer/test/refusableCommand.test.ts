import { afterEach, describe, expect, it } from 'vitest';
import { CommandRefused, type Transport } from '../src/db/outbox';
import { refusableCommand } from '../src/components/layout/refusableCommand';
import { closeOutboxes, outboxCollection, startedOutbox } from './outboxFixture';

describe('transfer, return and finish dialogs say the server’s refusal (R-SV-04, R-WS-19)', () => {
  afterEach(closeOutboxes);
  const refused = { status: 403, code: 'forbidden', message: 'Esta conversa é de uma equipe da qual você não faz parte.' };

  it('R-SV-04 a command the server refuses through the outbox leaves its sentence as the dialog’s failure', async () => {
    const outbox = startedOutbox(await outboxCollection(), (() => Promise.reject(new CommandRefused(refused))) as Transport, {
      retryMinMs: 5, retryMaxMs: 10,
    });
    const { action, failure } = refusableCommand(async (commandId) => {
      await outbox.enqueue({ kind: 'finish', conversationId: 'conversation:c1', body: { disposition: null, note: '' } }, commandId);
      await outbox.settled(commandId);
    });
    await expect(action()).rejects.toBeInstanceOf(CommandRefused);
    expect(failure.value).toBe(refused.message);
  });

  it('R-SV-04 a failure that is not a refusal keeps the generic text, and a new attempt clears the old sentence', async () => {
    let answer: Error | undefined = new CommandRefused(refused);
    const ids: string[] = [];
    const { action, failure } = refusableCommand((commandId) => {
      ids.push(commandId);
      return answer ? Promise.reject(answer) : Promise.resolve();
    });
    await expect(action()).rejects.toThrow(refused.message);
    expect(failure.value).toBe(refused.message);
    answer = new Error('network down');
    await expect(action()).rejects.toThrow('network down');
    expect(failure.value).toBeUndefined();
    answer = undefined;
    await action();
    expect(failure.value).toBeUndefined();
    // A failed attempt is not repeated under its id: the next confirmation is a new command (commandAttempts).
    expect(ids[1]).not.toBe(ids[0]);
    expect(ids[2]).not.toBe(ids[1]);
  });
});
