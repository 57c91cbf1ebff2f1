import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { BrowserContext, Page } from '@playwright/test';
import { expectNoAxeViolations } from './axe';
import { expect, root, ServerProcess, signIn, test } from './fixtures';

/**
 * issue 10 point 6, the admin area's "Canais" screen (R-CH-03, R-WA-08): an admin adds a WhatsApp
 * number pointing at a loopback fake of Meta's Graph API, copies what Meta's dashboard needs, tests
 * the connection and syncs the number's templates; an agent cannot reach the screen.
 */

const NUMBER = { phoneNumberId: '109876543210001', wabaId: '109876543219999', accessToken: 'EAAvendas-token-0001', appSecret: 'segredo-do-app-vendas' };
const PUBLIC_URL = 'https://atende.example.com';

/** The fake Graph in its own process (e2e/admin-fake-graph.ts): its base URL, and how to stop it. */
async function startFakeGraph(): Promise<{ baseUrl: string; stop: () => Promise<void> }> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'e2e/admin-fake-graph.ts'), NUMBER.phoneNumberId, NUMBER.wabaId, NUMBER.accessToken, NUMBER.appSecret],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const found = /^Graph: (\S+)$/m.exec(output);
      if (found?.[1]) resolve(found[1]);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`fake Graph exited (${code}):\n${output}`)));
  });
  const stop = () => new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
  return { baseUrl, stop };
}

async function signedIn(newContext: () => Promise<BrowserContext>, server: ServerProcess, email: string): Promise<Page> {
  const context = await newContext();
  const page = await context.newPage();
  await page.setViewportSize({ width: 1366, height: 768 });
  await signIn(page, server, email);
  return page;
}

/** The profile menu of the top bar (the signed-in person's name). */
async function openProfileMenu(page: Page, name: string): Promise<void> {
  await page.getByRole('banner').getByRole('button', { name }).click();
  await expect(page.getByRole('menu')).toBeVisible();
}

