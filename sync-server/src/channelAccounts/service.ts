import { liveTeam } from '../access/teams.js';
import { randomToken } from '../auth/tokens.js';
import {
  BASE_URL_KEY, CHANNEL_SECRET_KEYS, CHANNEL_SETTINGS, DomainError, GENERATED_SETTINGS, hasWebhook, notFound, teamErrors, ulid, webhookPathOf,
  type ChannelAccountView, type ChannelKind, type ChannelSettings, type CreateChannelBody,
  type UpdateChannelBody,
} from '@atende/protocol';
import type { DocStore, StoredDoc } from '../store/index.js';
import { updateDoc } from '../store/index.js';
import { PhoneNumberClaims, phoneNumberOf } from './phoneNumbers.js';

/** A configured channel account; never replicated (type 'channel' is no collection). */
export interface ChannelAccountDoc extends StoredDoc {
  type: 'channel';
  kind: ChannelKind;
  name: string;
  entryTeamId: string;
  /** Absent on accounts written before accounts could be disabled: enabled. */
  enabled?: boolean;
  /** Removed by an admin: kept so its webhook answers 410 and old conversations still resolve. */
  removed?: boolean;
  /** Settings of the kind, secrets included: write-only through the API. */
  settings?: ChannelSettings;
  createdAt?: number;
  updatedAt?: number;
}

export const isEnabled = (account: ChannelAccountDoc) => account.enabled !== false && account.removed !== true;

/** The origin number customers see (WhatsApp's display number, E.164 digits); null for other kinds. */
export function displayPhoneNumberOf(account: ChannelAccountDoc): string | null {
  return account.kind === 'whatsapp' ? (account.settings?.displayPhoneNumber ?? null) : null;
}

