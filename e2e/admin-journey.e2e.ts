import type { Page } from '@playwright/test';
import { SmtpListener } from '../sync-server/test/smtpListener.js';
import { expectNoAxeViolations } from './axe';
import { card, expect, messageLog, openWidget, ServerProcess, signIn, test, visitorSends } from './fixtures';

/**
 * Issue 15's journey, end to end and only through the app's screens: an admin creates the team
 * "Financeiro" (R-RT-01), an agent in it (R-AUTH-01), who reads the invitation from a real SMTP
 * listener on loopback and sets a password through its "Cadastrar senha" link (R-AUTH-02); the
 * admin then gives the website chat's entry team a flow whose menu leads to Financeiro (R-RT-04),
 * and a visitor who picks that option waits in Financeiro's queue until the new agent takes them.
 */
let smtp: SmtpListener;
let server: ServerProcess;

test.beforeAll(async () => {
  smtp = new SmtpListener();
  await smtp.start();
  server = await ServerProcess.launch({ SMTP_URL: smtp.url });
});
test.afterAll(async () => {
  await server?.dispose();
  await smtp?.stop();
});

const NEW_AGENT = { name: 'Fernanda Reis', email: 'fernanda.reis@exemplo.com.br', password: 'senha-da-fernanda' };
const widgetLog = (page: Page) => page.locator('#atende-widget .log');
const section = (admin: Page, name: string) =>
  admin.getByRole('navigation', { name: 'Seções da administração' }).getByRole('link', { name, exact: true });

/** Administração › Equipes: "Financeiro", seen by its whole team, nobody in it yet. */
async function createTeam(admin: Page): Promise<void> {
  await section(admin, 'Equipes').click();
  await expect(admin.getByRole('heading', { name: 'Equipes' })).toBeVisible();
  await admin.getByRole('button', { name: '+ Nova Equipe' }).click();
  const form = admin.getByRole('dialog', { name: 'Nova equipe' });
  await form.getByLabel('Nome').fill('Financeiro');
  await expect(form.getByLabel('Visível para toda a equipe')).toBeChecked();
  await form.getByRole('button', { name: 'Salvar' }).click();
  await expect(form).toBeHidden();
  await expect(admin.getByRole('table', { name: 'Equipes' }).getByRole('row', { name: /Financeiro/ })).toBeVisible();
}

/** Administração › Usuários: the new agent in Financeiro; answers the link of the invitation mail. */
async function createAgent(admin: Page): Promise<string> {
  const seen = smtp.received.length;
  await section(admin, 'Usuários').click();
  await expect(admin.getByRole('heading', { name: 'Usuários' })).toBeVisible();
  await admin.getByRole('button', { name: 'Adicionar usuário' }).click();
  const dialog = admin.getByRole('dialog', { name: 'Adicionar usuário' });
  await dialog.getByLabel('Nome').fill(NEW_AGENT.name);
  await dialog.getByLabel('E-mail').fill(NEW_AGENT.email);
  await expect(dialog.getByLabel('Perfil')).toHaveValue('agent');
  await dialog.getByRole('checkbox', { name: 'Financeiro' }).check();
  await expectNoAxeViolations(admin, 'the new user form');
  await dialog.getByRole('button', { name: 'Salvar' }).click();
  await expect(dialog).toBeHidden();
  const row = admin.getByRole('table', { name: 'Usuários' }).getByRole('row', { name: new RegExp(NEW_AGENT.name) });
  await expect(row).toContainText('Financeiro');
  await expect(row).toContainText('Convite pendente');

  const mail = await smtp.next(NEW_AGENT.email, seen);
  expect(mail.subject).toBe('Cadastrar senha – Atende');
  expect(mail.text).toContain(`Olá, ${NEW_AGENT.name}.`);
  const link = /https?:\/\/\S+#\/cadastrar-senha\?token=[A-Za-z0-9_-]+/.exec(mail.text)?.[0];
  if (!link) throw new Error(`no "Cadastrar senha" link in the invitation:\n${mail.text}`);
  // The link leads to the app this server serves, whatever browser opens it.
  expect(link.startsWith(`${server.url}/#/`)).toBe(true);
  return link;
}