test('R-CH-03 R-WA-08 an admin adds a WhatsApp number in Administração → Canais, copies the webhook URL and verify token, tests the connection, syncs the templates with their statuses, edits keeping the secrets, and disables it', async ({ newContext }) => {
  const graph = await startFakeGraph();
  const server = await ServerProcess.launch({ ATENDE_PUBLIC_URL: PUBLIC_URL });
  try {
    const admin = await signedIn(newContext, server, 'admin@demo.local');
    await admin.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });

    await openProfileMenu(admin, 'Administrador');
    await admin.getByRole('menuitem', { name: 'Administração' }).click();
    // The menu opens the admin area on its first section (Usuários, issue 15); Canais is one click away.
    await expect(admin).toHaveURL(/#\/admin\/users$/);
    await admin.getByRole('navigation', { name: 'Seções da administração' }).getByRole('link', { name: 'Canais' }).click();
    await expect(admin.getByRole('link', { name: 'Canais' })).toHaveAttribute('aria-current', 'page');
    await expect(admin.getByRole('heading', { level: 1, name: 'Canais' })).toBeVisible();
    const list = admin.getByRole('table', { name: 'Contas de canal' });
    // The demo's own number is listed with its webhook URL under the public address.
    await expect(list.getByRole('row', { name: /WhatsApp \(simulador\)/ })).toContainText(`${PUBLIC_URL}/channels/whatsapp/demo-whatsapp/webhook`);
    await expectNoAxeViolations(admin, 'Administração › Canais');

    // The form says what is missing under each field, as the protocol schema does.
    await admin.getByRole('button', { name: 'Adicionar canal' }).click();
    await admin.getByRole('menuitem', { name: 'WhatsApp' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Adicionar número do WhatsApp' });
    await dialog.getByLabel('ID do número de telefone').fill('12 34');
    await dialog.getByRole('button', { name: 'Salvar' }).click();
    await expect(dialog.getByLabel('Nome', { exact: true })).toHaveAccessibleDescription('Preencha este campo.');
    await expect(dialog.getByLabel('ID do número de telefone')).toHaveAccessibleDescription('Use somente dígitos.');
    await expect(dialog.getByLabel('Token de acesso')).toHaveAttribute('aria-invalid', 'true');
    await expectNoAxeViolations(admin, 'the WhatsApp number form with problems');

    await dialog.getByLabel('Nome', { exact: true }).fill('WhatsApp Vendas');
    await dialog.getByLabel('Equipe').selectOption({ label: 'Comercial' });
    await dialog.getByLabel('ID do número de telefone').fill(NUMBER.phoneNumberId);
    await dialog.getByLabel(/Número de telefone/).fill('5511933334444');
    await dialog.getByLabel(/WhatsApp Business Account|WABA/).fill(NUMBER.wabaId);
    await dialog.getByLabel('Token de acesso').fill(NUMBER.accessToken);
    await dialog.getByLabel('Chave secreta do app').fill(NUMBER.appSecret);
    await dialog.getByLabel('Token de verificação do webhook').fill('verifica-vendas-123');
    await dialog.getByText('Avançado').click();
    await dialog.getByLabel('URL base da API').fill(graph.baseUrl);
    await dialog.getByRole('button', { name: 'Salvar' }).click();

    // What Meta's dashboard needs: the webhook URL and the verify token as typed, each with a copy button.
    const setup = admin.getByRole('dialog', { name: 'Configure o webhook na Meta' });
    await expect(setup.getByRole('status').first()).toHaveText('Canal “WhatsApp Vendas” salvo.');
    const webhookUrl = setup.getByLabel('URL de retorno (webhook)');
    await expect(webhookUrl).toHaveValue(new RegExp(`^${PUBLIC_URL.replace(/\./g, '\\.')}/channels/whatsapp/[A-Za-z0-9]+/webhook$`));
    await expect(setup.getByLabel('Token de verificação')).toHaveValue('verifica-vendas-123');
    await setup.getByRole('button', { name: /^Copiar\s+URL de retorno/ }).click();
    await expect(setup.getByText('Copiado')).toBeVisible();
    expect(await admin.evaluate(() => navigator.clipboard.readText())).toBe(await webhookUrl.inputValue());
    await expectNoAxeViolations(admin, 'the webhook set-up step');
    await setup.getByRole('button', { name: 'Concluir' }).click();
    await expect(setup).toHaveCount(0);

    const row = list.getByRole('row', { name: /WhatsApp Vendas/ });
    await expect(row).toContainText('Comercial');
    await expect(row).toContainText('Ativo');
    const detail = admin.getByRole('region', { name: 'WhatsApp Vendas' });
    await expect(detail).toBeVisible();

    // "Testar conexão": the server asks the fake Graph with the stored token.
    await detail.getByRole('button', { name: 'Testar conexão' }).click();
    await expect(detail.getByRole('status').filter({ hasText: 'Conectado' })).toContainText('Loja Vendas');

    // R-WA-08: every status of the WABA's templates, in words, with the rejection's reason.
    await detail.getByRole('button', { name: 'Sincronizar templates' }).click();
    const templates = detail.getByRole('table', { name: 'Templates de WhatsApp Vendas' });
    await expect(detail.getByRole('status').filter({ hasText: 'Templates sincronizados' })).toBeVisible();
    await expect(templates.getByRole('row', { name: /boas_vindas/ })).toContainText('Aprovado');
    await expect(templates.getByRole('row', { name: /lembrete_pagamento/ })).toContainText('Em análise');
    await expect(templates.getByRole('row', { name: /promocao_relampago/ })).toContainText(/Rejeitado.*Motivo: PROMOTIONAL/);
    await expect(templates.getByRole('row', { name: /oferta_antiga/ })).toContainText('Pausado');
    await expectNoAxeViolations(admin, 'a WhatsApp number with its templates');

    // An edit shows secrets as set, never their value; left empty they are kept (the test still connects).
    await detail.getByRole('button', { name: 'Editar' }).click();
    const edit = admin.getByRole('dialog', { name: 'Editar WhatsApp Vendas' });
    await expect(edit.getByLabel('Token de acesso')).toHaveValue('');
    await expect(edit.getByLabel('Token de acesso')).toHaveAccessibleDescription('Definido. Deixe em branco para manter.');
    await edit.getByLabel('Nome', { exact: true }).fill('WhatsApp Vendas SP');
    await edit.getByRole('button', { name: 'Salvar' }).click();
    const again = admin.getByRole('dialog', { name: 'Configure o webhook na Meta' });
    await expect(again.getByText('O token de verificação já definido continua valendo')).toBeVisible();
    await again.getByRole('button', { name: 'Concluir' }).click();
    const renamed = admin.getByRole('region', { name: 'WhatsApp Vendas SP' });
    await renamed.getByRole('button', { name: 'Testar conexão' }).click();
    await expect(renamed.getByRole('status').filter({ hasText: 'Conectado' })).toBeVisible();

    await renamed.getByRole('button', { name: 'Desativar' }).click();
    await admin.getByRole('dialog', { name: 'Desativar WhatsApp Vendas SP?' }).getByRole('button', { name: 'Desativar' }).click();
    await expect(list.getByRole('row', { name: /WhatsApp Vendas SP/ })).toContainText('Desativado');
    await expect(renamed.getByRole('button', { name: 'Ativar' })).toBeVisible();

    // The way back to the workstation.
    await admin.getByRole('link', { name: 'Voltar ao atendimento' }).click();
    await expect(admin.getByRole('tab', { name: /Em espera/ })).toBeVisible();
  } finally {
    await server.dispose();
    await graph.stop();
  }
});

test('R-CH-03 an agent has no Administração entry and #/admin/channels leads home without the screen ever showing', async ({ server, newContext }) => {
  const ana = await signedIn(newContext, server, 'ana@demo.local');
  await openProfileMenu(ana, 'Ana');
  await expect(ana.getByRole('menuitem', { name: 'Administração' })).toHaveCount(0);
  await ana.keyboard.press('Escape');

  // Any admin markup rendered at any moment is recorded, so a flash before the redirect fails too;
  // a fresh load of the address (not a same-document hash change) so the recorder runs first.
  await ana.goto('about:blank');
  await ana.addInitScript(() => {
    const seen = () => {
      if (document.querySelector('[data-section]')) (window as unknown as { adminShown: boolean }).adminShown = true;
    };
    new MutationObserver(seen).observe(document, { childList: true, subtree: true });
  });
  await ana.goto(`${server.url}/#/admin/channels`);
  await expect(ana.getByRole('tab', { name: /Em espera/ })).toBeVisible();
  await expect(ana).toHaveURL(/#\/$/);
  // Typed into the address bar of the running app: the same.
  await ana.evaluate(() => (window.location.hash = '#/admin/channels'));
  await expect(ana).toHaveURL(/#\/$/);
  await expect(ana.getByRole('heading', { name: 'Canais' })).toHaveCount(0);
  expect(await ana.evaluate(() => (window as unknown as { adminShown?: boolean }).adminShown ?? false)).toBe(false);
});

test('R-CH-03 R-RT-01 a supervisor opens the admin area with only the sections about their teams, and #/admin/channels leads to Equipes', async ({ server, newContext }) => {
  const carla = await signedIn(newContext, server, 'carla@demo.local');
  await openProfileMenu(carla, 'Carla');
  await carla.getByRole('menuitem', { name: 'Administração' }).click();
  await expect(carla).toHaveURL(/#\/admin\/teams$/);
  const sections = carla.getByRole('navigation', { name: 'Seções da administração' }).getByRole('link');
  await expect(sections).toHaveText(['Equipes', 'Horários', 'Fluxos (chatbot)', 'Mensagens predefinidas', 'Tabulações']);
  await carla.evaluate(() => (window.location.hash = '#/admin/channels'));
  await expect(carla).toHaveURL(/#\/admin\/teams$/);
  await expect(carla.getByRole('heading', { level: 1, name: 'Equipes' })).toBeVisible();
  await expect(carla.getByRole('heading', { name: 'Canais' })).toHaveCount(0);
});

test('R-CH-03 without ATENDE_PUBLIC_URL the admin still sees each webhook address, labelled local, with the warning that Meta cannot reach it', async ({ server, newContext }) => {
  const admin = await signedIn(newContext, server, 'admin@demo.local');
  await admin.goto(`${server.url}/#/admin/channels`);
  const list = admin.getByRole('table', { name: 'Contas de canal' });
  const local = `${server.url}/channels/whatsapp/demo-whatsapp/webhook`;
  // The list: this server's own address, greyed, with the hint instead of "Sem URL".
  const row = list.getByRole('row', { name: /WhatsApp \(simulador\)/ });
  await expect(row).toContainText(local);
  await expect(row).toContainText('Endereço local: defina ATENDE_PUBLIC_URL para a Meta alcançar');
  await expect(list).not.toContainText('Sem URL');

  await row.getByRole('button', { name: 'WhatsApp (simulador)' }).click();
  const detail = admin.getByRole('region', { name: 'WhatsApp (simulador)' });
  await expect(detail.getByLabel('URL de retorno neste servidor (endereço local)')).toHaveValue(local);
  await expect(detail.getByTestId('webhook-not-public')).toHaveText(/não tem endereço público \(ATENDE_PUBLIC_URL\)/);

  // The set-up step after saving a number: the address to paste is there, with the same warning.
  await admin.getByRole('button', { name: 'Adicionar canal' }).click();
  await admin.getByRole('menuitem', { name: 'WhatsApp' }).click();
  const dialog = admin.getByRole('dialog', { name: 'Adicionar número do WhatsApp' });
  await dialog.getByLabel('Nome', { exact: true }).fill('WhatsApp Local');
  await dialog.getByLabel('Equipe').selectOption({ label: 'Comercial' });
  await dialog.getByLabel('ID do número de telefone').fill(NUMBER.phoneNumberId);
  await dialog.getByLabel(/Número de telefone/).fill('5511933334444');
  await dialog.getByLabel('Token de acesso').fill(NUMBER.accessToken);
  await dialog.getByLabel('Chave secreta do app').fill(NUMBER.appSecret);
  await dialog.getByLabel('Token de verificação do webhook').fill('verifica-local');
  await dialog.getByRole('button', { name: 'Salvar' }).click();
  const setup = admin.getByRole('dialog', { name: 'Configure o webhook na Meta' });
  await expect(setup.getByLabel('URL de retorno neste servidor (endereço local)'))
    .toHaveValue(new RegExp(`^${server.url.replace(/\./g, '\\.')}/channels/whatsapp/[A-Za-z0-9]+/webhook$`));
  await expect(setup.getByTestId('webhook-not-public')).toBeVisible();
  await expect(setup.getByLabel('Token de verificação')).toHaveValue('verifica-local');
  await expectNoAxeViolations(admin, 'the webhook set-up step without a public address');
});
