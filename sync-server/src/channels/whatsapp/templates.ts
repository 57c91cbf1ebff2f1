import { createHash } from 'node:crypto';
import {
  DomainError, forbidden, isOpen, keyOf, TEMPLATE_APPROVED, TemplateHeader,
  type TemplateButton, type TemplateSyncResponse, type UserDoc, type WhatsAppTemplate,
} from '@atende/protocol';
import { visibleConversation } from '../../access/conversations.js';
import type { ChannelAccountDoc, ChannelAccounts } from '../../channelAccounts/service.js';
import { PermanentFailure } from '../../jobs/types.js';
import { updateDoc, type DocStore, type StoredDoc } from '../../store/index.js';
import type { ChannelRegistry, TemplateStatusReport } from '../adapter.js';
import { WhatsAppAdapter, type TemplateListing } from './adapter.js';

/**
 * WhatsApp message templates (R-WA-05, R-WA-08): synced from the number's WhatsApp Business
 * Account, kept current by the `message_template_status_update` webhook, offered to agents when
 * approved. Server-only documents `wtemplate:<channel key>.<name>.<language>` (no replicated
 * collection: agents fetch them over REST).
 */

/** One component of a template as `GET /{waba-id}/message_templates` returns it. */
export interface GraphTemplateComponent {
  type?: string;
  format?: string;
  text?: string;
  example?: { header_handle?: string[]; header_text?: string[]; body_text?: string[][] };
  buttons?: Array<{ type?: string; text?: string; url?: string; phone_number?: string }>;
}

/** One template of a WABA as the Graph API lists it. */
export interface GraphTemplate {
  id?: string;
  name?: string;
  language?: string;
  status?: string;
  category?: string;
  /** `NAMED` templates use `{{first_name}}` variables, `POSITIONAL` (the default) `{{1}}`. */
  parameter_format?: string;
  rejected_reason?: string;
  components?: GraphTemplateComponent[];
}

export interface TemplateDoc extends StoredDoc, Omit<WhatsAppTemplate, 'id'> {
  type: 'wtemplate';
  /** False for templates Atende cannot fill yet (named variables, video/document/location headers, OTP or catalog buttons): never offered. */
  supported: boolean;
}

/** Meta's events that are not statuses: the status stays, the sync brings the rest. */
const STATUS_OF_EVENT: Record<string, string | null> = {
  REINSTATED: TEMPLATE_APPROVED, FLAGGED: null, LOCKED: null, UNLOCKED: null, UNARCHIVED: null,
};
/** Buttons whose parameters Atende knows how to send (URL suffixes) or that take none. */
const SENDABLE_BUTTONS = new Set(['URL', 'QUICK_REPLY', 'PHONE_NUMBER']);
const SENDABLE_HEADERS = new Set(['TEXT', 'IMAGE']);
const UNSUPPORTED_REASON = 'O Atende ainda não envia este formato de template (variáveis nomeadas, cabeçalho de vídeo, documento ou localização, ou botões de código).';

/** Why a sync removed nothing, for the admin who asked for it. */
const INCOMPLETE_LISTING: Record<NonNullable<TemplateListing['cut']>, string> = {
  page_limit: 'O WhatsApp listou templates demais para uma sincronização (mais de 50 páginas): os lidos foram salvos e nenhum template foi removido.',
  foreign_next: 'O WhatsApp indicou a próxima página de templates em outro endereço, que o Atende não segue: os lidos foram salvos e nenhum template foi removido.',
};

/** The template's document id; a name or language that does not fit an id is hashed. */
export function templateIdOf(accountId: string, name: string, language: string): string {
  const id = `wtemplate:${keyOf(accountId)}.${name}.${language}`;
  if (id.length <= 100 && /^[a-z]+:[A-Za-z0-9_.@-]+$/.test(id)) return id;
  return `wtemplate:${keyOf(accountId)}.h${createHash('sha256').update(`${name}\n${language}`).digest('hex').slice(0, 40)}`;
}

