import type { Router } from 'express';
import { setupApiTokens, type ApiTokensDeps } from '../apiTokens/index.js';
import type { PasswordLinks } from '../auth/passwordLinks.js';
import { setupPasswordLinks } from '../auth/passwordLinkSetup.js';
import type { AuthService } from '../auth/service.js';
import type { ChannelAccounts } from '../channelAccounts/service.js';
import type { Config } from '../config/config.js';
import { setupContent, type ArticleService } from '../content/index.js';
import type { ConversationService } from '../conversations/service.js';
import { setupFlows } from '../flows/index.js';
import type { JobRunner } from '../jobs/index.js';
import type { MediaService } from '../media/service.js';
import { setupOutgoingWebhooks } from '../outgoingWebhooks/index.js';
import { setupRouting, type RoutingSetup } from '../routing/index.js';
import { setupSettings } from '../settings/index.js';
import type { DocStore } from '../store/index.js';
import { setupTeams } from '../teams/index.js';
import { setupUsers } from '../users/index.js';

export interface AdministrationDeps {
  store: DocStore;
  auth: AuthService;
  jobs: JobRunner;
  accounts: ChannelAccounts;
  media: MediaService;
  conversations: ConversationService;
  inbound: ApiTokensDeps['inbound'];
  limiter: ApiTokensDeps['limiter'];
  config: Pick<Config, 'mail' | 'passwordLinkMinutes' | 'publicUrl' | 'timeZone' | 'webhooks'>;
  /** This server's own address, known once it listens: password links use it without ATENDE_PUBLIC_URL. */
  ownUrl: () => string;
  /** The REST API's version in its OpenAPI document. */
  apiVersion: string;
  log: (message: string) => void;
  /** Where e-mails are printed when no SMTP_URL is set (the demo): the server's own output. */
  printMail: (message: string) => void;
}

export interface Administration {
  /** Mount pairs for the app, in the order they are mounted. */
  routes: Array<[string, Router]>;
  /** Invitation and reset links (R-AUTH-02); tests send them by hand. */
  passwordLinks: PasswordLinks;
  /** The published articles the website chat shows (R-RT-05). */
  articles: ArticleService;
  /** The routing's hook into the queued job and the presence it distributes by (R-RT-01…03). */
  routing: Pick<RoutingSetup, 'onQueued' | 'attachPresence'>;
  /** After the job runner starts: the outgoing webhooks' change feed. */
  start(): void;
  /** With the server's other timers, when the drain begins: the routing's periodic rounds. */
  stopTimers(): void;
  /** Before the store closes: the outgoing webhooks' change feed. */
  stop(): Promise<void>;
}

/**
 * The administration and automation of issue 15 wired into a server: users and their password
 * links (R-AUTH-01/02), the sign-in network allow-list (R-AUTH-03), teams, routing, flows,
 * content, API tokens and outgoing webhooks (R-RT-01…05). Call before the job runner starts: it
 * registers jobs.
 */
export async function setupAdministration(deps: AdministrationDeps): Promise<Administration> {
  const { store, auth, jobs, log, config } = deps;
  // Content (R-RT-05): tags, predefined messages, dispositions, and the articles the widget shows.
  const content = setupContent({ store, media: deps.media, auth });
  // Routing (R-RT-01…03): off-hours message and distribution hook into the queued job; timeouts and distribution rounds are periodic.
  const routing = await setupRouting({ store, auth, conversations: deps.conversations, log });
  // Chatbot flows (R-RT-04): the bot answers by job.
  const flows = setupFlows({ store, auth, jobs });
  // Teams (R-RT-01/02): members, channels, queue settings.
  const teams = setupTeams({ store, auth, accounts: deps.accounts });
  // Password links by e-mail (R-AUTH-02) and the sign-in network allow-list (R-AUTH-03).
  const passwordLinks = setupPasswordLinks({ store, auth, config, baseUrl: () => config.publicUrl ?? deps.ownUrl(), limiter: deps.limiter, log, printMail: deps.printMail });
  // Users administered by admins (R-AUTH-01): invited, disabled, unlocked through the password links.
  const users = await setupUsers({ store, auth, links: passwordLinks.links, log });
  const settings = setupSettings({ store, auth });
  // Outgoing webhooks (R-RT-05): signed deliveries of conversation and message events, as outbox jobs.
  const { allowPrivate, retryBaseMs, retryMaxMs, maxAttempts } = config.webhooks;
  const outgoingWebhooks = await setupOutgoingWebhooks({
    store, auth, jobs, log, allowPrivate, retry: { baseDelayMs: retryBaseMs, maxDelayMs: retryMaxMs, maxAttempts },
  });
  // API tokens and the public REST API for integrations, with its OpenAPI document (R-RT-05).
  const apiTokens = setupApiTokens({
    store, auth, accounts: deps.accounts, inbound: deps.inbound, limiter: deps.limiter, version: deps.apiVersion, log,
  });
  return {
    routes: [
      ...flows.routes,
      ...routing.routes,
      ...outgoingWebhooks.routes,
      ...apiTokens.routes,
      ...content.routes,
      ...users.routes,
      ...teams.routes,
      ...passwordLinks.routes,
      ...settings.routes,
    ],
    passwordLinks: passwordLinks.links,
    articles: content.articles,
    routing,
    start: () => outgoingWebhooks.feed.start(),
    stopTimers: () => routing.stop(),
    stop: () => outgoingWebhooks.feed.stop(),
  };
}
