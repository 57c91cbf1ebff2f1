import type { BrowserContext, Page } from '@playwright/test';
import { expectNoAxeViolations, useTheme } from './axe';
import { expect, ServerProcess, signIn, test } from './fixtures';

/**
 * issue 11 point 4, "Administração → Canais" for the new kinds (R-CH-04, R-CH-05): "Adicionar
 * canal" lets the admin choose the kind; an Instagram account shows the webhook URL and the verify
 * token the server generated, to paste in Meta's dashboard; a Telegram bot shows how the server's
 * registration with Telegram went (whatever the server answers: here its Bot API base is a closed
 * loopback port) and the bot's t.me link, with no token to copy.
 */

const PUBLIC_URL = 'https://atende.example.com';
const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function adminOnChannels(newContext: () => Promise<BrowserContext>, server: ServerProcess): Promise<Page> {
  const context: BrowserContext = await newContext();
  const page = await context.newPage();
  await page.setViewportSize({ width: 1366, height: 900 });
  await signIn(page, server, 'admin@demo.local');
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  await page.goto(`${server.url}/#/admin/channels`);
  await expect(page.getByRole('heading', { level: 1, name: 'Canais' })).toBeVisible();
  return page;
}

test('R-CH-05 an admin adds an Instagram account by keyboard, copies its webhook URL and the generated verify token, sees the HUMAN_AGENT switch kept, and disables it', async ({ newContext }) => {
  const server = await ServerProcess.launch({ ATENDE_PUBLIC_URL: PUBLIC_URL });
  try {
    const admin = await adminOnChannels(newContext, server);
    const add = admin.getByRole('button', { name: 'Adicionar canal' });

    // The kind is chosen from a menu, by keyboard; Esc leaves the form and focus comes back.
    await add.focus();
    await admin.keyboard.press('Enter');
    await expect(admin.getByRole('menuitem')).toHaveText(['WhatsApp', 'Telegram', 'Messenger', 'Instagram', 'Reclame Aqui']);
    await admin.keyboard.press('End');
    await expect(admin.getByRole('menuitem', { name: 'Reclame Aqui' })).toBeFocused();
    await admin.keyboard.press('ArrowUp');
    await expect(admin.getByRole('menuitem', { name: 'Instagram' })).toBeFocused();
    await admin.keyboard.press('Enter');
    const dialog = admin.getByRole('dialog', { name: 'Adicionar conta do Instagram' });
    await expect(dialog.getByLabel('Nome', { exact: true })).toBeFocused();
    await admin.keyboard.press('Enter');
    await expect(dialog.getByLabel('Nome', { exact: true })).toHaveAccessibleDescription('Preencha este campo.');
    await expect(dialog.getByLabel('ID da conta do Instagram')).toHaveAccessibleDescription(/Preencha este campo\./);
    await expect(dialog.getByLabel('Token de acesso da página')).toHaveAttribute('aria-invalid', 'true');
    // The verify token may stay empty: the server generates it.
    await expect(dialog.getByLabel('Token de verificação do webhook')).not.toHaveAttribute('aria-invalid', 'true');
    await expectNoAxeViolations(admin, 'the Instagram account form with problems');
    await admin.keyboard.press('Escape');
    await expect(dialog).toHaveCount(0);
    await expect(add).toBeFocused();

    await add.click();
    await admin.getByRole('menuitem', { name: 'Instagram' }).click();
    await dialog.getByLabel('Nome', { exact: true }).fill('Instagram da Loja');
    await dialog.getByLabel('Equipe').selectOption({ label: 'Comercial' });
    await dialog.getByLabel('ID da conta do Instagram').fill('17841400000000001');
    await dialog.getByLabel('ID da página do Facebook').fill('104000000000001');
    await dialog.getByLabel('Token de acesso da página').fill('EAAP-instagram-token');
    await dialog.getByLabel('Chave secreta do app').fill('segredo-do-app-instagram');
    const humanAgent = dialog.getByRole('switch', { name: 'Responder até 7 dias com a tag HUMAN_AGENT' });
    await expect(humanAgent).not.toBeChecked();
    await humanAgent.check();
    await dialog.getByRole('button', { name: 'Salvar' }).click();

    // What Meta's dashboard needs: the webhook URL and the verify token the server generated.
    const setup = admin.getByRole('dialog', { name: 'Configure o webhook na Meta' });
    await expect(setup.getByRole('status').first()).toHaveText('Canal “Instagram da Loja” salvo.');
    const webhookUrl = setup.getByLabel('URL de retorno (webhook)');
    await expect(webhookUrl).toHaveValue(new RegExp(`^${escaped(PUBLIC_URL)}/channels/instagram/[A-Za-z0-9]+/webhook$`));
    const verifyToken = setup.getByLabel('Token de verificação', { exact: true });
    await expect(verifyToken).toHaveValue(/^[A-Za-z0-9_.~-]{16,256}$/);
    const token = await verifyToken.inputValue();
    await setup.getByRole('button', { name: /^Copiar\s+Token de verificação/ }).click();
    expect(await admin.evaluate(() => navigator.clipboard.readText())).toBe(token);
    await expectNoAxeViolations(admin, 'the Instagram webhook set-up step');
    await setup.getByRole('button', { name: 'Concluir' }).click();
    await expect(setup).toHaveCount(0);

    // The list names the kind beside the account; the detail keeps the token to copy and the switch.
    const list = admin.getByRole('table', { name: 'Contas de canal' });
    const row = list.getByRole('row', { name: /Instagram da Loja/ });
    await expect(row).toContainText('Instagram');
    await expect(row).toContainText('Comercial');
    await expect(row).toContainText('Ativo');
    const detail = admin.getByRole('region', { name: 'Instagram da Loja' });
    await expect(detail.getByLabel('Token de verificação', { exact: true })).toHaveValue(token);
    await expect(detail).toContainText('Respostas até 7 dias com a tag HUMAN_AGENT: ligadas.');
    await useTheme(admin, 'dark');
    await expectNoAxeViolations(admin, 'an Instagram account in the dark theme');

    // Disabling asks first, by keyboard: Esc keeps the account on and focus on the button; then Tab to confirm.
    const disable = detail.getByRole('button', { name: 'Desativar' });
    await disable.focus();
    await admin.keyboard.press('Enter');
    const confirm = admin.getByRole('dialog', { name: 'Desativar Instagram da Loja?' });
    await expect(confirm.getByRole('button', { name: 'Cancelar' })).toBeFocused();
    await admin.keyboard.press('Escape');
    await expect(confirm).toBeHidden();
    await expect(row).toContainText('Ativo');
    await expect(disable).toBeFocused();
    await admin.keyboard.press('Enter');
    await expect(confirm.getByRole('button', { name: 'Cancelar' })).toBeFocused();
    await admin.keyboard.press('Tab');
    await expect(confirm.getByRole('button', { name: 'Desativar' })).toBeFocused();
    await admin.keyboard.press('Enter');
    await expect(confirm).toBeHidden();
    await expect(row).toContainText('Desativado');
    await expect(detail.getByRole('button', { name: 'Ativar' })).toBeVisible();
  } finally {
    await server.dispose();
  }
});

