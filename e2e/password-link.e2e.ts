import type { Page } from '@playwright/test';
import { linkToken, SmtpListener } from '../sync-server/test/smtpListener.js';
import { expectNoAxeViolations } from './axe';
import { expect, ServerProcess, signIn, test } from './fixtures';

/**
 * R-AUTH-02, R-AUTH-03 (issue 15): "Esqueceu a senha?" mails a link (read from a real SMTP
 * listener on loopback, as the user would read it); its page "Cadastrar senha" sets the password
 * without anyone signed in; the same link used again says so and offers a new one. The admin's
 * "Configurações gerais" keeps the sign-in networks, each line checked.
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

async function askForLink(page: Page, email: string): Promise<string> {
  const seen = smtp.received.length;
  await page.goto(`${server.url}/`);
  await page.getByRole('button', { name: 'Esqueceu a senha?' }).click();
  const dialog = page.getByRole('dialog', { name: 'Esqueceu a senha?' });
  await dialog.getByLabel('E-mail').fill(email);
  await dialog.getByRole('button', { name: 'Enviar link' }).click();
  await expect(dialog.getByRole('status')).toContainText('Se o e-mail estiver cadastrado, enviamos um link');
  await expectNoAxeViolations(page, '"Esqueceu a senha?" after sending');
  const mail = await smtp.next(email, seen);
  expect(mail.subject).toBe('Cadastrar senha – Atende');
  return `${server.url}/#/cadastrar-senha?token=${linkToken(mail)}`;
}

test('R-AUTH-02 "Esqueceu a senha?" mails a link; its page sets the password, which then signs in; the link used again offers a new one', async ({ newContext }) => {
  const page = await (await newContext()).newPage();
  const link = await askForLink(page, 'bruno@demo.local');
  await page.keyboard.press('Escape');

  await page.goto(link);
  await expect(page.getByRole('heading', { name: 'Cadastrar senha' })).toBeVisible();
  await expect(page.getByText('Conta: bruno@demo.local')).toBeVisible();
  await expectNoAxeViolations(page, 'the "Cadastrar senha" page');
  // What to fix is said next to the field, and nothing is sent.
  await page.getByLabel('Nova senha').fill('curta');
  await page.getByLabel('Confirmar senha').fill('curta');
  await page.getByRole('button', { name: 'Cadastrar senha' }).click();
  await expect(page.getByText('A senha precisa ter pelo menos 8 caracteres.')).toBeVisible();
  await page.getByLabel('Nova senha').fill('senha-nova-do-bruno');
  await page.getByLabel('Confirmar senha').fill('senha-nova-do-brunx');
  await page.getByRole('button', { name: 'Cadastrar senha' }).click();
  await expect(page.getByText('A confirmação não é igual à senha.')).toBeVisible();
  await expect(page.getByLabel('Confirmar senha')).toHaveAttribute('aria-invalid', 'true');
  await page.getByLabel('Confirmar senha').fill('senha-nova-do-bruno');
  await page.getByRole('button', { name: 'Cadastrar senha' }).click();
  await expect(page.getByRole('heading', { name: 'Senha cadastrada' })).toBeVisible();
  await page.getByRole('button', { name: 'Ir para a tela de entrada' }).click();
  await expect(page.getByRole('heading', { name: 'Entrar no Atende' })).toBeVisible();

  await signIn(page, server, 'bruno@demo.local', 'senha-nova-do-bruno');

  // The same link again: spent, whoever opens it; a new one is one e-mail away.
  const other = await (await newContext()).newPage();
  await other.goto(link);
  await expect(other.getByRole('heading', { name: 'Link já usado' })).toBeVisible();
  await expectNoAxeViolations(other, 'a used link\'s page');
  const seen = smtp.received.length;
  await other.getByLabel('E-mail').fill('bruno@demo.local');
  await other.getByRole('button', { name: 'Enviar novo link' }).click();
  await expect(other.getByRole('status')).toContainText('Se o e-mail estiver cadastrado');
  const fresh = linkToken(await smtp.next('bruno@demo.local', seen));
  await other.goto(`${server.url}/#/`);
  await other.goto(`${server.url}/#/cadastrar-senha?token=${fresh}`);
  await expect(other.getByText('Conta: bruno@demo.local')).toBeVisible();
});

test('R-AUTH-02 a link replaced by a newer one reads "Link expirado" and offers a new one', async ({ newContext }) => {
  const page = await (await newContext()).newPage();
  const older = await askForLink(page, 'ana@demo.local');
  await page.keyboard.press('Escape');
  await askForLink(page, 'ana@demo.local');
  await page.goto(older);
  await expect(page.getByRole('heading', { name: 'Link expirado' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Enviar novo link' })).toBeVisible();
  await expectNoAxeViolations(page, 'an expired link\'s page');
});

test('R-AUTH-03 the admin keeps the sign-in networks on "Configurações gerais": a wrong line is named, a list without the admin\'s own network is refused', async ({ newContext }) => {
  const admin = await (await newContext()).newPage();
  await signIn(admin, server, 'admin@demo.local');
  await admin.goto(`${server.url}/#/admin/settings`);
  await expect(admin.getByRole('heading', { name: 'Configurações gerais' })).toBeVisible();
  const networks = admin.getByLabel('Redes (uma por linha)');
  await networks.fill('10.0.0.0/8\nrede-da-empresa');
  await admin.getByRole('button', { name: 'Salvar' }).click();
  await expect(admin.getByText('Linha 2: “rede-da-empresa” não é um endereço IP nem uma faixa CIDR válida.')).toBeVisible();
  await expect(networks).toHaveAttribute('aria-invalid', 'true');
  await expectNoAxeViolations(admin, '"Configurações gerais" with a wrong line');

  await networks.fill('10.0.0.0/8');
  await admin.getByRole('button', { name: 'Salvar' }).click();
  await expect(admin.getByRole('alert')).toContainText('bloquearia o seu próprio acesso');

  await networks.fill('10.0.0.0/8\n127.0.0.1');
  await admin.getByRole('button', { name: 'Salvar' }).click();
  await expect(admin.getByRole('status')).toHaveText('Configurações salvas.');
  await admin.reload();
  await expect(admin.getByLabel('Redes (uma por linha)')).toHaveValue('10.0.0.0/8\n127.0.0.1');
  await expect(admin.getByText('Entrada permitida só a partir das redes da lista (2).')).toBeVisible();
});
