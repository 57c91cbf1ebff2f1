import { Router } from 'express';
import type { PrivacyContext } from './context.js';

/** Issue 19: filled by its slice (/tmp/issue19/design.md). Mounted at /api: declare full paths. */
export function retentionRoutes(_ctx: PrivacyContext): Router {
  return Router();
}
