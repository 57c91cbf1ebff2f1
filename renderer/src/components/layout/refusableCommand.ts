import { ref, type Ref } from 'vue';
import { CommandRefused, commandAttempts } from '../../db/outbox';

/**
 * An ActionDialog's action sent as a command (commandAttempts), keeping the server's own sentence
 * when it refuses it for good — e.g. "Você só pode agir nas conversas das suas equipes." — so the
 * dialog says why instead of only "could not complete" (pass `failure` to ActionDialog). Anything
 * else (offline, a lost answer) leaves `failure` empty: the dialog's generic text fits those.
 */
export function refusableCommand(run: (commandId: string) => Promise<unknown>): {
  action: () => Promise<void>;
  failure: Ref<string | undefined>;
} {
  const failure = ref<string>();
  const action = commandAttempts(async (commandId) => {
    failure.value = undefined;
    try {
      await run(commandId);
    } catch (error) {
      if (error instanceof CommandRefused && error.refusal.message) failure.value = error.refusal.message;
      throw error;
    }
  });
  return { action, failure };
}
