import { defineConfig } from '@playwright/test';
import base from '../e2e/playwright.config';

/**
 * `npm run screenshots`: writes the README's screenshots (docs/screenshots/) from the real app
 * against a fresh demo server. Not part of `npm test`: it changes committed files.
 */
export default defineConfig({
  ...base,
  testDir: '.',
  testMatch: 'screenshots.capture.ts',
  workers: 1,
  timeout: 180_000,
});