/** Meta's components (HEADER, BODY, FOOTER, BUTTONS) as the protocol's template; undefined when nameless. */
export function templateFromGraph(accountId: string, t: GraphTemplate, now: number): TemplateDoc | undefined {
  if (!t.name || !t.language) return undefined;
  const part = (type: string) => (t.components ?? []).find((c) => c.type?.toUpperCase() === type);
  const head = part('HEADER');
  const format = head?.format?.toUpperCase() ?? 'TEXT';
  const parsedHeader = head ? TemplateHeader.safeParse({
    format,
    ...(head.text !== undefined ? { text: head.text } : {}),
    ...(head.example?.header_handle?.[0] ? { example: head.example.header_handle[0] } : {}),
  }) : undefined;
  const buttons: TemplateButton[] = (part('BUTTONS')?.buttons ?? []).map((b) => ({
    type: (b.type ?? '').toUpperCase(), text: b.text ?? '', ...(b.url !== undefined ? { url: b.url } : {}),
  }));
  const body = part('BODY')?.text ?? '';
  const supported = t.parameter_format?.toUpperCase() !== 'NAMED'
    && !/\{\{\s*[^\d\s}]/.test(`${head?.text ?? ''}${body}`)
    && (!head || (SENDABLE_HEADERS.has(format) && parsedHeader?.success === true))
    && buttons.every((b) => SENDABLE_BUTTONS.has(b.type));
  const status = (t.status ?? 'PENDING').toUpperCase();
  const rejected = t.rejected_reason && t.rejected_reason !== 'NONE' ? t.rejected_reason : null;
  return {
    _id: templateIdOf(accountId, t.name, t.language), type: 'wtemplate', channelAccountId: accountId,
    externalId: t.id ?? null, name: t.name, language: t.language, category: (t.category ?? '').toUpperCase(), status,
    reason: rejected ?? (supported ? null : UNSUPPORTED_REASON),
    header: parsedHeader?.success ? parsedHeader.data : null, body, footer: part('FOOTER')?.text ?? null, buttons,
    updatedAt: now, supported,
  };
}

const viewOf = (doc: TemplateDoc): WhatsAppTemplate => ({
  id: doc._id, channelAccountId: doc.channelAccountId, externalId: doc.externalId, name: doc.name,
  language: doc.language, category: doc.category, status: doc.status, reason: doc.reason, header: doc.header,
  body: doc.body, footer: doc.footer, buttons: doc.buttons, updatedAt: doc.updatedAt,
});

/** Whether two versions say the same (store fields and time aside): an unchanged template is not rewritten. */
function sameTemplate(a: TemplateDoc, b: TemplateDoc): boolean {
  const said = (d: TemplateDoc) => JSON.stringify([
    d.channelAccountId, d.externalId, d.name, d.language, d.category, d.status, d.reason, d.header, d.body, d.footer, d.buttons, d.supported,
  ]);
  return said(a) === said(b);
}

export class TemplateService {
  constructor(
    private readonly store: DocStore,
    private readonly accounts: ChannelAccounts,
    private readonly registry: ChannelRegistry,
  ) {}

  private async docsOf(accountId: string): Promise<TemplateDoc[]> {
    const found = await this.store.find({ selector: { type: 'wtemplate', channelAccountId: accountId }, limit: 5_000 });
    return (found as TemplateDoc[]).filter((d) => !d._deleted).sort((a, b) => a.name.localeCompare(b.name) || a.language.localeCompare(b.language));
  }

  /** Admins: every template of the account, whatever its status. */
  async all(accountIdOrKey: string): Promise<WhatsAppTemplate[]> {
    const account = await this.accounts.get(accountIdOrKey);
    return (await this.docsOf(account._id)).map(viewOf);
  }

  /**
   * The approved templates Atende can send, for agents of the account's entry team, supervisors
   * and admins — and for an agent of another team serving an open conversation on this number
   * (`conversationId`, e.g. transferred to their team), who may send its templates there.
   */
  async offered(user: UserDoc, accountIdOrKey: string, conversationId?: string): Promise<WhatsAppTemplate[]> {
    const account = await this.accounts.get(accountIdOrKey);
    if (user.role === 'agent' && !user.teamIds.includes(account.entryTeamId) && !(await this.servesOn(user, account, conversationId))) {
      throw forbidden('This channel is not one of your teams');
    }
    return (await this.docsOf(account._id)).filter((d) => d.status === TEMPLATE_APPROVED && d.supported).map(viewOf);
  }

  /** Whether the user sees the open conversation `conversationId`, and it is on this account (404 when not visible). */
  private async servesOn(user: UserDoc, account: ChannelAccountDoc, conversationId: string | undefined): Promise<boolean> {
    if (!conversationId) return false;
    const conversation = await visibleConversation(this.store, user, conversationId);
    return conversation.channelAccountId === account._id && isOpen(conversation.status);
  }

  /** One template for a send (conversations/templateMessages.ts), with whether Atende can fill it. */
  async template(templateId: string): Promise<{ template: WhatsAppTemplate; supported: boolean } | undefined> {
    const doc = templateId.startsWith('wtemplate:') ? ((await this.store.get(templateId)) as TemplateDoc | undefined) : undefined;
    return doc && !doc._deleted && doc.type === 'wtemplate' ? { template: viewOf(doc), supported: doc.supported } : undefined;
  }

  /**
   * "Sincronizar templates": the WABA's list replaces ours — new ones added, changed ones
   * updated (by name and language), ones gone upstream removed. A listing cut short still adds
   * and updates what it read, but removes nothing: an unread page is not a deleted template.
   */
  async sync(accountIdOrKey: string): Promise<TemplateSyncResponse> {
    const account = await this.accounts.get(accountIdOrKey);
    const adapter = this.whatsapp(account);
    if (!account.settings?.wabaId) {
      throw new DomainError('unprocessable', 'waba_missing', 'Informe o WhatsApp Business Account ID (WABA) deste número para sincronizar os templates.');
    }
    let listing: TemplateListing;
    try {
      listing = await adapter.listTemplates();
    } catch (error) {
      if (error instanceof PermanentFailure) throw new DomainError('unprocessable', 'upstream_refused', error.message);
      throw new DomainError('unavailable', 'upstream_unavailable', 'O WhatsApp não respondeu. Tente sincronizar de novo em instantes.');
    }
    const now = Date.now();
    const incoming = new Map<string, TemplateDoc>();
    for (const t of listing.templates) {
      const doc = templateFromGraph(account._id, t, now);
      if (doc) incoming.set(doc._id, doc);
    }
    const known = new Map((await this.docsOf(account._id)).map((d) => [d._id, d]));
    let added = 0;
    let updated = 0;
    let removed = 0;
    for (const doc of incoming.values()) {
      const { written } = await updateDoc<TemplateDoc>(this.store, doc._id, (current) =>
        current && !current._deleted && sameTemplate(current, doc) ? undefined : { ...doc },
      );
      if (written) {
        if (known.has(doc._id)) updated++;
        else added++;
      }
    }
    for (const [id, doc] of known) {
      if (incoming.has(id) || listing.cut) continue;
      const [result] = await this.store.bulkWrite([{ _id: id, ...(doc._rev ? { _rev: doc._rev } : {}), _deleted: true }]);
      if (result?.ok) removed++;
    }
    const note = listing.cut ? INCOMPLETE_LISTING[listing.cut] : null;
    return { templates: (await this.docsOf(account._id)).map(viewOf), added, updated, removed, complete: note === null, note };
  }

  /** `message_template_status_update`: the template's new status and reason; unknown templates wait for a sync. */
  async applyStatus(account: ChannelAccountDoc, report: TemplateStatusReport): Promise<void> {
    const id = templateIdOf(account._id, report.name, report.language);
    const event = report.event.toUpperCase();
    const status = event in STATUS_OF_EVENT ? STATUS_OF_EVENT[event] : event;
    await updateDoc<TemplateDoc>(this.store, id, (current) => {
      if (!current || current._deleted || current.type !== 'wtemplate') return undefined;
      const reason = report.reason ?? (current.supported ? null : UNSUPPORTED_REASON);
      const next = { ...current, status: status ?? current.status, reason, externalId: report.externalId ?? current.externalId };
      return sameTemplate(current, next) ? undefined : { ...next, updatedAt: Date.now() };
    });
  }

  private whatsapp(account: ChannelAccountDoc): WhatsAppAdapter {
    const adapter = this.registry.forAccount(account);
    if (account.kind !== 'whatsapp' || !(adapter instanceof WhatsAppAdapter)) {
      throw new DomainError('unprocessable', 'not_whatsapp', 'Only WhatsApp numbers have message templates');
    }
    return adapter;
  }
}
