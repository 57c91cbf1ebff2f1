import {
  CHANNEL_SECRET_KEYS, CHANNEL_SETTINGS, CreateChannelBody, GRAPH_API_BASE,
  type ChannelAccountView, type UpdateChannelBody,
} from '@atende/protocol';
import type { z } from 'zod';

/**
 * The "Adicionar número do WhatsApp" form as plain data (R-CH-03, issue 10 point 6): what the
 * admin typed, checked with the protocol's own schemas, and turned into the create or update body.
 * Secrets are write-only (CHANNEL_SECRET_KEYS): an edit shows them empty, and an empty one keeps
 * the stored value (the server merges `config` over what it has).
 */
export const WHATSAPP_FIELDS = [
  'phoneNumberId', 'displayPhoneNumber', 'wabaId', 'accessToken', 'appSecret', 'verifyToken', 'baseUrl',
] as const;
export type WhatsAppField = (typeof WHATSAPP_FIELDS)[number];
export type FormField = 'name' | 'teamId' | WhatsAppField;
export type WhatsAppForm = Record<FormField, string>;

/** Why a field is refused; each has a sentence under `admin.problem`. */
export type FieldProblem = 'required' | 'digits' | 'url' | 'tooLong' | 'invalid' | 'secretAgain';
export type FormProblems = Partial<Record<FormField, FieldProblem>>;

const SECRETS: readonly string[] = CHANNEL_SECRET_KEYS.whatsapp;
export const isSecret = (field: FormField) => SECRETS.includes(field);

/** The account being edited: its stored (readable) settings and which secrets it has. */
export type EditedAccount = Pick<ChannelAccountView, 'id' | 'settings' | 'secretsSet'>;

export function emptyForm(teamId = ''): WhatsAppForm {
  return {
    name: '', teamId, phoneNumberId: '', displayPhoneNumber: '', wabaId: '',
    accessToken: '', appSecret: '', verifyToken: '', baseUrl: '',
  };
}

/** An existing account in the form; secrets empty (never read back), Meta's default base left empty. */
export function formOf(account: ChannelAccountView): WhatsAppForm {
  const setting = (key: string) => {
    const value = account.settings[key];
    return typeof value === 'string' ? value : '';
  };
  const baseUrl = setting('baseUrl');
  return {
    ...emptyForm(account.teamId),
    name: account.name,
    phoneNumberId: setting('phoneNumberId'),
    displayPhoneNumber: setting('displayPhoneNumber'),
    wabaId: setting('wabaId'),
    baseUrl: baseUrl === GRAPH_API_BASE ? '' : baseUrl,
  };
}

/** The `config` sent: typed values only, so an empty secret (or optional field) keeps what is stored. */
export function configOf(form: WhatsAppForm): Record<string, string> {
  const config: Record<string, string> = {};
  for (const field of WHATSAPP_FIELDS) {
    const value = form[field].trim();
    if (value) config[field] = value;
  }
  // An empty base is Meta's Graph API: said explicitly, so an edit can move an account back to it.
  config.baseUrl ??= GRAPH_API_BASE;
  return config;
}

export function createBodyOf(form: WhatsAppForm): CreateChannelBody {
  return { kind: 'whatsapp', name: form.name.trim(), teamId: form.teamId, config: configOf(form) };
}

export function updateBodyOf(form: WhatsAppForm): UpdateChannelBody {
  return { name: form.name.trim(), teamId: form.teamId, config: configOf(form) };
}

/** Whether the edit points the account at another host: the server then wants every secret again. */
function movesHost(form: WhatsAppForm, account: EditedAccount): boolean {
  return configOf(form).baseUrl !== (account.settings.baseUrl ?? GRAPH_API_BASE);
}

function problemOf(issue: z.core.$ZodIssue): FieldProblem {
  if (issue.code === 'invalid_type' || (issue.code === 'too_small' && issue.minimum === 1)) return 'required';
  if (issue.code === 'too_big') return 'tooLong';
  if (issue.code === 'invalid_format') return issue.format === 'url' ? 'url' : issue.format === 'regex' ? 'digits' : 'invalid';
  return 'invalid';
}

/**
 * The problems of each field, from the protocol schemas the server applies (CreateChannelBody and
 * CHANNEL_SETTINGS.whatsapp); empty when the form can be sent. Editing, a secret already set may
 * stay empty, unless the base URL changes (the server's rule: credentials never follow a new host).
 */
export function problemsOf(form: WhatsAppForm, editing?: EditedAccount): FormProblems {
  const problems: FormProblems = {};
  const name = CreateChannelBody.shape.name.safeParse(form.name);
  if (!name.success && name.error.issues[0]) problems.name = problemOf(name.error.issues[0]);
  if (!form.teamId) problems.teamId = 'required';

  const config = configOf(form);
  const keep = editing && !movesHost(form, editing) ? editing.secretsSet : [];
  const settings = CHANNEL_SETTINGS.whatsapp.safeParse({
    ...config,
    // A kept secret is valid as stored; a stand-in lets the schema judge the rest.
    ...Object.fromEntries(keep.filter((key) => !config[key]).map((key) => [key, 'kept'])),
  });
  for (const issue of settings.success ? [] : settings.error.issues) {
    const field = WHATSAPP_FIELDS.find((f) => f === issue.path[0]);
    if (!field || problems[field]) continue;
    const secretAgain = editing && isSecret(field) && editing.secretsSet.includes(field) && !config[field];
    problems[field] = secretAgain ? 'secretAgain' : problemOf(issue);
  }
  return problems;
}
