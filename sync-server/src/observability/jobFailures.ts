import { DEFAULT_POLICY, PermanentFailure, type JobRunner } from '../jobs/types.js';

/**
 * The job runner, with every failed attempt told to the job failures counter: each
 * handler is wrapped as it is registered, so neither runner (store, BullMQ) needs to know about
 * metrics. An attempt is the last one on the same terms the runners settle it (jobs/kinds.ts
 * `settle`): a PermanentFailure, or the policy's last attempt. An attempt aborted because the
 * runner stopped or lost the lease is no failure of the job, so it is not counted.
 */
export interface JobFailureCounter {
  /** A kind was registered: its series exist from now on, at 0. */
  jobKind(kind: string): void;
  jobFailed(kind: string, dead: boolean): void;
}

export function countingFailures(runner: JobRunner, counter: JobFailureCounter): JobRunner {
  return {
    register(kind, handler, options) {
      counter.jobKind(kind);
      const maxAttempts = options?.policy?.maxAttempts ?? DEFAULT_POLICY.maxAttempts;
      runner.register(kind, async (job, context) => {
        try {
          await handler(job, context);
        } catch (error) {
          if (!context.signal.aborted) counter.jobFailed(kind, error instanceof PermanentFailure || context.attempt >= maxAttempts);
          throw error;
        }
      }, options);
    },
    start: () => runner.start(),
    stop: () => runner.stop(),
    idle: () => runner.idle(),
  };
}