/** Validates settings of a kind; zod errors become one `invalid` error naming the fields. */
function validSettings(kind: ChannelKind, raw: Record<string, unknown>): ChannelSettings {
  const result = CHANNEL_SETTINGS[kind].safeParse(raw);
  if (result.success) return result.data as ChannelSettings;
  const detail = result.error.issues
    .slice(0, 5)
    .map((i) => (i.path.length ? `config.${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
  throw new DomainError('invalid', 'invalid_config', `Invalid ${kind} configuration: ${detail}`);
}

/**
 * Settings the server fills in when absent (GENERATED_SETTINGS: Telegram's secret token, Meta's
 * verify token): 32 random bytes, base64url, which both upstreams' alphabets accept.
 */
function withGeneratedSettings(kind: ChannelKind, raw: Record<string, unknown>): Record<string, unknown> {
  const filled = { ...raw };
  for (const key of GENERATED_SETTINGS[kind] ?? []) {
    if (filled[key] === undefined || filled[key] === null || filled[key] === '') filled[key] = randomToken();
  }
  return filled;
}

/** Our own address as a local upstream (a simulator) reaches it: loopback when the server listens on every interface. */
export function loopbackUrl(serverUrl: string, port: number): string {
  const host = new URL(serverUrl).hostname;
  return host === '0.0.0.0' || host === '[::]' ? `http://127.0.0.1:${port}` : serverUrl;
}

/** Channel accounts administration (issue 7 point 3); admins only, checked by the edge. */
export class ChannelAccounts {
  /** One account per WhatsApp number, arbitrated by the store (phoneNumbers.ts). */
  private readonly phoneNumbers: PhoneNumberClaims;

  /** The server's own address, set once it listens (server.ts): the fallback base for local upstreams. */
  private localUrl: string | undefined;

  private readonly savedListeners = new Set<(account: ChannelAccountDoc) => void>();

  constructor(
    private readonly store: DocStore,
    /** Where upstream services reach this server (ATENDE_PUBLIC_URL); undefined: no webhook URL. */
    private readonly publicUrl: string | undefined,
  ) {
    this.phoneNumbers = new PhoneNumberClaims(store);
  }

  /**
   * Called with every account created or changed through this service (server.ts starts a polled
   * account's rounds at once). A listener's failure never fails the save. Returns the unsubscribe.
   */
  onSaved(listener: (account: ChannelAccountDoc) => void): () => void {
    this.savedListeners.add(listener);
    return () => this.savedListeners.delete(listener);
  }

  private saved(account: ChannelAccountDoc): ChannelAccountDoc {
    for (const listener of this.savedListeners) {
      try {
        listener(account);
      } catch {
        // The account is stored; what a listener starts is its own business.
      }
    }
    return account;
  }

  /** Called by server.ts after listen, with `loopbackUrl(url, port)`. */
  setLocalUrl(url: string): void {
    this.localUrl = url.replace(/\/+$/, '');
  }

  /**
   * Where upstreams reach this server, for links we hand them (webhook registration, public media
   * links): the public address when configured, else our own loopback one (a local simulator
   * reaches it; a real upstream refuses it and says so). Null before the server listens.
   */
  upstreamBaseUrl(): string | null {
    return this.publicUrl ?? this.localUrl ?? null;
  }

  /** The webhook URL an upstream registers for this account (Telegram's setWebhook): public, else local. */
  upstreamWebhookUrl(account: Pick<ChannelAccountDoc, '_id' | 'kind'>): string | null {
    const base = this.upstreamBaseUrl();
    return base && hasWebhook(account.kind) ? base + webhookPathOf(account.kind, account._id) : null;
  }

  webhookUrl(account: Pick<ChannelAccountDoc, '_id' | 'kind'>): string | null {
    if (!this.publicUrl || !hasWebhook(account.kind)) return null;
    return this.publicUrl + webhookPathOf(account.kind, account._id);
  }

  view(account: ChannelAccountDoc): ChannelAccountView {
    const secrets = new Set(CHANNEL_SECRET_KEYS[account.kind]);
    const settings: Record<string, string> = {};
    const secretsSet: string[] = [];
    for (const [key, value] of Object.entries(account.settings ?? {})) {
      if (value === undefined) continue;
      if (secrets.has(key)) secretsSet.push(key);
      else settings[key] = value;
    }
    return {
      id: account._id, kind: account.kind, name: account.name, teamId: account.entryTeamId,
      enabled: isEnabled(account), settings, secretsSet: secretsSet.sort(),
      webhookUrl: this.webhookUrl(account), createdAt: account.createdAt ?? 0, updatedAt: account.updatedAt ?? 0,
    };
  }

  /** A channel enters through a team that takes new work (an archived one does not). */
  private async requireTeam(teamId: string): Promise<void> {
    if (!(await liveTeam(this.store, teamId))) throw teamErrors.unknown([teamId]);
  }

  /** `key`: a fixed id key (`channel:<key>`), for the demo seed's website chat (`demo-site`). */
  async create(body: CreateChannelBody, key: string = ulid()): Promise<ChannelAccountDoc> {
    await this.requireTeam(body.teamId);
    const now = Date.now();
    const account: ChannelAccountDoc = {
      _id: `channel:${key}`, type: 'channel', kind: body.kind, name: body.name, entryTeamId: body.teamId,
      enabled: true, settings: validSettings(body.kind, withGeneratedSettings(body.kind, body.config)), createdAt: now, updatedAt: now,
    };
    const number = phoneNumberOf(account);
    if (number) await this.phoneNumbers.claim(number, account._id);
    const [written] = await this.store.bulkWrite([account]).catch(async (error: unknown) => {
      if (number) await this.phoneNumbers.release(number, account._id);
      throw error;
    });
    if (!written?.ok) {
      if (number) await this.phoneNumbers.release(number, account._id);
      throw new Error(`channel account not stored: ${written?.ok === false ? written.reason : ''}`);
    }
    return this.saved({ ...account, _rev: written.rev });
  }

  async list(): Promise<ChannelAccountDoc[]> {
    const found = (await this.store.find({ selector: { type: 'channel' }, limit: 1000 })) as ChannelAccountDoc[];
    return found.filter((a) => !a._deleted && !a.removed).sort((a, b) => a._id.localeCompare(b._id));
  }

  /** An account by id or by the key after `channel:`, as in webhook URLs; undefined when unknown. */
  async find(idOrKey: string): Promise<ChannelAccountDoc | undefined> {
    const id = idOrKey.startsWith('channel:') ? idOrKey : `channel:${idOrKey}`;
    if (!/^channel:[A-Za-z0-9_.-]{1,64}$/.test(id)) return undefined;
    const doc = (await this.store.get(id)) as ChannelAccountDoc | undefined;
    return doc && !doc._deleted && doc.type === 'channel' ? doc : undefined;
  }

  async get(idOrKey: string): Promise<ChannelAccountDoc> {
    const account = await this.find(idOrKey);
    if (!account || account.removed) throw notFound('channel');
    return account;
  }

  async update(idOrKey: string, body: UpdateChannelBody): Promise<ChannelAccountDoc> {
    const existing = await this.get(idOrKey);
    if (body.teamId) await this.requireTeam(body.teamId);
    this.requireSecretsWithNewHost(existing, body.config);
    // Accounts stored before a setting was generated (or seeded without it) get it on their next change.
    const settings = body.config
      ? validSettings(existing.kind, withGeneratedSettings(existing.kind, this.mergedConfig(existing, body.config)))
      : existing.settings;
    // A new number is claimed before the account says it holds it, the old one released after.
    const before = phoneNumberOf(existing);
    const after = phoneNumberOf({ kind: existing.kind, settings });
    const claimed = after !== undefined && after !== before;
    if (claimed) await this.phoneNumbers.claim(after, existing._id);
    const { doc } = await this.write(existing._id, claimed ? after : undefined, (current) =>
      current && !current._deleted && !current.removed
        ? {
            ...current,
            ...(body.name !== undefined ? { name: body.name } : {}),
            ...(body.teamId !== undefined ? { entryTeamId: body.teamId } : {}),
            ...(body.enabled !== undefined ? { enabled: body.enabled } : {}),
            settings,
            updatedAt: Date.now(),
          }
        : undefined,
    );
    if (!doc || doc._deleted || doc.removed) {
      if (claimed) await this.phoneNumbers.release(after, existing._id);
      throw notFound('channel');
    }
    if (before && before !== after) await this.phoneNumbers.release(before, existing._id);
    return this.saved(doc);
  }

  /** updateDoc that gives a just-claimed number back when the write fails. */
  private async write(
    id: string, claimedNumber: string | undefined, mutate: (current: ChannelAccountDoc | undefined) => ChannelAccountDoc | undefined,
  ): Promise<{ doc: ChannelAccountDoc | undefined; written: boolean }> {
    try {
      return await updateDoc<ChannelAccountDoc>(this.store, id, mutate);
    } catch (error) {
      if (claimedNumber) await this.phoneNumbers.release(claimedNumber, id);
      throw error;
    }
  }

  /**
   * The stored settings with the admin's changes over them. A generated secret does not follow the
   * account to a new host either: unless given, a fresh one is generated (Telegram's setWebhook
   * registers it with the new host).
   */
  private mergedConfig(existing: ChannelAccountDoc, config: Record<string, unknown>): Record<string, unknown> {
    const merged: Record<string, unknown> = { ...existing.settings, ...config };
    const key = BASE_URL_KEY[existing.kind];
    if (key && config[key] !== undefined && config[key] !== existing.settings?.[key]) {
      for (const generated of GENERATED_SETTINGS[existing.kind] ?? []) if (config[generated] === undefined) delete merged[generated];
    }
    return merged;
  }

  /**
   * Secrets are write-only, so an admin may not point an account at another host and let the
   * stored credentials follow: a new base URL (`BASE_URL_KEY`) needs every secret of the kind given again.
   */
  private requireSecretsWithNewHost(existing: ChannelAccountDoc, config: Record<string, unknown> | undefined): void {
    const key = BASE_URL_KEY[existing.kind];
    if (!key || !config || config[key] === undefined || config[key] === existing.settings?.[key]) return;
    const generated = GENERATED_SETTINGS[existing.kind] ?? [];
    const missing = CHANNEL_SECRET_KEYS[existing.kind].filter((secret) => config[secret] === undefined && !generated.includes(secret));
    if (missing.length > 0) {
      throw new DomainError('invalid', 'secrets_required', `Changing ${key} requires the credentials again: config.${missing.join(', config.')}`);
    }
  }

  /**
   * Deleting keeps the document as a disabled tombstone-like record so conversations that
   * reference it still resolve, and its webhook answers 410 rather than 404.
   */
  async remove(idOrKey: string): Promise<void> {
    const existing = await this.get(idOrKey);
    const { written } = await updateDoc<ChannelAccountDoc>(this.store, existing._id, (current) =>
      current && !current._deleted && !current.removed
        ? { ...current, enabled: false, removed: true, settings: {}, updatedAt: Date.now() }
        : undefined,
    );
    if (!written) throw notFound('channel');
    // Its number is free for another account at once (the claim would lapse anyway: removed holder).
    const number = phoneNumberOf(existing);
    if (number) await this.phoneNumbers.release(number, existing._id);
  }
}

