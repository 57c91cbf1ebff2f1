import { describe, expect, it } from 'vitest';
import { createI18n } from 'vue-i18n';
import { CHANNEL_SETTINGS, CreateChannelBody, GRAPH_API_BASE, TELEGRAM_API_BASE, UpdateChannelBody, type ChannelAccountView } from '@atende/protocol';
import { canAdminister, sectionsFor } from '../src/components/admin/access';
import { adminErrorMessage } from '../src/components/admin/errors';
import { FakeApiError } from './apiErrorFake';
import { createBodyOf, emptyForm, fieldsOf, FORM_KINDS, formOf, problemsOf, updateBodyOf, type ChannelForm } from '../src/components/admin/channelForm';
import { templateStatusLabel, templateStatusTone } from '../src/components/admin/templateStatus';
import { webhookAddress } from '../src/components/admin/webhookAddress';
import en from '../src/i18n/locales/en.json';
import es from '../src/i18n/locales/es.json';
import ptBR from '../src/i18n/locales/pt-BR.json';

/** A form of `kind` with these settings typed (the rest as an empty form has them). */
function typed(kind: ChannelForm['kind'], name: string, settings: Record<string, string>): ChannelForm {
  const form = emptyForm('team:suporte', kind);
  return { ...form, name, settings: { ...form.settings, ...settings } };
}

const filled = typed('whatsapp', ' Vendas WhatsApp ', {
  phoneNumberId: '106540352242922',
  displayPhoneNumber: '5511912345678',
  accessToken: 'EAAG-token',
  appSecret: 'app-secret',
  verifyToken: 'verify-me',
});

const stored: ChannelAccountView = {
  id: 'channel:01WA', kind: 'whatsapp', name: 'Vendas', teamId: 'team:suporte', enabled: true,
  settings: { phoneNumberId: '106540352242922', wabaId: '102290129340398', baseUrl: 'http://127.0.0.1:9999/v21.0' },
  secretsSet: ['accessToken', 'appSecret', 'verifyToken'],
  webhookUrl: 'https://atende.example.com/channels/whatsapp/01WA/webhook', createdAt: 1, updatedAt: 2,
};

describe('R-CH-03 the WhatsApp number form (admin channels screen)', () => {
  it('R-CH-03 turns a filled form into the create body the server parses, Meta’s Graph base by default', () => {
    const body = createBodyOf(filled);
    expect(body).toEqual({
      kind: 'whatsapp', name: 'Vendas WhatsApp', teamId: 'team:suporte',
      config: {
        phoneNumberId: '106540352242922', displayPhoneNumber: '5511912345678', accessToken: 'EAAG-token',
        appSecret: 'app-secret', verifyToken: 'verify-me', baseUrl: GRAPH_API_BASE,
      },
    });
    expect(CreateChannelBody.safeParse(body).success).toBe(true);
    expect(CHANNEL_SETTINGS.whatsapp.safeParse(body.config).success).toBe(true);
    expect(problemsOf(filled)).toEqual({});
  });

  it('R-CH-03 says what is wrong under each field, from the protocol schema', () => {
    const empty = emptyForm();
    const problems = problemsOf({ ...empty, settings: { ...empty.settings, phoneNumberId: '12 34', wabaId: 'abc', baseUrl: 'ftp://x' } });
    expect(problems).toEqual({
      name: 'required', teamId: 'required', phoneNumberId: 'digits', wabaId: 'digits', baseUrl: 'url',
      accessToken: 'required', appSecret: 'required', verifyToken: 'required',
    });
  });

  it('R-CH-03 an edit shows no secret and keeps each stored one left empty (write-only)', () => {
    const form = formOf(stored);
    expect([form.settings.accessToken, form.settings.appSecret, form.settings.verifyToken]).toEqual(['', '', '']);
    expect(form.settings.baseUrl).toBe('http://127.0.0.1:9999/v21.0');
    expect(problemsOf(form, stored)).toEqual({});
    const body = updateBodyOf({ ...form, name: 'Vendas SP', settings: { ...form.settings, appSecret: 'new-secret' } });
    expect(UpdateChannelBody.safeParse(body).success).toBe(true);
    expect(body.config).toEqual({
      phoneNumberId: '106540352242922', wabaId: '102290129340398', baseUrl: 'http://127.0.0.1:9999/v21.0', appSecret: 'new-secret',
    });
    expect(body.config).not.toHaveProperty('accessToken');
    expect(body.config).not.toHaveProperty('verifyToken');
  });

  it('R-CH-03 an edit pointing the number at another host asks for every secret again, as the server does', () => {
    const form = formOf(stored);
    const moved = { ...form, settings: { ...form.settings, baseUrl: '', accessToken: 'fresh' } };
    expect(problemsOf(moved, stored)).toEqual({ appSecret: 'secretAgain', verifyToken: 'secretAgain' });
    expect(updateBodyOf(moved).config?.baseUrl).toBe(GRAPH_API_BASE);
    // Meta's default base is shown empty and stays where it is.
    const onGraph = { ...stored, settings: { ...stored.settings, baseUrl: GRAPH_API_BASE } };
    expect(formOf(onGraph).settings.baseUrl).toBe('');
    expect(problemsOf(formOf(onGraph), onGraph)).toEqual({});
  });

  it('R-CH-03 a refusal shows the server’s own sentence; no connection or a server fault say so in the admin’s words', () => {
    const t = (key: string) => `«${key}»`;
    const refused = new FakeApiError(422, 'waba_missing', 'Informe o WhatsApp Business Account ID (WABA) deste número para sincronizar os templates.');
    expect(adminErrorMessage(t, refused)).toBe(refused.message);
    expect(adminErrorMessage(t, new FakeApiError(400, 'invalid_config', 'Invalid whatsapp configuration: config.phoneNumberId: digits only'))).toMatch(/phoneNumberId/);
    expect(adminErrorMessage(t, new FakeApiError(0, 'network', 'Sem conexão com o servidor'))).toBe('«admin.offline»');
    expect(adminErrorMessage(t, new FakeApiError(500, 'internal', 'stack trace'))).toBe('«admin.failed»');
    expect(adminErrorMessage(t, new Error('boom'))).toBe('«admin.failed»');
  });

  it('R-CH-03 R-RT-01 admins open the whole admin area, supervisors only their teams\' sections (not channels), agents none', () => {
    expect(canAdminister({ role: 'admin' })).toBe(true);
    expect(sectionsFor({ role: 'admin' })).toContain('channels');
    expect(canAdminister({ role: 'supervisor' })).toBe(true);
    expect(sectionsFor({ role: 'supervisor' })).toEqual(['teams', 'hours', 'flows', 'predefined', 'dispositions']);
    expect(canAdminister({ role: 'agent' })).toBe(false);
    expect(sectionsFor({ role: 'agent' })).toEqual([]);
    expect(canAdminister(undefined)).toBe(false);
  });
});

