import type { Router } from 'express';
import type { Config } from '../config/config.js';
import { createMailer } from '../mail/mailer.js';
import type { DocStore } from '../store/index.js';
import { passwordLinkRoutes } from './passwordLinkRoutes.js';
import { PasswordLinks } from './passwordLinks.js';
import type { AuthService } from './service.js';

export interface PasswordLinksSetup {
  links: PasswordLinks;
  routes: Array<[string, Router]>;
}

/** Password links by e-mail (R-AUTH-02): the links, mailed through the configured SMTP server, and their public routes. */
export function setupPasswordLinks(deps: {
  store: DocStore;
  auth: AuthService;
  config: Pick<Config, 'mail' | 'passwordLinkMinutes' | 'timeZone'>;
  /** The address links point at: ATENDE_PUBLIC_URL, else this server's own once it listens. */
  baseUrl: () => string;
  limiter: Parameters<typeof passwordLinkRoutes>[1];
  log: (message: string) => void;
  /** Where e-mails go without SMTP_URL (mail/mailer.ts): unmasked, unlike the log. */
  printMail: (message: string) => void;
}): PasswordLinksSetup {
  const { config, log } = deps;
  const links = new PasswordLinks(deps.store, deps.auth, createMailer(config.mail, deps.printMail), {
    minutes: config.passwordLinkMinutes, baseUrl: deps.baseUrl, timeZone: config.timeZone, log,
  });
  return { links, routes: [['/api/auth', passwordLinkRoutes(links, deps.limiter, log)]] };
}