/** The new agent, in a browser of their own: the link's page, then the sign-in with that password. */
async function setPasswordAndSignIn(agent: Page, link: string): Promise<void> {
  await agent.goto(link);
  await expect(agent.getByRole('heading', { name: 'Cadastrar senha' })).toBeVisible();
  await expect(agent.getByText(`Conta: ${NEW_AGENT.email}`)).toBeVisible();
  await agent.getByLabel('Nova senha').fill(NEW_AGENT.password);
  await agent.getByLabel('Confirmar senha').fill(NEW_AGENT.password);
  await agent.getByRole('button', { name: 'Cadastrar senha' }).click();
  await expect(agent.getByRole('heading', { name: 'Senha cadastrada' })).toBeVisible();
  await signIn(agent, server, NEW_AGENT.email, NEW_AGENT.password);
}

/** Administração › Fluxos: Suporte (the website chat's entry team) greets with a menu; "2" goes to Financeiro. */
async function buildFlow(admin: Page): Promise<void> {
  await section(admin, 'Fluxos (chatbot)').click();
  await expect(admin.getByRole('heading', { name: 'Fluxos (chatbot)' })).toBeVisible();
  await expect(admin.getByLabel('Equipe', { exact: true })).toHaveValue('team:suporte');
  await expect(admin.getByText('Equipe de entrada', { exact: true })).toBeVisible();
  await admin.getByRole('button', { name: 'Novo gatilho' }).click();
  const form = admin.getByRole('dialog', { name: 'Novo gatilho' });
  await form.getByLabel('Descrição').fill('Menu inicial');
  await form.getByLabel('Tempo sem interação').selectOption({ label: 'Maior que' });
  await form.getByLabel('Horas').fill('1');
  await form.getByLabel('Mensagem', { exact: true }).fill('Bem-vindo! Com quem você quer falar?');
  await form.getByRole('button', { name: 'Adicionar opção' }).click();
  await form.getByLabel('Opção 1', { exact: true }).fill('Suporte técnico');
  await form.getByLabel('Equipe da opção 1').selectOption({ label: 'Suporte' });
  await form.getByRole('button', { name: 'Adicionar opção' }).click();
  await form.getByLabel('Opção 2', { exact: true }).fill('Financeiro');
  await form.getByLabel('Equipe da opção 2').selectOption({ label: 'Financeiro' });
  await form.getByRole('button', { name: 'Salvar' }).click();
  await expect(form).toHaveCount(0);
  const trigger = admin.getByRole('list', { name: 'Gatilhos da equipe Suporte' }).locator('[data-trigger-id]').first();
  await expect(trigger).toContainText('Tempo sem interação > 1 h');
  await expect(trigger).toContainText('2 - Financeiro');
  await expect(admin.getByLabel('Fluxo ativo')).toBeChecked();
}

test('R-AUTH-01 R-AUTH-02 R-RT-01 R-RT-04 an admin creates a team, an agent who sets a password from the mailed link, and a flow that routes a website visitor to that agent', async ({ newContext }) => {
  test.setTimeout(120_000);
  const admin = await (await newContext()).newPage();
  await signIn(admin, server, 'admin@demo.local');
  await admin.getByRole('banner').getByRole('button', { name: 'Administrador' }).click();
  await admin.getByRole('menuitem', { name: 'Administração' }).click();

  await createTeam(admin);
  const link = await createAgent(admin);
  const agent = await (await newContext()).newPage();
  await setPasswordAndSignIn(agent, link);
  await buildFlow(admin);

  // The visitor is greeted by the bot, picks Financeiro and waits in its queue.
  const visitor = await (await newContext()).newPage();
  await openWidget(visitor, server, { name: 'Paulo Pagador', email: 'paulo@example.com' });
  await visitorSends(visitor, 'Preciso de uma segunda via do boleto');
  await expect(widgetLog(visitor).getByText(/Bem-vindo! Com quem você quer falar\?\s+1 - Suporte técnico\s+2 - Financeiro/)).toBeVisible();
  await visitorSends(visitor, '2');
  await expect(widgetLog(visitor).getByText(/^Você está na fila de atendimento/)).toBeVisible();

  // The new agent finds it under "Em espera" and takes it.
  const waiting = card(agent, 'Paulo Pagador');
  await expect(agent.getByRole('tab', { name: /Em espera/ })).toContainText('1');
  await waiting.click();
  await expect(agent.getByRole('tab', { name: /Em atendimento/ })).toHaveAttribute('aria-selected', 'true');
  await expect(messageLog(agent)).toContainText('Preciso de uma segunda via do boleto');
  await expect(agent.getByRole('textbox', { name: 'Mensagem' })).toBeEnabled();
});