const viewOf = (kind: ChannelAccountView['kind'], settings: Record<string, string>, secretsSet: string[]): ChannelAccountView => ({
  id: `channel:01${kind}`, kind, name: `Loja ${kind}`, teamId: 'team:suporte', enabled: true, settings, secretsSet,
  webhookUrl: null, createdAt: 1, updatedAt: 2,
});

describe('R-CH-04 the Telegram bot form (admin channels screen)', () => {
  it('R-CH-04 asks for the bot token only: the secret token is left to the server, the Bot API is the default base, "@bot" is stored bare', () => {
    expect(fieldsOf('telegram').map((f) => [f.key, f.secret, f.optional, f.generated])).toEqual([
      ['apiBaseUrl', false, true, false], ['botToken', true, false, false],
      ['secretToken', true, true, true], ['botUsername', false, true, false],
    ]);
    const form = typed('telegram', 'Bot da Loja', { botToken: '123456:ABC-def-0123456789abcdefghijklmnopq', botUsername: '@loja_bot' });
    expect(problemsOf(form)).toEqual({});
    const body = createBodyOf(form);
    expect(body).toEqual({
      kind: 'telegram', name: 'Bot da Loja', teamId: 'team:suporte',
      config: { botToken: '123456:ABC-def-0123456789abcdefghijklmnopq', botUsername: 'loja_bot', apiBaseUrl: TELEGRAM_API_BASE },
    });
    expect(CHANNEL_SETTINGS.telegram.safeParse(body.config).success).toBe(true);
  });

  it('R-CH-04 says what is wrong with a missing token, a short secret, a username with spaces, a non-http base', () => {
    const form = typed('telegram', '', { secretToken: 'curto', botUsername: 'loja bot', apiBaseUrl: 'ftp://x' });
    expect(problemsOf(form)).toEqual({
      name: 'required', botToken: 'required', secretToken: 'secretTokenFormat', botUsername: 'botUsernameFormat', apiBaseUrl: 'url',
    });
    // A token not shaped as BotFather's (R-CH-04 QA: "isto não é um token" was saved).
    expect(problemsOf(typed('telegram', 'Bot', { botToken: 'isto não é um token' })).botToken).toBe('botTokenFormat');
  });

  it('R-CH-04 an edit keeps the token and the generated secret when left empty; a new host wants the token again, not the secret', () => {
    const stored = viewOf('telegram', { apiBaseUrl: TELEGRAM_API_BASE, botUsername: 'loja_bot' }, ['botToken', 'secretToken']);
    const form = formOf(stored);
    expect(form.settings).toEqual({ apiBaseUrl: '', botToken: '', secretToken: '', botUsername: 'loja_bot' });
    expect(problemsOf(form, stored)).toEqual({});
    expect(updateBodyOf(form).config).toEqual({ apiBaseUrl: TELEGRAM_API_BASE, botUsername: 'loja_bot' });
    const moved = { ...form, settings: { ...form.settings, apiBaseUrl: 'http://127.0.0.1:8081' } };
    expect(problemsOf(moved, stored)).toEqual({ botToken: 'secretAgain' });
  });
});

