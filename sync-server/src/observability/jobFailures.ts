import { DEFAULT_POLICY, PermanentFailure, type JobRunner } from '../jobs/types.js';

/**
 * The job runner, with every failed attempt told to `failed` (the job failures counter): each
 * handler is wrapped as it is registered, so neither runner (store, BullMQ) needs to know about
 * metrics. An attempt is the last one on the same terms the runners settle it (jobs/kinds.ts
 * `settle`): a PermanentFailure, or the policy's last attempt. An attempt aborted because the
 * runner stopped or lost the lease is no failure of the job, so it is not counted.
 */
export function countingFailures(runner: JobRunner, failed: (kind: string, dead: boolean) => void): JobRunner {
  return {
    register(kind, handler, options) {
      const maxAttempts = options?.policy?.maxAttempts ?? DEFAULT_POLICY.maxAttempts;
      runner.register(kind, async (job, context) => {
        try {
          await handler(job, context);
        } catch (error) {
          if (!context.signal.aborted) failed(kind, error instanceof PermanentFailure || context.attempt >= maxAttempts);
          throw error;
        }
      }, options);
    },
    start: () => runner.start(),
    stop: () => runner.stop(),
    idle: () => runner.idle(),
  };
}
