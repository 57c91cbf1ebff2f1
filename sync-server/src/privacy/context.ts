import type { AuthService } from '../auth/service.js';
import type { Bus } from '../bus/index.js';
import type { JobRunner } from '../jobs/index.js';
import type { MediaService } from '../media/service.js';
import type { DocStore } from '../store/index.js';

/**
 * What the privacy slices (issue 19, LGPD) are given by server.ts through setup.ts: one shape,
 * so each slice's routes, jobs and schedule take the same context.
 */
export interface PrivacyContext {
  store: DocStore;
  auth: AuthService;
  jobs: JobRunner;
  media: MediaService;
  bus: Bus;
  /**
   * Where files that must outlive the store live (the erasure ledger's copy, ledger.ts): the
   * embedded store's data folder, or ATENDE_PRIVACY_DIR. Restoring a backup replaces the store, not this.
   */
  privacyDir: string;
  /** Forget the cached store identity at once (after an epoch bump, the replicas' purge signal). */
  identityChanged: () => void;
  log: (message: string) => void;
  /** Injected by tests; Date.now otherwise. */
  now: () => number;
}