describe('R-CH-05 the Messenger page and Instagram account forms (admin channels screen)', () => {
  it('R-CH-05 a Messenger page: the verify token may be left to the server, HUMAN_AGENT is a switch sent as on/off', () => {
    const form = typed('messenger', 'Página da Loja', { pageId: '104000000000001', pageAccessToken: 'EAAP-token', appSecret: 'segredo' });
    expect(problemsOf(form)).toEqual({});
    expect(createBodyOf(form).config).toEqual({
      pageId: '104000000000001', apiBaseUrl: GRAPH_API_BASE, pageAccessToken: 'EAAP-token', appSecret: 'segredo', humanAgentTag: 'off',
    });
    const tagged = createBodyOf({ ...form, settings: { ...form.settings, humanAgentTag: 'on', verifyToken: 'verifica-123' } });
    expect(tagged.config).toMatchObject({ humanAgentTag: 'on', verifyToken: 'verifica-123' });
    expect(CHANNEL_SETTINGS.messenger.safeParse(tagged.config).success).toBe(true);
  });

  it('R-CH-05 an Instagram account lists its fields from the protocol and says what is wrong under each', () => {
    expect(fieldsOf('instagram').map((f) => f.key)).toEqual([
      'igUserId', 'pageId', 'apiBaseUrl', 'pageAccessToken', 'appSecret', 'verifyToken', 'humanAgentTag',
    ]);
    expect(fieldsOf('instagram').filter((f) => f.digits).map((f) => f.key)).toEqual(['igUserId', 'pageId']);
    expect(fieldsOf('instagram').find((f) => f.toggle)?.key).toBe('humanAgentTag');
    const form = typed('instagram', 'Instagram da Loja', { igUserId: '17841400000000x', verifyToken: 'curto' });
    expect(problemsOf(form)).toEqual({
      igUserId: 'digits', pageId: 'required', pageAccessToken: 'required', appSecret: 'required', verifyToken: 'verifyTokenFormat',
    });
  });

  it('R-CH-05 an Instagram edit shows the readable verify token and the switch as stored, never the secrets', () => {
    const stored = viewOf(
      'instagram',
      { igUserId: '17841400000000', pageId: '104000000000001', apiBaseUrl: GRAPH_API_BASE, verifyToken: 'gerado_pelo_servidor', humanAgentTag: 'on' },
      ['pageAccessToken', 'appSecret'],
    );
    const form = formOf(stored);
    expect(form.settings).toMatchObject({ verifyToken: 'gerado_pelo_servidor', humanAgentTag: 'on', pageAccessToken: '', appSecret: '', apiBaseUrl: '' });
    expect(problemsOf(form, stored)).toEqual({});
    const body = updateBodyOf(form);
    expect(UpdateChannelBody.safeParse(body).success).toBe(true);
    expect(body.config).not.toHaveProperty('pageAccessToken');
    expect(body.config).toMatchObject({ verifyToken: 'gerado_pelo_servidor', humanAgentTag: 'on', apiBaseUrl: GRAPH_API_BASE });
  });

  it('R-CH-04 R-CH-05 every admin sentence compiles in every language (a bare "@BotFather" is vue-i18n link syntax)', () => {
    type Tree = { [key: string]: string | Tree };
    const keys = (tree: Tree, prefix: string): string[] =>
      Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [prefix + k] : keys(v, `${prefix}${k}.`)));
    const i18n = createI18n({ legacy: false, locale: 'pt-BR', messages: { 'pt-BR': ptBR, en, es } });
    for (const locale of ['pt-BR', 'en', 'es'] as const) {
      i18n.global.locale.value = locale;
      for (const key of keys(ptBR.admin as Tree, 'admin.')) expect(() => i18n.global.t(key, { upstream: 'X', message: 'Y' }), key).not.toThrow();
    }
    expect(i18n.global.t('admin.hint.botToken')).toContain('@BotFather');
  });

  it('R-CH-04 R-CH-05 every field of every kind the admin may add has a label and each kind a dialog title, in every language', () => {
    for (const messages of [ptBR, en]) {
      const admin = messages.admin as { form: Record<string, unknown> & { addTitle: Record<string, string> } };
      for (const kind of FORM_KINDS) {
        expect(admin.form.addTitle[kind], kind).toBeTruthy();
        for (const field of fieldsOf(kind)) expect(admin.form[field.key], `${kind}.${field.key}`).toEqual(expect.any(String));
      }
    }
  });
});

