import { describe, expect, it } from 'vitest';
import { createI18n } from 'vue-i18n';
import { CHANNEL_SETTINGS, CreateChannelBody, GRAPH_API_BASE, UpdateChannelBody, type ChannelAccountView } from '@atende/protocol';
import { canAdminister } from '../src/components/admin/access';
import { adminErrorMessage } from '../src/components/admin/errors';
import { FakeApiError } from './apiErrorFake';
import { createBodyOf, emptyForm, formOf, problemsOf, updateBodyOf, type WhatsAppForm } from '../src/components/admin/channelForm';
import { templateStatusLabel, templateStatusTone } from '../src/components/admin/templateStatus';
import en from '../src/i18n/locales/en.json';
import ptBR from '../src/i18n/locales/pt-BR.json';

const filled: WhatsAppForm = {
  ...emptyForm('team:suporte'),
  name: ' Vendas WhatsApp ',
  phoneNumberId: '106540352242922',
  displayPhoneNumber: '5511912345678',
  accessToken: 'EAAG-token',
  appSecret: 'app-secret',
  verifyToken: 'verify-me',
};

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
    const problems = problemsOf({ ...emptyForm(), phoneNumberId: '12 34', wabaId: 'abc', baseUrl: 'ftp://x' });
    expect(problems).toEqual({
      name: 'required', teamId: 'required', phoneNumberId: 'digits', wabaId: 'digits', baseUrl: 'url',
      accessToken: 'required', appSecret: 'required', verifyToken: 'required',
    });
  });

  it('R-CH-03 an edit shows no secret and keeps each stored one left empty (write-only)', () => {
    const form = formOf(stored);
    expect([form.accessToken, form.appSecret, form.verifyToken]).toEqual(['', '', '']);
    expect(form.baseUrl).toBe('http://127.0.0.1:9999/v21.0');
    expect(problemsOf(form, stored)).toEqual({});
    const body = updateBodyOf({ ...form, name: 'Vendas SP', appSecret: 'new-secret' });
    expect(UpdateChannelBody.safeParse(body).success).toBe(true);
    expect(body.config).toEqual({
      phoneNumberId: '106540352242922', wabaId: '102290129340398', baseUrl: 'http://127.0.0.1:9999/v21.0', appSecret: 'new-secret',
    });
    expect(body.config).not.toHaveProperty('accessToken');
    expect(body.config).not.toHaveProperty('verifyToken');
  });

  it('R-CH-03 an edit pointing the number at another host asks for every secret again, as the server does', () => {
    const moved = { ...formOf(stored), baseUrl: '', accessToken: 'fresh' };
    expect(problemsOf(moved, stored)).toEqual({ appSecret: 'secretAgain', verifyToken: 'secretAgain' });
    expect(updateBodyOf(moved).config?.baseUrl).toBe(GRAPH_API_BASE);
    // Meta's default base is shown empty and stays where it is.
    const onGraph = { ...stored, settings: { ...stored.settings, baseUrl: GRAPH_API_BASE } };
    expect(formOf(onGraph).baseUrl).toBe('');
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

  it('R-CH-03 only admins may open the admin area', () => {
    expect(canAdminister({ role: 'admin' })).toBe(true);
    expect(canAdminister({ role: 'supervisor' })).toBe(false);
    expect(canAdminister({ role: 'agent' })).toBe(false);
    expect(canAdminister(undefined)).toBe(false);
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