test('R-CH-04 an admin adds a Telegram bot and reads how the server’s registration with Telegram went, with the bot’s link and no token to copy; an edit keeps the token and the generated secret', async ({ newContext }) => {
  const server = await ServerProcess.launch({ ATENDE_PUBLIC_URL: PUBLIC_URL });
  try {
    const admin = await adminOnChannels(newContext, server);
    await admin.getByRole('button', { name: 'Adicionar canal' }).click();
    await admin.getByRole('menuitem', { name: 'Telegram' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Adicionar bot do Telegram' });
    await dialog.getByLabel('Nome', { exact: true }).fill('Bot da Loja');
    await dialog.getByLabel('Equipe').selectOption({ label: 'Comercial' });
    await dialog.getByLabel('Token do bot').fill('123456:ABC-token-do-bot-0123456789abcdef');
    await expect(dialog.getByLabel('Token secreto do webhook')).toHaveAccessibleDescription('Opcional: em branco, o Atende gera um.');
    await dialog.getByLabel('Nome de usuário do bot').fill('@loja_atende_bot');
    // A Bot API nobody answers on: the server's registration fails, and says so.
    await dialog.getByText('Avançado').click();
    await dialog.getByLabel('URL base da API').fill('http://127.0.0.1:9');
    await expectNoAxeViolations(admin, 'the Telegram bot form');
    const created = admin.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/api/admin/channels'));
    await dialog.getByRole('button', { name: 'Salvar' }).click();
    const answer = (await (await created).json()) as { connection?: { ok: boolean; message: string } };
    expect(answer.connection, 'a Telegram bot is connected on saving').toBeDefined();

    const setup = admin.getByRole('dialog', { name: 'Conecte o bot do Telegram' });
    const outcome = setup.getByRole('status').first();
    await expect(outcome).toContainText('Canal “Bot da Loja” salvo.');
    await expect(outcome).toContainText(answer.connection?.message ?? '');
    if (!answer.connection?.ok) await expect(outcome).toContainText('A conexão falhou:');
    await expect(setup.getByLabel('URL de retorno (webhook)')).toHaveValue(new RegExp(`^${escaped(PUBLIC_URL)}/channels/telegram/[A-Za-z0-9]+/webhook$`));
    await expect(setup.getByText('não há token para copiar')).toBeVisible();
    await expect(setup.getByLabel(/Token/)).toHaveCount(0);
    await expect(setup.getByRole('link', { name: /t\.me\/loja_atende_bot/ })).toHaveAttribute('href', 'https://t.me/loja_atende_bot');
    await expectNoAxeViolations(admin, 'the Telegram set-up step');
    await setup.getByRole('button', { name: 'Concluir' }).click();

    const detail = admin.getByRole('region', { name: 'Bot da Loja' });
    await expect(detail).toContainText('Telegram');
    await expect(detail.getByRole('link', { name: /t\.me\/loja_atende_bot/ })).toBeVisible();
    const tested = admin.waitForResponse((r) => r.url().endsWith('/test'));
    await detail.getByRole('button', { name: 'Testar conexão' }).click();
    const result = (await (await tested).json()) as { message: string };
    await expect(detail.getByRole('status').filter({ hasText: result.message })).toBeVisible();

    // Secrets are write-only: the bot token and the server's secret token are "Definido", empty, kept.
    await detail.getByRole('button', { name: 'Editar' }).click();
    const edit = admin.getByRole('dialog', { name: 'Editar Bot da Loja' });
    await expect(edit.getByLabel('Token do bot')).toHaveValue('');
    await expect(edit.getByLabel('Token do bot')).toHaveAccessibleDescription('Definido. Deixe em branco para manter.');
    await expect(edit.getByLabel('Token secreto do webhook')).toHaveAccessibleDescription('Definido. Deixe em branco para manter.');
    await expect(edit.getByLabel('Nome de usuário do bot')).toHaveValue('loja_atende_bot');
    await edit.getByRole('button', { name: 'Cancelar' }).click();
    await expect(edit).toHaveCount(0);
  } finally {
    await server.dispose();
  }
});