describe('R-CH-06 the Reclame Aqui account form (admin channels screen)', () => {
  const hugme = { clientId: 'atende-client', clientSecret: 'segredo-hugme', companyId: '4242', apiBaseUrl: 'https://api.hugme.example' };

  it('R-CH-06 lists HugMe\'s fields from the protocol: the secret write-only, the API base URL required and not under "Avançado"', () => {
    expect(FORM_KINDS).toContain('reclameaqui');
    const fields = fieldsOf('reclameaqui');
    expect(fields.map((f) => f.key)).toEqual(['description', 'clientId', 'clientSecret', 'companyId', 'apiBaseUrl', 'pollSeconds', 'flowId']);
    expect(fields.filter((f) => f.secret).map((f) => f.key)).toEqual(['clientSecret']);
    expect(fields.find((f) => f.key === 'apiBaseUrl')).toMatchObject({ url: true, baseUrl: false, optional: false });
    expect(fields.filter((f) => f.optional).map((f) => f.key)).toEqual(['description', 'pollSeconds', 'flowId']);
  });

  it('R-CH-06 a filled form is the create body the server parses; the poll interval is optional and refused outside 10–3600 s', () => {
    const form = typed('reclameaqui', 'Reclame Aqui Loja', hugme);
    expect(problemsOf(form)).toEqual({});
    const body = createBodyOf(form);
    expect(body.config).toEqual(hugme);
    expect(CHANNEL_SETTINGS.reclameaqui.safeParse(body.config).success).toBe(true);
    expect(createBodyOf({ ...form, settings: { ...form.settings, pollSeconds: '10' } }).config.pollSeconds).toBe('10');
    for (const pollSeconds of ['5', '3601', 'dez']) expect(problemsOf({ ...form, settings: { ...form.settings, pollSeconds } }), pollSeconds).toEqual({ pollSeconds: 'pollSecondsRange' });
    expect(problemsOf(typed('reclameaqui', 'RA', {}))).toEqual({ clientId: 'required', clientSecret: 'required', companyId: 'required', apiBaseUrl: 'required' });
    expect(problemsOf(typed('reclameaqui', 'RA', { ...hugme, apiBaseUrl: 'api.hugme' }))).toEqual({ apiBaseUrl: 'url' });
  });

  it('R-CH-06 an edit never shows the client secret and keeps it when left empty; a new API host wants it again', () => {
    const stored = viewOf('reclameaqui', { clientId: 'atende-client', companyId: '4242', apiBaseUrl: 'https://api.hugme.example', pollSeconds: '10' }, ['clientSecret']);
    const form = formOf(stored);
    expect(form.settings).toMatchObject({ clientId: 'atende-client', clientSecret: '', apiBaseUrl: 'https://api.hugme.example', pollSeconds: '10' });
    expect(problemsOf(form, stored)).toEqual({});
    expect(updateBodyOf(form).config).not.toHaveProperty('clientSecret');
    const moved = { ...form, settings: { ...form.settings, apiBaseUrl: 'https://outra.example' } };
    expect(problemsOf(moved, stored)).toEqual({ clientSecret: 'secretAgain' });
  });

  it('R-CH-06 a Reclame Aqui account has no webhook address to show (the server polls HugMe)', () => {
    expect(webhookAddress({ id: 'channel:ra', kind: 'reclameaqui', webhookUrl: null }, 'http://127.0.0.1:3000')).toBeNull();
  });
});

describe('R-WA-08 template statuses on the admin screen', () => {
  const i18n = createI18n({ legacy: false, locale: 'pt-BR', messages: { 'pt-BR': ptBR, en } });
  const t = (key: string) => i18n.global.t(key);

  it('R-WA-08 names Meta’s statuses in the admin’s words, with a tone, and keeps a new one as Meta wrote it', () => {
    expect(['APPROVED', 'PENDING', 'REJECTED', 'PAUSED', 'DISABLED'].map((s) => templateStatusLabel(t, s))).toEqual([
      'Aprovado', 'Em análise', 'Rejeitado', 'Pausado', 'Desativado',
    ]);
    expect(['APPROVED', 'PENDING', 'REJECTED', 'DISABLED'].map(templateStatusTone)).toEqual(['success', 'warning', 'danger', 'muted']);
    expect(templateStatusLabel(t, 'IN_APPEAL')).toBe('IN_APPEAL');
    expect(templateStatusTone('IN_APPEAL')).toBe('muted');
    i18n.global.locale.value = 'en';
    expect(templateStatusLabel(t, 'REJECTED')).toBe('Rejected');
  });
});
